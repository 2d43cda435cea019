"""Line breaking and cutting for mixed Chinese and Latin text (`reader.ui.wrapping`): breaks
between CJK characters and where CJK meets Latin, never inside a word, a number or a tag, never
with closing punctuation at a line's start or opening punctuation at its end, widths in cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.content import Content

from reader.ui.wrapping import CLOSING, OPENING, fit, wrap, wrap_ranges


def lines_of(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap_ranges(text, width)]


def test_a_tag_is_never_split() -> None:
    text = "标签：#问答 #人工智能 和 #机器学习，以及更多"
    for width in range(10, 30):  # from the widest tag's width on
        lines = lines_of(text, width)
        for tag in ("#问答", "#人工智能", "#机器学习"):
            assert any(tag in line for line in lines), (width, lines)


def test_a_no_break_space_never_breaks_and_a_tag_runs_on_through_it() -> None:
    text = "标签：#getting\u00a0started #问答\u00a0精选 和 100\u202fkm 的路"
    for width in range(16, 40):
        lines = lines_of(text, width)
        for whole in ("#getting\u00a0started", "#问答\u00a0精选", "100\u202fkm"):
            assert any(whole in line for line in lines), (width, lines)
    # Wider than the line, it folds like any word.
    assert all(cell_len(line) <= 6 for line in lines_of("#getting\u00a0started", 6))


def test_latin_words_and_numbers_stay_whole_and_cjk_breaks_next_to_them() -> None:
    text = "Python入门指南，第3.11版的新特性 and asyncio 的用法"
    for width in range(8, 40):
        joined = " ".join(lines_of(text, width))
        for word in ("Python", "3.11", "asyncio", "and"):
            assert word in joined, (width, lines_of(text, width))
    assert lines_of(text, 12)[0] == "Python入门指"  # no need to carry Python to its own line


def test_closing_punctuation_never_starts_a_line_nor_opening_ends_one() -> None:
    text = "这是一个很长的句子，其中包含（括号里的内容）以及「引号」。他说：“你好。”然后走了。"
    for width in range(6, 40):
        lines = lines_of(text, width)
        assert all(line[0] not in CLOSING for line in lines[1:] if line), (width, lines)
        assert all(line[-1] not in OPENING for line in lines if line), (width, lines)
        assert all(cell_len(line) <= width for line in lines), (width, lines)
    # The character before a comma goes down with it.
    assert lines_of("一二三四五，六七", 10) == ["一二三四", "五，六七"]


def test_cjk_and_latin_keep_their_spacing_and_spaces_at_a_break_go() -> None:
    assert lines_of("在 Python 中使用 asyncio 库", 12) == ["在 Python 中", "使用 asyncio", "库"]


def test_a_word_wider_than_the_line_is_folded() -> None:
    assert lines_of("https://example.com/a/very/long/path", 12) == [
        "https://exam",
        "ple.com/a/ve",
        "ry/long/path",
    ]


def test_newlines_end_lines() -> None:
    assert lines_of("第一行\n\nsecond", 20) == ["第一行", "", "second"]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        # Spaces that overflow the last line make no empty line after "（".
        ("中" * 18 + "……Python#问答aword（ ", 28, ["中" * 14, "中中中中……Python#问答aword（"]),
        ("中文 \n下", 4, ["中文", "下"]),
        # A tag right after a Latin word stays whole.
        ("中" * 19 + "Python#问答", 16, ["中" * 8, "中" * 8, "中中中", "Python#问答"]),
        # Closing punctuation in front of a word stays on the line it closes.
        ("中，…PythonPython", 16, ["中，…", "PythonPython"]),
        ("ab ,PythonPythonPy", 16, ["ab ,", "PythonPythonPy"]),
        # A space after opening punctuation is no place to break.
        ("中中中中中中《 中", 16, ["中中中中中中", "《 中"]),
        # A run wider than the line breaks a word, or a tag where CJK meets Latin, not kinsoku.
        ("（Python，，，，，", 16, ["（Pytho", "n，，，，，"]),
        ("#问答中中中中Pythonwordword，", 27, ["#问答中中中中", "Pythonwordword，"]),
    ],
)
def test_breaks_that_once_went_against_the_rules(
    text: str, width: int, expected: list[str]
) -> None:
    assert lines_of(text, width) == expected


PIECES = st.sampled_from(
    ["中", "文", "字", "，", "。", "、", "）", "」", "（", "「", "…", " ", "Python", "3.11",
     "#问答", "a", "word", "!", ",", "😀", "e\u0301", "》", "《"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=60).map("".join), st.integers(min_value=16, max_value=60))
def test_any_mix_wraps_within_the_width_by_the_rules(text: str, width: int) -> None:
    ranges = wrap_ranges(text, width)
    rebuilt = ""
    for number, (start, end) in enumerate(ranges):
        gap = text[len(rebuilt) : start]
        assert gap.strip() == "", (text, width, ranges)  # only spaces are dropped
        rebuilt = text[:end]
        line = text[start:end]
        assert cell_len(line.rstrip()) <= width, (text, width, line)
        if number and line:
            before = text[ranges[number - 1][0] : ranges[number - 1][1]].rstrip()
            # One character and more closing punctuation than a line holds must break in it.
            too_narrow = len(before.rstrip("".join(CLOSING))) <= 1
            assert line[0] not in CLOSING or too_narrow, (text, width, lines_of(text, width))
        if number < len(ranges) - 1 and line.rstrip():
            assert line.rstrip()[-1] not in OPENING, (text, width, lines_of(text, width))
        assert "#问" not in line or "#问答" in line
    assert text[len(rebuilt) :].strip() == ""


def test_wrap_keeps_styles_and_hangs_the_lines_after_the_first() -> None:
    content = Content.assemble(("粗体", "bold"), "的文字，和更多的文字在这里换行")
    lines = wrap(content, 14, prefix=Content("  q   "))
    assert [line.plain for line in lines] == [
        "  q   粗体的文",
        "      字，和更",
        "      多的文字",
        "      在这里换",
        "      行",
    ]
    assert lines[0].spans and lines[0].spans[0].style == "bold"


@pytest.mark.parametrize(
    "text",
    ["😀😀😀 emoji 标题", "中文标题很长很长很长", "Cafe\u0301 e\u0301e\u0301e\u0301 long", "abc"],
)
@pytest.mark.parametrize("width", [1, 4, 5, 8, 11, 30])
def test_fit_cuts_and_pads_to_exactly_the_width_in_cells(text: str, width: int) -> None:
    cut = fit(text, width)
    assert cell_len(cut) == width
    assert cut.rstrip() == text or cut.rstrip().endswith("…")
