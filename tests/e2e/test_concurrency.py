"""Concurrency: app instances and imports on one library at once wait for each other, never fail.

HOSTILE.md D: deferred transactions that read and then write fail at once with "database is
locked"; two instances starting together both migrate. Every test here runs real processes on
one library file: they must all finish without an error, and the counts must add up. A lock held
forever gives one clear line after the busy timeout, from the command line and from the API.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
from sqlite_utils import Database
from support.crash import (
    ARTICLES_PER_FILE,
    library_problems,
    python_process,
    reader_process,
    versions_by_source,
    wal_path,
    write_source,
)
from support.library import make_drafts

import reader.store.library as library_module
from reader import paths
from reader.cli import main, warn_once
from reader.store import Library, LibraryBusy, LibraryError
from reader.store.connection import has_wal_reset_bug, sqlite_warnings
from reader.store.schema import migrations
from reader.store.transactions import CHECKPOINT_BYTES, Transactions

WORKER = (
    "from support.crash import app_worker;"
    " app_worker(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])"
)


def test_two_apps_and_an_import_at_once(tmp_path: Path) -> None:
    """Two app-like processes count views and save state while `reader import` writes 40 files."""
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(20))
        before = {a.id: a.views for a in library.page(limit=20).items}
    folder = tmp_path / "sources"
    folder.mkdir()
    for n in range(40):
        write_source(folder / f"file{n:02}.jsonl", f"file{n:02}", 1)
    go = tmp_path / "go"
    rounds = 300
    workers = [python_process(WORKER, str(db), name, str(rounds), str(go)) for name in "ab"]
    importer = python_process(
        "from pathlib import Path; from support.crash import wait_for_file;"
        " wait_for_file(Path(sys.argv[1])); from reader.cli import main;"
        " main(['import', '--db', sys.argv[2], sys.argv[3]])",
        str(go),
        str(db),
        str(folder),
    )
    go.touch()
    results = []
    for process in [*workers, importer]:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and err == b"", err.decode()
        results.append(out.decode())
    assert results[2].startswith("40 sources: 600 added, 0 updated, 0 unchanged, 0 failed")
    counted: dict[int, int] = {}
    for line in results[:2]:
        for key, value in json.loads(line).items():
            counted[int(key)] = counted.get(int(key), 0) + value
    assert sum(counted.values()) == 2 * rounds
    with Library(db, create=False) as library:
        assert library.check() == []
        for article_id, views in before.items():
            assert library.get(article_id).views == views + counted.get(article_id, 0)  # type: ignore[union-attr]
        assert library.get_state("worker:a") == rounds - 1
        assert library.get_state("worker:b") == rounds - 1
        assert library.counts()[0] == 20 + 40 * ARTICLES_PER_FILE
    stored = versions_by_source(db)
    assert all(stored[f"file{n:02}.jsonl"] == [1] * ARTICLES_PER_FILE for n in range(40))


def test_instances_starting_together_migrate_a_new_library_once(tmp_path: Path) -> None:
    """Six processes open the same new library at the same moment: one migrates, all open it."""
    for attempt in range(2):
        db = tmp_path / f"attempt{attempt}" / "library.db"
        db.parent.mkdir()
        go = tmp_path / f"go{attempt}"
        opener = (
            "from pathlib import Path; from support.crash import wait_for_file;"
            " from reader.store import Library; wait_for_file(Path(sys.argv[2]));"
            " lib = Library(sys.argv[1]); lib.set_library_state('opened:' + sys.argv[3], True);"
            " print(lib.counts()[0]); lib.close()"
        )
        processes = [python_process(opener, str(db), str(go), str(n)) for n in range(6)]
        go.touch()
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0 and err == b"", err.decode()
            assert out == b"0\n"
        conn = sqlite3.connect(db)
        try:
            applied = [m.name for m in migrations.applied(Database(conn))]
            assert migrations.pending(Database(conn)) == []
            opened = conn.execute("SELECT count(*) FROM state WHERE key LIKE 'opened:%'").fetchone()
        finally:
            conn.close()
        assert len(applied) == len(set(applied)), applied
        assert opened == (6,)
        assert [p.name for p in db.parent.iterdir() if p.name.endswith(".new")] == []


HOLD_LOCK = (
    "import sqlite3, time; conn = sqlite3.connect(sys.argv[1], isolation_level=None);"
    " conn.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(600)"
)


@pytest.fixture
def stuck_library(tmp_path: Path) -> Iterator[Path]:
    """A library whose write lock another process holds (`BEGIN IMMEDIATE`) until the test ends."""
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(5))
    holder = python_process(HOLD_LOCK, str(db))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"locked\n"
        yield db
    finally:
        holder.kill()
        holder.communicate()


def test_a_stuck_lock_is_one_line_from_the_command_line(
    stuck_library: Path, tmp_path: Path
) -> None:
    """Writers wait for the busy timeout, then say so in one line; readers are not held up."""
    source = tmp_path / "note.jsonl"
    write_source(source, "note", 1)
    env = {**os.environ, "READER_BUSY_TIMEOUT": "1"}
    started = time.monotonic()
    importer = reader_process("import", "--db", str(stuck_library), str(source), env=env)
    out, err = importer.communicate(timeout=60)
    waited = time.monotonic() - started
    assert importer.returncode == 1 and out == b""
    assert err.decode() == (
        f"reader: {stuck_library} is busy: another program has held its write lock for more "
        "than 1 s; try again when it has finished\n"
    )
    assert 1.0 <= waited < 30
    lister = reader_process("list", "--db", str(stuck_library), env=env)
    out, err = lister.communicate(timeout=60)
    assert lister.returncode == 0 and err == b"" and out.count(b"\n") == 5
    shown = reader_process("show", "--db", str(stuck_library), "1", env=env)
    out, err = shown.communicate(timeout=60)
    # The view is counted after printing, without waiting: dropped here (test_long_writer.py).
    assert shown.returncode == 0 and "第0篇".encode() in out and err == b""


def test_a_stuck_lock_raises_library_busy_from_the_api(stuck_library: Path) -> None:
    """`Library` waits `busy_timeout` seconds, then raises `LibraryBusy`; reading still works."""
    with Library(stuck_library, create=False, busy_timeout=0.5) as library:
        assert library.counts() == (5, 5)
        started = time.monotonic()
        with pytest.raises(LibraryBusy) as caught:
            library.count_view(1)
        assert time.monotonic() - started >= 0.5
        assert str(caught.value) == (
            f"{stuck_library} is busy: another program has held its write lock for more than "
            "0.5 s; try again when it has finished"
        )
        assert "\n" not in str(caught.value)
        with pytest.raises(LibraryBusy):
            library.save(make_drafts(3, start=100))
        assert library.counts() == (5, 5) and library.get(1).views == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ((3, 6, 23), False),  # before WAL existed
        ((3, 7, 0), True),
        ((3, 40, 1), True),
        ((3, 44, 5), True),
        ((3, 44, 6), False),  # patch release with the fix
        ((3, 45, 0), True),
        ((3, 50, 6), True),
        ((3, 50, 7), False),
        ((3, 51, 2), True),
        ((3, 51, 3), False),
        ((3, 53, 0), False),
    ],
)
def test_versions_with_the_wal_reset_bug(version: tuple[int, int, int], affected: bool) -> None:
    assert has_wal_reset_bug(version) is affected
    warnings = sqlite_warnings(version)
    assert len(warnings) == affected
    if affected:
        shown = ".".join(map(str, version))
        assert f"SQLite {shown} has the WAL-reset bug (fixed in 3.51.3)" in warnings[0]
        assert "\n" not in warnings[0]


def test_too_old_sqlite_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    db = tmp_path / "library.db"
    with pytest.raises(LibraryError, match=r"^SQLite 3\.31\.1 is too old; reader needs 3\.35\.0"):
        Library(db)
    with pytest.raises(SystemExit) as done:
        main(["list", "--db", str(db)])
    assert done.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "reader: SQLite 3.31.1 is too old; reader needs 3.35.0 or newer\n"
    assert not db.exists()


def test_the_sqlite_warning_is_shown_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On an affected SQLite the command line warns once per user; `Library.warnings` has it."""
    monkeypatch.delenv("READER_SQLITE_WARNING")
    monkeypatch.setattr(library_module, "sqlite_warnings", lambda: ["a known risk"])
    db = tmp_path / "library.db"
    source = tmp_path / "note.jsonl"
    write_source(source, "note", 1)
    with pytest.raises(SystemExit):
        main(["import", "--db", str(db), str(source)])
    assert capsys.readouterr().err == "reader: warning: a known risk\n"
    for args in (["list"], ["import", str(source)]):
        with pytest.raises(SystemExit) if args[0] == "import" else nullcontext():
            main([args[0], "--db", str(db), *args[1:]])
        assert capsys.readouterr().err == ""
    with Library(db) as library:
        assert library.warnings == ("a known risk",)
    # The app is given what was printed, to show it once it is up (and nothing once shown).
    marker = next(paths.data_dir().glob(".warned-sqlite-*"))
    marker.unlink()
    assert warn_once(["a known risk"]) == ["a known risk"]
    assert warn_once(["a known risk"]) == []
    capsys.readouterr()
    db.chmod(0o444)
    try:
        with Library(db, create=False) as library:  # a read-only library writes nothing
            assert library.warnings == ()
    finally:
        db.chmod(0o644)


