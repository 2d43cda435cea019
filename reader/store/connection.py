"""Opening a library file safely, and the write transaction every change goes through."""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.store.errors import LibraryBusy, LibraryError, LibraryReadOnly, LibraryUnavailable
from reader.store.filesystems import network_filesystem

BUSY_TIMEOUT_S = 15.0
BUSY_TIMEOUT_ENV = "READER_BUSY_TIMEOUT"
MIN_SQLITE = (3, 35, 0)
# The WAL-reset bug (https://sqlite.org/wal.html#walresetbug): a checkpoint racing a commit that
# restarts the log can lose committed pages. In 3.7.0 to 3.51.2; fixed in 3.51.3 and in the
# 3.44.6 and 3.50.7 patch releases.
WAL_RESET_FIXED = (3, 51, 3)
WAL_RESET_BACKPORTS = ((3, 44, 6), (3, 50, 7))
CHECKPOINT_BYTES = 4 * 1024 * 1024
"""With the bug, reader checkpoints itself once the log is this long (SQLite's own default)..."""
CHECKPOINT_SHARE = 8
"""... or, in a larger library, an eighth of the library's size. A checkpoint copies each page
once however often it was changed since the last: at a million articles one import of 10,000
rewrites a few hundred MB of the same index pages, which are then copied once every few imports
rather than after each."""
CHECKPOINT_WAIT_MS = 200

# Error codes that describe the library file or its disk rather than a mistake in a query.
_FILE_ERRORS = ("CORRUPT", "NOTADB", "FULL", "IOERR", "BUSY", "LOCKED", "READONLY", "CANTOPEN")


def checkpoint_bytes(library_bytes: int) -> int:
    """How long the log may grow before a checkpoint, for a library of this size."""
    return max(CHECKPOINT_BYTES, library_bytes // CHECKPOINT_SHARE)


def check_sqlite_version() -> None:
    """Refuse SQLite builds too old for the schema (row values, `RETURNING`, FTS5 trigram)."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        wanted = ".".join(map(str, MIN_SQLITE))
        raise LibraryError(
            f"SQLite {sqlite3.sqlite_version} is too old; reader needs {wanted} or newer"
        )


def has_wal_reset_bug(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> bool:
    """True for the SQLite versions with the WAL-reset bug (see `WAL_RESET_FIXED`)."""
    if version < (3, 7, 0) or version >= WAL_RESET_FIXED:
        return False
    return not any(version[:2] == fixed[:2] and version >= fixed for fixed in WAL_RESET_BACKPORTS)


def sqlite_warnings(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> list[str]:
    """One-line warnings about the SQLite that Python uses; empty when it has no known risk."""
    if not has_wal_reset_bug(version):
        return []
    shown = ".".join(map(str, version))
    fixed = ".".join(map(str, WAL_RESET_FIXED))
    return [
        f"SQLite {shown} has the WAL-reset bug (fixed in {fixed}), which can damage a library "
        "that two programs write at once; reader avoids it between its own programs, but "
        "upgrade SQLite if other programs write to your library"
    ]


def busy_timeout(seconds: float | None = None) -> float:
    """How long to wait for another program's write lock: `seconds`, else $READER_BUSY_TIMEOUT."""
    if seconds is None:
        text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
        if not text:
            return BUSY_TIMEOUT_S
        try:
            seconds = float(text)
        except ValueError:
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds >= 0):
            raise LibraryError(f"{BUSY_TIMEOUT_ENV}={text!r} is not a number of seconds")
    if not (math.isfinite(seconds) and seconds >= 0):
        raise LibraryError(f"the busy timeout must be a number of seconds, not {seconds!r}")
    return seconds


