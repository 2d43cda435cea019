"""The search index over titles and bodies, kept in step with writes (queries: `search_results`).

Two contentless FTS5 tables (`detail=none`: they store only which documents hold a term) index
the terms of `reader.text.query.index_terms`: `search_index` for title and body, `search_titles` for
titles alone. Their rowid, the *docid*, is the article's publication day (since 1900) shifted
left `DAY_BITS` bits plus a counter within the day, so FTS5's own `ORDER BY rowid DESC` walks
hits newest day first and docids stay close together (small index). Hits are put in exact
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from reader.store.errors import LibraryError
from reader.text.query import article_terms

DAY_BITS = 12
"""Room for 4,096 articles a day: docids of a large library are nearly consecutive, which keeps
the index small and fast to write. An article of a full day takes a docid above every other: any
docid at or above its day's start keeps results exact (`search_results` only stops reading
candidates below the day of its last hit), but then the next page reads from the top again."""
_PER_DAY = 1 << DAY_BITS
_FIRST_DAY = date(1900, 1, 1).toordinal()
_HASH_BYTES = 128_000_000
"""FTS5 keeps this much pending index in memory before writing a segment (default 1 MB)."""
BLOCK_CHARS = 48_000_000
"""A `deferred` block writes what it holds once its terms reach this many characters (about 96 MB
of Chinese text, some 5,000 articles of a few KB): an import's memory stays bounded however large
a source is, while each write is still one large segment."""
_AUTOMERGE = 16
"""FTS5 merges a level's segments into one once it holds this many (default 4, at most 16). Each
import writes one segment; merging 16 at a time copies each entry about half as often as merging
4 (a million articles in 10,000s: 2 levels instead of 4), for about as many segments to read."""

INDEX_ON_UPGRADE = 5_000
"""An upgraded library with at most this many articles is indexed during the upgrade."""

STALE_KEY = "search.stale"
"""Set in `state` while an upgraded library's index waits for `reader reindex`."""
DISPLACED_KEY = "search.displaced"
"""Set in `state` once some article's docid lies beyond its own day's range (see `DAY_BITS`)."""


class _Block:
    """What a `deferred` block holds back: terms by docid (and how many characters of them), and
    the next free docid of each day."""

    __slots__ = ("next_docid", "size", "waiting")

    def __init__(self) -> None:
        self.waiting: dict[int, tuple[str, str]] = {}
        self.size = 0
        self.next_docid: dict[int, int] = {}

    def write(self, conn: sqlite3.Connection) -> None:
        """Write what the block holds (in the caller's transaction) and forget it."""
        _write(conn, [(key, terms, title) for key, (terms, title) in self.waiting.items()])
        self.waiting.clear()
        self.size = 0


_blocks: dict[int, _Block] = {}
"""The open `deferred` block of each connection (by id)."""


def configure(conn: sqlite3.Connection) -> None:
    """Set the FTS5 options of the search tables (kept in the tables themselves)."""
    for table in ("search_index", "search_titles"):
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", (_HASH_BYTES,))
        conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', ?)", (_AUTOMERGE,))


def day_of(published: str) -> int:
    """The publication day of an ISO time, counted from 1900-01-01 (earlier days count as 0)."""
    try:
        return max(0, date.fromisoformat(published[:10]).toordinal() - _FIRST_DAY)
    except ValueError:
        return 0


def _next_docid(conn: sqlite3.Connection, day: int) -> int:
    block = _blocks.get(id(conn))
    key = block.next_docid.get(day) if block is not None else None
    base = day << DAY_BITS
    if key is None:
        top = conn.execute(
            "SELECT max(docid) FROM search_docs WHERE docid >= ? AND docid < ?",
            (base, base + _PER_DAY),
        ).fetchone()[0]
        key = base if top is None else top + 1
    if key >= base + _PER_DAY:
        # The day is full: any free docid above its start keeps results exact; above all is free.
        _set_flag(conn, DISPLACED_KEY, True)
        key = conn.execute("SELECT max(docid) + 1 FROM search_docs").fetchone()[0]
    elif block is not None:
        block.next_docid[day] = key + 1
    return key


def _set_flag(conn: sqlite3.Connection, key: str, on: bool) -> None:
    if on:
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, 'true')"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key,),
        )
    else:
        conn.execute("DELETE FROM state WHERE key = ?", (key,))


