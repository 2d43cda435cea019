"""Odd terminals and locales: the real app in tmux under each `TERM` and locale a server may hand
it. Each either draws a sane screen (the tree, the list and an article, Chinese included, every
row exactly as wide as the terminal, colours no richer than `TERM` promises) or exits with one
line saying what is missing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.tmux import Tmux
from support.ui import make_library

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SIZE = (80, 24)
LATIN1 = "en_US.ISO-8859-1"
LOCALE_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE", "PYTHONIOENCODING")
# UTF-8 read as Latin-1 or CP1252 (中 -> ä¸­), escapes printed as text, replacement characters.
MOJIBAKE = re.compile(r"[ÃÂâä][\x80-\xbf¡-¿]|\\u[0-9a-f]{4}|\\x[0-9a-f]{2}|\ufffd")
RICH_COLOURS = re.compile(r"\x1b\[[0-9;]*[34]8;[25];")
BASIC_COLOURS = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7])[;m]")
BORDERS = "╭╮╰╯│"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return make_library(tmp_path / "library.db")


@pytest.fixture
def terminals() -> Iterator[list[Tmux]]:
    opened: list[Tmux] = []
    yield opened
    for terminal in opened:
        terminal.close()


def latin1_locale() -> str | None:
    """Make sure the ISO-8859-1 locale exists (generating it as root); None and skip if not."""
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    if "en_US.iso88591" in listed.stdout.split():
        return LATIN1
    if os.geteuid() != 0 or shutil.which("localedef") is None:
        return None
    made = subprocess.run(
        ["localedef", "-i", "en_US", "-f", "ISO-8859-1", LATIN1],
        capture_output=True,
        text=True,
        check=False,
    )
    return LATIN1 if made.returncode in (0, 1) and _has_latin1() else None


def _has_latin1() -> bool:
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    return "en_US.iso88591" in listed.stdout.split()


def run_app(library: Path, tmp_path: Path, settings: dict[str, str]) -> Tmux:
    """The real `reader` in tmux with only `settings` for its terminal type and locale."""
    unset = " ".join(f"-u {name}" for name in LOCALE_VARIABLES)
    assigned = " ".join(shlex.quote(f"{key}={value}") for key, value in settings.items())
    command = (
        f"env {unset} {assigned} {shlex.quote(sys.executable)} -m reader "
        f"--db {shlex.quote(str(library))}"
    )
    return Tmux(command, SIZE, tmp_path / "tmux.conf")


def assert_sane(screen: str) -> None:
    """Every row of the app is exactly the terminal's width, framed by its borders, and nothing
    reads as mojibake."""
    rows = screen.splitlines()[: SIZE[1] - 1]  # the footer has no frame
    assert len(rows) == SIZE[1] - 1, screen
    for row in rows:
        assert cell_len(row) == SIZE[0], f"a row {cell_len(row)} cells wide:\n{screen}"
        assert row[0] in BORDERS and row[-1] in BORDERS, f"a row out of its frame:\n{screen}"
    assert not MOJIBAKE.search(screen), screen


WORKS = {
    "TERM=linux": {"TERM": "linux", "LANG": "C.UTF-8"},
    "TERM=screen": {"TERM": "screen", "LANG": "C.UTF-8"},
    "TERM=xterm (8 colours)": {"TERM": "xterm", "LANG": "C.UTF-8"},
    "TERM=vt100": {"TERM": "vt100", "LANG": "C.UTF-8"},
    # The C locale: Python reads it as UTF-8 (PEP 538 coerces LANG=C; PEP 540 covers LC_ALL=C).
    "LANG=C": {"TERM": "xterm-256color", "LANG": "C"},
    "LC_ALL=C": {"TERM": "xterm-256color", "LC_ALL": "C"},
    "LANG=POSIX": {"TERM": "xterm-256color", "LANG": "POSIX"},
}


@pytest.mark.parametrize("settings", list(WORKS.values()), ids=list(WORKS))
def test_the_app_works(
    library: Path, tmp_path: Path, terminals: list[Tmux], settings: dict[str, str]
) -> None:
    term = run_app(library, tmp_path, settings)
    terminals.append(term)
    screen = term.wait_for(
        lambda s: "Categories" in s and "欢迎使用 reader" in s and "入门" in s, "the tree and list"
    )
    assert_sane(screen)
    term.keys("Enter")
    screen = term.wait_for(
        lambda s: (
            "Home › Getting started › Welcome to reader" in s
            and "reader is a small program for reading articles" in s
        ),
        "the article",
    )
    assert_sane(screen)
    coloured = term.screen(escapes=True)
    if settings["TERM"] != "xterm-256color":  # 16 colours at most, and some of them used
        assert not RICH_COLOURS.search(coloured)
        assert BASIC_COLOURS.search(coloured)
    term.keys("J")  # the next article: 欢迎使用 reader, in Chinese
    screen = term.wait_for(lambda s: "Home › 入门 › 欢迎使用 reader" in s, "a Chinese article")
    assert_sane(screen)
    term.keys("q")
    assert term.wait_exit() == 0
    assert "Traceback" not in term.printed()


REFUSED = {
    "TERM=dumb": ({"TERM": "dumb", "LANG": "C.UTF-8"}, "TERM=dumb: this terminal cannot move"),
    "LANG=en_US.ISO-8859-1": (
        {"TERM": "xterm-256color", "LANG": LATIN1},
        f"character set is iso8859-1 (LANG={LATIN1})",
    ),
    "LC_ALL=en_US.ISO-8859-1": (
        {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": LATIN1},
        f"character set is iso8859-1 (LC_ALL={LATIN1})",
    ),
}


@pytest.mark.parametrize(("settings", "reason"), list(REFUSED.values()), ids=list(REFUSED))
def test_the_app_says_what_is_missing(
    library: Path, tmp_path: Path, terminals: list[Tmux], settings: dict[str, str], reason: str
) -> None:
    if LATIN1 in settings.values() and latin1_locale() is None:
        pytest.skip(f"the {LATIN1} locale is missing and cannot be generated here")
    term = run_app(library, tmp_path, settings)
    terminals.append(term)
    assert term.wait_exit() == 1
    printed = term.printed()
    lines = [line for line in printed.splitlines() if line.strip()]
    message = "".join(lines)  # one line, wrapped by the 80-column terminal
    assert message.startswith("reader: ") and reason in message, printed
    assert message.isascii() and "Traceback" not in printed
    assert printed.count("reader: ") == 1
