"""Reads never wait for a writer, and the writes nobody asked for never wait either.

Another connection holds the library's write lock (`BEGIN IMMEDIATE`, as another program would)
for longer than the library's busy timeout. Views, reading positions and remembered state written
with `wait=False` are queued and written once the lock is free, or dropped on close; reads go on
meanwhile, even while a write the user asked for waits in another thread.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from support.foreign import unmarked_library
from support.library import make_drafts

from reader.store import MAX_ID, Library, LibraryBusy
from reader.store.schema import APPLICATION_ID

BUSY = 1.0
QUICK = 0.3
T = TypeVar("T")


@contextmanager
def locked(db: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holds the write lock for the block (then rolls back)."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE articles SET views = views + 100")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


def committed(db: Path, sql: str, *args: object) -> object:
    """One value as committed, read through a plain connection."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.fixture
def lib(db_path: Path) -> Iterator[Library]:
    """A library of 12 articles, with a busy timeout of `BUSY` seconds."""
    with Library(db_path) as library:
        library.save(make_drafts(12))
    library = Library(db_path, busy_timeout=BUSY)
    library.seed_random(5)
    yield library
    library.close()


def test_a_view_counted_while_busy_is_written_once_the_lock_is_free(
    lib: Library, db_path: Path
) -> None:
    views = "SELECT views FROM articles WHERE id = 1"
    start = committed(db_path, views)
    with locked(db_path):
        written, seconds = timed(lambda: lib.count_view(1, wait=False))
        assert written is False and seconds < QUICK
        article, seconds = timed(lambda: lib.get(1))
        assert article is not None and article.views == start and seconds < QUICK
        assert lib.page(limit=50).items and lib.counts() == (12, 12)
        assert lib.search("第1篇") and lib.categories()
        assert committed(db_path, views) == start
    wait_for(lambda: committed(db_path, views) == start + 1)
    assert (
        committed(
            db_path, "SELECT count(*) FROM marks WHERE article_id = 1 AND read_at IS NOT NULL"
        )
        == 1
    )


def test_state_written_while_busy_is_read_back_at_once(lib: Library, db_path: Path) -> None:
    with locked(db_path):
        _, seconds = timed(lambda: lib.set_state("ui.scope", 3, wait=False))
        assert seconds < QUICK and lib.get_state("ui.scope") == 3
        _, seconds = timed(lambda: lib.set_progress(2, 0.5, wait=False))
        assert seconds < QUICK
        # The random walk moves on in memory: no repeats while the lock is held.
        picks, seconds = timed(lambda: [lib.random_article() for _ in range(12)])
        assert seconds < QUICK * 4
        assert len({p.id for p in picks if p is not None}) == 12
        assert committed(db_path, "SELECT count(*) FROM reader_state") == 0
    wait_for(lambda: committed(db_path, "SELECT count(*) FROM reader_state") == 2)
    assert lib.get_state("ui.scope") == 3
    assert (
        committed(db_path, "SELECT ifnull(max(progress), 0) FROM marks WHERE article_id = 2") == 0.5
    )


def test_queued_writes_are_dropped_when_the_lock_is_never_free(db_path: Path) -> None:
    with Library(db_path) as library:
        library.save(make_drafts(3))
    library = Library(db_path, busy_timeout=BUSY)
    with locked(db_path):
        assert library.count_view(1, wait=False) is False
        assert library.set_state("ui.article", 1, wait=False) is False
        _, seconds = timed(library.close)
        assert seconds < QUICK * 2
    with Library(db_path, create=False) as reopened:
        assert reopened.get(1).views == 0  # type: ignore[union-attr]
        assert reopened.get_state("ui.article") is None


def test_reads_never_wait_for_a_write_waiting_in_another_thread(
    lib: Library, db_path: Path
) -> None:
    """A write the user asked for waits the busy timeout for the lock, then fails; reads from
    other threads of the same program go on meanwhile."""
    failed: list[BaseException] = []

    def star() -> None:
        try:
            lib.set_starred(1)
        except LibraryBusy as error:
            failed.append(error)

    with locked(db_path):
        waiting = threading.Thread(target=star)
        started = time.monotonic()
        waiting.start()
        slowest = 0.0
        while time.monotonic() - started < BUSY * 0.8:  # all the while the star waits
            for call in (lambda: lib.get(2), lib.random_article, lambda: lib.page(limit=20)):
                slowest = max(slowest, timed(call)[1])
        assert waiting.is_alive() and slowest < QUICK
        assert lib.count_view(3, wait=False) is False
        waiting.join()
        assert time.monotonic() - started >= BUSY
    assert len(failed) == 1 and "is busy" in str(failed[0])
    wait_for(lambda: committed(db_path, "SELECT views FROM articles WHERE id = 3") == 2 + 1)
    assert (
        committed(
            db_path, "SELECT count(*) FROM marks WHERE article_id = 1 AND starred_at IS NOT NULL"
        )
        == 0
    )


def test_queued_writes_come_before_later_ones(lib: Library, db_path: Path) -> None:
    """A view queued while busy marks the article read; unmarking it later wins."""
    with locked(db_path):
        assert lib.count_view(4, wait=False) is False
    lib.set_read(4, False)
    assert lib.get(4).read is False  # type: ignore[union-attr]
    assert committed(db_path, "SELECT views FROM articles WHERE id = 4") == 3 + 1


@pytest.mark.parametrize("article_id", [0, -1, MAX_ID + 1, 2**64, -(2**63) - 1])
def test_ids_sqlite_cannot_hold_name_no_article(lib: Library, article_id: int) -> None:
    assert lib.get(article_id) is None
    assert lib.summaries([article_id, 1])[0].id == 1
    assert lib.count_view(article_id) is True
    lib.set_read(article_id)
    lib.set_starred(article_id)
    lib.set_progress(article_id, 0.5)
    assert lib.delete([article_id]).articles == 0
    assert lib.counts() == (12, 12)


def test_a_library_from_before_the_marks_opens_while_busy(db_path: Path) -> None:
    """Marking an older library waits for no one: it is marked on a later open instead."""
    unmarked_library(db_path, later=False)
    app_id = "SELECT application_id FROM pragma_application_id"
    with locked(db_path):
        library, seconds = timed(lambda: Library(db_path, create=False, busy_timeout=BUSY))
        assert seconds < QUICK and library.counts() == (30, 30)
        library.close()
        assert committed(db_path, app_id) == 0
    Library(db_path, create=False).close()
    assert committed(db_path, app_id) == APPLICATION_ID
