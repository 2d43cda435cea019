"""Full-text search over titles and bodies: the index, kept in step with writes, and queries.

Two contentless FTS5 tables (`detail=none`: they store only which documents hold a term) index
the terms of `search_query.index_terms`: `search_index` for title and body, `search_titles` for
titles alone. Their rowid, the *docid*, is the article's publication day (since 1900) shifted left
20 bits plus a counter within the day, so FTS5's own `ORDER BY rowid DESC` walks hits newest day
first and docids stay close together (small index). Hits of one day are put in exact
(`published`, id) order after reading them, so results are in true newest-first order while the
first page of even a very common term costs about a page's worth of work. `search_docs` maps each
article to its docid.

A contentless table forgets a document only given the terms it was indexed with, so an article
must be unindexed *before* its title, body or publication time change (`Library` does this in the
same write transaction) and indexed again afterwards.

FTS5 (SQLite 3.40) writes its pending terms to disk at every statement savepoint, which an
`INSERT INTO articles` with triggers opens: indexing each article as it is saved would write one
tiny segment per article. Inside `deferred(conn)` the FTS5 inserts wait for the end of the block
and are then written in ascending docid order, as FTS5 needs for one large segment.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reader.store.errors import LibraryError
from reader.store.search_query import Query, index_terms, match_expression, parse_query, snippet

Order = Literal["newest", "best"]
ORDERS: tuple[Order, ...] = ("newest", "best")

DAY_BITS = 20
"""Up to 2**20 articles a day: room for any real library, and docids close enough together."""
_PER_DAY = 1 << DAY_BITS
_FIRST_DAY = date(1900, 1, 1).toordinal()
_FIRST_BATCH = 64
_MAX_BATCH = 2_048
_HASH_BYTES = 128_000_000
"""FTS5 keeps this much pending index in memory before writing a segment (default 1 MB)."""

TABLES_SQL = """
CREATE VIRTUAL TABLE search_index USING fts5(
    terms, content='', detail=none, columnsize=0, tokenize='ascii'
);
CREATE VIRTUAL TABLE search_titles USING fts5(
    terms, content='', detail=none, columnsize=0, tokenize='ascii'
);
CREATE TABLE search_docs (
    article_id INTEGER PRIMARY KEY,
    docid INTEGER NOT NULL
);
CREATE UNIQUE INDEX search_docs_docid ON search_docs (docid);
"""
"""The search tables (created by migration m002)."""

INDEX_ON_UPGRADE = 5_000
"""An upgraded library with at most this many articles is indexed during the upgrade."""

_STALE_KEY = "search.stale"

_pending: dict[int, dict[int, tuple[str, str]]] = {}
"""Per connection (by id) inside `deferred`: docid -> (all terms, title terms) not yet written."""


@dataclass(frozen=True, slots=True)
class RawHit:
    """One verified result before the store turns it into a `SearchHit`."""

    article_id: int
    published: str
    tier: int
    snippet: str
    spans: tuple[tuple[int, int], ...]
    in_title: bool


def configure(conn: sqlite3.Connection) -> None:
    """Set the FTS5 options of the search tables (kept in the tables themselves)."""
    for table in ("search_index", "search_titles"):
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (_HASH_BYTES,))


def day_of(published: str) -> int:
    """The publication day of an ISO time, counted from 1900-01-01 (earlier days count as 0)."""
    try:
        return max(0, date.fromisoformat(published[:10]).toordinal() - _FIRST_DAY)
    except ValueError:
        return 0


def _next_docid(conn: sqlite3.Connection, day: int) -> int:
    base = day << DAY_BITS
    top = conn.execute(
        "SELECT max(docid) FROM search_docs WHERE docid >= ? AND docid < ?",
        (base, base + _PER_DAY),
    ).fetchone()[0]
    key = base if top is None else top + 1
    if key >= base + _PER_DAY:
        raise LibraryError("more than a million articles share one date; the index cannot hold it")
    return key


@contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a write transaction: hold back FTS5 inserts until the block ends, then write them.

    On an error nothing is written (the caller's transaction rolls back the rest).
    """
    if id(conn) in _pending:  # nested: the outer block writes
        yield
        return
    _pending[id(conn)] = {}
    try:
        yield
        waiting = _pending[id(conn)]
        _write(conn, [(key, terms, title) for key, (terms, title) in waiting.items()])
    finally:
        del _pending[id(conn)]


