"""The `Library`: the one object that owns a library's database connections."""

from __future__ import annotations

import contextlib
import itertools
import json
import random as _random
import sqlite3
from collections.abc import Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from reader.models import (
    ROOT_SCOPE,
    Article,
    ArticleDraft,
    ArticleSummary,
    Category,
    Cursor,
    Page,
    SaveResult,
    SearchCursor,
    SearchHit,
    SearchPage,
    Tag,
)
from reader.store import categories as category_tree
from reader.store import identity, listing, saving, search
from reader.store.bulk import BulkReads, add_marks
from reader.store.changes import Changes
from reader.store.connection import busy_timeout as busy_timeout_seconds
from reader.store.connection import connect, has_wal_reset_bug, sqlite_warnings
from reader.store.errors import LibraryBusy, LibraryError, LibraryReadOnly
from reader.store.filekind import FileKind, classify, newer_message, newer_refusal
from reader.store.idset import IdSet
from reader.store.listing import Sort
from reader.store.prepared import PreparedArticle, prepare
from reader.store.reading import ReadingState, is_id, now
from reader.store.schema import MARK, migrations
from reader.store.sources import SourceRecord
from reader.store.transactions import NO_WAIT_S, Transactions
from reader.store.views import ViewsMixin
from reader.text.i18n import later
from reader.text.sanitize import sanitize_line

UNCATEGORISED = "Uncategorised"


def _tag_name(name: str) -> str:
    from reader.store.tags import clean

    return clean(name)


def _default_identity() -> str:
    try:
        return identity.clean_user(identity.default_user())
    except identity.BadIdentity:
        return "reader"


