"""Reader identities: whose read marks, stars, positions and UI state a library shows.

One library can serve a team (over SSH, each key forcing `reader --user NAME`); articles,
categories, subscriptions and the view counter are shared, the rest is personal. The identity is
`--user NAME`, else `$READER_USER`, else the login name.
"""

from __future__ import annotations

import getpass
import os
import sqlite3

from reader.store.errors import LibraryError
from reader.text.sanitize import sanitize_line

MAX_NAME = 64
"""The longest identity name accepted, in characters."""

NOBODY = 0
"""The reader id of an identity that has not written anything yet: it owns no row anywhere."""


class BadIdentity(LibraryError):
    """A reader identity that cannot be used; the message says why."""


def default_user() -> str:
    """The identity used when none is given: `$READER_USER`, else the login name."""
    name = os.environ.get("READER_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "reader"


def clean_user(name: str) -> str:
    """`name` checked to be fit for an identity: printable, one line, at most `MAX_NAME` long."""
    cleaned = sanitize_line(name)
    if not cleaned or cleaned != name.strip() or len(cleaned) > MAX_NAME:
        raise BadIdentity(
            f"not a usable reader name: {cleaned[:MAX_NAME]!r} "
            f"(give 1 to {MAX_NAME} printable characters)"
        )
    return cleaned


def find(conn: sqlite3.Connection, name: str) -> int:
    """The id of the reader called `name`, or `NOBODY` if they have no row yet."""
    row = conn.execute("SELECT id FROM readers WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else NOBODY


def ensure(conn: sqlite3.Connection, name: str) -> int:
    """The id of the reader called `name`, made if needed (inside the caller's write)."""
    found = find(conn, name)
    if found != NOBODY:
        return found
    made = conn.execute("INSERT INTO readers (name) VALUES (?)", (name,)).lastrowid
    assert made is not None
    return made