def has_flag(conn: sqlite3.Connection, key: str) -> bool:
    """True if the search flag `key` (`STALE_KEY`, `DISPLACED_KEY`) is set."""
    return conn.execute("SELECT 1 FROM state WHERE key = ?", (key,)).fetchone() is not None


@contextmanager
def deferred(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a write transaction: hold back FTS5 inserts until the block ends, then write them.

    On an error nothing is written (the caller's transaction rolls back the rest).
    """
    if id(conn) in _blocks:  # nested: the outer block writes
        yield
        return
    block = _blocks[id(conn)] = _Block()
    try:
        yield
        block.write(conn)
    finally:
        del _blocks[id(conn)]


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
    index_new(conn, article_id, row[0], *article_terms(title, body))


def index_new(
    conn: sqlite3.Connection, article_id: int, published: str, terms: str, title_terms: str
) -> None:
    """Index an article not in the index yet, given its `article_terms` (of the whole article
    and of the title alone), inside the caller's write transaction."""
    key = _next_docid(conn, day_of(published))
    conn.execute("INSERT INTO search_docs (article_id, docid) VALUES (?, ?)", (article_id, key))
    block = _blocks.get(id(conn))
    if block is not None:
        block.waiting[key] = (terms, title_terms)
        block.size += len(terms)
        if block.size > BLOCK_CHARS:  # a very large source: keep its memory bounded
            block.write(conn)
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
    block = _blocks.get(id(conn))
    if block is not None and key in block.waiting:
        terms, _ = block.waiting.pop(key)  # indexed earlier in this block: never written
        block.size -= len(terms)
        return
    terms, title_terms = article_terms(found[1] or "", found[2] or "")
    conn.execute(
        "INSERT INTO search_index (search_index, rowid, terms) VALUES ('delete', ?, ?)",
        (key, terms),
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
    key = -1
    displaced = False
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
            base = day_of(published) << DAY_BITS
            key = max(base, key + 1)
            displaced = displaced or key >= base + _PER_DAY
            docs.append((article_id, key))
            writes.append((key, *article_terms(title, body or "")))
        conn.executemany("INSERT INTO search_docs (article_id, docid) VALUES (?, ?)", docs)
        _write(conn, writes)
        count += len(rows)
        last = (rows[-1][1], rows[-1][0])
        if progress is not None:
            progress(count)
    _set_flag(conn, STALE_KEY, False)
    _set_flag(conn, DISPLACED_KEY, displaced)
    if optimize:
        conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
        conn.execute("INSERT INTO search_titles (search_titles) VALUES ('optimize')")
    return count


def index_if_small(conn: sqlite3.Connection) -> None:
    """Build an index marked stale by an upgrade (migrations m002 and m011) now if the library is
    small; a large one keeps the mark until `reader reindex`. Runs inside the caller's write
    lock."""
    if not has_flag(conn, STALE_KEY):
        return
    many = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles LIMIT ?)", (INDEX_ON_UPGRADE + 1,)
    ).fetchone()[0]
    if many <= INDEX_ON_UPGRADE:
        rebuild(conn, optimize=False)


def check_ready(conn: sqlite3.Connection) -> None:
    """Raise `SearchIndexStale` if the index is still to be built (see `index_if_small`)."""
    if has_flag(conn, STALE_KEY):
        raise SearchIndexStale(
            "this library's search index is to be built for this version of reader;"
            " run `reader reindex` once"
        )


class SearchIndexStale(LibraryError):
    """The library was upgraded and its search index must be built with `reader reindex`."""


def indexed_ids(conn: sqlite3.Connection) -> set[int]:
    """The ids of the articles the search index holds (to check it against `articles`)."""
    return {
        row[0] for row in conn.execute("SELECT article_id FROM search_docs WHERE article_id > 0")
    }


def retire(conn: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Take deleted articles out of search results without reading their text.

    A contentless index forgets a document only given all of its terms, which would mean reading
    and splitting every deleted article again (about as slow as importing it). Instead each
    docid stays in `search_docs` as a tombstone under the article id `-docid`: no result maps to
    it, and no later article is given the docid (whose stale entries would otherwise count as
    its own). `rebuild` (`reader reindex`) drops the tombstones and their entries.
    """
    conn.executemany(
        "UPDATE search_docs SET article_id = -docid WHERE article_id = ?",
        ((article_id,) for article_id in article_ids),
    )
