"""Pilot tests of search in the app: results as you type, scope and order, highlights, going back."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ui import main_screen, make_app, settle

from reader.models import ROOT_SCOPE, ArticleDraft
from reader.store import Library
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.search_bar import SearchBar

WIDE = (160, 48)


def expected(
    lib_path: Path, text: str, scope: int = ROOT_SCOPE, order: str = "newest"
) -> list[int]:
    with Library(lib_path) as library:
        return [
            hit.summary.id
            for hit in library.search(text, scope, order=order, limit=1000)  # type: ignore[arg-type]
        ]


def shown(screen: MainScreen) -> list[int]:
    rows = [screen.articles.row(i) for i in range(screen.articles.total)]
    return [row.id for row in rows if row is not None]


async def type_query(pilot: object, text: str, *, open_box: bool = True) -> None:
    if open_box:
        await pilot.press("slash")  # type: ignore[attr-defined]
    await pilot.press(*text)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_results_fill_the_list_as_you_type(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await type_query(pilot, "茶")
        assert isinstance(screen.focused, type(screen.search_bar.input))
        assert screen.query_now.search == "茶"
        want = expected(lib_path, "茶")
        assert want and shown(screen) == want
        assert "found" in str(screen.search_bar.query_one("#search-status").render())
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is screen.articles


async def test_opening_a_result_highlights_matches_and_n_jumps(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await type_query(pilot, "很长")
        await pilot.press("enter", "enter")
        await settle(pilot)
        view = screen.pane.view
        assert view is not None and view.terms == ("很长",)
        assert screen.pane.match_lines() != []
        await pilot.press("slash", "ctrl+u")
        await type_query(pilot, "滚动", open_box=False)
        await pilot.press("enter", "enter")
        await settle(pilot)
        matches = screen.pane.match_lines()
        assert len(matches) > 3
        before = round(screen.pane.scroll_y)
        await pilot.press("n", "n", "n")
        assert round(screen.pane.scroll_y) > before
        after = round(screen.pane.scroll_y)
        await pilot.press("N")
        assert round(screen.pane.scroll_y) < after


async def test_a_simplified_search_highlights_the_traditional_text_it_found(
    lib_path: Path,
) -> None:
    with Library(lib_path) as library:
        library.save(
            [ArticleDraft(title="繁體文章", body="關於臺灣的ＡＢＣ１報導。", category=("测试",))]
        )
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await type_query(pilot, "台湾 abc1")
        assert len(shown(screen)) == 1
        await pilot.press("enter", "enter")
        await settle(pilot)
        marked = [
            line.content.plain[span.start : span.end]
            for line in screen.pane.lines
            for span in line.content.spans
            if span.style == "match"
        ]
        assert sorted(marked) == sorted(["臺灣", "ＡＢＣ１"])


async def test_escape_returns_to_the_category_view_where_it_was(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "j", "j")
        before = screen.query_now
        await type_query(pilot, "reader")
        assert screen.query_now.search == "reader"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.query_now == before and screen.articles.cursor == 3
        assert not screen.search_bar.display
        assert screen.focused is screen.articles


async def test_scope_and_order_toggle(lib_path: Path) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        with Library(lib_path) as library:
            category = library.find_category(("生活",))
        assert category is not None
        await pilot.press("shift+tab")
        while screen.query_now.scope != category.id:
            await pilot.press("j")
            await settle(pilot)
        await pilot.press("enter")
        await type_query(pilot, "的")
        assert shown(screen) == expected(lib_path, "的", category.id)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.query_now.scope == ROOT_SCOPE
        everywhere = expected(lib_path, "的")
        assert len(shown(screen)) == len(everywhere) > len(expected(lib_path, "的", category.id))
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.query_now.order == "best"
        assert shown(screen) == expected(lib_path, "的", ROOT_SCOPE, "best")


@pytest.mark.parametrize(
    "text", ['"', "AND", "C++", "2024-01-01", "(((", "*", "-", " ", 'a"b', "NOT x OR y"]
)
async def test_any_typed_text_gives_results_or_a_message(lib_path: Path, text: str) -> None:
    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await type_query(pilot, text)
        assert app.is_running
        status = str(screen.search_bar.query_one("#search-status").render())
        assert "found" in status or "search" in status or "in All articles" in status
        assert isinstance(screen.search_bar, SearchBar)


async def test_keys_typed_right_after_slash_reach_the_box(lib_path: Path) -> None:
    from textual import events

    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        # Posted together, as a fast typist's keys arrive from the terminal.
        for key, char in [("slash", "/"), ("x", "x"), ("slash", "/"), ("y", "y")]:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.4)
        await settle(pilot)
        assert screen.search_bar.text == "x/y"
        assert screen.query_now.search == "x/y"


async def test_enter_enter_typed_ahead_opens_the_first_result(lib_path: Path) -> None:
    from textual import events

    app = make_app(lib_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        keys = [("slash", "/"), *((c, c) for c in "很长"), ("enter", "\r"), ("enter", "\r")]
        for key, char in keys:
            app.post_message(events.Key(key, char))
        await pilot.pause(0.4)
        await settle(pilot)
        view = screen.pane.view
        assert view is not None and view.article.title == "很长的文章"
        assert view.terms == ("很长",)