class Library(ReadingState, Changes, ViewsMixin, BulkReads):
    """A library of articles in one SQLite file.

    Thread-safe: shared by the UI's worker threads. Reads return frozen dataclasses in pages and
    never wait for a writer; every write is one `BEGIN IMMEDIATE` transaction, and the writes
    nobody asked for (`wait=False`) never wait either (see `reader.store.transactions`).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        busy_timeout: float | None = None,
        user: str | None = None,
    ) -> None:
        """Open (or, with `create`, make) the library at `path` for the reader `user`.

        `user` is the reader identity whose read marks, stars, positions and UI state are read
        and written (default: `$READER_USER`, else the login name); articles, categories and
        view counts are everyone's. `busy_timeout` is how many seconds a write waits for
        another program's write lock before failing with `LibraryBusy` (default:
        $READER_BUSY_TIMEOUT, else 15).

        Another program's SQLite file is refused with `LibraryError` and left as it was; a
        library made by a newer reader opens read-only, saying so in `notice`.
        """
        self.path = Path(path).expanduser()
        self.user = identity.clean_user(user if user is not None else identity.default_user())
        self._reader = identity.NOBODY
        self._undone: set[int] = set()
        self._view_counts: dict[str, tuple[tuple[int, int], tuple[tuple[int, ...], bool]]] = {}
        self._content_version = 0
        """Bumped by every write of this library that may change articles (saving, changing,
        reindexing): kept search results depend on it (`ViewsMixin.search_counts`)."""
        timeout = busy_timeout_seconds(busy_timeout)
        opened = connect(self.path, create=create, timeout=timeout)
        conn = opened.conn
        self._tx = Transactions(
            conn, opened.reader, str(self.path), opened.readonly, timeout=timeout, path=self.path
        )
        self.db = Database(conn)
        self.readonly = opened.readonly
        self.notice: str | None = None
        """Why the library was opened read-only although its file is writable (it was made by
        a newer reader), one line to show the user; None otherwise."""
        self.warnings: tuple[str, ...] = () if self.readonly else tuple(sqlite_warnings())
        """Known risks of the SQLite in use, one line each, for the user to see once."""
        self._rng = _random.Random()
        self._views = itertools.count()
        self._readonly_walks: dict[str, Any] = {}
        try:
            self._prepare(conn, opened.kind_of_file)
        except sqlite3.DatabaseError as error:
            self._tx.close()
            raise self._tx.translate(error) from None
        except LibraryError:
            self._tx.close()
            raise

    def _prepare(self, conn: sqlite3.Connection, found: FileKind) -> None:
        conn.execute("PRAGMA foreign_keys = OFF")
        self._tx.reader.execute("PRAGMA query_only = ON")
        # Asked again of the connection that will write: the header alone told `connect`.
        file_kind = classify(conn, str(self.path))
        if found.kind == "newer" or file_kind.kind == "newer":
            self._newer(file_kind if file_kind.kind == "newer" else found)
        if self.readonly:
            conn.execute("PRAGMA query_only = ON")
            upgrades = [m for m in migrations.pending(self.db) if m.name != MARK]
            if upgrades and self.notice is None:
                raise LibraryReadOnly(
                    later(
                        "{path} is read-only and needs an upgrade; make it writable once",
                        path=self.path,
                    )
                )
            return
        if has_wal_reset_bug():
            self._tx.take_over_checkpoints()
        pending = [m.name for m in migrations.pending(self.db)]
        if pending and pending != [MARK]:
            self._migrate(conn)
        elif pending or not file_kind.marked:
            # Only the marks are missing: the library is known by its tables meanwhile, so
            # opening it never waits for another program's lock to add them.
            with contextlib.suppress(LibraryBusy):
                self._migrate(conn, wait=NO_WAIT_S)
        conn.execute("PRAGMA synchronous = NORMAL")

    def _newer(self, file_kind: FileKind) -> None:
        """Read, never write, a library made by a newer reader."""
        self.readonly = self._tx.readonly = True
        self._tx.readonly_message = newer_refusal(str(self.path))
        self.notice = newer_message(str(self.path), file_kind.version)
        self.warnings = ()

    def _migrate(self, conn: sqlite3.Connection, wait: float | None = None) -> None:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise LibraryError(
                    later(
                        "{path} cannot use write-ahead logging (is it on a network drive?); "
                        "move the library to a local disk",
                        path=self.path,
                    )
                )
        # Re-checked under the write lock: another process may have migrated meanwhile.
        with self._tx.write(wait=wait) as locked:
            if classify(locked, str(self.path)).kind == "newer":
                raise LibraryReadOnly(newer_refusal(str(self.path)))
            # m005 gives the state of a library from before identities to the default one.
            locked.execute("CREATE TEMP TABLE IF NOT EXISTS upgrading_reader (name TEXT)")
            locked.execute("DELETE FROM temp.upgrading_reader")
            locked.execute(
                "INSERT INTO temp.upgrading_reader (name) VALUES (?)", (_default_identity(),)
            )
            migrations.apply(self.db)
            search.index_if_small(locked)

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the library: writes queued while it was busy are tried once more, then dropped
        (the WAL is checkpointed by SQLite on the last close)."""
        self._tx.close()

    def check_writable(self) -> None:
        """Raise `LibraryReadOnly`, saying why in one line, if the library can only be read."""
        if self.readonly:
            raise LibraryReadOnly(self._tx.readonly_message)

    def interrupt(self) -> None:
        """Abort the statement another thread is running on the library, if any (a command
        stopped by a signal): that thread gets an error and rolls its transaction back."""
        self.db.conn.interrupt()

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and the store's own invariants (counts,
        bodies, scopes, search index), one line each; an empty list for a sound library."""
        from reader.store import integrity

        with self._tx.read() as conn:
            return integrity.problems(conn)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def seed_random(self, seed: int) -> None:
        """Make random picks repeatable (tests, benchmarks)."""
        self._rng.seed(seed)

    # -- categories -------------------------------------------------------------------------

    def ensure_category(self, path: Sequence[str]) -> int:
        """Return the id of the category at `path`, creating it and its parents as needed."""
        names = [n for n in (sanitize_line(p) for p in path) if n] or [UNCATEGORISED]
        with self._tx.write() as conn:
            return category_tree.ensure(conn, names)

    def categories(self) -> list[Category]:
        """The whole tree in display order (depth first), each with its subtree's counts (unread
        by this reader)."""
        with self._tx.read() as conn:
            return category_tree.tree(conn, self._reader_id(conn))

    def category(self, category_id: int) -> Category | None:
        """One category by id, with its path and subtree counts."""
        for cat in self.categories():
            if cat.id == category_id:
                return cat
        return None

    def find_category(self, path: Sequence[str]) -> Category | None:
        """The category at `path` (names outermost first), or None."""
        wanted = tuple(path)
        for cat in self.categories():
            if cat.path == wanted:
                return cat
        return None

    def category_path(self, category_id: int) -> tuple[str, ...]:
        """Names from the outermost category down to `category_id`."""
        with self._tx.read() as conn:
            return category_tree.path(conn, category_id)

    def tags(self) -> list[Tag]:
        """Every tag in use, by name, with its article and unread counts (unread by this
        reader); `Tag.scope` lists, counts and picks its articles like a category id."""
        from reader.store import tags

        with self._tx.read() as conn:
            return tags.listing(conn, self._reader_id(conn))

    def find_tag(self, name: str) -> Tag | None:
        """The tag called `name` (a leading `#` ignored), or None."""
        return next((t for t in self.tags() if t.name == _tag_name(name)), None)

    def counts(self, scope: int = ROOT_SCOPE) -> tuple[int, int]:
        """(articles, unread) in a scope: a category's subtree, or 0 for the whole library;
        unread by this reader."""
        with self._tx.read() as conn:
            return category_tree.counts(conn, scope, self._reader_id(conn))

    # -- saving -----------------------------------------------------------------------------

    def save(
        self,
        drafts: Iterable[ArticleDraft | PreparedArticle],
        *,
        source: str = "",
        category: Sequence[str] = (),
        earlier: Container[int] = (),
        marks: bool = False,
    ) -> SaveResult:
        """Save one source's drafts in a single transaction: all of them, or none.

        Each draft is matched to a stored article by its key (GUID, normalised URL, or content
        hash) or, failing that, by content hash; a match with different content is updated, an
        identical one left alone. `category` is prefixed to every draft's own category path.
        Drafts may come already prepared (`reader.store.prepared.prepare`, done elsewhere).

        A draft that matches an article saved earlier in the same import (`earlier`: the ids of
        the import's previous sources) or earlier in this call is left alone and counted as
        `repeated`: the first source to name an article keeps it, so importing the same sources
        again changes nothing, even when two of them carry the same article.

        With `marks`, the marks drafts carry (`ArticleDraft.marks`) are added to this reader's
        own, in the same transaction; nothing is ever unmarked (see `bulk.add_marks`).
        """
        added = updated = unchanged = repeated = unmarked = 0
        ids: list[int] = []
        mine = IdSet()

        def seen(article_id: int) -> bool:
            return article_id in mine or article_id in earlier

        saved_at = now()
        with self._articles_changing(), self._tx.write() as conn, search.deferred(conn):
            self._tx.hold_changes()
            cache: dict[tuple[str, ...], int] = {}
            tag_ids: dict[str, int] = {}
            for draft in drafts:
                article = draft if isinstance(draft, PreparedArticle) else prepare(draft)
                path = tuple(category) + article.category

                def category_id(path: tuple[str, ...] = path) -> int:
                    if path not in cache:
                        cache[path] = self.ensure_category(path)
                    return cache[path]

                outcome, article_id = saving.save_one(
                    conn, article, category_id, source, saved_at, seen, tag_ids
                )
                if article.marks and outcome != "repeated":
                    if marks:
                        add_marks(conn, self._writer_id(conn), article_id, article.marks, saved_at)
                    else:
                        unmarked += 1
                ids.append(article_id)
                mine.add(article_id)
                if outcome == "added":
                    added += 1
                elif outcome == "updated":
                    updated += 1
                else:
                    unchanged += 1
                    repeated += outcome == "repeated"
        return SaveResult(added, updated, unchanged, tuple(ids), repeated, unmarked)

    # -- search -----------------------------------------------------------------------------

    def search_page(
        self,
        query: str,
        scope: int = ROOT_SCOPE,
        *,
        order: Literal["newest", "best"] = "newest",
        limit: int = 50,
        after: SearchCursor | None = None,
        offset: int = 0,
        snippets: bool = True,
    ) -> SearchPage:
        """One page of articles matching what the user typed, in a scope (0: everywhere).

        Any substring from one character up, case-insensitive; several words must all occur;
        `"a phrase"` occurs as written; `-word` excludes. `order` is `newest` (newest first) or
        `best` (titles holding every word first, then the rest, newest first within each).
        `tag:NAME` (or `tag:"two words"`) keeps only articles with that tag.
        Pass the previous page's `next` as `after` to walk on; `offset` skips results (O(n)).
        Raises `SearchQueryError` (a `LibraryError`) when there is nothing to search for.
        """
        from reader.store import search_results
        from reader.store import tags as tag_rows
        from reader.text.query import split_tags

        words, tag_names = split_tags(query)
        with self._tx.read() as conn:
            tag_ids = [tag_rows.find(conn, name) for name in tag_names]
            if any(tag_id is None for tag_id in tag_ids):
                return SearchPage((), None)  # a tag no article has: nothing can match
            also = [-tag_id for tag_id in tag_ids if tag_id is not None]
            resume = (after.tier, after.published, after.id) if after is not None else None
            if not words and also:  # only tags: the newest articles carrying all of them
                raw = search_results.tagged(conn, scope, also, limit, resume, offset)
            else:
                raw = search_results.search_page(
                    conn,
                    words,
                    scope,
                    order=order,
                    limit=limit,
                    after=resume,
                    offset=offset,
                    snippets=snippets,
                    also=also,
                )
        by_id = {s.id: s for s in self.summaries([h.article_id for h in raw])}
        hits = tuple(
            SearchHit(by_id[h.article_id], h.snippet, h.spans, h.in_title)
            for h in raw
            if h.article_id in by_id
        )
        last = raw[-1] if raw and len(raw) == limit else None
        cursor = SearchCursor(last.tier, last.published, last.article_id) if last else None
        return SearchPage(hits, cursor)

    def search(
        self,
        query: str,
        scope: int = ROOT_SCOPE,
        *,
        order: Literal["newest", "best"] = "newest",
        limit: int = 50,
        offset: int = 0,
    ) -> list[SearchHit]:
        """The first `limit` results of `search_page` (after skipping `offset`), as a list."""
        return list(self.search_page(query, scope, order=order, limit=limit, offset=offset).hits)

    def search_ids(self, query: str, scope: int = ROOT_SCOPE) -> Iterator[tuple[int, str]]:
        """(id, published) of every article matching `query` in a scope, newest first, read a
        page at a time (any number of results in bounded memory)."""
        after: SearchCursor | None = None
        while True:
            found = self.search_page(query, scope, limit=1_000, after=after, snippets=False)
            for hit in found.hits:
                yield hit.summary.id, hit.summary.published
            if found.next is None:
                return
            after = found.next

    def reindex(self) -> int:
        """Rebuild the search index from the stored articles; return how many were indexed."""
        with self._articles_changing(), self._tx.write() as conn:
            return search.rebuild(conn)

    # -- sources ----------------------------------------------------------------------------

    def record_source(
        self,
        location: str,
        kind: str,
        *,
        category: Sequence[str] | None = None,
        title: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        encoding: str | None = None,
        warning: str | None = None,
        raw: bytes | None = None,
    ) -> int:
        """Remember where articles came from (upsert by location) so `refresh` can find it.

        `category` is the path the source's articles were saved under; `raw` keeps the bytes
        of a fetched or non-UTF-8 source so that it can be decoded again later.
        """
        from reader.store import sources

        with self._tx.write() as conn:
            category_id = self.ensure_category(category) if category else None
            return sources.upsert(
                conn,
                location=location,
                kind=kind,
                category_id=category_id,
                title=title,
                etag=etag,
                last_modified=last_modified,
                encoding=encoding,
                warning=warning,
                fetched_at=now(),
                raw=raw,
            )

    def sources(
        self, *, kinds: Sequence[str] = (), under: Sequence[str] = ()
    ) -> list[SourceRecord]:
        """Recorded sources, oldest first: only of `kinds` if given, only those whose category
        lies in the subtree at path `under` if given (none if that category does not exist)."""
        from reader.store import sources

        scope: int | None = None
        if under:
            found = self.find_category(under)
            if found is None:
                return []
            scope = found.id
        with self._tx.read() as conn:
            return sources.listing(conn, kinds=kinds, under=scope)

    def note_check(self, location: str, error: str | None) -> None:
        """Record that a recorded source was just fetched (or failed to be, with why)."""
        from reader.store import sources

        with self._tx.write() as conn:
            sources.note_check(conn, location, error, now())

    def subscription(self, location_or_id: str) -> SourceRecord | None:
        """A recorded source by its address or id."""
        from reader.store import sources

        with self._tx.read() as conn:
            return sources.find(conn, location_or_id)

    # -- reading ----------------------------------------------------------------------------

    def page(
        self,
        scope: int = ROOT_SCOPE,
        *,
        sort: Sort = "published",
        after: Cursor | None = None,
        offset: int = 0,
        limit: int = 50,
        unread_only: bool = False,
        from_end: bool = False,
    ) -> Page:
        """One page of a scope's articles (a category subtree, or 0 for all).

        Pass the previous page's `next` as `after` to walk on (keyset pagination, constant time
        at any depth); `offset` is for jumps (a scrollbar drag) and costs O(offset). With
        `from_end`, `offset` counts from the last article instead (the page still comes in the
        sort's order), so a jump near the end costs no more than one near the start.
        """
        with self._tx.read() as conn:
            how = listing.how_to_list(scope, sort, lambda: self.counts(scope)[0])
            found = listing.page(
                conn,
                self._reader_id(conn),
                scope,
                sort,
                how,
                after=None if from_end else after,
                offset=offset,
                limit=limit,
                unread_only=unread_only,
                back=from_end,
            )
        if from_end:
            return Page(tuple(reversed(found.items)), None)
        return found

    def position(
        self,
        scope: int,
        article_id: int,
        *,
        sort: Sort = "published",
        unread_only: bool = False,
    ) -> int | None:
        """The index of an article in `page`'s listing of a scope (how many articles come
        before it), or None when that listing does not hold it. Costs O(the index)."""
        if not is_id(article_id):
            return None
        with self._tx.read() as conn:
            how = listing.how_to_list(scope, sort, lambda: self.counts(scope)[0])
            return listing.position(
                conn,
                self._reader_id(conn),
                scope,
                sort,
                how,
                article_id,
                unread_only=unread_only,
            )

    def change_marker(self) -> int:
        """A number that changes whenever the library changes, by this program or another
        (SQLite's `data_version` of the read connection, which this program's own writes reach
        like anyone's): compare two markers to know whether anything needs reading again. Costs
        a few microseconds and never waits for a writer."""
        with self._tx.read() as conn:
            return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries for the given ids, in the order given (missing ids are skipped)."""
        with self._tx.read() as conn:
            return listing.summaries(
                conn, self._reader_id(conn), [i for i in article_ids if is_id(i)]
            )

    def get(self, article_id: int) -> Article | None:
        """One whole article (with this reader's marks), or None."""
        if not is_id(article_id):
            return None
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT a.id, a.title, a.category_id, a.published, a.views, m.read_at,"
                " m.starred_at,"
                " ifnull(m.progress, 0), a.author, a.url, a.tags, a.source, a.related, b.body"
                " FROM articles a LEFT JOIN bodies b ON b.id = a.id"
                " LEFT JOIN marks m ON m.reader_id = ? AND m.article_id = a.id WHERE a.id = ?",
                (self._reader_id(conn), article_id),
            ).fetchone()
        if row is None:
            return None
        return Article(
            id=row[0],
            title=row[1],
            category_id=row[2],
            category=self.category_path(row[2]),
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
            body=row[13] or "",
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run several calls as one write transaction: all of their changes are kept, or none.

        A random pick followed by a read that finds the file damaged then leaves the file as it
        was. On a read-only library the calls simply run (and their writes fail as usual).
        """
        if self.readonly:
            yield
            return
        with self._articles_changing(), self._tx.write():
            yield

    def related(self, article_id: int, limit: int = 5) -> list[ArticleSummary]:
        """Up to `limit` articles most like this one (shared rare terms, category and tags),
        best first (see `reader.store.related`)."""
        from reader.store import related

        if not is_id(article_id):
            return []
        with self._tx.read() as conn:
            ids = related.related(conn, article_id, limit)
        return self.summaries(ids)
