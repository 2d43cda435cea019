"""The changes a reader makes to a library from where they read, each one undoable.

Bulk read marks are the reader's own; deleting articles and reorganising categories change the
library for everyone. Each method returns a `Change` that `Library.undo` takes back (for as long
as the library stays open: see `reader.store.undo`).

A change is one write transaction, except that deleting or moving many articles (and deleting
or merging a category holding many) goes `STEP_ARTICLES` articles at a time, each step its own
transaction, so that the write lock is never held for long: another program that marks an article
read or imports meanwhile waits a few seconds at most, never past its busy timeout. Undo goes
step by step too. A change cut short (the disk full, the library busy past the timeout, the
program killed) keeps the steps committed before: those articles are deleted or moved, the rest
are as they were, and `PartialChange` carries what was made so that it can be undone.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from reader.models import ROOT_SCOPE, Change
from reader.store import reorganise
from reader.store.errors import LibraryError
from reader.store.reorganise import MAX_ID
from reader.store.undo import Journal, forget, forget_step, steps
from reader.text.i18n import Later, later, later_plural
from reader.text.linebreak import fit
from reader.text.sanitize import sanitize_line

if TYPE_CHECKING:
    from reader.store.transactions import Transactions

_tokens = itertools.count(1)

TITLE_WIDTH = 40
"""The most cells of an article's title a change's summary shows."""
STEP_ARTICLES = 5_000
"""Articles deleted or moved per write transaction (a few seconds in a library of a million)."""
STEP_PAUSE_S = 0.15
"""The pause between a change's transactions: SQLite's wait for a lock looks again every 100 ms
at most, so another program waiting for it takes it then."""


class PartialChange(LibraryError):
    """A change of many articles cut short after some of its steps were committed; `change`
    says what was made, and `Library.undo` takes it back."""

    def __init__(self, message: Later, change: Change) -> None:
        super().__init__(message)
        self.change = change


def _articles(count: int) -> Later:
    return later_plural("{count} article", "{count} articles", count)


def _lone_title(conn: sqlite3.Connection, article_ids: Sequence[int]) -> str | None:
    """The title of the one article a change is about, cut to a line's length, so that what
    the change says names it; None for several."""
    if len(article_ids) != 1 or not 0 < article_ids[0] <= MAX_ID:
        return None  # several, or an id no article can have
    row = conn.execute("SELECT title FROM articles WHERE id = ?", (article_ids[0],)).fetchone()
    return None if row is None else fit(sanitize_line(row[0] or ""), TITLE_WIDTH).rstrip()


def _change(token: int, said: Later, articles: int = 0) -> Change:
    """A change whose summary is `said` in English, and `said` to show it translated."""
    return Change(token, said.english(), articles, said)


class Changes:
    """The undoable changes of `Library` (a mixin: it uses the library's connection)."""

    _tx: Transactions
    _undone: set[int]
    _content_version: int

    def _writer_id(self, conn: sqlite3.Connection) -> int:  # provided by Library
        raise NotImplementedError

    def category_path(self, category_id: int) -> tuple[str, ...]:  # provided by Library
        raise NotImplementedError

    def search_ids(self, query: str, scope: int = ROOT_SCOPE) -> Iterator[tuple[int, str]]:
        raise NotImplementedError  # provided by Library

    @contextmanager
    def _articles_changing(self) -> Iterator[None]:
        """Around a write that may change articles: search results kept from before it, or
        read while it ran, are not used after it (`ViewsMixin.search_counts`)."""
        self._content_version += 1
        try:
            yield
        finally:
            self._content_version += 1

    @contextmanager
    def _change(self, token: int | None = None) -> Iterator[Journal]:
        """One write transaction of a change (of the change `token`, if it has made others)."""
        with self._articles_changing(), self._tx.write() as conn:
            yield Journal(conn, next(_tokens) if token is None else token)

    def _in_steps(
        self,
        token: int,
        ids: Sequence[int],
        step: Callable[[Journal, list[int]], int],
        last: Callable[[Journal], int] | None = None,
    ) -> int:
        """Run `step` on `ids` `STEP_ARTICLES` at a time, then `last` (if given), each in a
        transaction of the change `token`; return the sum of what they returned (articles). An
        error after the first commit is a `PartialChange` saying how many were done."""
        done = 0

        def on(chunk: list[int]) -> Callable[[Journal], int]:
            return lambda journal: step(journal, chunk)

        parts = [on(list(ids[i : i + STEP_ARTICLES])) for i in range(0, len(ids), STEP_ARTICLES)]
        if last is not None:
            parts.append(last)
        for n, part in enumerate(parts):
            if n:
                time.sleep(STEP_PAUSE_S)
            try:
                with self._change(token) as journal:
                    done += part(journal)
            except LibraryError as error:
                if n == 0:
                    raise
                said = later(
                    "Stopped after {articles} of {all}: {error}",
                    articles=_articles(done),
                    all=len(ids),
                    error=error.said or str(error),
                )
                raise PartialChange(said, _change(token, said, done)) from error
        return done

    def _name(self, category_id: int | None) -> str:
        return "/".join(self.category_path(category_id)) if category_id else "the top level"

    def _place(self, category_id: int | None) -> str | Later:
        """Where a category goes: another's path, or the top level (said in the language)."""
        return self._name(category_id) if category_id else later("the top level")

    # -- read marks --------------------------------------------------------------------------

    def mark_read(
        self,
        *,
        scope: int = ROOT_SCOPE,
        query: str | None = None,
        before: str | None = None,
        ids: Sequence[int] | None = None,
        read: bool = True,
    ) -> Change:
        """Mark read (or, with `read=False`, unread) for this reader every article of a scope,
        or of the given `ids`, that matches `query` (as typed in search) and was published
        before `before` (an ISO date or time). Only articles whose mark changes are counted and
        taken back by undo."""
        chosen: list[int] | None = list(ids) if ids is not None else None
        if query is not None:
            found = [
                article_id
                for article_id, published in self.search_ids(query, scope)
                if before is None or published < before
            ]
            chosen = found if chosen is None else sorted(set(chosen) & set(found))
        with self._change() as journal:
            conn = journal.conn
            reader = self._writer_id(conn)
            step = journal.log("marks")
            if chosen is not None:
                reorganise._fill_ids(conn, chosen)
            else:
                reorganise._fill_ids(conn, ())
                conn.execute(
                    "INSERT INTO temp.moving_ids (id) SELECT article_id FROM article_scopes"
                    " WHERE scope_id = ?" + (" AND published < ?" if before else ""),
                    (scope, before) if before else (scope,),
                )
            key = (journal.token, step, reader)
            if read:
                conn.execute(
                    "INSERT INTO temp.undo_marks (token, step, reader_id, article_id, read_at)"
                    " SELECT ?, ?, ?, t.id, NULL FROM temp.moving_ids t"
                    " JOIN articles a ON a.id = t.id WHERE NOT EXISTS (SELECT 1 FROM marks m"
                    " WHERE m.reader_id = ? AND m.article_id = t.id AND m.read_at IS NOT NULL)",
                    (*key, reader),
                )
                changed = conn.execute(
                    "INSERT INTO marks (reader_id, article_id, read_at)"
                    " SELECT ?, article_id, ? FROM temp.undo_marks WHERE token = ? AND step = ?"
                    " ON CONFLICT (reader_id, article_id) DO UPDATE SET read_at = excluded.read_at",
                    (reader, _now(), journal.token, step),
                ).rowcount
            else:
                conn.execute(
                    "INSERT INTO temp.undo_marks (token, step, reader_id, article_id, read_at)"
                    " SELECT ?, ?, ?, m.article_id, m.read_at FROM marks m"
                    " JOIN temp.moving_ids t ON t.id = m.article_id"
                    " WHERE m.reader_id = ? AND m.read_at IS NOT NULL",
                    (*key, reader),
                )
                changed = conn.execute(
                    "UPDATE marks SET read_at = NULL WHERE reader_id = ? AND article_id IN"
                    " (SELECT article_id FROM temp.undo_marks WHERE token = ? AND step = ?)",
                    (reader, journal.token, step),
                ).rowcount
        if read:
            said = later("Marked {articles} read", articles=_articles(changed))
        else:
            said = later("Marked {articles} unread", articles=_articles(changed))
        return _change(journal.token, said, changed)

    # -- deleting and moving articles --------------------------------------------------------

    def delete(self, article_ids: Sequence[int]) -> Change:
        """Delete articles for everyone (their bodies, marks and index entries with them);
        categories left empty go too, unless a subscription is filed in them."""
        ids = list(article_ids)
        token = next(_tokens)
        titles: list[str | None] = [None]

        def step(journal: Journal, chunk: list[int]) -> int:
            titles[0] = _lone_title(journal.conn, ids)
            return reorganise.delete_articles(journal.conn, journal, chunk)

        count = self._in_steps(token, ids, step)
        title = titles[0]
        if title is not None and count == 1:
            said = later("Deleted “{title}”", title=title)
        else:
            said = later("Deleted {articles}", articles=_articles(count))
        return _change(token, said, count)

    def move_articles(self, article_ids: Sequence[int], category_id: int) -> Change:
        """Move articles into a category (for everyone); categories left empty go."""
        ids = list(article_ids)
        token = next(_tokens)
        titles: list[str | None] = [None]

        def step(journal: Journal, chunk: list[int]) -> int:
            _exists(journal.conn, category_id)
            titles[0] = _lone_title(journal.conn, ids)
            return reorganise.move_articles(journal.conn, journal, chunk, category_id)

        count = self._in_steps(token, ids, step)
        title = titles[0]
        target = self._name(category_id)
        if title is not None and count == 1:
            said = later("Moved “{title}” to {name}", title=title, name=target)
        else:
            said = later("Moved {articles} to {name}", articles=_articles(count), name=target)
        return _change(token, said, count)

    # -- categories --------------------------------------------------------------------------

    def rename_category(self, category_id: int, name: str) -> Change:
        """Give a category a new name (a sibling's name is an error: merge instead)."""
        cleaned = sanitize_line(name)
        if not cleaned or "/" in cleaned:
            raise LibraryError(
                later("not a usable category name: {name!r} (no '/', not empty)", name=cleaned)
            )
        with self._change() as journal:
            old = reorganise.rename(journal.conn, journal, category_id, cleaned)
        return _change(journal.token, later("Renamed {old} to {new}", old=old, new=cleaned))

    def move_category(self, category_id: int, parent_id: int | None) -> Change:
        """Move a category, with everything under it, under `parent_id` (None: to the top)."""
        with self._change() as journal:
            articles = _total(journal.conn, category_id)
            reorganise.reparent(journal.conn, journal, category_id, parent_id)
        name = self.category_path(category_id)[-1]
        said = later("Moved {name} to {parent}", name=name, parent=self._place(parent_id))
        return _change(journal.token, said, articles)

    def merge_category(self, source_id: int, target_id: int) -> Change:
        """Merge a category into another: articles and subcategories move in (same-named
        subcategories merge too), and the emptied category goes."""
        source = self._name(source_id)
        token = next(_tokens)
        with self._tx.read() as conn:
            count = _total(conn, source_id)
            own = [
                r[0]
                for r in conn.execute("SELECT id FROM articles WHERE category_id = ?", (source_id,))
            ]

        def step(journal: Journal, chunk: list[int]) -> int:
            _exists(journal.conn, target_id)
            reorganise.check_merge(journal.conn, source_id, target_id)
            return reorganise.move_articles(journal.conn, journal, chunk, target_id)

        def last(journal: Journal) -> int:
            _exists(journal.conn, target_id)
            reorganise.merge(journal.conn, journal, source_id, target_id)
            return 0

        # Its own articles move first, in steps; its subcategories follow in one.
        self._in_steps(token, own[:-STEP_ARTICLES], step, last)
        said = later(
            "Merged {name} into {target} ({articles})",
            name=source,
            target=self._name(target_id),
            articles=_articles(count),
        )
        return _change(token, said, count)

    def delete_category(self, category_id: int, *, keep_articles_in: int | None = None) -> Change:
        """Delete a category and everything under it, for everyone: its articles too, unless
        `keep_articles_in` names a category to move them into (outside the deleted subtree)."""
        name = self._name(category_id)
        token = next(_tokens)
        with self._tx.read() as conn:
            _total(conn, category_id)
            ids = reorganise._scope_articles(conn, category_id)

        def kept(conn: sqlite3.Connection, target: int) -> None:
            _exists(conn, target)
            if category_id in [target, *reorganise.outer_ancestors(conn, target)]:
                raise LibraryError(later("articles cannot be kept in the category being deleted"))

        def delete(journal: Journal, chunk: list[int]) -> int:
            return reorganise.delete_articles(journal.conn, journal, chunk)

        def move(journal: Journal, chunk: list[int]) -> int:
            assert keep_articles_in is not None
            kept(journal.conn, keep_articles_in)
            return reorganise.move_articles(journal.conn, journal, chunk, keep_articles_in)

        def last(journal: Journal) -> int:
            conn = journal.conn
            if keep_articles_in is not None:
                kept(conn, keep_articles_in)
                rest = reorganise._scope_articles(conn, category_id)
                moved = reorganise.move_articles(conn, journal, rest, keep_articles_in)
            if not conn.execute("SELECT 1 FROM categories WHERE id = ?", (category_id,)).fetchone():
                return moved if keep_articles_in is not None else 0
            deleted = reorganise.delete_category(conn, journal, category_id)
            return moved if keep_articles_in is not None else deleted

        # All but the last step's articles go first, in steps; the rest go with the categories.
        first = ids[:-STEP_ARTICLES]
        if keep_articles_in is None:
            count = self._in_steps(token, first, delete, last)
            said = later("Deleted {name} and its {articles}", name=name, articles=_articles(count))
        else:
            count = self._in_steps(token, first, move, last)
            said = later(
                "Deleted {name}; its {articles} moved to {target}",
                name=name,
                articles=_articles(count),
                target=self._name(keep_articles_in),
            )
        return _change(token, said, count)

    # -- tags -------------------------------------------------------------------------------

    def retag(
        self, article_id: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> Change:
        """Add and remove tags of an article (for everyone)."""
        import json

        from reader.store import tags

        with self._change() as journal:
            conn = journal.conn
            row = conn.execute("SELECT tags FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                raise LibraryError(later("no article with id {id}", id=article_id))
            current = [t for t in json.loads(row[0]) if isinstance(t, str)]
            wanted = tags.changed(current, add, remove)
            journal.log("retagged", article_id, None, row[0])
            value = json.dumps(wanted, ensure_ascii=False)
            conn.execute("UPDATE articles SET tags = ? WHERE id = ?", (value, article_id))
            tags.sync(conn, article_id, value)
        shown: str | Later = " ".join(f"#{t}" for t in wanted) or later("no tags")
        said = later("Tagged article {id}: {tags}", id=article_id, tags=shown)
        return _change(journal.token, said, 1)

    # -- subscriptions ----------------------------------------------------------------------

    def unsubscribe(self, location_or_id: str, *, delete_articles: bool = False) -> Change:
        """Stop following a feed (by its address or id); with `delete_articles`, delete the
        articles that came from it too. Its category goes if that leaves it empty."""
        from reader.store import sources

        with self._change() as journal:
            conn = journal.conn
            record = sources.find(conn, location_or_id)
            if record is None:
                raise LibraryError(
                    later(
                        "no feed {feed!r} in this library (see `reader feeds`)", feed=location_or_id
                    )
                )
            step = journal.log("sources_removed")
            conn.execute(
                "INSERT INTO temp.undo_sources SELECT ?, ?, * FROM sources WHERE id = ?",
                (journal.token, step, record.id),
            )
            conn.execute("DELETE FROM sources WHERE id = ?", (record.id,))
            count = 0
            if delete_articles:
                ids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT id FROM articles WHERE source = ?", (record.location,)
                    )
                ]
                count = reorganise.delete_articles(conn, journal, ids)
            if record.category_id is not None:
                reorganise.prune(conn, journal, [record.category_id])
        name = record.title or record.location
        if delete_articles:
            said = later(
                "Unsubscribed from {name} and deleted its {articles}",
                name=name,
                articles=_articles(count),
            )
        else:
            said = later("Unsubscribed from {name}", name=name)
        return _change(journal.token, said, count)

    # -- undo --------------------------------------------------------------------------------

    def undo(self, change: Change) -> Change:
        """Take a change back (once). Return a `Change` saying what was undone."""
        if change.token in self._undone:
            raise LibraryError(later("that change was already undone"))
        # A transaction at a time, each ending after a step of articles (a change made in
        # steps is taken back in as many); each forgets the steps it undid.
        more = True
        while more:
            with self._articles_changing(), self._tx.write() as conn:
                more = self._undo_some(conn, change.token)
                if not more:
                    forget(conn, change.token)
            if more:
                time.sleep(STEP_PAUSE_S)
        self._undone.add(change.token)
        undone = later("Undone: {change}", change=change.said or change.summary)
        return _change(change.token, undone, change.articles)

    def _undo_some(self, conn: sqlite3.Connection, token: int) -> bool:
        """Undo the last steps of `token` up to one of articles; True if some are left."""
        left = steps(conn, token)
        for n, (step, op, a, b, c) in enumerate(left):
            try:
                reorganise.undo_step(conn, token, step, op, a, b, c)
            except sqlite3.IntegrityError:
                raise LibraryError(
                    later(
                        "cannot undo: the library changed since (an article or category it "
                        "would put back is taken)"
                    )
                ) from None
            forget_step(conn, token, step)
            if op in reorganise.ARTICLE_STEPS and n + 1 < len(left):
                return True
        return False


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def _total(conn: sqlite3.Connection, scope: int) -> int:
    row = conn.execute("SELECT total FROM scope_counts WHERE scope_id = ?", (scope,)).fetchone()
    if row is None:
        raise LibraryError(later("no category with id {id}", id=scope))
    return int(row[0])


def _exists(conn: sqlite3.Connection, category_id: int) -> None:
    if not conn.execute("SELECT 1 FROM categories WHERE id = ?", (category_id,)).fetchone():
        raise LibraryError(later("no category with id {id}", id=category_id))
