"""Listing articles: a page of a scope in one of three orders, summaries, one whole article.

A scope is a category's subtree (or 0, the whole library); `article_scopes` holds a row per
article and scope with the sort keys, so a page is a walk along one index. Views and title order
are indexed for the whole library only: a small category is sorted, a large one is listed by
walking the whole library's order and keeping its articles (see `schema`, m003).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Literal

from reader.models import ROOT_SCOPE, ArticleSummary, Cursor, Page

Sort = Literal["published", "views", "title"]
SORTS: tuple[Sort, ...] = ("published", "views", "title")
SORT_IN_PLACE = 10_000
"""A category of at most this many articles is sorted by views or title when listed; a larger one
is listed by walking the whole library's index in that order (see `schema`)."""

Listing = Literal["indexed", "sorted", "walked"]

SUMMARY_COLUMNS = (
    "a.id, a.title, a.category_id, a.published, a.views, m.read_at IS NOT NULL,"
    " m.starred_at IS NOT NULL, a.author, a.url, a.tags"
)
MARKS_JOIN = "LEFT JOIN marks m ON m.reader_id = ? AND m.article_id = a.id"
"""Joined to `articles a` wherever `SUMMARY_COLUMNS` are read: the reader's own marks."""
# Sort key, direction, and the keyset comparison for the next page.
_ORDER: dict[str, tuple[str, str, str]] = {
    "published": ("published", "DESC", "<"),
    "views": ("views", "DESC", "<"),
    "title": ("title_key", "ASC", ">"),
}


def how_to_list(scope: int, sort: Sort, size: Callable[[], int]) -> Listing:
    """How to list a scope in an order: by its own index ("indexed": publication order, or the
    whole library), by sorting its rows ("sorted": a small category), or by walking the whole
    library's index and keeping its articles ("walked": a large category, where a page costs
    about a page divided by the category's share of the library). `size` counts the scope's
    articles, asked only when it matters."""
    if sort == "published" or scope == ROOT_SCOPE:
        return "indexed"
    return "sorted" if size() <= SORT_IN_PLACE else "walked"


def page(
    conn: sqlite3.Connection,
    reader: int,
    scope: int,
    sort: Sort,
    how: Listing,
    *,
    after: Cursor | None,
    offset: int,
    limit: int,
    unread_only: bool,
    back: bool,
) -> Page:
    """One page of a scope in `sort` order (reversed with `back`), listed as `how` says, with
    the read and starred marks of `reader` (unread means unread by them)."""
    column, direction, compare = _ORDER[sort]
    if back:
        direction = "ASC" if direction == "DESC" else "DESC"
    # `o` is the row whose index gives the order; the whole library's rows are named by a
    # literal 0, which lets SQLite use the indexes made for them alone.
    whole = how == "walked" or scope == ROOT_SCOPE
    where = ["o.scope_id = 0" if whole else "o.scope_id = ?"]
    params: list[Any] = [] if whole else [scope]
    joins = "article_scopes o"
    if whole and sort != "published":  # SQLite would rather seek scope 0 and sort it
        joins += f" INDEXED BY scopes_{column}"
    if how == "walked":  # the whole library's order, keeping the scope's articles
        joins += " CROSS JOIN article_scopes s"
        where.append("s.scope_id = ? AND s.article_id = o.article_id")
        params.append(scope)
    if after is not None:
        where.append(f"(o.{column}, o.article_id) {compare} (?, ?)")
        params += [after.key, after.id]
    if unread_only:
        where.append("m.read_at IS NULL")
    sql = (
        f"SELECT {SUMMARY_COLUMNS}, o.{column} FROM {joins}"
        f" CROSS JOIN articles a ON a.id = o.article_id {MARKS_JOIN}"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY o.{column} {direction}, o.article_id {direction} LIMIT ? OFFSET ?"
    )
    params = [reader, *params, limit, max(0, offset)]
    rows = conn.execute(sql, params).fetchall()
    items = tuple(summary(r) for r in rows)
    cursor = Cursor(rows[-1][-1], rows[-1][0]) if len(rows) == limit else None
    return Page(items, cursor)


def position(
    conn: sqlite3.Connection,
    reader: int,
    scope: int,
    sort: Sort,
    how: Listing,
    article_id: int,
    *,
    unread_only: bool,
) -> int | None:
    """How many articles come before `article_id` in a scope listed in `sort` order (its index
    in the listing), or None when the listing does not hold it. Costs O(that index): a count
    along the same index a page walks."""
    column, _, compare = _ORDER[sort]
    row = conn.execute(
        f"SELECT o.{column} FROM article_scopes o {MARKS_JOIN.replace('a.id', 'o.article_id')}"
        " WHERE o.scope_id = ? AND o.article_id = ?"
        + (" AND m.read_at IS NULL" if unread_only else ""),
        (reader, scope, article_id),
    ).fetchone()
    if row is None:
        return None
    before = ">" if compare == "<" else "<"
    whole = how == "walked" or scope == ROOT_SCOPE
    where = ["o.scope_id = 0" if whole else "o.scope_id = ?"]
    params: list[Any] = [] if whole else [scope]
    joins = "article_scopes o"
    if whole and sort != "published":
        joins += f" INDEXED BY scopes_{column}"
    if how == "walked":
        joins += " CROSS JOIN article_scopes s"
        where.append("s.scope_id = ? AND s.article_id = o.article_id")
        params.append(scope)
    where.append(f"(o.{column}, o.article_id) {before} (?, ?)")
    params += [row[0], article_id]
    marks = ""
    if unread_only:
        marks = f" {MARKS_JOIN.replace('a.id', 'o.article_id')}"
        where.append("m.read_at IS NULL")
        params = [reader, *params]
    sql = f"SELECT count(*) FROM {joins}{marks} WHERE {' AND '.join(where)}"
    return int(conn.execute(sql, params).fetchone()[0])


def summaries(
    conn: sqlite3.Connection, reader: int, article_ids: Sequence[int]
) -> list[ArticleSummary]:
    """Summaries for the given ids, in the order given (missing ids are skipped), with the
    marks of `reader`."""
    if not article_ids:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = conn.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM articles a {MARKS_JOIN} WHERE a.id IN ({marks})",
        [reader, *article_ids],
    ).fetchall()
    by_id = {r[0]: summary(r) for r in rows}
    return [by_id[i] for i in article_ids if i in by_id]


def summary(row: Sequence[Any]) -> ArticleSummary:
    """An `ArticleSummary` from a row that starts with `SUMMARY_COLUMNS`."""
    return ArticleSummary(
        id=row[0],
        title=row[1],
        category_id=row[2],
        published=row[3],
        views=row[4],
        read=bool(row[5]),
        starred=bool(row[6]),
        author=row[7],
        url=row[8],
        tags=tuple(json.loads(row[9])),
    )
