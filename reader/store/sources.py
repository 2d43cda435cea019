"""Where a library's articles came from: feeds, fetched pages and saved files.

A row per source location, so `refresh` can re-fetch the feeds (with their ETag and Last-Modified)
into the categories they were first imported to, and a doubtful decoding can be redone from the
raw bytes kept for fetched and non-UTF-8 sources.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from reader.text.sanitize import sanitize_line


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One recorded source (the raw bytes are not loaded in listings)."""

    id: int
    location: str
    kind: str
    category_id: int | None
    title: str
    etag: str | None
    last_modified: str | None
    encoding: str | None
    warning: str | None
    fetched_at: str | None
    """When it was last read successfully."""
    checked_at: str | None = None
    """When it was last tried (a refresh that failed too)."""
    last_error: str | None = None
    """Why the last try failed, or None if it worked."""
    articles: int = 0
    """How many articles of the library came from it."""


_COLUMNS = (
    "id, location, kind, category_id, title, etag, last_modified, encoding, warning, fetched_at,"
    " checked_at, last_error, (SELECT count(*) FROM articles a WHERE a.source = sources.location)"
)


def upsert(
    conn: sqlite3.Connection,
    *,
    location: str,
    kind: str,
    category_id: int | None,
    title: str,
    etag: str | None,
    last_modified: str | None,
    encoding: str | None,
    warning: str | None,
    fetched_at: str,
    raw: bytes | None,
) -> int:
    """Insert or update the row for `location`; return its id.

    A source already filed in a category stays there (importing it again under another
    category moves neither it nor its articles; only an explicit move does)."""
    row = conn.execute(
        "INSERT INTO sources (location, kind, category_id, title, etag, last_modified, encoding,"
        " warning, fetched_at, raw, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (location) DO UPDATE SET kind = excluded.kind,"
        " category_id = ifnull(sources.category_id, excluded.category_id),"
        " title = excluded.title, etag = excluded.etag,"
        " last_modified = excluded.last_modified, encoding = excluded.encoding,"
        " warning = excluded.warning, fetched_at = excluded.fetched_at, raw = excluded.raw,"
        " checked_at = excluded.fetched_at, last_error = NULL"
        " RETURNING id",
        (
            location,
            kind,
            category_id,
            sanitize_line(title),
            etag,
            last_modified,
            encoding,
            warning,
            fetched_at,
            raw,
            fetched_at,
        ),
    ).fetchone()
    return int(row[0])


def listing(
    conn: sqlite3.Connection, *, kinds: Sequence[str] = (), under: int | None = None
) -> list[SourceRecord]:
    """Recorded sources, oldest first; only `kinds` if given, only inside category `under`."""
    where: list[str] = []
    params: list[object] = []
    if kinds:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        params += list(kinds)
    if under is not None:
        where.append(
            "category_id IN (SELECT category_id FROM category_ancestors WHERE ancestor_id = ?)"
        )
        params.append(under)
    sql = f"SELECT {_COLUMNS} FROM sources"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY id", params).fetchall()
    return [SourceRecord(*row) for row in rows]


def raw_bytes(conn: sqlite3.Connection, location: str) -> bytes | None:
    """The raw bytes kept for a source, if any."""
    row = conn.execute("SELECT raw FROM sources WHERE location = ?", (location,)).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def note_check(conn: sqlite3.Connection, location: str, error: str | None, now: str) -> None:
    """Record that the source at `location` (if recorded) was just tried, and how it went."""
    conn.execute(
        "UPDATE sources SET checked_at = ?, last_error = ? WHERE location = ?",
        (now, sanitize_line(error) if error else None, location),
    )


def find(conn: sqlite3.Connection, location_or_id: str) -> SourceRecord | None:
    """A recorded source by its address (as recorded) or its id."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM sources WHERE location = ?", (location_or_id,))
    found = row.fetchone()
    if found is None and location_or_id.isdigit():
        found = conn.execute(
            f"SELECT {_COLUMNS} FROM sources WHERE id = ?", (int(location_or_id),)
        ).fetchone()
    return SourceRecord(*found) if found else None
