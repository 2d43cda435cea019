"""Chinese text breaks and lines up as a Chinese reader expects outside the reading pane too: the
help screen and notifications at 60 columns, and the columns of the article list."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.ui import AppOpener, make_app, make_library, settle
from textual.geometry import Region

from reader.models import ArticleDraft
from reader.store import Library
from reader.ui.screens import help as help_screen
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.wrapped import Wrapped
from reader.ui.wrapping import CLOSING, OPENING

SENTENCE = (
    "阅读器把文章分成类别和标签，例如 #问答、#人工智能 和 #机器学习，每一篇文章都可以用"
    "键盘打开（也可以用鼠标）。Python 3.11 的新特性、asyncio 的用法，以及「更多」内容。"
)


def _check_lines(lines: list[str], width: int) -> None:
    """Every line fits, no line starts with closing punctuation or ends with opening
    punctuation, and the tags, words and numbers of `SENTENCE` are whole."""
    assert lines, "nothing shown"
    for line in lines:
        assert cell_len(line) <= width, (line, lines)
        text = line.strip()
        if text:
            assert text[0] not in CLOSING, (line, lines)
            assert text[-1] not in OPENING, (line, lines)
    joined = " ".join(line.strip() for line in lines)
    for whole in ("#问答", "#人工智能", "#机器学习", "Python", "3.11", "asyncio"):
        assert whole in joined, (whole, lines)


async def test_the_help_screen_breaks_chinese_text_by_its_rules_at_60_columns(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(help_screen, "INTRO", SENTENCE)
    async with open_app((60, 20)) as ui:
        await ui.press("question_mark")
        assert isinstance(ui.app.screen, HelpScreen)
        shown = ui.app.screen.query_one(Wrapped)
        width = shown.content_region.width
        lines = shown.render().plain.splitlines()
        intro = lines[: lines.index("")]
        assert len(intro) > 2
        _check_lines(intro, width)
        assert all(cell_len(line) <= width for line in lines)
        # A key's description too long for one line hangs under itself, past the keys.
        keyed = [i for i, line in enumerate(lines) if line.startswith("  ") and line[2] != " "]
        hanging = [lines[i + 1] for i in keyed if lines[i + 1].startswith("      ")]
        assert hanging, "no description wrapped at 60 columns"
        column = len(lines[keyed[0]]) - len(lines[keyed[0]][2:].split(" ", 1)[1].lstrip())
        assert all(len(h) - len(h.lstrip()) == column for h in hanging)


async def test_a_notification_breaks_chinese_text_by_its_rules_at_60_columns(
    tmp_path: Path,
) -> None:
    app = make_app(make_library(tmp_path / "library.db"))
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        await settle(pilot)
        app.notify(SENTENCE, markup=False, timeout=30)
        await settle(pilot)
        toast = app.screen.query_one("Toast")
        width = toast.content_region.width
        left = toast.content_region.x - toast.region.x
        strips = toast.render_lines(Region(0, 0, *toast.outer_size))
        lines = [strip.crop(left, left + width).text.rstrip() for strip in strips]
        shown = [line for line in lines if line.strip()]
        _check_lines(shown, width)
        assert "".join(line.strip() for line in shown).replace(" ", "") == SENTENCE.replace(" ", "")


async def test_list_columns_line_up_whatever_the_titles_hold(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    titles = [
        "😀 表情符号 emoji 标题 😀😀",
        "中文标题很长很长很长很长很长很长很长很长很长很长很长",
        "Cafe\u0301 e\u0301e\u0301 combining marks",
        "plain ASCII title",
        "全角ＡＢＣ与#问答",
    ]
    base = datetime(2024, 5, 1, 8, 0, 0)
    with Library(path) as library:
        library.save(
            [
                ArticleDraft(title=t, body=t, published=base - timedelta(hours=n), views=n * 1234)
                for n, t in enumerate(titles)
            ],
            category=["很长的类别名称很长很长"],
        )
    app = make_app(path)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one("ArticleList")
        rows = [articles.render_line(y).text for y in range(len(titles))]
    assert all(cell_len(row) == cell_len(rows[0]) for row in rows), rows
    starts = {cell_len(row[: row.index("2024-05-01")]) for row in rows}
    assert len(starts) == 1, rows
    ends = {cell_len(row.rstrip()) for row in rows}
    assert len(ends) == 1, rows  # the views column ends in the same cell
