"""Views: the reader's own ways across the categories — Unread, Starred and saved searches.

Unread and starred counts are read from kept counts and an index; a saved search is counted by
running it, up to `COUNT_BOUND` results (the tree then shows `1,000+`). Its results are kept until
the articles may have changed (another program wrote, or this library saved, changed or reindexed
articles), and only the unread among them are counted again after the reader's own marks, so
that the tree with views stays fast at any size however common the searched words are.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.models import ROOT_SCOPE, ArticleSummary, Cursor, Page, SearchCursor, SearchPage, View
from reader.store import shuffle
from reader.store.errors import LibraryError
from reader.text.i18n import N_
from reader.text.sanitize import sanitize_line

if TYPE_CHECKING:
    from reader.store.transactions import Transactions

COUNT_BOUND = 1_000
"""A saved search is counted up to this many results."""
RANDOM_BOUND = 10_000
"""Random reading in Starred or a search walks at most this many of its newest articles."""
MAX_NAME = 80
"""The longest name of a saved search."""
UNREAD = N_("Unread")
STARRED = N_("Starred")


def clean_name(name: str) -> str:
    """A saved search's name as stored: one line, trimmed, at most `MAX_NAME` characters."""
    return sanitize_line(name)[:MAX_NAME].strip()


def saved(conn: sqlite3.Connection, reader: int) -> list[tuple[str, str]]:
    """(name, query) of the reader's saved searches, in their order."""
    return conn.execute(
        "SELECT name, query FROM saved_searches WHERE reader_id = ? ORDER BY position, name",
        (reader,),
    ).fetchall()


def starred_counts(conn: sqlite3.Connection, reader: int) -> tuple[int, int]:
    """(starred, of them unread) for a reader."""
    row = conn.execute(
        "SELECT count(*), count(*) - count(read_at) FROM marks"
        " WHERE reader_id = ? AND starred_at IS NOT NULL",
        (reader,),
    ).fetchone()
    return int(row[0]), int(row[1])


def starred_page(
    conn: sqlite3.Connection,
    reader: int,
    after: tuple[str, int] | None,
    limit: int,
    offset: int = 0,
) -> list[tuple[int, str]]:
    """(id, published) of the reader's starred articles, newest first."""
    where = "m.reader_id = ? AND m.starred_at IS NOT NULL"
    params: list[object] = [reader]
    if after is not None:
        where += " AND (o.published, o.article_id) < (?, ?)"
        params += list(after)
    return conn.execute(
        "SELECT o.article_id, o.published FROM marks m INDEXED BY marks_starred"
        " JOIN article_scopes o ON o.scope_id = ? AND o.article_id = m.article_id"
        f" WHERE {where} ORDER BY o.published DESC, o.article_id DESC LIMIT ? OFFSET ?",
        [ROOT_SCOPE, *params, limit, max(0, offset)],
    ).fetchall()


def unread_of(conn: sqlite3.Connection, reader: int, ids: list[int]) -> int:
    """How many of `ids` the reader has not read."""
    if not ids:
        return 0
    read = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        read += conn.execute(
            f"SELECT count(*) FROM marks WHERE reader_id = ? AND read_at IS NOT NULL"
            f" AND article_id IN ({marks})",
            [reader, *chunk],
        ).fetchone()[0]
    return len(ids) - read


def builtin(total: int, unread: int, starred: tuple[int, int]) -> list[View]:
    """The two views every reader has."""
    return [
        View("unread", UNREAD, total=unread, unread=unread),
        View("starred", STARRED, total=starred[0], unread=starred[1]),
    ]


