"""The `Library`: the one object that owns a library's database connection."""

from __future__ import annotations

import json
import random as _random
import sqlite3
from collections.abc import Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
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
)
from reader.store import categories as category_tree
from reader.store import identity, listing, saving, search, shuffle
from reader.store.bulk import BulkReads, add_marks
from reader.store.changes import Changes
from reader.store.connection import (
    Transactions,
    connect,
    has_wal_reset_bug,
    sqlite_warnings,
)
from reader.store.connection import busy_timeout as busy_timeout_seconds
from reader.store.errors import LibraryError, LibraryReadOnly
from reader.store.idset import IdSet
from reader.store.listing import Sort
from reader.store.prepared import PreparedArticle, prepare
from reader.store.schema import migrations
from reader.store.sources import SourceRecord
from reader.text.sanitize import sanitize_line

UNCATEGORISED = "Uncategorised"


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


def _default_identity() -> str:
    try:
        return identity.clean_user(identity.default_user())
    except identity.BadIdentity:
        return "reader"


class Library(Changes, BulkReads):
    """A library of articles in one SQLite file.

    Thread-safe: one connection shared by the UI's worker threads under a lock. Reads return
    frozen dataclasses in pages; every write is one `BEGIN IMMEDIATE` transaction.
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
        """
        self.path = Path(path).expanduser()
        self.user = identity.clean_user(user if user is not None else identity.default_user())
        self._reader = identity.NOBODY
        self._undone: set[int] = set()
        timeout = busy_timeout_seconds(busy_timeout)
        conn, readonly = connect(self.path, create=create, timeout=timeout)
        self._tx = Transactions(conn, str(self.path), readonly, timeout=timeout, path=self.path)
        self.db = Database(conn)
        self.readonly = readonly
        self.warnings: tuple[str, ...] = () if readonly else tuple(sqlite_warnings())
        """Known risks of the SQLite in use, one line each, for the user to see once."""
        self._rng = _random.Random()
        try:
            self._prepare(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise self._tx.translate(error) from None
        except LibraryError:
            conn.close()
            raise

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys = OFF")
        if not self.readonly and has_wal_reset_bug():
            self._tx.take_over_checkpoints()
        if self.readonly:
            conn.execute("PRAGMA query_only = ON")
            if migrations.pending(self.db):
                raise LibraryReadOnly(
                    f"{self.path} is read-only and needs an upgrade; make it writable once"
                )
            return
        if migrations.pending(self.db):
            self._migrate(conn)
        conn.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        tables = set(self.db.table_names())
        if tables and "_sqlite_migrations" not in tables and "articles" not in tables:
            raise LibraryError(
                f"{self.path} is an SQLite database but not a reader library; nothing was changed"
            )
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise LibraryError(
                    f"{self.path} cannot use write-ahead logging (is it on a network drive?); "
                    "move the library to a local disk"
                )
        # Re-checked under the write lock: another process may have migrated meanwhile.
        with self._tx.write() as locked:
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
        """Close the connection (the WAL is checkpointed by SQLite on the last close)."""
        with self._tx.lock:
            self.db.conn.close()

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

        now = _now()
        with self._tx.write() as conn, search.deferred(conn):
            cache: dict[tuple[str, ...], int] = {}
            for draft in drafts:
                article = draft if isinstance(draft, PreparedArticle) else prepare(draft)
                path = tuple(category) + article.category

                def category_id(path: tuple[str, ...] = path) -> int:
                    if path not in cache:
                        cache[path] = self.ensure_category(path)
                    return cache[path]

                outcome, article_id = saving.save_one(conn, article, category_id, source, now, seen)
                if article.marks and outcome != "repeated":
                    if marks:
                        add_marks(conn, self._writer_id(conn), article_id, article.marks, now)
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
    ) -> SearchPage:
        """One page of articles matching what the user typed, in a scope (0: everywhere).

        Any substring from one character up, case-insensitive; several words must all occur;
        `"a phrase"` occurs as written; `-word` excludes. `order` is `newest` (newest first) or
        `best` (titles holding every word first, then the rest, newest first within each).
        Pass the previous page's `next` as `after` to walk on; `offset` skips results (O(n)).
        Raises `SearchQueryError` (a `LibraryError`) when there is nothing to search for.
        """
        from reader.store import search_results

        with self._tx.read() as conn:
            raw = search_results.search_page(
                conn,
                query,
                scope,
                order=order,
                limit=limit,
                after=(after.tier, after.published, after.id) if after is not None else None,
                offset=offset,
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
            found = self.search_page(query, scope, limit=1_000, after=after)
            for hit in found.hits:
                yield hit.summary.id, hit.summary.published
            if found.next is None:
                return
            after = found.next

    def reindex(self) -> int:
        """Rebuild the search index from the stored articles; return how many were indexed."""
        with self._tx.write() as conn:
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
                fetched_at=_now(),
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
            sources.note_check(conn, location, error, _now())

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

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries for the given ids, in the order given (missing ids are skipped)."""
        with self._tx.read() as conn:
            return listing.summaries(conn, self._reader_id(conn), article_ids)

    def get(self, article_id: int) -> Article | None:
        """One whole article (with this reader's marks), or None."""
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

    # -- this reader's state ------------------------------------------------------------------

    def _reader_id(self, conn: sqlite3.Connection) -> int:
        """This reader's id, or `identity.NOBODY` while they have written nothing."""
        if self._reader == identity.NOBODY:
            self._reader = identity.find(conn, self.user)
        return self._reader

    def _writer_id(self, conn: sqlite3.Connection) -> int:
        """This reader's id, their row made if needed (inside a write)."""
        if self._reader == identity.NOBODY:
            self._reader = identity.ensure(conn, self.user)
        return self._reader

    def _mark(self, conn: sqlite3.Connection, article_id: int, assignment: str, *args: Any) -> None:
        """Set fields of this reader's marks on an existing article (`assignment` is SQL)."""
        reader = self._writer_id(conn)
        conn.execute(
            "INSERT INTO marks (reader_id, article_id) SELECT ?, id FROM articles WHERE id = ?"
            " ON CONFLICT (reader_id, article_id) DO NOTHING",
            (reader, article_id),
        )
        conn.execute(
            f"UPDATE marks SET {assignment} WHERE reader_id = ? AND article_id = ?",
            (*args, reader, article_id),
        )

    def count_view(self, article_id: int, *, mark_read: bool = True) -> None:
        """Count one view of an article (everyone's counter) and, by default, mark it read by
        this reader."""
        with self._tx.write() as conn:
            conn.execute("UPDATE articles SET views = views + 1 WHERE id = ?", (article_id,))
            if mark_read:
                self._mark(conn, article_id, "read_at = ifnull(read_at, ?)", _now())

    def set_read(self, article_id: int, read: bool = True) -> None:
        """Mark an article read or unread for this reader."""
        with self._tx.write() as conn:
            self._mark(
                conn, article_id, "read_at = CASE WHEN ? THEN ifnull(read_at, ?) END", read, _now()
            )

    def set_starred(self, article_id: int, starred: bool = True) -> None:
        """Star or unstar an article for this reader."""
        with self._tx.write() as conn:
            self._mark(
                conn,
                article_id,
                "starred_at = CASE WHEN ? THEN ifnull(starred_at, ?) END",
                starred,
                _now(),
            )

    def set_progress(self, article_id: int, progress: float) -> None:
        """Remember how far through an article this reader got (0.0 to 1.0)."""
        with self._tx.write() as conn:
            self._mark(conn, article_id, "progress = ?", min(1.0, max(0.0, progress)))

    def get_state(self, key: str, default: Any = None) -> Any:
        """A value of this reader's UI state (JSON-decoded)."""
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT value FROM reader_state WHERE reader_id = ? AND key = ?",
                (self._reader_id(conn), key),
            ).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, key: str, value: Any) -> None:
        """Store a JSON-encodable value in this reader's UI state."""
        with self._tx.write() as conn:
            conn.execute(
                "INSERT INTO reader_state (reader_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (reader_id, key) DO UPDATE SET value = excluded.value",
                (self._writer_id(conn), key, json.dumps(value, ensure_ascii=False)),
            )

    def library_state(self, key: str, default: Any = None) -> Any:
        """A value the whole library shares (JSON-decoded): not any reader's own."""
        with self._tx.read() as conn:
            row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_library_state(self, key: str, value: Any) -> None:
        """Store a JSON-encodable value the whole library shares."""
        with self._tx.write() as conn:
            conn.execute(
                "INSERT INTO state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    # -- random reading ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run several calls as one write transaction: all of their changes are kept, or none.

        A random pick followed by a read that finds the file damaged then leaves the file as it
        was. On a read-only library the calls simply run (and their writes fail as usual).
        """
        if self.readonly:
            yield
            return
        with self._tx.write():
            yield

    def random_article(self, scope: int = ROOT_SCOPE) -> ArticleSummary | None:
        """A random article from a scope, never repeating until all of the scope was shown.

        The order is a keyed permutation of the scope's dense `seq` numbers, and the walk's
        position lives in the state table, so it carries on across sessions. O(log n).
        """
        total, _ = self.counts(scope)
        if total == 0:
            return None
        state_key = f"shuffle:{scope}"
        walk = self.get_state(state_key) or {}
        if walk.get("n") != total or walk.get("k", 0) >= total:
            walk = {"n": total, "key": self._rng.getrandbits(62), "k": 0}
        seq = shuffle.permute(walk["k"], total, walk["key"])
        walk["k"] += 1
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT article_id FROM article_scopes WHERE scope_id = ? AND seq = ?",
                (scope, seq),
            ).fetchone()
        if not self.readonly:
            self.set_state(state_key, walk)
        else:
            self._readonly_walks = getattr(self, "_readonly_walks", {})
            self._readonly_walks[state_key] = walk
        if row is None:
            return None
        found = self.summaries([row[0]])
        return found[0] if found else None

    def random_sample(
        self, scope: int = ROOT_SCOPE, count: int = 5, exclude: Iterable[int] = ()
    ) -> list[ArticleSummary]:
        """Up to `count` distinct random articles of a scope, none of them in `exclude`."""
        excluded = set(exclude)
        total, _ = self.counts(scope)
        wanted = min(count, max(0, total - len(excluded)))
        picked: list[int] = []
        tries = 0
        with self._tx.read() as conn:
            while len(picked) < wanted and tries < wanted * 20:
                tries += 1
                row = conn.execute(
                    "SELECT article_id FROM article_scopes WHERE scope_id = ? AND seq = ?",
                    (scope, self._rng.randrange(total)),
                ).fetchone()
                if row and row[0] not in excluded and row[0] not in picked:
                    picked.append(row[0])
        return self.summaries(picked)
