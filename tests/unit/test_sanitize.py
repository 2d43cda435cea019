"""The one sanitiser: nothing that can drive a terminal survives it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.text.sanitize import sanitize, sanitize_line

HOSTILE = [
    ("\x1b]0;TITLE\x07after", "after"),
    ("\x1b]0;TITLE\x1b\\after", "after"),
    ("a\x1b[2Jb\x1b[10Ac\x1bcd", "abcd"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b]52;c;SGVsbG8=\x07x", "x"),
    ("\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\", "link"),
    ("\x1b[6n\x1b[21t?", "?"),
    ("\x1bPpayload\x1b\\ok", "ok"),
    ("\x1b_apc\x1b\\ok", "ok"),
    ("\x1b^pm\x1b\\ok", "ok"),
    ("\x9b31mC1", "C1"),
    ("nul\x00del\x7f", "nuldel"),
    ("\u202eevil\u2066x\u2069\u200e\u200f", "evilx"),
    ("A\rB\r\nC", "A\nB\nC"),
    ("中文\u200b零宽\u200d👩\u200d💻", "中文\u200b零宽\u200d👩\u200d💻"),
]


@pytest.mark.parametrize(("raw", "clean"), HOSTILE)
def test_hostile_sequences_are_removed(raw: str, clean: str) -> None:
    assert sanitize(raw) == clean


def test_sanitize_line_folds_whitespace() -> None:
    assert sanitize_line("  标题\n第二行\t尾 ") == "标题 第二行 尾"


def _is_control(char: str) -> bool:
    return char not in "\n\t" and (
        unicodedata.category(char) == "Cc"
        or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    )


@given(st.text())
def test_output_never_holds_control_characters(text: str) -> None:
    cleaned = sanitize(text)
    assert not any(_is_control(c) for c in cleaned)
    assert sanitize(cleaned) == cleaned


@given(
    st.lists(
        st.sampled_from(["\x1b", "[", "]", "P", "\\", "\x07", "0;", "x", "中", "\x9b", "\x9d"])
    )
)
def test_fragments_of_sequences_never_leave_an_escape(parts: list[str]) -> None:
    assert "\x1b" not in sanitize("".join(parts))
