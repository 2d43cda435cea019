"""Running a search: candidates from the index, newest day first, checked against the text.

The index (`reader.store.search`) gives documents holding every index term of the wanted words,
in descending docid order, that is newest publication day first. Each candidate's title and body
are read and checked (`Query.matches`), which makes the results exact, unless every word is one
the index holds exactly (one or two characters: `index_exact`), when the candidates are the
results and only the shown page's bodies are read; hits of the last day read are completed and
sorted by (published, id), which makes the order exact. Best match runs the same walk twice:
over the titles index for articles whose title holds every word, then over the full index for
the rest.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from reader.store import categories
from reader.store.errors import LibraryError, SearchQueryError
from reader.store.search import DAY_BITS, DISPLACED_KEY, check_ready, day_of, has_flag
from reader.text import query as text_query
from reader.text.i18n import later
from reader.text.query import (
    Query,
    index_exact,
    match_expression,
    parse_query,
    snippet,
)

Order = Literal["newest", "best"]
ORDERS: tuple[Order, ...] = ("newest", "best")

_FIRST_BATCH = 16
_MAX_BATCH = 2_048
_CACHE_KIB = 65_536
SMALL_SCOPE = 2_000
"""A category with at most this many articles is searched by reading them all, newest first:
a common word would otherwise walk the whole library's matches to find the few in it."""


@dataclass(frozen=True, slots=True)
class RawHit:
    """One verified result before the store turns it into a `SearchHit`."""

    article_id: int
    published: str
    tier: int
    snippet: str
    spans: tuple[tuple[int, int], ...]
    in_title: bool


def _also(column: str, also: Sequence[int]) -> tuple[list[str], list[object]]:
    """Conditions that an article (`column` holds its id) is in every scope of `also` too."""
    where = [
        f"EXISTS (SELECT 1 FROM article_scopes x{n}"
        f" WHERE x{n}.scope_id = ? AND x{n}.article_id = {column})"
        for n in range(len(also))
    ]
    return where, list(also)


def _candidates(
    conn: sqlite3.Connection,
    table: str,
    match: str,
    scope: int,
    below: int | None,
    first: int,
    also: Sequence[int] = (),
) -> Iterator[list[tuple[int, int]]]:
    """(docid, article id) of documents matching `match`, newest day first, in growing batches."""
    where = [f"{table} MATCH ?", "d.article_id > 0"]  # not a deleted article's tombstone
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
    extra, extra_params = _also("d.article_id", also)
    where += extra
    params += extra_params
    cursor = conn.execute(
        f"SELECT {table}.rowid, d.article_id FROM {table}"
        f" JOIN search_docs d ON d.docid = {table}.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY {table}.rowid DESC",
        params,
    )
    size = max(_FIRST_BATCH, first)
    try:
        while rows := cursor.fetchmany(size):
            yield rows
            # Often only the rest of one day is still needed: grow again from a small batch.
            size = min(_MAX_BATCH, _FIRST_BATCH if size == first else size * 2)
    finally:
        cursor.close()


def _texts(
    conn: sqlite3.Connection, ids: list[int], *, bodies: bool = True
) -> dict[int, tuple[str, str, str]]:
    """Title, body (or "" without `bodies`) and publication time of each article."""
    marks = ",".join("?" * len(ids))
    body = "b.body" if bodies else "''"
    join = " LEFT JOIN bodies b ON b.id = a.id" if bodies else ""
    rows = conn.execute(
        f"SELECT a.id, a.title, {body}, a.published FROM articles a{join} WHERE a.id IN ({marks})",
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
    also: Sequence[int] = (),
) -> list[_Found]:
    """The first `need` hits of one tier in exact newest-first order (all, if fewer exist).

    Candidates come in descending docid order, and no docid lies below its article's day: once
    `need` hits are held and the next candidate's day is before the day of the `need`-th best
    of them, nothing unread can rank higher, and sorting by (published, id) gives the true order.
    """
    if scope and _small(conn, scope):
        return _scope_hits(conn, query, scope, tier, order, after, need, also)
    table = "search_titles" if tier == 0 else "search_index"
    below = None
    if after is not None and not has_flag(conn, DISPLACED_KEY):
        below = (day_of(after[0]) + 1) << DAY_BITS
    # Where the index decides the query, the candidates are the results: bodies are left unread
    # (the page's snippets read theirs). The titles index cannot see words excluded from bodies,
    # so its candidates are checked against the text when the query excludes any.
    exact = index_exact(query) and (tier == 1 or not query.exclude)
    found: list[_Found] = []
    best: list[tuple[str, int]] = []  # a min-heap of the `need` best (published, id) so far
    for batch in _candidates(conn, table, match, scope, below, need + _FIRST_BATCH, also):
        texts = _texts(conn, [article_id for _, article_id in batch], bodies=not exact)
        for key, article_id in batch:
            if len(best) >= need and key >> DAY_BITS < day_of(best[0][0]):
                return _sorted(found)[:need]
            text = texts.get(article_id)
            if text is None or not (exact or query.matches(text[0], text[1])):
                continue
            if after is not None and (text[2], article_id) >= after:
                continue
            in_title = query.in_title(text[0])
            if order == "best" and (tier == 1) == in_title:
                continue  # title tier: titles holding every word; body tier: the others
            found.append(_Found(article_id, text[2], text[0], text[1], tier, in_title))
            if len(best) < need:
                heapq.heappush(best, (text[2], article_id))
            else:
                heapq.heappushpop(best, (text[2], article_id))
    return _sorted(found)[:need]


