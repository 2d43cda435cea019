"""Bad places for a library: a full disk during an import, a library moved or deleted while open.

Each must end in one line on stderr naming the file and what to do, a non-zero exit, nothing
overwritten and no source half-imported; the sources saved before it stay whole, and a later
import carries on once the problem is gone. (Unreadable, read-only, corrupt and non-SQLite files
are covered by test_bad_db.py.)
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support.crash import (
    ARTICLES_PER_FILE,
    TESTS,
    library_problems,
    reader_process,
    versions_by_source,
    wait_until,
    write_feed,
    write_source,
)
from support.library import make_drafts

from reader.ingest.runner import import_sources
from reader.store import Library, LibraryUnavailable

FILES = 40


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A folder of 40 JSON Lines files of 15 articles each (about 40 KB a file)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for n in range(FILES):
        write_source(folder / f"file{n:02}.jsonl", f"file{n:02}", 1)
    return folder


def check_whole(stored: dict[str, int]) -> None:
    """Every source present is present with all of its articles."""
    assert all(count == ARTICLES_PER_FILE for count in stored.values()), stored


def test_disk_fills_up_during_an_import(tmp_path: Path, sources: Path) -> None:
    """An 8 MB tmpfs, 5.5 MB of it taken (in a private mount namespace), fills up part-way through a real import."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs unshare and mount")
    mount = tmp_path / "small disk"
    mount.mkdir()
    code = (
        f"import sys; sys.path.insert(0, {str(TESTS)!r});"
        " from support.crash import disk_full_scenario;"
        " disk_full_scenario(sys.argv[1], sys.argv[2], '8m', 5_500_000)"
    )
    done = subprocess.run(
        ["unshare", "-m", sys.executable, "-c", code, str(mount), str(sources)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0 and "unshare" in done.stderr:
        pytest.skip(f"no private mount namespace here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    if "skip" in result:
        pytest.skip(result["skip"])
    db = mount / "library.db"
    full, freed = result["full"], result["freed"]
    assert full["code"] == 1
    assert full["err"] == (
        f"reader: the disk holding {db} is full; free some space and try again\n"
    )
    assert full["problems"] == []
    check_whole(full["stored"])
    saved = len(full["stored"])
    assert 0 < saved < FILES, "the disk should fill part-way through"
    # What was saved before the disk filled is summed up on stdout.
    assert full["out"].startswith(f"{saved} sources: {saved * ARTICLES_PER_FILE} added, ")
    assert freed["code"] == 0 and freed["err"] == "" and freed["problems"] == []
    assert freed["out"].startswith(
        f"{FILES} sources: {(FILES - saved) * ARTICLES_PER_FILE} added, 0 updated, "
        f"{saved * ARTICLES_PER_FILE} unchanged, 0 failed"
    )
    assert freed["stored"] == {f"file{n:02}.jsonl": ARTICLES_PER_FILE for n in range(FILES)}


def test_a_size_limit_reached_during_an_import(tmp_path: Path, sources: Path) -> None:
    """The same through the API, without root: `PRAGMA max_page_count` stands for the disk."""
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(10))
        pages = library.db.conn.execute("PRAGMA page_count").fetchone()[0]
        library.db.conn.execute(f"PRAGMA max_page_count = {pages + 60}")
        with pytest.raises(LibraryUnavailable) as caught:
            import_sources(library, [str(sources)])
        assert str(caught.value) == (
            f"the disk holding {db} is full; free some space and try again"
        )
        assert library.check() == []
        stored = {name: len(v) for name, v in versions_by_source(db).items()}
        check_whole(stored)
        assert 0 < len(stored) < FILES
        library.db.conn.execute("PRAGMA max_page_count = 4294967294")
        report = import_sources(library, [str(sources)])
        assert report.failed == [] and report.total("unchanged") == len(stored) * ARTICLES_PER_FILE
        assert library.check() == []
    assert len(versions_by_source(db)) == FILES


def moved_message(db: Path) -> str:
    """What reader says when the library it has open was moved or deleted."""
    return (
        f"{db} was moved or deleted while it was open, so the last change was not saved; "
        "put it back, or give its new place with --db"
    )


@pytest.mark.parametrize("how", ["renamed", "deleted"])
def test_library_folder_disappears_during_an_import(
    tmp_path: Path, sources: Path, how: str
) -> None:
    """The library's folder is renamed or removed after three sources: the import stops there."""
    folder = tmp_path / "library folder"
    folder.mkdir()
    db = folder / "library.db"
    elsewhere = tmp_path / "moved folder"
    done: list[str] = []

    def after_each(outcome: object) -> None:
        done.append(str(outcome))
        if len(done) == 3:
            if how == "renamed":
                folder.rename(elsewhere)
            else:
                shutil.rmtree(folder)

    with Library(db) as library:
        with pytest.raises(LibraryUnavailable) as caught:
            import_sources(library, [str(sources)], on_source=after_each)
        assert str(caught.value) == moved_message(db)
        with pytest.raises(LibraryUnavailable):
            library.count_view(1)
        assert library.get(1) is not None  # what is open can still be read
    assert len(done) == 3
    assert not folder.exists(), "nothing is recreated where the library was"
    if how == "renamed":
        moved = elsewhere / "library.db"
        assert library_problems(moved) == []
        stored = {name: len(v) for name, v in versions_by_source(moved).items()}
        assert stored == {f"file{n:02}.jsonl": ARTICLES_PER_FILE for n in range(3)}


def test_library_moved_during_a_real_import(tmp_path: Path, sources: Path) -> None:
    """`reader import` whose library folder is renamed while it runs: one line, exit 1."""
    folder = tmp_path / "library folder"
    folder.mkdir()
    db = folder / "library.db"
    elsewhere = tmp_path / "moved folder"
    with Library(db):
        pass
    process = reader_process("import", "--db", str(db), str(sources))

    def saved_some() -> bool:
        if process.poll() is not None:
            return True
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()

    wait_until(saved_some, 60, "the first source to be saved")
    folder.rename(elsewhere)
    out, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the import finished before the folder could be moved")
    assert process.returncode == 1
    assert err.decode() == f"reader: {moved_message(db)}\n"
    moved = elsewhere / "library.db"
    assert library_problems(moved) == []
    stored = {name: len(v) for name, v in versions_by_source(moved).items()}
    check_whole(stored)
    assert 0 < len(stored) < FILES
    summary = f"{len(stored)} source{'s' if len(stored) > 1 else ''}: "
    assert out.decode().startswith(f"{summary}{len(stored) * ARTICLES_PER_FILE} added, ")
    assert not folder.exists()


def test_a_feed_and_its_record_are_saved_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk filling up between a feed's articles and its record keeps neither."""
    feed = tmp_path / "feed.xml"
    write_feed(feed, "feed", 1)
    db = tmp_path / "library.db"

    def full(*args: object, **kwargs: object) -> int:
        raise LibraryUnavailable(f"the disk holding {db} is full; free some space and try again")

    with Library(db) as library:
        monkeypatch.setattr(library, "record_source", full)
        with pytest.raises(LibraryUnavailable):
            import_sources(library, [str(feed)])
        assert library.counts() == (0, 0)
        monkeypatch.undo()
        report = import_sources(library, [str(feed)])
        assert report.total("added") == ARTICLES_PER_FILE
        assert [s.location for s in library.sources()] == [str(feed.resolve())]
        assert library.check() == []


def test_a_read_only_library_can_be_checked(tmp_path: Path) -> None:
    """`Library.check` reads only: it works on a read-only library (FTS5's own check skipped)."""
    db = tmp_path / "library.db"
    with Library(db) as library:
        library.save(make_drafts(30))
    db.chmod(0o444)
    try:
        with Library(db, create=False) as library:
            assert library.readonly and library.check() == []
    finally:
        db.chmod(0o644)
