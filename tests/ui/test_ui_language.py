"""The app in Chinese: the tree's names, the footer, the list's caption, the help screen,
what a change says and the reading pane's dates follow READER_LANG."""

from __future__ import annotations

import pytest
from support.ui import AppOpener
from textual.notifications import Notify

from reader.ui.screens.help import HelpScreen
from reader.ui.state import Place
from reader.ui.widgets.wrapped import Wrapped


async def test_the_main_screen_in_simplified_chinese(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_CN")
    async with open_app() as ui:
        tree = ui.screen.categories
        lines = [str(tree.get_node_at_line(n).label) for n in range(3)]  # type: ignore[union-attr]
        assert lines[0].startswith("● 未读 ")
        assert lines[1].startswith("★ 星标 ")
        assert ui.tree_label(Place()).startswith("全部文章 ")
        assert str(tree.border_title) == "分类"
        footer = ui.footer()
        assert {"打开", "随机", "星标", "未读", "搜索", "退出", "帮助"} <= set(footer)
        assert "篇文章 · 按日期" in ui.list_caption()
        await ui.press("enter")
        meta = ui.page_text()[3]
        assert "年" in meta and "月" in meta and "日" in meta
        assert "阅读 " in meta


async def test_help_and_notifications_in_traditional_chinese(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_TW")
    async with open_app() as ui:
        await ui.press("question_mark")
        help_screen = ui.app.screen
        assert isinstance(help_screen, HelpScreen)
        text = "\n".join(line.plain for line in help_screen.query_one(Wrapped).lines(200))
        assert "全域" in text and "主介面" in text
        assert "結束閱讀器；會記住目前分類和文章。" in text
        await ui.press("escape")
        await ui.press("A", "a")
        await ui.settle()
        await ui.press("U")
        await ui.settle()
        shown = [m.notification.message for m in ui.sent(Notify)]  # type: ignore[attr-defined]
        assert len(shown) == 2
        assert shown[0].startswith("已把 ") and shown[0].endswith(" 篇文章 標為已讀")
        assert shown[1] == "已復原：" + shown[0]


async def test_english_stays_english(open_app: AppOpener) -> None:
    async with open_app() as ui:
        assert ui.tree_label(Place()).startswith("All articles ")
        assert {"Open", "Random", "Quit", "Help"} <= set(ui.footer())