def test_own_checkpoints_keep_the_log_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the WAL-reset bug applies, checkpoints run under the write lock, and often enough.

    SQLite's automatic checkpoint is off on such a connection; reader's own `TRUNCATE`
    checkpoints after commits keep the log near `CHECKPOINT_BYTES`, even with a second
    process reading (and holding a read transaction) meanwhile.
    """
    monkeypatch.setattr(library_module, "has_wal_reset_bug", lambda: True)
    db = tmp_path / "library.db"
    reader_conn = None
    with Library(db) as library:
        conn = library.db.conn
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        largest = 0
        for batch in range(40):
            library.save(make_drafts(100, start=batch * 100))
            largest = max(largest, wal_path(db).stat().st_size)
            if batch == 20:  # another program reading keeps its snapshot for a while
                reader_conn = sqlite3.connect(db, isolation_level=None)
                reader_conn.execute("BEGIN")
                reader_conn.execute("SELECT count(*) FROM articles").fetchone()
            if batch == 25 and reader_conn is not None:
                reader_conn.execute("COMMIT")
                reader_conn.close()
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == library._tx.timeout * 1000
        assert library.counts()[0] == 4000
        assert library.check() == []
    assert largest < CHECKPOINT_BYTES * 3, largest
    assert library_problems(db) == []


def test_a_larger_library_lets_its_log_grow_to_a_share_of_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint copies each changed page once, so a large library checkpoints only once its
    log reaches `CHECKPOINT_SHARE` of the library (here scaled down), and then empties it."""
    from reader.store import transactions

    monkeypatch.setattr(library_module, "has_wal_reset_bug", lambda: True)
    monkeypatch.setattr(transactions, "CHECKPOINT_BYTES", 16 * 1024)
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(3000))
        assert library._tx.checkpoint()
        limit = transactions.checkpoint_bytes(db.stat().st_size)
        assert limit == db.stat().st_size // transactions.CHECKPOINT_SHARE > 4 * 16 * 1024
        sizes = []
        for batch in range(60):
            library.save(make_drafts(10, start=10_000 + batch * 10))
            sizes.append(wal_path(db).stat().st_size)
        grown = max(sizes)
        assert grown >= limit  # past the fixed floor, up to the share of the library
        assert grown < limit + 4 * max(b - a for a, b in itertools.pairwise(sizes))
        assert 0 in sizes[sizes.index(grown) :]  # and then checkpointed and emptied
        assert library.check() == []
    assert library_problems(db) == []


