"""Opening a library file safely, and the write transaction every change goes through."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.store.errors import LibraryBusy, LibraryError, LibraryReadOnly

BUSY_TIMEOUT_S = 15.0
MIN_SQLITE = (3, 35, 0)


def check_sqlite_version() -> None:
    """Refuse SQLite builds too old for the schema (row values, `RETURNING`, FTS5 trigram)."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        wanted = ".".join(map(str, MIN_SQLITE))
        raise LibraryError(
            f"SQLite {sqlite3.sqlite_version} is too old; reader needs {wanted} or newer"
        )


def connect(path: Path, *, create: bool) -> tuple[sqlite3.Connection, bool]:
    """Open `path` and return the connection and whether it is read-only.

    Raises `LibraryError` with a one-line message for every way the path can be wrong; nothing is
    created or changed unless `create` is true and the file does not exist yet.
    """
    check_sqlite_version()
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
    # Write permission bits are checked too: root passes os.access but a 0444 file is meant
    # to stay unchanged.
    readonly = exists and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222)
    mode = "ro" if readonly else ("rw" if exists else "rwc")
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
        )
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise LibraryError(describe(error, shown)) from None
    return conn, readonly


def describe(error: sqlite3.Error, shown: str) -> str:
    """Turn an SQLite error into one line naming the library and what to do."""
    text = str(error)
    if "not a database" in text:
        return f"{shown} is not a reader library (not an SQLite database); nothing was changed"
    if "malformed" in text or "corrupt" in text:
        return (
            f"{shown} is damaged ({text}); restore it from a backup, or recover it with "
            "`sqlite3 FILE .recover`"
        )
    if "locked" in text or "busy" in text:
        return f"{shown} is locked by another program; try again when it has finished"
    if "readonly" in text or "read-only" in text:
        return f"{shown} is read-only; it can be read but not changed"
    if "disk is full" in text or "full" in text:
        return f"the disk holding {shown} is full; free some space and try again"
    if "unable to open" in text:
        return f"cannot open {shown}: {text}"
    return f"{shown}: {text}"


class Transactions:
    """Serialises use of one connection across threads and runs writes as `BEGIN IMMEDIATE`.

    A deferred `BEGIN` that reads and then writes fails at once with "database is locked" when
    another process writes, whatever the busy timeout; `BEGIN IMMEDIATE` waits for the lock.
    """

    def __init__(self, conn: sqlite3.Connection, shown: str, readonly: bool) -> None:
        self.conn = conn
        self.shown = shown
        self.readonly = readonly
        self.lock = threading.RLock()

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
                raise self._translate(error) from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.Error):
                    raise self._translate(error) from error
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the connection for a group of reads."""
        with self.lock:
            try:
                yield self.conn
            except sqlite3.OperationalError as error:
                raise self._translate(error) from error

    def _translate(self, error: sqlite3.Error) -> LibraryError:
        message = describe(error, self.shown)
        if "locked" in str(error) or "busy" in str(error):
            return LibraryBusy(message)
        if "readonly" in str(error):
            return LibraryReadOnly(message)
        return LibraryError(message)
