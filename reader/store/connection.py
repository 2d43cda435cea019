"""Opening a library file safely: what can be wrong with the path, and what the file is."""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from reader.store.errors import LibraryError
from reader.store.filekind import FileKind, classify, header, header_kind, in_wal_mode
from reader.store.filesystems import network_filesystem
from reader.text.i18n import Later, later

BUSY_TIMEOUT_S = 15.0
BUSY_TIMEOUT_ENV = "READER_BUSY_TIMEOUT"
MIN_SQLITE = (3, 35, 0)
# The WAL-reset bug (https://sqlite.org/wal.html#walresetbug): a checkpoint racing a commit that
# restarts the log can lose committed pages. In 3.7.0 to 3.51.2; fixed in 3.51.3 and in the
# 3.44.6 and 3.50.7 patch releases.
WAL_RESET_FIXED = (3, 51, 3)
WAL_RESET_BACKPORTS = ((3, 44, 6), (3, 50, 7))

# Error codes that describe the library file or its disk rather than a mistake in a query.
_FILE_ERRORS = ("CORRUPT", "NOTADB", "FULL", "IOERR", "BUSY", "LOCKED", "READONLY", "CANTOPEN")


def check_sqlite_version() -> None:
    """Refuse SQLite builds too old for the schema (row values, `RETURNING`, FTS5 trigram)."""
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        wanted = ".".join(map(str, MIN_SQLITE))
        raise LibraryError(
            later(
                "SQLite {version} is too old; reader needs {wanted} or newer",
                version=sqlite3.sqlite_version,
                wanted=wanted,
            )
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
            setting = f"{BUSY_TIMEOUT_ENV}={text!r}"
            raise LibraryError(later("{setting} is not a number of seconds", setting=setting))
    if not (math.isfinite(seconds) and seconds >= 0):
        raise LibraryError(
            later("the busy timeout must be a number of seconds, not {value!r}", value=seconds)
        )
    return seconds


def _empty(path: Path) -> bool:
    """True for a zero-byte file with no write-ahead log holding its content."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0)


def _writable(path: Path) -> bool:
    # Write permission bits are checked too: root passes os.access, but a 0444 file or a 0555
    # folder is meant to stay unchanged.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


@dataclass(frozen=True, slots=True)
class Opened:
    """An open library file: its write and read connections (see `reader.store.transactions`),
    whether it is read-only, and what the file was found to be before anything was written."""

    conn: sqlite3.Connection
    reader: sqlite3.Connection
    readonly: bool
    kind_of_file: FileKind


def connect(
    path: Path,
    *,
    create: bool,
    timeout: float | None = None,
) -> Opened:
    """Open `path` for reading and writing, on two connections.

    Raises `LibraryError` with a one-line message for every way the path can be wrong; nothing is
    created or changed unless `create` is true and the file does not exist yet. An existing file
    is inspected first without being changed (`identify`): the database of another program is
    refused. A library whose file or folder is
    not writable, or that a newer reader made, is opened read-only.
    """
    check_sqlite_version()
    seconds = busy_timeout(timeout)
    shown = str(path)
    if path.is_dir():
        raise LibraryError(
            later("{path} is a folder, not a library file; give a file path", path=shown)
        )
    exists = path.exists()
    if not exists:
        if not create:
            raise LibraryError(
                later("{path} does not exist; create it with `reader import` or `demo`", path=shown)
            )
        if not path.parent.is_dir():
            raise LibraryError(
                later(
                    "cannot create {path}: folder {folder} does not exist",
                    path=shown,
                    folder=path.parent,
                )
            )
        if not os.access(path.parent, os.W_OK):
            raise LibraryError(
                later(
                    "cannot create {path}: folder {folder} is not writable",
                    path=shown,
                    folder=path.parent,
                )
            )
    elif not os.access(path, os.R_OK):
        raise LibraryError(later("cannot read {path}: permission denied", path=shown))
    elif _empty(path):
        # SQLite would take an empty file as a new database; it is more likely a library lost
        # by a failed copy or a full disk, so say so instead of writing into it.
        raise LibraryError(
            later(
                "{path} is an empty file (0 bytes), not a reader library; nothing was changed "
                "(delete it to start a new library there)",
                path=shown,
            )
        )
    network = network_filesystem(path.parent)
    if network:
        raise LibraryError(
            later(
                "{path} is on a network filesystem ({network}), where SQLite's write-ahead log "
                "cannot share memory between programs and the library could be damaged; "
                "keep it on a local disk (--db or READER_DB)",
                path=shown,
                network=network,
            )
        )
    kind_of_file = identify(path, shown, seconds) if exists else FileKind("new")
    if not exists and _create_atomically(path, seconds):
        exists = True
    newer = kind_of_file.kind == "newer"
    readonly = exists and (newer or not (_writable(path) and _writable(path.parent)))
    mode = "ro" if readonly else ("rw" if exists else "rwc")
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    if readonly and not _wal(path).exists():
        # Nobody writes it (no log), so it is read as it is: a read-only open of a write-ahead-
        # log file would leave `-wal` and `-shm` files beside it, and a newer reader's library
        # is not this reader's to change.
        uri += "&immutable=1"
    try:
        return Opened(*_open_pair(uri, seconds), readonly, kind_of_file)
    except sqlite3.DatabaseError as error:
        if not readonly or error_name(error) not in ("READONLY", "CANTOPEN"):
            raise LibraryError(describe(error, shown)) from None
    # A write-ahead-log library in a folder that cannot be written: SQLite cannot create the
    # `-shm` index beside it. With no log to replay the file alone is complete, so it can be
    # read as immutable; a log that was never written back would be skipped, so refuse then.
    _refuse_unreplayed_log(path, shown)
    try:
        return Opened(*_open_pair(f"{uri}&immutable=1", seconds), readonly, kind_of_file)
    except sqlite3.DatabaseError as error:
        raise LibraryError(describe(error, shown)) from None


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _refuse_unreplayed_log(path: Path, shown: str) -> None:
    wal = _wal(path)
    if wal.exists() and wal.stat().st_size > 0:
        raise LibraryError(
            later(
                "{path} has changes in {log} that were never written back into it, and its "
                "folder is read-only; make the folder writable and open the library once",
                path=shown,
                log=wal.name,
            )
        )


def identify(path: Path, shown: str, timeout: float) -> FileKind:
    """What the existing file at `path` is (`reader.store.filekind`), found without changing it
    or creating any file beside it; raises `LibraryError` for anything but a reader library or
    an empty database."""
    try:
        data = header(path)
    except OSError as error:
        raise LibraryError(
            later("cannot read {path}: {reason}", path=shown, reason=error.strerror or error)
        ) from None
    has_log = _wal(path).exists()
    marked = header_kind(data)
    if marked is not None and not has_log:
        return marked
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if in_wal_mode(data) and not has_log:
        uri += "&immutable=1"  # the file alone is complete, and nothing is created beside it
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        try:
            return classify(conn, shown)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
            # A hot journal: a program stopped in the middle of changing the file (reader's own
            # libraries use a write-ahead log instead, so it was another program).
            raise LibraryError(
                later(
                    "{path} is an SQLite database of another program (in the middle of a change "
                    "it did not finish: {journal}); nothing was changed",
                    path=shown,
                    journal=path.name + "-journal",
                )
            ) from None
        if error_name(error) in ("READONLY", "CANTOPEN"):
            _refuse_unreplayed_log(path, shown)
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


def _open_pair(uri: str, timeout: float) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """Two connections to one library: one for writes, one for reads."""
    conn = _open(uri, timeout)
    try:
        return conn, _open(uri, timeout)
    except BaseException:
        conn.close()
        raise


def error_name(error: sqlite3.Error) -> str:
    """The primary SQLite result code of an error without its prefix (`BUSY`, `FULL`, ...)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.removeprefix("SQLITE_").split("_")[0]


def is_file_error(error: sqlite3.Error) -> bool:
    """True when an SQLite error is about the library file or its disk, not about a query."""
    return error_name(error) in _FILE_ERRORS


def describe(error: sqlite3.Error, shown: str) -> Later:
    """Turn an SQLite error into one line naming the library and what to do."""
    text = str(error)
    name = error_name(error)
    if name == "NOTADB" or "not a database" in text:
        return later(
            "{path} is not a reader library (not an SQLite database); nothing was changed",
            path=shown,
        )
    if name == "CORRUPT" or "malformed" in text or "corrupt" in text:
        return later(
            "{path} is damaged ({reason}); restore it from a backup, or recover it with "
            "`sqlite3 FILE .recover`",
            path=shown,
            reason=text,
        )
    if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_DBMOVED":
        return moved_message(shown)
    if name in ("BUSY", "LOCKED") or "locked" in text or "busy" in text:
        return later(
            "{path} is locked by another program; try again when it has finished", path=shown
        )
    if name == "READONLY" or "readonly" in text or "read-only" in text:
        return read_only(shown)
    if name == "FULL" or "disk is full" in text:
        return later("the disk holding {path} is full; free some space and try again", path=shown)
    if name == "IOERR":
        return later(
            "cannot read or write {path} ({reason}); check the disk it is on",
            path=shown,
            reason=text,
        )
    if name == "CANTOPEN" or "unable to open" in text:
        return later("cannot open {path}: {reason}", path=shown, reason=text)
    return later("{path}: {reason}", path=shown, reason=text)


def moved_message(shown: str) -> Later:
    """The message for a library file deleted, moved or replaced while it was open."""
    return later(
        "{path} was moved or deleted while it was open, so the last change was not saved; "
        "put it back, or give its new place with --db",
        path=shown,
    )


def read_only(shown: str) -> Later:
    """The message for a change asked of a library that can only be read."""
    return later("{path} is read-only; it can be read but not changed", path=shown)