def _small(conn: sqlite3.Connection, scope: int) -> bool:
    """A scope small enough to check its articles one by one (an unknown one has none)."""
    return categories.counts(conn, scope, 0)[0] <= SMALL_SCOPE


def _scope_hits(
    conn: sqlite3.Connection,
    query: Query,
    scope: int,
    tier: int,
    order: Order,
    after: tuple[str, int] | None,
    need: int,
    also: Sequence[int] = (),
) -> list[_Found]:
    """`_tier_hits` for a small scope: check its articles newest first, without the index."""
    where = "s.scope_id = ?"
    params: list[object] = [scope]
    if after is not None:
        where += " AND (s.published, s.article_id) < (?, ?)"
        params += list(after)
    extra, extra_params = _also("s.article_id", also)
    for condition in extra:
        where += " AND " + condition
    params += extra_params
    cursor = conn.execute(
        "SELECT s.article_id, s.published, a.title, b.body FROM article_scopes s"
        " JOIN articles a ON a.id = s.article_id LEFT JOIN bodies b ON b.id = s.article_id"
        f" WHERE {where} ORDER BY s.published DESC, s.article_id DESC",
        params,
    )
    found: list[_Found] = []
    try:
        for article_id, published, title, body in cursor:
            if not query.matches(title, body or ""):
                continue
            in_title = query.in_title(title)
            if order == "best" and (tier == 1) == in_title:
                continue
            found.append(_Found(article_id, published, title, body or "", tier, in_title))
            if len(found) >= need:
                break
    finally:
        cursor.close()
    return found


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
    snippets: bool = True,
    also: Sequence[int] = (),
) -> list[RawHit]:
    """One page of results for what the user typed, as `RawHit`s in result order.

    `order` is `newest` (publication time, newest first) or `best` (articles whose title holds
    every wanted word first, then the others; newest first within each). `after` is the
    (tier, published, id) of the previous page's last hit; `offset` skips results (O(offset)).
    `also` names more scopes every result must be in (tags). Raises `SearchQueryError` when
    the query has nothing to search for. Without `snippets`
    the hits come without excerpts (no article text is read for them).
    """
    if order not in ORDERS:
        raise LibraryError(
            later("unknown search order {order!r} (use newest or best)", order=order)
        )
    try:
        query = parse_query(text)
    except text_query.SearchQueryError as error:
        raise SearchQueryError(error.said or str(error)) from None
    check_ready(conn)
    # Candidates' bodies are read at random: SQLite's default 2 MB cache thrashes on a page.
    if conn.execute("PRAGMA cache_size").fetchone()[0] > -_CACHE_KIB:
        conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
    match = match_expression(query)
    if match is None or limit <= 0:
        return []
    need = limit + max(0, offset)
    found: list[_Found] = []
    for tier in (0, 1) if order == "best" else (1,):
        if after is not None and tier < after[0]:
            continue
        resume = (after[1], after[2]) if after is not None and tier == after[0] else None
        found += _tier_hits(conn, query, match, scope, tier, order, resume, need - len(found), also)
        if len(found) >= need:
            break
    page = found[max(0, offset) : need]
    if not snippets:  # only which articles, in order (counting, walking every result)
        return [RawHit(f.article_id, f.published, f.tier, "", (), f.in_title) for f in page]
    unread = [f.article_id for f in page if not f.body]
    bodies = {i: text[1] for i, text in _texts(conn, unread).items()} if unread else {}
    hits = []
    for f in page:
        excerpt, spans = snippet(f.title, f.body or bodies.get(f.article_id, ""), query)
        hits.append(RawHit(f.article_id, f.published, f.tier, excerpt, spans, f.in_title))
    return hits


def tagged(
    conn: sqlite3.Connection,
    scope: int,
    also: Sequence[int],
    limit: int,
    after: tuple[int, str, int] | None,
    offset: int,
) -> list[RawHit]:
    """The newest articles of `scope` that are in every scope of `also` (a search of tags
    alone), read along the first tag's own publication order."""
    first, *rest = also
    extra, params = _also("o.article_id", [*rest, *([scope] if scope else [])])
    where = ["o.scope_id = ?", *extra]
    values: list[object] = [first, *params]
    if after is not None:
        where.append("(o.published, o.article_id) < (?, ?)")
        values += [after[1], after[2]]
    rows = conn.execute(
        "SELECT o.article_id, o.published FROM article_scopes o"
        f" WHERE {' AND '.join(where)}"
        " ORDER BY o.published DESC, o.article_id DESC LIMIT ? OFFSET ?",
        [*values, limit, max(0, offset)],
    ).fetchall()
    return [RawHit(article_id, published, 1, "", (), False) for article_id, published in rows]
