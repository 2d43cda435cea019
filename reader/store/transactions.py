"""The write transaction every change goes through, reads that never wait for it, and writes
that can wait for a free moment.

Two connections serve one library. Writes run on one, each as `BEGIN IMMEDIATE` under a lock; a
write may wait up to the busy timeout for another program's lock. Reads run on the other, so no
reader ever queues behind a writer, whether the writer is another program (a write-ahead-log
library lets readers go on) or a thread of this one waiting for that program. A read made inside
a thread's own write transaction uses the write connection, to see what it wrote.

Writes nobody asked for (a view counted, a reading position, remembered state) must not hold up
the reader either: `write_soon` tries for a moment and otherwise queues the write. Queued writes
run at the start of the next write transaction, or from a background thread that retries while
the library is busy; those still queued when the library is closed are dropped.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.store.connection import (
    BUSY_TIMEOUT_S,
    describe,
    error_name,
    is_file_error,
    moved_message,
    read_only,
)
from reader.store.errors import LibraryBusy, LibraryError, LibraryReadOnly, LibraryUnavailable
from reader.text.i18n import Later, later

# Where SQLite has the WAL-reset bug (`reader.store.connection.has_wal_reset_bug`):
CHECKPOINT_BYTES = 4 * 1024 * 1024
"""With the bug, reader checkpoints itself once the log is this long (SQLite's own default)..."""
CHECKPOINT_SHARE = 8
"""... or, in a larger library, an eighth of the library's size. A checkpoint copies each page
once however often it was changed since the last: at a million articles one import of 10,000
rewrites a few hundred MB of the same index pages, which are then copied once every few imports
rather than after each."""
CHECKPOINT_WAIT_MS = 200

SAVING_CACHE_KIB = 256 * 1024
"""The page cache of a write transaction that saves articles (`Transactions.hold_changes`), in
KiB. An import of 10,000 articles into a large library changes pages all over the sort indexes
(some 400 MB of them at a million articles, each index entry at a random place): with SQLite's
default cache (2 MB) most of them are read from the file again at each change, and the article
rows took a third longer to insert. The cache only grows as pages are used, and is set back when
the transaction ends."""

NO_WAIT_S = 0.05
"""How long a write that must not hold anyone up waits for the lock before it is queued."""
RETRY_WAIT_S = 0.25
"""How long each try of the background writer waits for the lock ..."""
RETRY_PAUSE_S = 0.5
"""... and the pause between its tries."""

Action = Callable[[sqlite3.Connection], None]


def checkpoint_bytes(library_bytes: int) -> int:
    """How long the log may grow before a checkpoint, for a library of this size."""
    return max(CHECKPOINT_BYTES, library_bytes // CHECKPOINT_SHARE)


@dataclass(frozen=True, slots=True)
class _Queued:
    action: Action
    value: Any


class Transactions:
    """Serialises writes on one connection across threads as `BEGIN IMMEDIATE` transactions,
    reads on another, and writes queued while the library is busy.

    A deferred `BEGIN` that reads and then writes fails at once with "database is locked" when
    another process writes, whatever the busy timeout; `BEGIN IMMEDIATE` waits for the lock.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        reader: sqlite3.Connection,
        shown: str,
        readonly: bool,
        *,
        timeout: float = BUSY_TIMEOUT_S,
        path: Path | None = None,
        readonly_message: Later | None = None,
    ) -> None:
        self.conn = conn
        self.reader = reader
        self.shown = shown
        self.readonly = readonly
        self.readonly_message = readonly_message or read_only(shown)
        self.timeout = timeout
        self.lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._owner: int | None = None
        self._path = path.resolve() if path is not None else None
        self._identity = self._file_identity()
        self.own_checkpoints = False
        self._next_checkpoint = CHECKPOINT_BYTES
        self._cache_kib: int | None = None
        self._queue_lock = threading.Lock()
        self._queued: dict[Hashable, _Queued] = {}
        self._taken: dict[Hashable, _Queued] = {}
        self._retrier: threading.Thread | None = None
        self._closing = threading.Event()

    # -- checkpoints ----------------------------------------------------------------------------

    def take_over_checkpoints(self) -> None:
        """Checkpoint only under the write lock (against the WAL-reset bug, `has_wal_reset_bug`).

        SQLite's automatic checkpoints run without the write lock, so another program's commit
        can restart the log while one runs: the race behind the bug. A `TRUNCATE` checkpoint
        holds the write lock throughout; it runs after a commit once the log is long enough.
        """
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self.own_checkpoints = True
        self._next_checkpoint = CHECKPOINT_BYTES

    def _checkpoint_if_due(self) -> None:
        if not self.own_checkpoints or self._path is None:
            return
        try:
            size = self._path.with_name(self._path.name + "-wal").stat().st_size
        except OSError:
            return
        if size < self._next_checkpoint:
            return
        try:
            limit = checkpoint_bytes(self._path.stat().st_size)
        except OSError:
            limit = CHECKPOINT_BYTES
        if size < limit:
            self._next_checkpoint = limit
            return
        # A reader that keeps its snapshot blocks the checkpoint: try again only once the log
        # has grown by as much again, so that commits do not each wait for it.
        done = self.checkpoint()
        self._next_checkpoint = limit if done else size + limit

    def checkpoint(self) -> bool:
        """Copy the log into the library and empty it, holding the write lock; True if done.

        Waits only `CHECKPOINT_WAIT_MS` for other programs' writers and readers.
        """
        with self.lock:
            self._set_busy_timeout(CHECKPOINT_WAIT_MS / 1000)
            try:
                busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.OperationalError:
                return False  # busy or locked
            finally:
                self._set_busy_timeout(self.timeout)
            return not busy

    # -- the page cache ---------------------------------------------------------------------------

    def hold_changes(self) -> None:
        """Inside a write transaction: let it keep up to `SAVING_CACHE_KIB` of pages in memory
        (the cache is set back when the transaction ends)."""
        if self._cache_kib is not None or self._owner != threading.get_ident():
            return
        size = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        if -SAVING_CACHE_KIB < size <= 0:  # negative: KiB; a positive size (pages) is left alone
            self._cache_kib = size
            self.conn.execute(f"PRAGMA cache_size = -{SAVING_CACHE_KIB}")

    def _release_cache(self) -> None:
        if self._cache_kib is not None:
            size, self._cache_kib = self._cache_kib, None
            with contextlib.suppress(sqlite3.Error):  # a broken connection: its error is told
                self.conn.execute(f"PRAGMA cache_size = {size}")

    def _set_busy_timeout(self, seconds: float) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {min(int(seconds * 1000), 2**31 - 1)}")

    # -- the file -------------------------------------------------------------------------------

    def _file_identity(self) -> tuple[int, int] | None:
        if self._path is None:
            return None
        try:
            stat = self._path.stat()
        except OSError:
            return None
        return (stat.st_dev, stat.st_ino)

    def _check_still_there(self) -> None:
        # SQLite keeps writing a deleted write-ahead-log library through its open file handles
        # and reports success; everything would vanish at close. Refuse to commit instead.
        if self._identity is not None and self._file_identity() != self._identity:
            raise LibraryUnavailable(moved_message(self.shown))

    # -- writing and reading --------------------------------------------------------------------

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[sqlite3.Connection]:
        """Hold the write lock for the block; commit at its end, roll back on any error.

        `wait` is how many seconds to wait for the lock (default: the busy timeout); past it,
        `LibraryBusy`. Queued writes run first, in the same transaction.
        """
        if self.readonly:
            raise LibraryReadOnly(self.readonly_message)
        if not self.lock.acquire(timeout=-1 if wait is None else wait):
            raise self._busy(wait)
        try:
            if self.conn.in_transaction:  # nested: part of the enclosing transaction
                yield self.conn
                return
            self._begin(wait)
            self._owner = threading.get_ident()
            taken = self._take_queued()
            try:
                for queued in taken.values():
                    queued.action(self.conn)
                yield self.conn
                self._check_still_there()
                self.conn.execute("COMMIT")
            except BaseException as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._put_back(taken)
                if isinstance(error, sqlite3.Error):
                    raise self.translate(error, wait) from error
                raise
            finally:
                self._owner = None
                with self._queue_lock:
                    self._taken = {}
                self._release_cache()
            self._checkpoint_if_due()
        finally:
            self.lock.release()

    def _begin(self, wait: float | None) -> None:
        if wait is not None:
            self._set_busy_timeout(wait)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self.translate(error, wait) from None
        finally:
            if wait is not None:
                self._set_busy_timeout(self.timeout)

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold a connection for a group of reads: the read connection, which never waits for
        a writer, or the write connection inside this thread's own write transaction."""
        if self._owner == threading.get_ident():
            lock, conn = self.lock, self.conn
        else:
            lock, conn = self._read_lock, self.reader
        with lock:
            try:
                yield conn
            except sqlite3.DatabaseError as error:
                if not is_file_error(error):
                    raise
                raise self.translate(error) from error

    def write_soon(self, key: Hashable, action: Action, value: Any = None) -> bool:
        """Run `action` in a write transaction now if the lock is free at once (True); else
        queue it (False) to run when the library is free, or to be dropped at `close`.

        A later write under the same `key` replaces a queued one; `value` is what `queued`
        answers for the key meanwhile.
        """
        try:
            with self.write(wait=NO_WAIT_S) as conn:
                action(conn)
        except LibraryBusy:
            self._queue(key, _Queued(action, value))
            return False
        return True

    def queued(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) while a write under `key` waits to be written, else (False, None)."""
        with self._queue_lock:
            found = self._queued.get(key) or self._taken.get(key)
        return (True, found.value) if found is not None else (False, None)

    def _queue(self, key: Hashable, queued: _Queued) -> None:
        with self._queue_lock:
            self._queued.pop(key, None)
            self._queued[key] = queued
            if self._retrier is None and not self._closing.is_set():
                self._retrier = threading.Thread(
                    target=self._retry, name="reader-queued-writes", daemon=True
                )
                self._retrier.start()

    def _take_queued(self) -> dict[Hashable, _Queued]:
        with self._queue_lock:
            self._taken, self._queued = self._queued, {}
            return self._taken

    def _put_back(self, taken: dict[Hashable, _Queued]) -> None:
        with self._queue_lock:
            newer = self._queued
            self._queued = {k: v for k, v in taken.items() if k not in newer}
            self._queued.update(newer)

    def _retry(self) -> None:
        """The background writer: write the queue once the library is free.

        It pauses before each try (the write was just tried), so that closing the library
        meanwhile does not wait for a try.
        """
        while not self._closing.wait(RETRY_PAUSE_S):
            with self._queue_lock:
                if not self._queued:
                    self._retrier = None
                    return
            try:
                with self.write(wait=RETRY_WAIT_S):
                    pass
            except LibraryBusy:
                continue
            except LibraryError:  # read-only, full, moved: these writes cannot be made
                with self._queue_lock:
                    self._queued.clear()
        with self._queue_lock:
            self._retrier = None

    def close(self) -> None:
        """Stop the background writer, try the queue once more, and close both connections."""
        self._closing.set()
        with self._queue_lock:
            retrier = self._retrier
        if retrier is not None:
            retrier.join()
        with self._queue_lock:
            left = bool(self._queued)
        if left and not self.readonly:
            try:
                with self.write(wait=NO_WAIT_S):
                    pass
            except LibraryError:
                pass  # still busy: these writes are dropped
        with self.lock, self._read_lock:
            self.reader.close()
            self.conn.close()

    # -- errors ---------------------------------------------------------------------------------

    def _busy(self, wait: float | None) -> LibraryBusy:
        seconds = self.timeout if wait is None else wait
        return LibraryBusy(
            later(
                "{path} is busy: another program has held its write lock for more than "
                "{seconds} s; try again when it has finished",
                path=self.shown,
                seconds=format(seconds, "g"),
            )
        )

    def translate(self, error: sqlite3.Error, wait: float | None = None) -> LibraryError:
        """The `LibraryError` to raise for an SQLite error met while using this library."""
        name = error_name(error)
        if name in ("BUSY", "LOCKED"):
            return self._busy(wait)
        if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_DBMOVED" or (
            self._identity is not None and self._file_identity() != self._identity
        ):
            return LibraryUnavailable(moved_message(self.shown))
        message = describe(error, self.shown)
        if name == "READONLY":
            return LibraryReadOnly(message)
        if name in ("FULL", "CORRUPT", "NOTADB", "IOERR"):
            return LibraryUnavailable(message)
        return LibraryError(message)
