"""Crash safety: `reader import` killed with SIGKILL at random moments loses no source by halves.

HOSTILE.md D: "kill -9 during insert_all ... must: one transaction per file/feed: all or
nothing". A real `reader import` process imports folders of JSON Lines files and is killed after
a seeded random delay (measured from the moment it opens the library, scaled to how long a whole
import takes on this machine). After each kill the library must pass SQLite's integrity check and
the store's own invariants (counts, bodies, scopes, search index = articles), and every source
file must be wholly present in one version, or wholly absent. The next import then starts from
the leftover write-ahead log, as a user's would.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from functools import partial
from pathlib import Path

import pytest
from support.crash import (
    ARTICLES_PER_FILE,
    library_problems,
    reader_process,
    recorded_sources,
    versions_by_source,
    wait_until,
    wal_path,
    write_feed,
    write_source,
)
from support.library import make_drafts

from reader.store import Library

SHARED_FILES = 16
NEW_FILES_PER_RUN = 4


def prepare_run(folder: Path, run: int) -> None:
    """Run `run`'s sources: every shared file at version `run`, plus files new to this run."""
    folder.mkdir(exist_ok=True)
    for old in folder.glob("new*"):  # the library keeps them; re-reading them would only delay
        old.unlink()
    for n in range(SHARED_FILES):
        write_source(folder / f"shared{n:02}.jsonl", f"shared{n:02}", run)
    for n in range(NEW_FILES_PER_RUN):
        name = new_file(run, n)
        if name.endswith(".xml"):
            write_feed(folder / name, name.removesuffix(".xml"), run)
        else:
            write_source(folder / name, name.removesuffix(".jsonl"), run)


def new_file(run: int, n: int) -> str:
    """The name of a file new to run `run`: half JSON Lines, half RSS feeds (recorded sources)."""
    return f"new{run:03}-{n}" + (".xml" if n % 2 else ".jsonl")


def writing(db: Path, process: subprocess.Popen[bytes]) -> bool:
    """True once the import has written to the library's log (or has ended).

    The log is created empty when the library opens and is emptied when the last connection
    closes; the first bytes in it come from the import's first transaction.
    """
    try:
        return wal_path(db).stat().st_size > 0 or process.poll() is not None
    except FileNotFoundError:
        return process.poll() is not None


def timed_import(db: Path, folder: Path) -> float:
    """Import `folder` to the end; return seconds from its first write to its exit."""
    process = reader_process("import", "--db", str(db), str(folder))
    wait_until(partial(writing, db, process), 60, "the import to write")
    opened = time.monotonic()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - opened


def killed_import(db: Path, folder: Path, delay: float) -> bool:
    """Start an import and SIGKILL it `delay` s after its first write.

    Returns whether it was killed (False: it finished first).
    """
    process = reader_process("import", "--db", str(db), str(folder))
    try:
        wait_until(partial(writing, db, process), 60, "the import to write")
        deadline = time.monotonic() + delay
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        if process.poll() is not None:
            assert process.returncode == 0, process.communicate()[1].decode()
            return False
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return True
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.communicate()


def check_after_kill(db: Path, run: int, seen_new: dict[str, int]) -> bool:
    """Assert every source is all there or absent; return whether the run stopped part-way."""
    problems = library_problems(db)
    assert problems == [], f"run {run}: {problems}"
    stored = versions_by_source(db)
    for name, versions in stored.items():
        assert len(versions) == ARTICLES_PER_FILE, f"run {run}: {name} has {len(versions)}"
        assert len(set(versions)) == 1, f"run {run}: {name} mixes versions {set(versions)}"
    for name, version in seen_new.items():  # a committed source never goes away
        assert stored.get(name, [version])[0] == version, f"run {run}: {name} was lost"
    for name, versions in stored.items():
        if name.startswith("new"):
            seen_new[name] = versions[0]
    recorded = recorded_sources(db)
    for name in stored.keys() | recorded:  # a feed's articles and its record go together
        if name.endswith(".xml"):
            assert (name in stored) == (name in recorded), f"run {run}: {name} half recorded"
    shared = {stored[f"shared{n:02}.jsonl"][0] for n in range(SHARED_FILES)}
    this_run = [new_file(run, n) in stored for n in range(NEW_FILES_PER_RUN)]
    # Part-way: some but not all of this run's sources were committed.
    return (
        len(shared) > 1
        or (any(this_run) and not all(this_run))
        or (shared == {run} and not all(this_run))
    )


