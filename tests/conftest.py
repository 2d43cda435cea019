"""Fixtures shared by every test tier: temporary libraries and a sealed-off user environment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.models import ArticleDraft
from reader.store import Library


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the user's real library and configuration out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("READER_DB", str(home / "library.db"))
    monkeypatch.delenv("READER_DEBUG", raising=False)
    # The once-per-user warning about this machine's SQLite (test_concurrency.py checks it).
    monkeypatch.setenv("READER_SQLITE_WARNING", "0")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a library that does not exist yet."""
    return tmp_path / "library.db"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    """An empty library in a temporary folder."""
    lib = Library(db_path)
    lib.seed_random(1234)
    yield lib
    lib.close()


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    """A library with the demo articles and the UI tests' own (see `ui_support`)."""
    from ui_support import make_library

    return make_library(tmp_path / "library.db")


def make_drafts(
    count: int, *, category: tuple[str, ...] = ("科技",), start: int = 0
) -> list[ArticleDraft]:
    """`count` distinct drafts with descending publication times and a little Chinese text."""
    base = datetime(2024, 1, 1, 8, 0, 0)
    return [
        ArticleDraft(
            title=f"第{i}篇 文章 number {i}",
            body=f"这是第{i}篇文章的正文。\n\n## 为什么要读？\n\nBody text {i}.",
            category=category,
            published=base + timedelta(hours=i),
            views=i % 7,
            author="编辑部",
            tags=("测试",),
        )
        for i in range(start, start + count)
    ]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `reader ARGS` in-process; return (exit code, stdout, stderr)."""
    from reader.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