class ViewsMixin:
    """The views of `Library` (a mixin: it uses the library's connection and reader)."""

    _tx: Transactions
    _rng: random.Random
    readonly: bool
    _view_counts: dict[str, tuple[tuple[int, int], tuple[tuple[int, ...], bool]]]
    _content_version: int

    def _reader_id(self, conn: sqlite3.Connection) -> int:  # provided by Library
        raise NotImplementedError

    def _writer_id(self, conn: sqlite3.Connection) -> int:  # provided by Library
        raise NotImplementedError

    def search_page(
        self,
        query: str,
        scope: int = ROOT_SCOPE,
        *,
        limit: int = 50,
        after: SearchCursor | None = None,
        offset: int = 0,
        snippets: bool = True,
    ) -> SearchPage:
        raise NotImplementedError  # provided by Library

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        raise NotImplementedError  # provided by Library

    def counts(self, scope: int = ROOT_SCOPE) -> tuple[int, int]:
        raise NotImplementedError  # provided by Library

    def get_state(self, key: str, default: Any = None) -> Any:
        raise NotImplementedError  # provided by Library

    def set_state(self, key: str, value: Any, *, wait: bool = True) -> bool:
        raise NotImplementedError  # provided by Library

    def page(
        self,
        scope: int = ROOT_SCOPE,
        *,
        after: Cursor | None = None,
        offset: int = 0,
        limit: int = 50,
        unread_only: bool = False,
    ) -> Page:
        raise NotImplementedError  # provided by Library

    def views(self, *, count_searches: bool = True) -> list[View]:
        """Unread, Starred and the reader's saved searches, with their counts (a search's are
        bounded, see `COUNT_BOUND`; without `count_searches` they are left at 0 and marked not
        exact, for a tree that shows first and counts after)."""
        total, unread = self.counts(ROOT_SCOPE)
        with self._tx.read() as conn:
            reader = self._reader_id(conn)
            found = builtin(total, unread, starred_counts(conn, reader))
            searches = saved(conn, reader)
        for name, query in searches:
            if count_searches:
                hits, fresh, exact = self.search_counts(query)
                found.append(View("search", name, query, hits, fresh, exact))
            else:
                found.append(View("search", name, query, 0, 0, False))
        return found

    def search_counts(self, query: str) -> tuple[int, int, bool]:
        """(results, of them unread, exact) of a search, counted up to `COUNT_BOUND` results.

        The results are kept until the articles may have changed (see `_content_marker`); the
        unread among them are counted each time, in one look-up per kept result, since the
        reader's own read marks change at every article opened."""
        marker = self._content_marker()
        cached = self._view_counts.get(query)
        if marker is not None and cached is not None and cached[0] == marker:
            ids, exact = cached[1]
        else:
            try:
                found = self.search_page(query, limit=COUNT_BOUND + 1, snippets=False)
            except LibraryError:
                ids, exact = (), True
            else:
                ids = tuple(hit.summary.id for hit in found.hits[:COUNT_BOUND])
                exact = len(found.hits) <= COUNT_BOUND
            if marker is not None:
                self._view_counts[query] = (marker, (ids, exact))
        with self._tx.read() as conn:
            fresh = unread_of(conn, self._reader_id(conn), list(ids))
        return len(ids), fresh, exact

    def _content_marker(self) -> tuple[int, int] | None:
        """What kept search results depend on: other programs' commits (the write connection's
        `data_version`, which its own commits leave alone) and this library's own changes to
        articles (`_content_version`, bumped around saving, changing and reindexing by
        `Changes._articles_changing`, not by the reader's marks or state). None while this
        library is writing: nothing is kept then."""
        lock = self._tx.lock
        if not lock.acquire(blocking=False):
            return None
        try:
            version = self._tx.conn.execute("PRAGMA data_version").fetchone()[0]
        finally:
            lock.release()
        return int(version), self._content_version

    def save_search(self, name: str, query: str) -> None:
        """Save a search under a name (replacing one of that name): one of this reader's views.

        A query with nothing to search for is refused with the search's own message."""
        cleaned = clean_name(name)
        if not cleaned:
            raise LibraryError("a saved search needs a name")
        self.search_page(query, limit=1, snippets=False)  # raises if it cannot be searched
        with self._tx.write() as conn:
            reader = self._writer_id(conn)
            position = conn.execute(
                "SELECT ifnull(max(position) + 1, 0) FROM saved_searches WHERE reader_id = ?",
                (reader,),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO saved_searches (reader_id, name, query, position)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (reader_id, name) DO UPDATE SET"
                " query = excluded.query",
                (reader, cleaned, query, position),
            )

    def delete_search(self, name: str) -> None:
        """Forget a saved search."""
        with self._tx.write() as conn:
            gone = conn.execute(
                "DELETE FROM saved_searches WHERE reader_id = ? AND name = ?",
                (self._writer_id(conn), clean_name(name)),
            ).rowcount
        if not gone:
            raise LibraryError(f"no saved search called {clean_name(name)!r} (see `reader views`)")

    def rename_search(self, name: str, new_name: str) -> None:
        """Give a saved search another name."""
        cleaned = clean_name(new_name)
        if not cleaned:
            raise LibraryError("a saved search needs a name")
        with self._tx.write() as conn:
            reader = self._writer_id(conn)
            if conn.execute(
                "SELECT 1 FROM saved_searches WHERE reader_id = ? AND name = ?", (reader, cleaned)
            ).fetchone():
                raise LibraryError(f"there is already a saved search called {cleaned!r}")
            moved = conn.execute(
                "UPDATE saved_searches SET name = ? WHERE reader_id = ? AND name = ?",
                (cleaned, reader, clean_name(name)),
            ).rowcount
        if not moved:
            raise LibraryError(f"no saved search called {clean_name(name)!r} (see `reader views`)")

    def find_view(self, name: str) -> View | None:
        """The view called `name` (case-insensitive for Unread and Starred), uncounted."""
        wanted = clean_name(name)
        for view in self.views(count_searches=False):
            if view.name == wanted or (
                view.kind != "search" and view.name.lower() == wanted.lower()
            ):
                return view
        return None

    def view_page(
        self, view: View, *, after: Cursor | None = None, limit: int = 50, offset: int = 0
    ) -> Page:
        """One page of a view's articles, newest first; `next` walks on. `offset` skips
        articles (O(offset): for a jump, when no `after` is known)."""
        if view.kind == "unread":
            return self.page(ROOT_SCOPE, after=after, offset=offset, limit=limit, unread_only=True)
        if view.kind == "starred":
            with self._tx.read() as conn:
                rows = starred_page(
                    conn,
                    self._reader_id(conn),
                    (str(after.key), after.id) if after else None,
                    limit,
                    0 if after else offset,
                )
            items = tuple(self.summaries([r[0] for r in rows]))
            last = rows[-1] if len(rows) == limit else None
            return Page(items, Cursor(last[1], last[0]) if last else None)
        cursor = SearchCursor(1, str(after.key), after.id) if after is not None else None
        found = self.search_page(
            view.query, after=cursor, limit=limit, offset=0 if after else offset, snippets=False
        )
        nxt = found.next
        return Page(
            tuple(hit.summary for hit in found.hits),
            Cursor(nxt.published, nxt.id) if nxt is not None else None,
        )

    def random_in_view(self, view: View) -> ArticleSummary | None:
        """A random article of a view. Unread ones are picked among the unread (each read on
        opening, so none repeats); Starred and searches walk a shuffled order of their articles
        (up to `RANDOM_BOUND` of a search's newest), so none repeats until all were shown."""
        if view.kind == "unread":
            return self._random_unread()
        if view.kind == "starred":
            with self._tx.read() as conn:
                rows = starred_page(conn, self._reader_id(conn), None, RANDOM_BOUND)
            ids = [r[0] for r in rows]
        else:
            try:
                found = self.search_page(view.query, limit=RANDOM_BOUND, snippets=False)
            except LibraryError:
                return None
            ids = [hit.summary.id for hit in found.hits]
        if not ids:
            return None
        ids.sort()
        key = f"shuffle:view:{view.kind}:{view.name}"
        walk = self.get_state(key) or {}
        if walk.get("n") != len(ids) or walk.get("k", 0) >= len(ids):
            walk = {"n": len(ids), "key": self._rng.getrandbits(62), "k": 0}
        chosen = ids[shuffle.permute(walk["k"], len(ids), walk["key"])]
        walk["k"] += 1
        if not self.readonly:
            self.set_state(key, walk)
        found_summary = self.summaries([chosen])
        return found_summary[0] if found_summary else None

    def _random_unread(self) -> ArticleSummary | None:
        total, unread = self.counts(ROOT_SCOPE)
        if unread == 0:
            return None
        with self._tx.read() as conn:
            reader = self._reader_id(conn)
            for _ in range(64):  # most libraries are mostly unread: a few tries find one
                row = conn.execute(
                    "SELECT s.article_id FROM article_scopes s WHERE s.scope_id = 0 AND s.seq = ?"
                    " AND NOT EXISTS (SELECT 1 FROM marks m WHERE m.reader_id = ?"
                    " AND m.article_id = s.article_id AND m.read_at IS NOT NULL)",
                    (self._rng.randrange(total), reader),
                ).fetchone()
                if row is not None:
                    found = self.summaries([row[0]])
                    return found[0] if found else None
        # Few unread left: pick one of them by its place in the unread listing.
        chosen = self.page(
            ROOT_SCOPE, unread_only=True, offset=self._rng.randrange(unread), limit=1
        )
        return chosen.items[0] if chosen.items else None
