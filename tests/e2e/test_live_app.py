"""The open app while other processes change its library: `reader import`, `delete`, `category
move` and `mark-read` run as real processes, and the app shows each change within about two
seconds, its cursor on the same article and the article being read untouched. Then the real
`reader` in a real terminal: an import made elsewhere appears, and quitting while a feed is still
being fetched ends the process at once.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.server import LocalServer, running_server
from support.tmux import Tmux
from support.ui import NARROW, AppOpener

from reader.ingest.runner import import_sources
from reader.store import Library
from reader.ui.state import Place

SOON_S = 3.0
"""Within this long of the other process ending, its change is on the screen (the app looks
every second; a reload takes milliseconds)."""


def reader(*args: str) -> float:
    """Run `reader ARGS` as another process; when it ended (time.monotonic)."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic()


def news_file(path: Path, count: int) -> Path:
    """JSON Lines articles newer than the test library's, in 外来/新闻."""
    lines = [
        json.dumps(
            {
                "title": f"外来的第{n}篇",
                "guid": f"live:{n}",
                "category": ["外来", "新闻"],
                "published": f"2099-01-01T08:{n:02}:00",
                "body": f"正文 {n}",
            },
            ensure_ascii=False,
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_the_open_app_follows_other_processes(
    open_app: AppOpener, lib_path: Path, tmp_path: Path
) -> None:
    db = str(lib_path)
    with Library(lib_path) as library:
        ids = {c.path: c.id for c in library.categories()}
    async with open_app(NARROW) as ui:
        screen = ui.screen
        article = await ui.open_titled(ui.titles()[4])
        await ui.press("escape")
        page = ui.page_text()
        rows = ui.rows()

        ended = reader("import", "--db", db, str(news_file(tmp_path / "news.jsonl", 5)))
        await ui.wait_until(lambda: ui.titles()[:1] == ["外来的第4篇"], "the import", 10)
        assert time.monotonic() - ended < SOON_S
        assert ui.cursor_row() == rows[4] and screen.articles.cursor == 9
        await ui.wait_until(
            lambda: any(str(n.label).startswith("外来 ") for n in ui.top_level()),
            "the new category",
        )

        ended = reader("delete", "--db", db, str(rows[4].id))
        await ui.wait_until(lambda: rows[4] not in ui.rows(), "the delete", 10)
        assert time.monotonic() - ended < SOON_S
        # The next article takes the deleted one's place under the cursor.
        assert ui.cursor_row() == rows[5] and screen.articles.cursor == 9

        ended = reader("category", "move", "--db", db, "生活/旅行", "/")
        travel = ids[("生活", "旅行")]
        await ui.wait_until(
            lambda: (
                screen.categories.has_scope(travel)
                and any(n.data == Place(travel) for n in ui.top_level())
            ),
            "the move",
            10,
        )
        assert time.monotonic() - ended < SOON_S

        ended = reader("mark-read", "--db", db, "--category", "科技")
        tech = next(n for n in ui.top_level() if n.data == Place(ids[("科技",)]))
        assert str(tech.label) == "科技 6/6"  # unread/total
        await ui.wait_until(lambda: str(tech.label) == "科技 6", "the marks (all read)", 10)
        assert time.monotonic() - ended < SOON_S

        # Through it all, the article being read stayed as it was.
        assert ui.article() == article and ui.page_text() == page
        with Library(lib_path) as library:
            assert library.check() == []


# -- the real `reader` in a real terminal ------------------------------------------------------

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the test."""
    with running_server() as local:
        yield local


def app_command(db: Path) -> str:
    return f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(db))}"


def app_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "COLUMNS", "LINES")}
    return {**env, "TERM": "xterm-256color"}


@needs_tmux
@pytest.mark.e2e
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_an_import_elsewhere_appears_in_a_real_terminal(
    lib_path: Path, tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in app_environment().items():
        monkeypatch.setenv(name, value)
    term = Tmux(app_command(lib_path), size, tmp_path / "tmux.conf")
    try:
        with Library(lib_path) as library:
            total = library.counts()[0]
        term.wait_for(lambda s: f"{total:,} articles" in s, "the app")
        ended = reader("import", "--db", str(lib_path), str(news_file(tmp_path / "n.jsonl", 3)))
        term.wait_for(lambda s: "外来的第2篇" in s and f"{total + 3:,} articles" in s, "the news")
        assert time.monotonic() - ended < SOON_S
        term.keys("q")
        assert term.wait_exit() == 0
    finally:
        term.close()


@needs_tmux
@pytest.mark.e2e
def test_quitting_while_a_feed_is_fetched_ends_at_once(
    lib_path: Path, tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server.add(
        "/feed.xml",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>'
        b"<item><title>one</title><guid>slow:1</guid></item></channel></rss>",
    )
    with Library(lib_path) as library:
        import_sources(library, [url])
    held = threading.Event()

    def hold(path: str) -> None:
        held.wait(60)  # longer than the test: only quitting can end the app's wait

    server.on_request = hold
    for name, value in app_environment().items():
        monkeypatch.setenv(name, value)
    term = Tmux(app_command(lib_path), (80, 24), tmp_path / "tmux.conf")
    try:
        term.wait_for(lambda s: "All articles" in s, "the app")
        term.keys("C-r")
        term.wait_for(lambda s: "Refreshing every feed: 0/1" in s, "the fetch under way")
        asked = time.monotonic()
        term.keys("q")
        assert term.wait_exit() == 0
        assert time.monotonic() - asked < 10
    finally:
        held.set()
        term.close()