def _empty(path: Path) -> bool:
    """True for a zero-byte file with no write-ahead log holding its content."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)


def _writable(path: Path) -> bool:
    # Write permission bits are checked too: root passes os.access, but a 0444 file or a 0555
    # folder is meant to stay unchanged.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def connect(
    path: Path, *, create: bool, timeout: float | None = None
) -> tuple[sqlite3.Connection, bool]:
    """Open `path` and return the connection and whether it is read-only.

    Raises `LibraryError` with a one-line message for every way the path can be wrong; nothing is
    created or changed unless `create` is true and the file does not exist yet. A library whose
    file or folder is not writable is opened read-only.
    """
    check_sqlite_version()
    seconds = busy_timeout(timeout)
    shown = str(path)
    if path.is_dir():
        raise LibraryError(f"{shown} is a folder, not a library file; give a file path")
    exists = path.exists()
    if not exists:
        if not create:
            raise LibraryError(f"{shown} does not exist; create it with `reader import` or `demo`")
        if not path.parent.is_dir():
            raise LibraryError(f"cannot create {shown}: folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise LibraryError(f"cannot create {shown}: folder {path.parent} is not writable")
    elif not os.access(path, os.R_OK):
        raise LibraryError(f"cannot read {shown}: permission denied")
    elif _empty(path):
        # SQLite would take an empty file as a new database; it is more likely a library lost
        # by a failed copy or a full disk, so say so instead of writing into it.
        raise LibraryError(
            f"{shown} is an empty file (0 bytes), not a reader library; nothing was changed "
            "(delete it to start a new library there)"
        )
    network = network_filesystem(path.parent)
    if network:
        raise LibraryError(
            f"{shown} is on a network filesystem ({network}), where SQLite's write-ahead log "
            "cannot share memory between programs and the library could be damaged; "
            "keep it on a local disk (--db or READER_DB)"
        )
    if not exists and _create_atomically(path, seconds):
        exists = True
    readonly = exists and not (_writable(path) and _writable(path.parent))
    mode = "ro" if readonly else ("rw" if exists else "rwc")
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    try:
        return _open(uri, seconds), readonly
    except sqlite3.DatabaseError as error:
        if not readonly or _error_name(error) not in ("READONLY", "CANTOPEN"):
            raise LibraryError(describe(error, shown)) from None
    # A write-ahead-log library in a folder that cannot be written: SQLite cannot create the
    # `-shm` index beside it. With no log to replay the file alone is complete, so it can be
    # read as immutable; a log that was never written back would be skipped, so refuse then.
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise LibraryError(
            f"{shown} has changes in {wal.name} that were never written back into it, and its "
            "folder is read-only; make the folder writable and open the library once"
        )
    try:
        return _open(f"{uri}&immutable=1", seconds), readonly
    except sqlite3.DatabaseError as error:
        raise LibraryError(describe(error, shown)) from None


def _create_atomically(path: Path, timeout: float) -> bool:
    """Make an empty write-ahead-log database at `path` in one step; False if not possible here.

    SQLite creates the file at once but writes nothing until the first change: a process killed
    in between (or a full disk) would leave a zero-byte file, which `connect` refuses as a
    possibly lost library. The file is built under a hidden name and linked into place, which
    also fails (and the other's file is used) when another process created the library meanwhile.
    """
    spare = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        try:
            conn = sqlite3.connect(spare, timeout=timeout, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as error:
            raise LibraryError(describe(error, str(path))) from None
        try:
            os.link(spare, path)
        except FileExistsError:
            return True
        except OSError:
            return False  # no hard links on this filesystem: SQLite creates the file itself
        return True
    finally:
        for leftover in (spare, spare.with_name(spare.name + "-wal")):
            leftover.unlink(missing_ok=True)
        spare.with_name(spare.name + "-shm").unlink(missing_ok=True)


def _open(uri: str, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(
        uri, uri=True, timeout=timeout, check_same_thread=False, isolation_level=None
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def _error_name(error: sqlite3.Error) -> str:
    """The primary SQLite result code of an error without its prefix (`BUSY`, `FULL`, ...)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.removeprefix("SQLITE_").split("_")[0]


def is_file_error(error: sqlite3.Error) -> bool:
    """True when an SQLite error is about the library file or its disk, not about a query."""
    return _error_name(error) in _FILE_ERRORS


def describe(error: sqlite3.Error, shown: str) -> str:
    """Turn an SQLite error into one line naming the library and what to do."""
    text = str(error)
    name = _error_name(error)
    if name == "NOTADB" or "not a database" in text:
        return f"{shown} is not a reader library (not an SQLite database); nothing was changed"
    if name == "CORRUPT" or "malformed" in text or "corrupt" in text:
        return (
            f"{shown} is damaged ({text}); restore it from a backup, or recover it with "
            "`sqlite3 FILE .recover`"
        )
    if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_DBMOVED":
        return moved_message(shown)
    if name in ("BUSY", "LOCKED") or "locked" in text or "busy" in text:
        return f"{shown} is locked by another program; try again when it has finished"
    if name == "READONLY" or "readonly" in text or "read-only" in text:
        return f"{shown} is read-only; it can be read but not changed"
    if name == "FULL" or "disk is full" in text:
        return f"the disk holding {shown} is full; free some space and try again"
    if name == "IOERR":
        return f"cannot read or write {shown} ({text}); check the disk it is on"
    if name == "CANTOPEN" or "unable to open" in text:
        return f"cannot open {shown}: {text}"
    return f"{shown}: {text}"


def moved_message(shown: str) -> str:
    """The message for a library file deleted, moved or replaced while it was open."""
    return (
        f"{shown} was moved or deleted while it was open, so the last change was not saved; "
        "put it back, or give its new place with --db"
    )


class Transactions:
    """Serialises use of one connection across threads and runs writes as `BEGIN IMMEDIATE`.

    A deferred `BEGIN` that reads and then writes fails at once with "database is locked" when
    another process writes, whatever the busy timeout; `BEGIN IMMEDIATE` waits for the lock.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        shown: str,
        readonly: bool,
        *,
        timeout: float = BUSY_TIMEOUT_S,
        path: Path | None = None,
    ) -> None:
        self.conn = conn
        self.shown = shown
        self.readonly = readonly
        self.timeout = timeout
        self.lock = threading.RLock()
        self._path = path.resolve() if path is not None else None
        self._identity = self._file_identity()
        self.own_checkpoints = False
        self._next_checkpoint = CHECKPOINT_BYTES

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
        self.conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            return False  # busy or locked
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return not busy

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

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Hold the write lock for the block; commit at its end, roll back on any error."""
        if self.readonly:
            raise LibraryReadOnly(f"{self.shown} is read-only; it can be read but not changed")
        with self.lock:
            if self.conn.in_transaction:  # nested: part of the enclosing transaction
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise self.translate(error) from None
            try:
                yield self.conn
                self._check_still_there()
                self.conn.execute("COMMIT")
            except BaseException as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise self.translate(error) from error
                raise
            self._checkpoint_if_due()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the connection for a group of reads."""
        with self.lock:
            try:
                yield self.conn
            except sqlite3.DatabaseError as error:
                if not is_file_error(error):
                    raise
                raise self.translate(error) from error

    def translate(self, error: sqlite3.Error) -> LibraryError:
        """The `LibraryError` to raise for an SQLite error met while using this library."""
        name = _error_name(error)
        if name in ("BUSY", "LOCKED"):
            return LibraryBusy(
                f"{self.shown} is busy: another program has held its write lock for more than "
                f"{self.timeout:g} s; try again when it has finished"
            )
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
