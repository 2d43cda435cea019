"""The reader's marks on a library (views, read, starred, reading positions, remembered state) and
the random walks through it: the part of `Library` that the reader writes while reading. Marks,
positions, state and walks are the current reader identity's own (`reader.store.identity`); the
view counter and `library_state` are shared.

With `wait=False` a write does not wait for another program's lock: if the library is busy the
write is queued, made once the lock is free, or dropped when the library closes
(`reader.store.transactions`).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reader.models import ROOT_SCOPE, Article, ArticleSummary
from reader.store import identity, shuffle
from reader.store.transactions import Transactions

MAX_ID = 2**63 - 1
"""The largest id SQLite can hold; larger (or non-positive) ids name no article."""


def is_id(value: int) -> bool:
    """True for a number that can be an article's id (1 to `MAX_ID`)."""
    return 0 < value <= MAX_ID


def now() -> str:
    """The local time to the second, as stored."""
    return datetime.now().replace(microsecond=0).isoformat()


class ReadingState:
    """Reading marks and random walks; `Library` provides the connection and the reads."""

    _tx: Transactions
    _rng: random.Random
    _views: Iterator[int]
    _readonly_walks: dict[str, Any]
    _reader: int
    user: str
    readonly: bool

    if TYPE_CHECKING:

        def counts(self, scope: int = ROOT_SCOPE) -> tuple[int, int]: ...

        def summaries(self, article_ids: Sequence[int]) -> list[ArticleSummary]: ...

        def get(self, article_id: int) -> Article | None: ...

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

    def count_view(self, article_id: int, *, mark_read: bool = True, wait: bool = True) -> bool:
        """Count one view of an article (everyone's counter) and, by default, mark it read by
        this reader.

        Returns False when, with `wait=False`, the count was queued instead of written.
        """
        read_at = now()

        def count(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE articles SET views = views + 1 WHERE id = ?", (article_id,))
            if mark_read:
                self._mark(conn, article_id, "read_at = ifnull(read_at, ?)", read_at)

        if not is_id(article_id):
            return True  # names no article: nothing to count
        return self._write(("view", next(self._views)), count, wait)

    def set_read(self, article_id: int, read: bool = True) -> None:
        """Mark an article read or unread for this reader."""
        if not is_id(article_id):
            return
        with self._tx.write() as conn:
            self._mark(
                conn, article_id, "read_at = CASE WHEN ? THEN ifnull(read_at, ?) END", read, now()
            )

    def set_starred(self, article_id: int, starred: bool = True) -> None:
        """Star or unstar an article for this reader."""
        if not is_id(article_id):
            return
        with self._tx.write() as conn:
            self._mark(
                conn,
                article_id,
                "starred_at = CASE WHEN ? THEN ifnull(starred_at, ?) END",
                starred,
                now(),
            )

    def set_progress(self, article_id: int, progress: float, *, wait: bool = True) -> bool:
        """Remember how far through an article this reader got (0.0 to 1.0).

        Returns False when, with `wait=False`, the write was queued.
        """
        value = min(1.0, max(0.0, progress))

        def store(conn: sqlite3.Connection) -> None:
            self._mark(conn, article_id, "progress = ?", value)

        if not is_id(article_id):
            return True
        return self._write(("progress", article_id), store, wait)

    def get_state(self, key: str, default: Any = None) -> Any:
        """A value of this reader's UI state (JSON-decoded)."""
        queued, text = self._tx.queued(("state", key))
        if queued:
            return json.loads(text)
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT value FROM reader_state WHERE reader_id = ? AND key = ?",
                (self._reader_id(conn), key),
            ).fetchone()
        return json.loads(row[0]) if row else default

    def set_state(self, key: str, value: Any, *, wait: bool = True) -> bool:
        """Store a JSON-encodable value in this reader's UI state.

        Returns False when, with `wait=False`, the write was queued; `get_state` gives the new
        value meanwhile.
        """
        text = json.dumps(value, ensure_ascii=False)

        def store(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO reader_state (reader_id, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT (reader_id, key) DO UPDATE SET value = excluded.value",
                (self._writer_id(conn), key, text),
            )

        return self._write(("state", key), store, wait, text)

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

    def _write(
        self,
        key: tuple[Any, ...],
        action: Callable[[sqlite3.Connection], None],
        wait: bool,
        value: Any = None,
    ) -> bool:
        if not wait:
            return self._tx.write_soon(key, action, value)
        with self._tx.write() as conn:
            action(conn)
        return True

    # -- random reading ---------------------------------------------------------------------

    def random_article(self, scope: int = ROOT_SCOPE) -> ArticleSummary | None:
        """A random article from a scope, never repeating until all of the scope was shown.

        The order is a keyed permutation of the scope's dense `seq` numbers, and the walk's
        position lives in the state table, so it carries on across sessions. O(log n). The
        walk's step is written without waiting (`set_state(wait=False)`).
        """
        picked, step = self._random_step(scope)
        step()
        return picked

    def random_whole_article(self, scope: int = ROOT_SCOPE) -> Article | None:
        """A random article as `random_article` gives, read whole; the walk moves on only once
        the article was read, so a library found damaged on the way is left as it was."""
        picked, step = self._random_step(scope)
        article = self.get(picked.id) if picked is not None else None
        step()
        return article

    def _random_step(self, scope: int) -> tuple[ArticleSummary | None, Callable[[], None]]:
        """The next article of the scope's walk, and the call that moves the walk past it."""
        total, _ = self.counts(scope)
        if total == 0:
            return None, lambda: None
        state_key = f"shuffle:{scope}"
        walk = self._readonly_walks.get(state_key) or self.get_state(state_key) or {}
        if walk.get("n") != total or walk.get("k", 0) >= total:
            walk = {"n": total, "key": self._rng.getrandbits(62), "k": 0}
        seq = shuffle.permute(walk["k"], total, walk["key"])
        walk["k"] += 1
        with self._tx.read() as conn:
            row = conn.execute(
                "SELECT article_id FROM article_scopes WHERE scope_id = ? AND seq = ?",
                (scope, seq),
            ).fetchone()
        found = self.summaries([row[0]]) if row is not None else []

        def step() -> None:
            if self.readonly:
                self._readonly_walks[state_key] = walk
            else:
                self.set_state(state_key, walk, wait=False)

        return (found[0] if found else None), step

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