def test_two_imports_of_the_same_files_at_once(tmp_path: Path) -> None:
    """Two `reader import` of one folder at the same moment: both succeed, nothing is doubled."""
    db = tmp_path / "library.db"
    folder = tmp_path / "sources"
    folder.mkdir()
    for n in range(20):
        write_source(folder / f"file{n:02}.jsonl", f"file{n:02}", 1)
    go = tmp_path / "go"
    importer = (
        "from pathlib import Path; from support.crash import wait_for_file;"
        " wait_for_file(Path(sys.argv[1])); from reader.cli import main;"
        " main(['import', '--db', sys.argv[2], sys.argv[3]])"
    )
    processes = [python_process(importer, str(go), str(db), str(folder)) for _ in range(2)]
    go.touch()
    added = 0
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and err == b"", err.decode()
        added += int(out.decode().split(": ")[1].split(" added")[0])
    assert added == 20 * ARTICLES_PER_FILE  # each article added by one of them exactly once
    assert library_problems(db) == []
    assert versions_by_source(db) == {
        f"file{n:02}.jsonl": [1] * ARTICLES_PER_FILE for n in range(20)
    }


def test_a_reader_that_never_lets_go_does_not_slow_every_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint blocked by another program's open read is retried only as the log grows."""
    monkeypatch.setattr(library_module, "has_wal_reset_bug", lambda: True)
    attempts: list[bool] = []
    real = Transactions.checkpoint

    def counted(self: Transactions) -> bool:
        attempts.append(real(self))
        return attempts[-1]

    monkeypatch.setattr(Transactions, "checkpoint", counted)
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(10))
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM articles").fetchone()
        try:
            for batch in range(20):
                library.save(make_drafts(100, start=100 + batch * 100))
        finally:
            holder.execute("COMMIT")
            holder.close()
        grown = wal_path(db).stat().st_size
        assert attempts and not any(attempts)
        assert len(attempts) <= grown // CHECKPOINT_BYTES + 1
        tried = len(attempts)
        for batch in range(30):  # once the log has grown enough again, the checkpoint is done
            library.save(make_drafts(100, start=10_000 + batch * 100))
            if len(attempts) > tried:
                break
        assert attempts[tried:] == [True]
        assert wal_path(db).stat().st_size < CHECKPOINT_BYTES


def test_a_stuck_lock_while_a_library_needs_its_upgrade(tmp_path: Path) -> None:
    """Opening a library that must be migrated waits for the lock, then fails in one line."""
    db = tmp_path / "library.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # a library created but never migrated
    conn.close()
    holder = python_process(HOLD_LOCK, str(db))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        with pytest.raises(LibraryBusy, match=r"is busy: .* more than 0\.3 s; try again"):
            Library(db, busy_timeout=0.3)
        env = {**os.environ, "READER_BUSY_TIMEOUT": "0.3"}
        lister = reader_process("list", "--db", str(db), env=env)
        out, err = lister.communicate(timeout=60)
        assert lister.returncode == 1 and out == b""
        assert err.decode().startswith(f"reader: {db} is busy: ") and err.count(b"\n") == 1
    finally:
        holder.kill()
        holder.communicate()
    with Library(db) as library:  # and once the lock is gone, the upgrade happens
        assert library.counts() == (0, 0) and library.check() == []
