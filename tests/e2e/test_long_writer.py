"""Reading never waits for a writer: every reading command, while another program holds the
library's write lock for longer than the busy timeout.

HOSTILE.md G: "a writer holding the lock longer than the busy timeout: opening an article waited
15 s, then 'busy'". The writer here is a real process with `BEGIN IMMEDIATE` and a change not yet
committed (`support.locks`); each command is a real `reader` process with READER_BUSY_TIMEOUT
set to `BUSY` seconds, and must finish in well under it with the output it gives on an idle
library. Writes the user asks for still wait for the lock, then say so in one line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.library import make_drafts
from support.locks import write_lock_held

from reader.store import Library

BUSY = 4.0
"""READER_BUSY_TIMEOUT for the commands (the lock is held for longer than this)."""
QUICK = BUSY / 2
"""A reading command must finish within this, Python's start included."""

CHANGE = "UPDATE articles SET title = 'rewritten by the writer', views = views + 100"


def _run(db: Path, *args: str) -> tuple[int, str, str, float]:
    env = {**os.environ, "READER_BUSY_TIMEOUT": f"{BUSY:g}"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reader", args[0], "--db", str(db), *args[1:]],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def _json(out: str) -> object:
    return json.loads(out)


COMMANDS: dict[str, tuple[list[str], Callable[[str], bool]]] = {
    "show": (["show", "1"], lambda out: "第0篇 文章 number 0" in out and " · 1 view · " in out),
    "show --json": (
        ["show", "--json", "2"],
        lambda out: _json(out)["views"] == 1 and _json(out)["read"] is True,  # type: ignore[index]
    ),
    "show --no-count": (["show", "--no-count", "3"], lambda out: "第2篇" in out),
    "list": (["list", "--limit", "100"], lambda out: out.count("\n") == 30),
    "list --sort views --json": (
        ["list", "--sort", "views", "--json"],
        lambda out: len(_json(out)) == 30,  # type: ignore[arg-type]
    ),
    "random": (["random", "--json"], lambda out: "第" in _json(out)["title"]),  # type: ignore[index]
    "search": (["search", "--json", "第7篇"], lambda out: len(_json(out)) == 1),  # type: ignore[arg-type]
    "categories": (["categories", "--json"], lambda out: _json(out)[0]["articles"] == 30),  # type: ignore[index]
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A library of 30 articles (views 0 to 6), none read."""
    path = tmp_path / "library.db"
    with Library(path) as library:
        library.save(make_drafts(30))
        for article in library.page(limit=30).items:  # every view count starts at 0
            library.db.conn.execute("UPDATE articles SET views = 0 WHERE id = ?", (article.id,))
    return path


def test_reading_commands_never_wait_for_a_writer(db: Path) -> None:
    """Each reading command finishes in under half the busy timeout with the committed text,
    while the writer holds the lock (and its uncommitted change) throughout."""
    timings: dict[str, list[float]] = {name: [] for name in COMMANDS}
    with write_lock_held(db, CHANGE) as taken:
        # Round after round until the lock has been held for well past the busy timeout.
        while time.monotonic() - taken < BUSY * 1.5:
            for name, (args, good) in COMMANDS.items():
                code, out, err, elapsed = _run(db, *args)
                assert code == 0 and err == "", (name, err)
                assert good(out), (name, out[:300])
                assert "rewritten by the writer" not in out
                assert elapsed < QUICK, (name, elapsed)
                timings[name].append(round(elapsed, 2))
    with Library(db, create=False) as library:
        # Views counted while the lock was held could not be written before `show` ended: they
        # were dropped, and nothing else was written.
        assert [library.get(i).views for i in (1, 2, 3)] == [0, 0, 0]  # type: ignore[union-attr]
        assert library.counts() == (30, 30)
        assert library.check() == []
    print(f"\nwhile another program held the write lock: {timings}")


def test_show_counts_the_view_when_the_lock_is_free(db: Path) -> None:
    """Without a writer the view is written before `show` ends (and the article marked read)."""
    code, out, err, _ = _run(db, "show", "--json", "5")
    assert code == 0 and err == "" and _json(out)["views"] == 1  # type: ignore[index]
    with Library(db, create=False) as library:
        article = library.get(5)
        assert article is not None and article.views == 1 and article.read


def test_writes_asked_for_wait_then_say_busy_in_one_line(db: Path, tmp_path: Path) -> None:
    """`import` and `reindex` wait the busy timeout for the lock, then fail in one line."""
    source = tmp_path / "note.md"
    source.write_text("# 一篇笔记\n\n正文。\n", encoding="utf-8")
    with write_lock_held(db, CHANGE):
        for args in (["import", str(source)], ["reindex"]):
            code, out, err, elapsed = _run(db, *args)
            assert code == 1 and out == ""
            assert err == (
                f"reader: {db} is busy: another program has held its write lock for more than "
                f"{BUSY:g} s; try again when it has finished\n"
            )
            assert elapsed >= BUSY
