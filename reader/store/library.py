"""The `Library`: the one object that owns a library's database connection."""

from __future__ import annotations

import json
import random as _random
import sqlite3
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
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
from reader.sanitize import sanitize_line
from reader.store import shuffle
from reader.store.connection import (
    Transactions,
    connect,
    has_wal_reset_bug,
    sqlite_warnings,
)
from reader.store.connection import busy_timeout as busy_timeout_seconds
from reader.store.errors import LibraryError, LibraryReadOnly
from reader.store.idset import IdSet
from reader.store.prepared import PreparedArticle, prepare
from reader.store.schema import migrations
from reader.store.sources import SourceRecord

Sort = Literal["published", "views", "title"]
SORTS: tuple[Sort, ...] = ("published", "views", "title")
UNCATEGORISED = "Uncategorised"
SORT_IN_PLACE = 10_000
"""A category of at most this many articles is sorted by views or title when listed; a larger one
is listed by walking the whole library's index in that order (see `schema`)."""

_SUMMARY_COLUMNS = (
    "a.id, a.title, a.category_id, a.published, a.views, a.read_at IS NOT NULL, a.starred,"
    " a.author, a.url, a.tags"
)
# Sort key, direction, and the keyset comparison for the next page.
_ORDER: dict[str, tuple[str, str, str]] = {
    "published": ("published", "DESC", "<"),
    "views": ("views", "DESC", "<"),
    "title": ("title", "ASC", ">"),
}


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()


