"""Whole articles in bulk, for exports: a scope, the reader's unread or starred articles, or any
stream of ids, read a batch at a time with their bodies and the reader's marks; and marks carried
by an import, added to the reader's own.

Each batch is one short read (no cursor is held between batches), so an export of a million
articles holds one batch in memory and never keeps a writer waiting; an article changed while an
export runs may appear as it was before or after the change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Literal

from reader.models import ROOT_SCOPE, Article, Marks
from reader.store import categories as category_tree
from reader.store.transactions import Transactions

Only = Literal["all", "unread", "starred"]
ONLY: tuple[Only, ...] = ("all", "unread", "starred")
BATCH = 500
"""Articles read per query: about 2.5 MB of text for 5 KB articles."""

_COLUMNS = (
    "a.id, a.title, a.category_id, a.published, a.views, m.read_at, m.starred_at,"
    " ifnull(m.progress, 0), a.author, a.url, a.tags, a.source, a.related, a.key, b.body"
)
_JOINS = (
    "LEFT JOIN bodies b ON b.id = a.id"
    " LEFT JOIN marks m ON m.reader_id = :reader AND m.article_id = a.id"
)


class BulkReads:
    """The bulk reads and mark imports of `Library` (a mixin: it uses the library's
    connection and reader identity)."""

    _tx: Transactions

    def _reader_id(self, conn: sqlite3.Connection) -> int:  # provided by Library
        raise NotImplementedError

    def count_articles(self, scope: int = ROOT_SCOPE, only: Only = "all") -> int:
        """How many articles `export_articles(scope, only)` yields (as of now)."""
        with self._tx.read() as conn:
            reader = self._reader_id(conn)
            if only == "starred":
                sql = (
                    "SELECT count(*) FROM marks m"
                    " WHERE m.reader_id = ? AND m.starred_at IS NOT NULL"
                )
                params: tuple[int, ...] = (reader,)
                if scope != ROOT_SCOPE:
                    sql += (
                        " AND EXISTS (SELECT 1 FROM article_scopes s"
                        " WHERE s.scope_id = ? AND s.article_id = m.article_id)"
                    )
                    params += (scope,)
                return int(conn.execute(sql, params).fetchone()[0])
            total, unread = category_tree.counts(conn, scope, reader)
            return unread if only == "unread" else total

    def export_articles(
        self, scope: int = ROOT_SCOPE, only: Only = "all", *, batch: int = BATCH
    ) -> Iterator[Article]:
        """Every article of a scope (a category's subtree, or 0 for all) with its body and this
        reader's marks, in the order they were added (by id): all of them, only those this
        reader has not read (`unread`), or only those they starred (`starred`)."""
        after = 0
        paths = _Paths()
        while True:
            with self._tx.read() as conn:
                params: dict[str, Any] = {
                    "reader": self._reader_id(conn),
                    "scope": scope,
                    "after": after,
                    "limit": batch,
                }
                rows = conn.execute(_walk_sql(scope, only), params).fetchall()
                found = [_article(row, paths.of(conn, row[2])) for row in rows]
            yield from found
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def export_by_ids(self, article_ids: Iterable[int], *, batch: int = BATCH) -> Iterator[Article]:
        """Whole articles (bodies and this reader's marks) for a stream of ids, in the order
        given, a batch at a time; ids of articles that are gone are skipped. For exporting what
        a search finds (`Library.search_ids`)."""
        ids = iter(article_ids)
        paths = _Paths()
        while chunk := list(islice(ids, batch)):
            with self._tx.read() as conn:
                params = {f"i{n}": article_id for n, article_id in enumerate(chunk)}
                wanted = ", ".join(f":{name}" for name in params)
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM articles a {_JOINS} WHERE a.id IN ({wanted})",
                    {"reader": self._reader_id(conn), **params},
                ).fetchall()
                by_id = {row[0]: _article(row, paths.of(conn, row[2])) for row in rows}
            yield from (by_id[i] for i in chunk if i in by_id)


def _walk_sql(scope: int, only: Only) -> str:
    """The query for one batch of `export_articles`: ids after `:after`, in id order, each found
    through an index (the scope's primary key, or the reader's starred marks)."""
    if only == "starred":
        where = "m.starred_at IS NOT NULL AND m.article_id > :after"
        if scope != ROOT_SCOPE:
            where += (
                " AND EXISTS (SELECT 1 FROM article_scopes s"
                " WHERE s.scope_id = :scope AND s.article_id = m.article_id)"
            )
        return (
            f"SELECT {_COLUMNS} FROM marks m CROSS JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN bodies b ON b.id = a.id"
            f" WHERE m.reader_id = :reader AND {where} ORDER BY m.article_id LIMIT :limit"
        )
    where = "s.scope_id = :scope AND s.article_id > :after"
    if only == "unread":
        where += " AND m.read_at IS NULL"
    return (
        f"SELECT {_COLUMNS} FROM article_scopes s CROSS JOIN articles a ON a.id = s.article_id"
        f" {_JOINS} WHERE {where} ORDER BY s.article_id LIMIT :limit"
    )


class _Paths:
    """Category paths by id, each looked up once per export."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[str, ...]] = {}

    def of(self, conn: sqlite3.Connection, category_id: int) -> tuple[str, ...]:
        if category_id not in self._known:
            self._known[category_id] = category_tree.path(conn, category_id)
        return self._known[category_id]


def _article(row: Sequence[Any], category: tuple[str, ...]) -> Article:
    key: str = row[13]
    return Article(
        id=row[0],
        title=row[1],
        category_id=row[2],
        category=category,
        published=row[3],
        views=row[4],
        read=row[5] is not None,
        starred=row[6] is not None,
        progress=row[7],
        author=row[8],
        url=row[9],
        tags=tuple(json.loads(row[10])),
        source=row[11],
        related=tuple(json.loads(row[12])),
        body=row[14] or "",
        guid=key.removeprefix("guid:") if key.startswith("guid:") else "",
    )


def add_marks(
    conn: sqlite3.Connection, reader: int, article_id: int, marks: Marks, now: str
) -> None:
    """Add imported marks to a reader's own on one article, inside the caller's write: a read
    or starred mark is set where it is missing (and kept where it is there), a reading position
    moves only forward. Nothing is ever unmarked: an import can add to a reader's state, never
    take from it."""
    conn.execute(
        "INSERT INTO marks (reader_id, article_id, read_at, starred_at, progress)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (reader_id, article_id) DO UPDATE SET"
        " read_at = ifnull(marks.read_at, excluded.read_at),"
        " starred_at = ifnull(marks.starred_at, excluded.starred_at),"
        " progress = max(marks.progress, excluded.progress)",
        (
            reader,
            article_id,
            now if marks.read else None,
            now if marks.starred else None,
            marks.progress,
        ),
    )
