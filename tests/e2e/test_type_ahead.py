"""Keys typed ahead in a real terminal: a fast typist's `Shift+Tab g j j j Tab G Enter`, sent to
the app in one burst, moves the tree to a category, goes to its list, to its last row, and opens it, in that
order, however long the list takes to be read."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest
from support.library import make_drafts
from support.tmux import Tmux
from support.ui import make_library

from reader.store import Library

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

CATEGORY = "多"


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_keys_typed_at_once_apply_in_order(tmp_path: Path, size: tuple[int, int]) -> None:
    path = make_library(tmp_path / "library.db")
    with Library(path) as library:
        library.save(make_drafts(300, category=(CATEGORY,)), source="tests")
        tops = [c.name for c in library.categories() if c.depth == 0]
    oldest = make_drafts(1)[0].title  # the last row of the category, newest first
    line = 3 + tops.index(CATEGORY)  # below Unread, Starred and All articles
    command = f"{shlex.quote(sys.executable)} -m reader --db {shlex.quote(str(path))}"
    terminal = Tmux(command, size, tmp_path / "tmux.conf", env={"TERM": "xterm-256color"})
    try:
        terminal.wait_for(lambda text: "articles · by date" in text, "the list")
        # Shift+Tab to the tree (not Escape: an Escape and the next key at once read as Alt+key).
        terminal.keys("BTab", "g", *["j"] * line, "Tab", "G", "Enter")
        screen = terminal.wait_for(lambda text: f"› {oldest}" in text, "the last article")
        assert f"Home › {CATEGORY} › {oldest}" in screen, screen
    finally:
        terminal.close()
