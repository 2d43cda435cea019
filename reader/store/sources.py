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


_COLUMNS = (
    "id, location, kind, category_id, title, etag, last_modified, encoding, warning, fetched_at"
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
        " warning, fetched_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (location) DO UPDATE SET kind = excluded.kind,"
        " category_id = ifnull(sources.category_id, excluded.category_id),"
        " title = excluded.title, etag = excluded.etag,"
        " last_modified = excluded.last_modified, encoding = excluded.encoding,"
        " warning = excluded.warning, fetched_at = excluded.fetched_at, raw = excluded.raw"
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
