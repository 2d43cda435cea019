"""End to end: the real `reader` process in a real terminal (tmux), driven by keys, read off the
screen. Waits poll the screen for what a person would wait to see, with a deadline."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.ui import make_library

from reader.store import Library

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

DEADLINE = 30.0


class Terminal:
    """One tmux session on a private server, running one command."""

    def __init__(self, command: str, size: tuple[int, int], env: dict[str, str]) -> None:
        self.socket = f"reader-e2e-{uuid.uuid4().hex[:8]}"
        self.env = env
        width, height = size
        self.tmux("new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a tmux command on this terminal's server."""
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def screen(self) -> str:
        """The visible text of the terminal."""
        return self.tmux("capture-pane", "-p", "-t", "app").stdout

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names: Enter, Escape, Tab, or plain characters)."""
        self.tmux("send-keys", "-t", "app", *keys)

    def alive(self) -> bool:
        """Whether the session (and so the app) is still running."""
        return self.tmux("has-session", "-t", "app").returncode == 0

    def wait_for(self, check: Callable[[str], bool], what: str) -> str:
        """Poll the screen until `check` holds; fail with the last screen after the deadline."""
        end = time.monotonic() + DEADLINE
        text = ""
        while time.monotonic() < end:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{text}")

    def close(self) -> None:
        """End the tmux server."""
        self.tmux("kill-server")


@pytest.fixture
def library_path(tmp_path: Path) -> Path:
    return make_library(tmp_path / "library.db")


def count_line(library: Path) -> str:
    """What the list's border says of the whole library (`43 articles`)."""
    with Library(library) as opened:
        return f"{opened.counts()[0]:,} articles"


def start(library: Path, size: tuple[int, int], extra_env: dict[str, str]) -> Terminal:
    env = {**os.environ, "TERM": "xterm-256color", **extra_env}
    # The app learns its size from the terminal: COLUMNS and LINES (pytest-xdist's workers have
    # them) would override it.
    for name in ("TMUX", "COLUMNS", "LINES"):
        env.pop(name, None)
    command = f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(library))}"
    return Terminal(command, size, env)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


@pytest.mark.parametrize(
    ("size", "extra_env"),
    [
        ((80, 24), {}),
        ((200, 60), {}),
        ((80, 24), {"NO_COLOR": "1"}),
        ((80, 24), {"TERM": "linux"}),
    ],
    ids=["80x24", "200x60", "no-color", "linux-16-colours"],
)
def test_read_random_help_and_quit_in_a_real_terminal(
    library_path: Path,
    terminals: list[Terminal],
    size: tuple[int, int],
    extra_env: dict[str, str],
) -> None:
    total = count_line(library_path)
    term = start(library_path, size, extra_env)
    terminals.append(term)
    term.wait_for(
        lambda s: "Categories" in s and "Welcome to reader" in s and total in s,
        "the panes to fill",
    )

    term.keys("Enter")
    term.wait_for(
        lambda s: "Home › Getting started › Welcome" in s and "1 view" in s, "the article"
    )

    term.keys("R")
    # Random may pick the article already open (then it shows a second view), or another one.
    term.wait_for(
        lambda s: "Home › Getting started › Welcome" not in s or "2 views" in s,
        "a random article",
    )

    # The demo's welcome article lists keys too: look for the help's own opening line.
    term.keys("?")
    term.wait_for(lambda s: "reader: a category" in s and "Keys" in s, "the help")
    term.keys("Escape")
    term.wait_for(lambda s: "reader: a category" not in s, "help to close")

    term.keys("/")
    term.keys("-l", "很长")
    term.wait_for(lambda s: "1 found" in s and "很长的文章" in s, "search results")
    term.keys("Enter")
    term.wait_for(lambda s: "Open" in s.rstrip().splitlines()[-1], "the results to take focus")
    term.keys("Enter")
    term.wait_for(lambda s: "Home › 测试 › 很长的文章" in s, "the result opened")
    term.keys("Escape", "Escape")
    term.wait_for(lambda s: total in s, "the category view again")

    term.keys("q")
    end = time.monotonic() + DEADLINE
    while term.alive() and time.monotonic() < end:
        time.sleep(0.05)
    assert not term.alive(), "q did not quit the app"


def test_hostile_title_cannot_quit_the_app(library_path: Path, terminals: list[Terminal]) -> None:
    term = start(library_path, (160, 48), {})
    terminals.append(term)
    term.wait_for(lambda s: "[@click=app.quit]Read more[/] [b]x" in s, "the hostile title")
    term.keys("G", "k", "k", "Enter")
    term.wait_for(lambda s: "[@click=app.quit]markup[/]" in s, "the hostile article")
    assert term.alive()


def test_dumb_terminal_tiny_size_and_a_resize_storm(
    library_path: Path, terminals: list[Terminal]
) -> None:
    term = start(library_path, (40, 12), {"TERM": "dumb"})
    terminals.append(term)
    term.wait_for(lambda s: "Welcome to" in s and "All articles" in s, "the list at 40x12")
    term.keys("Enter")
    term.wait_for(lambda s: "Home › Getting" in s, "the article at 40x12")
    for step in range(40):
        width, height = 30 + (step * 37) % 170, 8 + (step * 13) % 50
        term.tmux("resize-window", "-t", "app", "-x", str(width), "-y", str(height))
    term.tmux("resize-window", "-t", "app", "-x", "100", "-y", "30")
    term.wait_for(lambda s: "Home › Getting started › Welcome to reader" in s, "a redraw")
    term.keys("Escape")
    total = count_line(library_path)
    term.wait_for(lambda s: total in s, "the list after the storm")
    assert term.alive()


def test_two_apps_and_an_import_share_a_library(
    library_path: Path, terminals: list[Terminal], tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for number in range(60):
        (folder / f"note-{number:02}.md").write_text(
            f"---\ntitle: 同时导入的第{number}篇\ncategories: [并发]\n---\n\n正文 {number}。\n",
            encoding="utf-8",
        )

    def views() -> int:
        with Library(library_path) as library:
            return sum(item.views for item in library.page(limit=500).items)

    before = views()
    with Library(library_path) as library:
        articles = library.counts()[0]
    first = start(library_path, (120, 30), {})
    second = start(library_path, (80, 24), {})
    terminals += [first, second]
    for term in (first, second):
        term.wait_for(lambda s: f"{articles:,} articles" in s, "the app to start")
    importer = subprocess.Popen(
        [sys.executable, "-m", "reader", "import", "--db", str(library_path), str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(15):
        first.keys("R")
        second.keys("R")
    out, err = importer.communicate(timeout=DEADLINE * 2)
    assert importer.returncode == 0, err
    assert "60 added" in out
    for term in (first, second):
        term.keys("q")
    end = time.monotonic() + DEADLINE
    while (first.alive() or second.alive()) and time.monotonic() < end:
        time.sleep(0.05)
    assert not first.alive() and not second.alive()
    with Library(library_path) as library:
        assert library.counts()[0] == articles + 60
        assert library.check() == []
    counted = views() - before
    assert 2 <= counted <= 30