class Library:
    """A library of articles in one SQLite file.

    Thread-safe: one connection shared by the UI's worker threads under a lock. Reads return
    frozen dataclasses in pages; every write is one `BEGIN IMMEDIATE` transaction.
    """

    def __init__(
        self, path: str | Path, *, create: bool = True, busy_timeout: float | None = None
    ) -> None:
        """Open (or, with `create`, make) the library at `path`.

        `busy_timeout` is how many seconds a write waits for another program's write lock
        before failing with `LibraryBusy` (default: $READER_BUSY_TIMEOUT, else 15).
        """
        self.path = Path(path).expanduser()
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
        with self._tx.write():
            migrations.apply(self.db)

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
            parent: int | None = None
            ancestors: list[int] = [ROOT_SCOPE]
            for name in names:
                row = conn.execute(
                    "SELECT id FROM categories WHERE ifnull(parent_id, 0) = ? AND name = ?",
                    (parent or 0, name),
                ).fetchone()
                if row:
                    cat_id = row[0]
                else:
                    position = conn.execute(
                        "SELECT count(*) FROM categories WHERE ifnull(parent_id, 0) = ?",
                        (parent or 0,),
                    ).fetchone()[0]
                    cat_id = conn.execute(
                        "INSERT INTO categories (parent_id, name, position) VALUES (?, ?, ?)",
                        (parent, name, position),
                    ).lastrowid
                    assert cat_id is not None
                    conn.execute("INSERT INTO scope_counts (scope_id) VALUES (?)", (cat_id,))
                    rows = [(cat_id, a, len(ancestors) - i) for i, a in enumerate(ancestors)]
                    rows.append((cat_id, cat_id, 0))
                    conn.executemany(
                        "INSERT INTO category_ancestors (category_id, ancestor_id, depth)"
                        " VALUES (?, ?, ?)",
                        rows,
                    )
                assert cat_id is not None
                ancestors.append(cat_id)
                parent = cat_id
        assert parent is not None
        return parent

    def categories(self) -> list[Category]:
        """The whole tree in display order (depth first), each with its subtree's counts."""
        with self._tx.read() as conn:
            rows = conn.execute(
                "SELECT c.id, c.parent_id, c.name, c.position, s.total, s.unread"
                " FROM categories c JOIN scope_counts s ON s.scope_id = c.id"
            ).fetchall()
        children: dict[int | None, list[tuple[Any, ...]]] = {}
        for row in rows:
            children.setdefault(row[1], []).append(row)
        result: list[Category] = []

        def walk(parent: int | None, path: tuple[str, ...]) -> None:
            for cid, pid, name, _pos, total, unread in sorted(
                children.get(parent, []), key=lambda r: (r[3], r[2])
            ):
                here = (*path, name)
                result.append(Category(cid, pid, name, here, total, unread, len(path)))
                walk(cid, here)

        walk(None, ())
        return result

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
            rows = conn.execute(
                "SELECT c.name FROM category_ancestors a JOIN categories c ON c.id = a.ancestor_id"
                " WHERE a.category_id = ? ORDER BY a.depth DESC",
                (category_id,),
            ).fetchall()
        return tuple(r[0] for r in rows)

    def counts(self, scope: int = ROOT_SCOPE) -> tuple[int, int]:
        """(articles, unread) in a scope: a category's subtree, or 0 for the whole library."""
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT total, unread FROM scope_counts WHERE scope_id = ?", (scope,)
            ).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    # -- saving -----------------------------------------------------------------------------

    def save(
        self,
        drafts: Iterable[ArticleDraft | PreparedArticle],
        *,
        source: str = "",
        category: Sequence[str] = (),
        earlier: Container[int] = (),
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
        """
        added = updated = unchanged = repeated = 0
        ids: list[int] = []
        mine = IdSet()

        def seen(article_id: int) -> bool:
            return article_id in mine or article_id in earlier

        now = _now()
        with self._tx.write() as conn, self._deferred_index(conn):
            cache: dict[tuple[str, ...], int] = {}
            for draft in drafts:
                article = draft if isinstance(draft, PreparedArticle) else prepare(draft)
                path = tuple(category) + article.category
                if path not in cache:
                    cache[path] = self.ensure_category(path)
                outcome, article_id = self._save_one(conn, article, cache[path], source, now, seen)
                ids.append(article_id)
                mine.add(article_id)
                if outcome == "added":
                    added += 1
                elif outcome == "updated":
                    updated += 1
                else:
                    unchanged += 1
                    repeated += outcome == "repeated"
        return SaveResult(added, updated, unchanged, tuple(ids), repeated)

    def _save_one(
        self,
        conn: sqlite3.Connection,
        article: PreparedArticle,
        category_id: int,
        source: str,
        now: str,
        seen: Callable[[int], bool],
    ) -> tuple[str, int]:
        title, body, key, digest = article.title, article.body, article.key, article.digest
        published = article.published or now
        values = {
            "category_id": category_id,
            "published": published,
            "title": title,
            "author": article.author,
            "url": article.url,
            "tags": article.tags,
            "related": article.related,
            "content_hash": digest,
        }
        row = conn.execute(
            "SELECT id, category_id, published, title, author, url, tags, related, content_hash"
            " FROM articles WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            row = conn.execute(
                "SELECT id, category_id, published, title, author, url, tags, related,"
                " content_hash FROM articles WHERE content_hash = ? LIMIT 1",
                (digest,),
            ).fetchone()
            if row is not None and not key.startswith("hash:"):
                # Known only by its content so far: from now on it is known by the stronger key.
                conn.execute(
                    "UPDATE articles SET key = ? WHERE id = ? AND key LIKE 'hash:%'", (key, row[0])
                )
        if row is None and not body and article.published is not None:
            # A listing without bodies (`reader list --json` re-imported) names an article by
            # its title and time (found through the whole library's scope by time).
            row = conn.execute(
                "SELECT a.id, a.category_id, a.published, a.title, a.author, a.url, a.tags,"
                " a.related, a.content_hash FROM article_scopes s JOIN articles a"
                " ON a.id = s.article_id WHERE s.scope_id = ? AND s.published = ? AND a.title = ?"
                " LIMIT 1",
                (ROOT_SCOPE, published, title),
            ).fetchone()
        if row is None:
            article_id = conn.execute(
                "INSERT INTO articles (category_id, published, title, views, author, url, tags,"
                " related, key, content_hash, source, imported_at, updated_at)"
                " VALUES (:category_id, :published, :title, :views, :author, :url, :tags,"
                " :related, :key, :content_hash, :source, :now, :now)",
                {**values, "views": article.views, "key": key, "source": source, "now": now},
            ).lastrowid
            assert article_id is not None
            conn.execute("INSERT INTO bodies (id, body) VALUES (?, ?)", (article_id, body))
            self._index(conn, article_id, published, article)
            return "added", article_id
        article_id = row[0]
        if seen(article_id):
            return "repeated", article_id
        stored = dict(
            zip(
                (
                    "category_id",
                    "published",
                    "title",
                    "author",
                    "url",
                    "tags",
                    "related",
                    "content_hash",
                ),
                row[1:],
                strict=True,
            )
        )
        if article.published is None:
            # A source without a date keeps the time it was first imported at.
            values["published"] = stored["published"]
        if not body:
            # A draft without a body (a listing) never erases the stored body.
            values["content_hash"] = stored["content_hash"]
        if stored == values:
            return "unchanged", article_id
        reindex = any(stored[k] != values[k] for k in ("content_hash", "title", "published"))
        if reindex:  # the index forgets an article only by its old text: before it changes
            self._unindex(conn, article_id)
        conn.execute(
            "UPDATE articles SET category_id = :category_id, published = :published,"
            " title = :title, author = :author, url = :url, tags = :tags, related = :related,"
            " content_hash = :content_hash, updated_at = :now WHERE id = :id",
            {**values, "now": now, "id": article_id},
        )
        if stored["content_hash"] != values["content_hash"]:
            conn.execute("UPDATE bodies SET body = ? WHERE id = ?", (body, article_id))
        if reindex:
            self._index_stored(conn, article_id)
        return "updated", article_id

    def _index(
        self, conn: sqlite3.Connection, article_id: int, published: str, article: PreparedArticle
    ) -> None:
        """Index a newly saved article (inside the same transaction)."""
        from reader.store import search

        search.unindex_article(conn, article_id)  # a reused id may still be indexed
        search.index_new(conn, article_id, published, *article.index_terms())

    def _deferred_index(self, conn: sqlite3.Connection) -> AbstractContextManager[None]:
        """Write the search index entries of a block's saves at its end (see `search.deferred`)."""
        from reader.store import search

        return search.deferred(conn)

    def _unindex(self, conn: sqlite3.Connection, article_id: int) -> None:
        """Take an article out of the search index while its stored text is still the old one."""
        from reader.store import search

        search.unindex_article(conn, article_id)

    def _index_stored(self, conn: sqlite3.Connection, article_id: int) -> None:
        """Index an article again from its stored title and body (after an update)."""
        from reader.store import search

        search.index_stored(conn, article_id)

    def delete(self, article_ids: Iterable[int]) -> int:
        """Delete articles (and their bodies and index entries); return how many were deleted."""
        from reader.store import search

        count = 0
        with self._tx.write() as conn:
            for article_id in article_ids:
                search.unindex_article(conn, article_id)
                count += conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
        return count

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

    def reindex(self) -> int:
        """Rebuild the search index from the stored articles; return how many were indexed."""
        from reader.store import search

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
        if from_end:
            back = self._page(scope, sort, None, offset, limit, unread_only, back=True)
            return Page(tuple(reversed(back.items)), None)
        return self._page(scope, sort, after, offset, limit, unread_only, back=False)

    def _page(
        self,
        scope: int,
        sort: Sort,
        after: Cursor | None,
        offset: int,
        limit: int,
        unread_only: bool,
        *,
        back: bool,
    ) -> Page:
        column, direction, compare = _ORDER[sort]
        if back:
            direction = "ASC" if direction == "DESC" else "DESC"
        with self._tx.read() as conn:
            how = self._listing(scope, sort)
            # `o` is the row whose index gives the order; the whole library's rows are named by
            # a literal 0, which lets SQLite use the indexes made for them alone.
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
                where.append("a.read_at IS NULL")
            sql = (
                f"SELECT {_SUMMARY_COLUMNS}, o.{column} FROM {joins}"
                " CROSS JOIN articles a ON a.id = o.article_id"
                f" WHERE {' AND '.join(where)}"
                f" ORDER BY o.{column} {direction}, o.article_id {direction} LIMIT ? OFFSET ?"
            )
            params += [limit, max(0, offset)]
            rows = conn.execute(sql, params).fetchall()
        items = tuple(_summary(r) for r in rows)
        cursor = Cursor(rows[-1][-1], rows[-1][0]) if len(rows) == limit else None
        return Page(items, cursor)

    def _listing(self, scope: int, sort: Sort) -> str:
        """How to list a scope in an order: by its own index ("indexed": publication order, or
        the whole library), by sorting its rows ("sorted": a small category), or by walking the
        whole library's index and keeping its articles ("walked": a large category, where a page
        costs about a page divided by the category's share of the library)."""
        if sort == "published" or scope == ROOT_SCOPE:
            return "indexed"
        return "sorted" if self.counts(scope)[0] <= SORT_IN_PLACE else "walked"

    def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries for the given ids, in the order given (missing ids are skipped)."""
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        with self._tx.read() as conn:
            rows = conn.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM articles a WHERE a.id IN ({marks})",
                list(article_ids),
            ).fetchall()
        by_id = {r[0]: _summary(r) for r in rows}
        return [by_id[i] for i in article_ids if i in by_id]

    def get(self, article_id: int) -> Article | None:
        """One whole article, or None."""
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT a.id, a.title, a.category_id, a.published, a.views, a.read_at, a.starred,"
                " a.progress, a.author, a.url, a.tags, a.source, a.related, b.body"
                " FROM articles a LEFT JOIN bodies b ON b.id = a.id WHERE a.id = ?",
                (article_id,),
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
            starred=bool(row[6]),
            progress=row[7],
            author=row[8],
            url=row[9],
            tags=tuple(json.loads(row[10])),
            source=row[11],
            related=tuple(json.loads(row[12])),
            body=row[13] or "",
        )

    # -- reading state ----------------------------------------------------------------------

    def count_view(self, article_id: int, *, mark_read: bool = True) -> None:
        """Count one view of an article and, by default, mark it read."""
        with self._tx.write() as conn:
            conn.execute("UPDATE articles SET views = views + 1 WHERE id = ?", (article_id,))
            if mark_read:
                conn.execute(
                    "UPDATE articles SET read_at = ? WHERE id = ? AND read_at IS NULL",
                    (_now(), article_id),
                )

    def set_read(self, article_id: int, read: bool = True) -> None:
        """Mark an article read or unread."""
        with self._tx.write() as conn:
            conn.execute(
                "UPDATE articles SET read_at = CASE WHEN ? THEN ifnull(read_at, ?) END"
                " WHERE id = ?",
                (read, _now(), article_id),
            )

    def set_starred(self, article_id: int, starred: bool = True) -> None:
        """Star or unstar an article."""
        with self._tx.write() as conn:
            conn.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def set_progress(self, article_id: int, progress: float) -> None:
        """Remember how far through an article the reader got (0.0 to 1.0)."""
        with self._tx.write() as conn:
            conn.execute(
                "UPDATE articles SET progress = ? WHERE id = ?",
                (min(1.0, max(0.0, progress)), article_id),
            )

    def get_state(self, key: str, default: Any = None) -> Any:
        """A value from the key/value table for UI state (JSON-decoded)."""
        with self._tx.read() as conn:
            row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, key: str, value: Any) -> None:
        """Store a JSON-encodable value in the key/value table."""
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


def _summary(row: Sequence[Any]) -> ArticleSummary:
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