def _write(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
    # FTS5 writes out its pending terms whenever a rowid is lower than the one before, so rows go
    # in ascending docid order: an import writes one segment per transaction, not one per article.
    rows.sort()
    conn.executemany(
        "INSERT INTO search_index (rowid, terms) VALUES (?, ?)", [(k, t) for k, t, _ in rows]
    )
    conn.executemany(
        "INSERT INTO search_titles (rowid, terms) VALUES (?, ?)", [(k, t) for k, _, t in rows]
    )


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str) -> None:
    """Add an article to the search index, inside the caller's write transaction.

    Reads the article's publication time from `articles`. An article already indexed is first
    removed, which is right only while its stored text is still the text it was indexed with.
    """
    row = conn.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return
    unindex_article(conn, article_id)
    key = _next_docid(conn, day_of(row[0]))
    conn.execute("INSERT INTO search_docs (article_id, docid) VALUES (?, ?)", (article_id, key))
    title_terms = index_terms(title)
    terms = title_terms + " " + index_terms(body)
    waiting = _pending.get(id(conn))
    if waiting is not None:
        waiting[key] = (terms, title_terms)
    else:
        _write(conn, [(key, terms, title_terms)])


def index_stored(conn: sqlite3.Connection, article_id: int) -> None:
    """Index an article from its stored title and body (inside the caller's transaction)."""
    row = conn.execute(
        "SELECT a.title, b.body FROM articles a LEFT JOIN bodies b ON b.id = a.id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is not None:
        index_article(conn, article_id, row[0], row[1] or "")


def unindex_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Remove an article from the search index; call it before the article's text changes."""
    found = conn.execute(
        "SELECT d.docid, a.title, b.body FROM search_docs d"
        " LEFT JOIN articles a ON a.id = d.article_id LEFT JOIN bodies b ON b.id = d.article_id"
        " WHERE d.article_id = ?",
        (article_id,),
    ).fetchone()
    if found is None:
        return
    key = found[0]
    conn.execute("DELETE FROM search_docs WHERE article_id = ?", (article_id,))
    waiting = _pending.get(id(conn))
    if waiting is not None and key in waiting:
        del waiting[key]  # indexed earlier in this block: never written
        return
    title_terms = index_terms(found[1] or "")
    conn.execute(
        "INSERT INTO search_index (search_index, rowid, terms) VALUES ('delete', ?, ?)",
        (key, title_terms + " " + index_terms(found[2] or "")),
    )
    conn.execute(
        "INSERT INTO search_titles (search_titles, rowid, terms) VALUES ('delete', ?, ?)",
        (key, title_terms),
    )


def rebuild(
    conn: sqlite3.Connection,
    *,
    batch: int = 1_000,
    progress: Callable[[int], None] | None = None,
    optimize: bool = True,
) -> int:
    """Index every article afresh, inside the caller's write transaction; return how many.

    Articles are read oldest first, so docids come in ascending order and within a day follow
    (published, id). `optimize` merges the index into one segment at the end.
    """
    conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
    conn.execute("INSERT INTO search_titles (search_titles) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_docs")
    configure(conn)
    counters: dict[int, int] = {}
    count = 0
    last: tuple[str, int] = ("", 0)
    while True:
        rows = conn.execute(
            "SELECT s.article_id, s.published, a.title, b.body FROM article_scopes s"
            " JOIN articles a ON a.id = s.article_id LEFT JOIN bodies b ON b.id = s.article_id"
            " WHERE s.scope_id = 0 AND (s.published, s.article_id) > (?, ?)"
            " ORDER BY s.published, s.article_id LIMIT ?",
            (*last, batch),
        ).fetchall()
        if not rows:
            break
        docs, writes = [], []
        for article_id, published, title, body in rows:
            day = day_of(published)
            n = counters.get(day, 0)
            if n >= _PER_DAY:
                raise LibraryError("more than a million articles share one date")
            counters[day] = n + 1
            key = day << DAY_BITS | n
            title_terms = index_terms(title)
            docs.append((article_id, key))
            writes.append((key, title_terms + " " + index_terms(body or ""), title_terms))
        conn.executemany("INSERT INTO search_docs (article_id, docid) VALUES (?, ?)", docs)
        _write(conn, writes)
        count += len(rows)
        last = (rows[-1][1], rows[-1][0])
        if progress is not None:
            progress(count)
    conn.execute("DELETE FROM state WHERE key = ?", (_STALE_KEY,))
    if optimize:
        conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        conn.execute("INSERT INTO search_titles (search_titles) VALUES ('optimize')")
    return count


def fill_or_mark_stale(conn: sqlite3.Connection) -> None:
    """Index the stored articles now if there are few, else mark the index as needing a rebuild."""
    many = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles LIMIT ?)", (INDEX_ON_UPGRADE + 1,)
    ).fetchone()[0]
    if many > INDEX_ON_UPGRADE:
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, 'true')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_STALE_KEY,),
        )
    else:
        rebuild(conn, optimize=False)


def check_ready(conn: sqlite3.Connection) -> None:
    """Raise `SearchIndexStale` if the index is still to be built (see `fill_or_mark_stale`)."""
    if conn.execute("SELECT 1 FROM state WHERE key = ?", (_STALE_KEY,)).fetchone():
        raise SearchIndexStale(
            "this library's search index has not been built yet; run `reader reindex` once"
        )


