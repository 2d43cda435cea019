"""What an existing SQLite file is, found out before anything is written to it.

A reader library carries two marks in its header: `PRAGMA application_id` = `APPLICATION_ID` and
`PRAGMA user_version` = the schema version (migration m010 sets both). A library made before the
marks is recognised by its migration records (set `reader` only, starting with `m001_initial`)
and the tables m001 made; it is marked when it is next opened for writing. A database with no
tables and no marks is new. Anything else belongs to another program and is never changed.

A library whose version or migration records are beyond what this reader knows was made by a
newer reader: it can be read, never written.

The file is inspected without being changed: its header is read as bytes, and a database in
write-ahead-log mode whose log is absent is opened `immutable`, which creates no `-wal` or
`-shm` file beside it (a plain read-only open would).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.store.errors import LibraryError
from reader.store.schema import APPLICATION_ID, SCHEMA_VERSION, known_migrations, migrations
from reader.text.i18n import Later, later
from reader.text.sanitize import sanitize_line

FIRST_MIGRATION = "m001_initial"
FIRST_TABLES = frozenset(
    {
        "categories",
        "category_ancestors",
        "scope_counts",
        "articles",
        "bodies",
        "article_scopes",
        "sources",
        "state",
    }
)
"""The tables m001 made: every reader library has them."""

_MAGIC = b"SQLite format 3\x00"
_SHOWN_NAMES = 6

Kind = Literal["new", "reader", "newer"]


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a file is: `new` (an empty database), `reader` or `newer` (a library of a later
    reader), with its schema version and whether it carries the marks."""

    kind: Kind
    version: int = 0
    marked: bool = False


def newer_message(shown: str, version: int) -> str:
    """One line for a library made by a newer reader, opened read-only."""
    made = f"version {version}" if version > SCHEMA_VERSION else "newer migrations"
    return (
        f"{shown} was made by a newer reader (library {made}; this reader knows up to "
        f"version {SCHEMA_VERSION}), so it is opened read-only; upgrade reader to change it"
    )


def newer_refusal(shown: str) -> Later:
    """One line for a write asked of a library made by a newer reader."""
    return later(
        "{path} was made by a newer reader; this one can read it but not change it, and "
        "nothing was changed (upgrade reader)",
        path=shown,
    )


def classify(conn: sqlite3.Connection, shown: str) -> FileKind:
    """What the database behind `conn` is; raises `LibraryError` for another program's file.

    Only reads.
    """
    known = known_migrations()
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        )
    ]
    if app_id == APPLICATION_ID:
        unknown = (_migrations(conn, names) or set()) - known
        newer = version > SCHEMA_VERSION or bool(unknown)
        return FileKind("newer" if newer else "reader", version, marked=True)
    if app_id == 0 and version == 0 and not names:
        return FileKind("new")
    if app_id == 0 and version == 0 and set(names) >= FIRST_TABLES:
        applied = _migrations(conn, names, sets=True)
        if applied is not None and FIRST_MIGRATION in applied:
            newer = bool(applied - known)
            return FileKind("newer" if newer else "reader", version, marked=False)
    raise LibraryError(foreign_message(shown, names, app_id, version))


def _migrations(
    conn: sqlite3.Connection, names: list[str], *, sets: bool = False
) -> set[str] | None:
    """The reader migrations recorded in the file. With `sets`, None when the record table is
    missing or holds another migration set (the file of another sqlite-utils application)."""
    if "_sqlite_migrations" not in names:
        return None if sets else set()
    try:
        rows = conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
    except sqlite3.OperationalError:  # a table of that name, but not sqlite-utils' shape
        return None if sets else set()
    if sets and any(row[0] != migrations.name for row in rows):
        return None
    return {row[1] for row in rows if row[0] == migrations.name}


def foreign_message(shown: str, names: list[str], app_id: int, version: int) -> Later:
    """One line saying that the file belongs to another program and was left as it was."""
    if names:
        listed = ", ".join(sanitize_line(n) or "?" for n in names[:_SHOWN_NAMES])
        more = len(names) - _SHOWN_NAMES
        what = f"tables: {listed}" + (f" and {more} more" if more > 0 else "")
    else:
        what = "no tables"
    if app_id:
        what += f"; application id {app_id & 0xFFFFFFFF:#010x}"
    elif version:
        what += f"; user version {version}"
    return later(
        "{path} is an SQLite database of another program ({what}); nothing was changed",
        path=shown,
        what=what,
    )


def header(path: Path) -> bytes:
    """The first 100 bytes of the file (the SQLite header), or fewer if it is shorter."""
    with path.open("rb") as file:
        return file.read(100)


def header_kind(data: bytes) -> FileKind | None:
    """The identity a marked library's header alone shows, or None when the header is not
    a reader library's (then the file must be inspected through SQLite)."""
    if len(data) < 100 or not data.startswith(_MAGIC):
        return None
    app_id = int.from_bytes(data[68:72], "big", signed=True)
    if app_id != APPLICATION_ID:
        return None
    version = int.from_bytes(data[60:64], "big", signed=True)
    return FileKind("newer" if version > SCHEMA_VERSION else "reader", version, marked=True)


def in_wal_mode(data: bytes) -> bool:
    """True when the header says the database uses a write-ahead log."""
    return len(data) >= 20 and data.startswith(_MAGIC) and data[18] == 2 and data[19] == 2
