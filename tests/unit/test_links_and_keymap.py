"""Link safety (only web links are copied or opened) and reading the user's keymap file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.text.urls import web_link
from reader.ui.keymap import load_keymap


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "-oProxyCommand=x",
        "https://exa mple.org/",
        "https://example.org/\x1b]52;c;x\x07",
        "ftp://example.org/",
        "https://",
    ],
)
def test_unsafe_links_are_never_copied_or_opened(url: str) -> None:
    assert web_link(url) is None


def test_web_links_pass() -> None:
    assert web_link("https://example.org/a?b=1#c") == "https://example.org/a?b=1#c"
    assert web_link("HTTP://Example.org/") == "HTTP://Example.org/"


def test_unreadable_keymap_is_one_line_and_ignored(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text("this is = = not toml", encoding="utf-8")
    keymap, problem = load_keymap(path)
    assert keymap == {} and problem is not None and "\n" not in problem
    assert load_keymap(tmp_path / "missing.toml") == ({}, None)