class SearchIndexStale(LibraryError):
    """The library was upgraded and its search index must be built with `reader reindex`."""


def _candidates(
    conn: sqlite3.Connection, table: str, match: str, scope: int, below: int | None
) -> Iterator[list[tuple[int, int]]]:
    """(docid, article id) of documents matching `match`, newest day first, in growing batches."""
    where = [f"{table} MATCH ?"]
    params: list[object] = [match]
    if below is not None:
        where.append(f"{table}.rowid < ?")
        params.append(below)
    if scope:
        where.append(
            "EXISTS (SELECT 1 FROM article_scopes s"
            " WHERE s.scope_id = ? AND s.article_id = d.article_id)"
        )
        params.append(scope)
    cursor = conn.execute(
        f"SELECT {table}.rowid, d.article_id FROM {table}"
        f" JOIN search_docs d ON d.docid = {table}.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY {table}.rowid DESC",
        params,
    )
    size = _FIRST_BATCH
    try:
        while rows := cursor.fetchmany(size):
            yield rows
            size = min(_MAX_BATCH, size * 2)
    finally:
        cursor.close()


def _texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT a.id, a.title, b.body, a.published FROM articles a"
        f" LEFT JOIN bodies b ON b.id = a.id WHERE a.id IN ({marks})",
        ids,
    ).fetchall()
    return {r[0]: (r[1], r[2] or "", r[3]) for r in rows}


@dataclass(slots=True)
class _Found:
    article_id: int
    published: str
    title: str
    body: str
    tier: int
    in_title: bool


def _tier_hits(
    conn: sqlite3.Connection,
    query: Query,
    match: str,
    scope: int,
    tier: int,
    order: Order,
    after: tuple[str, int] | None,
    need: int,
) -> list[_Found]:
    """At least `need` hits of one tier in exact newest-first order (all, if fewer exist).

    Candidates come newest day first; after `need` hits the rest of the last hit's day is read
    too, so sorting by (published, id) gives the true order.
    """
    table = "search_titles" if tier == 0 else "search_index"
    below = ((day_of(after[0]) + 1) << DAY_BITS) if after is not None else None
    found: list[_Found] = []
    last_day: int | None = None
    for batch in _candidates(conn, table, match, scope, below):
        texts = _texts(conn, [article_id for _, article_id in batch])
        for key, article_id in batch:
            if last_day is not None and key >> DAY_BITS != last_day:
                return _sorted(found)
            text = texts.get(article_id)
            if text is None or not query.matches(text[0], text[1]):
                continue
            if after is not None and (text[2], article_id) >= after:
                continue
            in_title = query.in_title(text[0])
            if order == "best" and (tier == 1) == in_title:
                continue  # title tier: titles holding every word; body tier: the others
            found.append(_Found(article_id, text[2], text[0], text[1], tier, in_title))
            if len(found) >= need and last_day is None:
                last_day = key >> DAY_BITS
    return _sorted(found)


def _sorted(found: list[_Found]) -> list[_Found]:
    return sorted(found, key=lambda f: (f.published, f.article_id), reverse=True)


def search_page(
    conn: sqlite3.Connection,
    text: str,
    scope: int = 0,
    *,
    order: Order = "newest",
    limit: int = 50,
    after: tuple[int, str, int] | None = None,
    offset: int = 0,
) -> list[RawHit]:
    """One page of results for what the user typed, as `RawHit`s in result order.

    `order` is `newest` (publication time, newest first) or `best` (articles whose title holds
    every wanted word first, then the others; newest first within each). `after` is the
    (tier, published, id) of the previous page's last hit; `offset` skips results (O(offset)).
    Raises `SearchQueryError` when the query has nothing to search for.
    """
    if order not in ORDERS:
        raise LibraryError(f"unknown search order {order!r} (use newest or best)")
    query = parse_query(text)
    check_ready(conn)
    match = match_expression(query)
    if match is None or limit <= 0:
        return []
    need = limit + max(0, offset)
    found: list[_Found] = []
    for tier in (0, 1) if order == "best" else (1,):
        if after is not None and tier < after[0]:
            continue
        resume = (after[1], after[2]) if after is not None and tier == after[0] else None
        found += _tier_hits(conn, query, match, scope, tier, order, resume, need - len(found))
        if len(found) >= need:
            break
    hits = []
    for f in found[max(0, offset) : need]:
        excerpt, spans = snippet(f.title, f.body, query)
        hits.append(RawHit(f.article_id, f.published, f.tier, excerpt, spans, f.in_title))
    return hits


def indexed_ids(conn: sqlite3.Connection) -> set[int]:
    """The ids of the articles the search index holds (to check it against `articles`)."""
    return {row[0] for row in conn.execute("SELECT article_id FROM search_docs")}