def crash_many_times(tmp_path: Path, kills: int, seed: int) -> None:
    """Import, kill, check, `kills` times over, each run changing and adding sources."""
    db = tmp_path / "library.db"
    folder = tmp_path / "sources"
    prepare_run(folder, 0)
    timed_import(db, folder)
    prepare_run(folder, 1)  # every later run updates the shared files: time one such run
    duration = timed_import(db, folder)
    assert library_problems(db) == []
    rng = random.Random(seed)
    seen_new: dict[str, int] = {}
    killed = cut = 0
    for run in range(2, kills + 2):
        prepare_run(folder, run)
        if killed_import(db, folder, rng.uniform(0.0, duration * 1.1)):
            killed += 1
        cut += check_after_kill(db, run, seen_new)
    # Most kills must land inside an import, or this test proves little.
    assert killed >= kills * 0.6, f"only {killed} of {kills} imports were killed"
    assert cut >= kills * 0.4, f"only {cut} of {kills} kills landed mid-import"
    # And the library carries on: a full import completes every source at the last version.
    prepare_run(folder, kills + 2)
    timed_import(db, folder)
    stored = versions_by_source(db)
    assert all(
        stored[f"shared{n:02}.jsonl"] == [kills + 2] * ARTICLES_PER_FILE
        for n in range(SHARED_FILES)
    )
    with Library(db, create=False) as library:
        assert library.check() == []
        assert library.counts()[0] == sum(len(v) for v in stored.values())


def test_import_killed_at_random_moments(tmp_path: Path) -> None:
    """30 imports killed at seeded random moments."""
    crash_many_times(tmp_path, kills=30, seed=6)


@pytest.mark.slow
def test_import_killed_at_random_moments_many_times(tmp_path: Path) -> None:
    """100 more kills at other moments."""
    crash_many_times(tmp_path, kills=100, seed=66)


def appeared(db: Path, process: subprocess.Popen[bytes]) -> bool:
    """True once the library file exists or the process has ended."""
    return db.exists() or process.poll() is not None


def test_creating_a_library_killed_at_random_moments(tmp_path: Path) -> None:
    """A new library killed while it is being created opens afterwards, empty or complete.

    (SQLite writes nothing into a new file until its first change: a kill in between used to
    leave a zero-byte file that reader then refused to open as a possibly lost library.)
    """
    source = tmp_path / "one.jsonl"
    write_source(source, "one", 1)
    rng = random.Random(7)
    for attempt in range(10):
        db = tmp_path / f"new{attempt}" / "library.db"
        db.parent.mkdir()
        process = reader_process("import", "--db", str(db), str(source))
        wait_until(partial(appeared, db, process), 60, "the library file")
        time.sleep(rng.uniform(0.0, 0.1))
        process.kill()
        process.communicate(timeout=30)
        with Library(db) as library:
            assert library.check() == []
            assert library.counts()[0] in (0, ARTICLES_PER_FILE)


def test_reindex_killed_at_random_moments(tmp_path: Path) -> None:
    """`reader reindex` is one transaction: killed anywhere, the old index stays whole."""
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(2000))
    started = time.monotonic()
    process = reader_process("reindex", "--db", str(db))
    process.communicate(timeout=120)
    duration = time.monotonic() - started
    assert process.returncode == 0
    rng = random.Random(8)
    for attempt in range(6):
        process = reader_process("reindex", "--db", str(db))
        time.sleep(rng.uniform(0.0, duration))
        process.kill()
        process.communicate(timeout=30)
        assert library_problems(db) == [], f"attempt {attempt}"
    with Library(db, create=False) as library:
        assert [hit.summary.id for hit in library.search("第1234篇")] == [1235]
