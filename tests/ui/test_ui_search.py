"""Pilot tests of search in the app: results as you type, scope and order, highlights, going back.

The app is opened with no pause before a search (`search_debounce=0`), except where the pause is
what is tested; the expected results are the library's own search.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ui import LONG_TITLE, UI, WIDE, AppOpener
from textual import events
from textual.widgets import Input

from reader.models import ROOT_SCOPE, ArticleDraft
from reader.store import Library, SearchQueryError
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.search_bar import DEBOUNCE_S

STATUS_TAIL = "in All articles ^T · newest first ^O"


def expected(
    lib_path: Path, text: str, scope: int = ROOT_SCOPE, order: str = "newest"
) -> list[int]:
    with Library(lib_path) as library:
        return [
            hit.summary.id
            for hit in library.search(text, scope, order=order, limit=1000)  # type: ignore[arg-type]
        ]


def shown(ui: UI) -> list[int]:
    return [row.id for row in ui.rows()]


async def test_results_fill_the_list_as_you_type(open_app: AppOpener, lib_path: Path) -> None:
    want = expected(lib_path, "茶")
    assert want
    async with open_app(WIDE) as ui:
        await ui.press("slash", "茶")
        assert isinstance(ui.screen.focused, Input)
        assert shown(ui) == want
        assert ui.list_caption() == f"Search: 茶 · {len(want)} in All articles"
        assert ui.search_status() == f"{len(want)} found · {STATUS_TAIL}"
        await ui.press("enter")
        assert ui.screen.focused is ui.screen.articles


async def test_opening_a_result_highlights_matches_and_n_jumps(open_app: AppOpener) -> None:
    async with open_app((80, 24)) as ui:
        pane = ui.screen.pane
        await ui.press("slash", *"很长", "enter", "enter")
        view = pane.view
        assert view is not None and view.article.title == LONG_TITLE
        assert view.terms == ("很长",) and pane.match_lines() != []
        await ui.press("slash", "ctrl+u", *"滚动", "enter", "enter")
        assert len(pane.match_lines()) > 3
        before = round(pane.scroll_y)
        await ui.press("n", "n", "n")
        after = round(pane.scroll_y)
        assert after > before and after + 1 in pane.match_lines()
        await ui.press("N")
        assert round(pane.scroll_y) < after


async def test_escape_returns_to_the_category_view_where_it_was(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("j", "j", "j")
        caption, row = ui.list_caption(), ui.cursor_row()
        await ui.press("slash", *"reader")
        assert ui.list_caption().startswith("Search: reader · ")
        await ui.press("escape")
        assert ui.list_caption() == caption and ui.cursor_row() == row
        assert not ui.screen.search_bar.display
        assert ui.screen.focused is ui.screen.articles


async def test_scope_and_order_toggle(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        category = library.find_category(("生活",))
    assert category is not None
    in_category = expected(lib_path, "的", category.id)
    everywhere = expected(lib_path, "的")
    assert 0 < len(in_category) < len(everywhere)
    async with open_app(WIDE) as ui:
        await ui.choose_category("生活")
        await ui.press("slash", "的")
        assert shown(ui) == in_category
        assert ui.search_status() == f"{len(in_category)} found · in 生活 ^T · newest first ^O"
        await ui.press("ctrl+t")
        assert shown(ui) == everywhere
        assert ui.search_status() == f"{len(everywhere)} found · {STATUS_TAIL}"
        await ui.press("ctrl+o")
        assert shown(ui) == expected(lib_path, "的", ROOT_SCOPE, "best")
        assert ui.search_status().endswith("in All articles ^T · best match first ^O")


@pytest.mark.parametrize(
    "text", ['"', "AND", "C++", "2024-01-01", "(((", "*", "-", " ", 'a"b', "NOT x OR y", "-茶"]
)
async def test_any_typed_text_gives_results_or_a_message(
    open_app: AppOpener, lib_path: Path, text: str
) -> None:
    if not text.strip():
        lead = ""  # nothing typed yet: scope and order only
    else:
        try:
            found = len(expected(lib_path, text))
            lead = f"{found} found · " if found else "nothing found · "
        except SearchQueryError as error:
            lead = f"{error} · "  # why it cannot be searched for
    async with open_app(WIDE) as ui:
        await ui.press("slash", *text)
        assert ui.app.is_running
        # A problem too long to share the bar is shown alone (scope and order give way whole).
        assert ui.search_status() in (f"{lead}{STATUS_TAIL}", lead.removesuffix(" · "))


async def test_keys_typed_right_after_slash_reach_the_box(open_app: AppOpener) -> None:
    async with open_app(WIDE, search_debounce=DEBOUNCE_S) as ui:
        # Posted together, as a fast typist's keys arrive from the terminal.
        for key, char in [("slash", "/"), ("x", "x"), ("slash", "/"), ("y", "y")]:
            ui.app.post_message(events.Key(key, char))
        await ui.wait_until(lambda: ui.list_caption().startswith("Search: x/y · "), "x/y")
        assert ui.screen.search_bar.text == "x/y"


async def test_typing_fast_starts_one_search(open_app: AppOpener) -> None:
    async with open_app(WIDE, search_debounce=DEBOUNCE_S) as ui:
        for key, char in [("slash", "/"), *((c, c) for c in "很长")]:
            ui.app.post_message(events.Key(key, char))
        await ui.wait_until(lambda: ui.list_caption().startswith("Search: 很长 · "), "很长")
        searches = [m.request.listing.search for m in ui.sent(ArticleList.RowsWanted)]
        assert [text for text in searches if text] == ["很长"]


async def test_enter_enter_typed_ahead_opens_the_first_result(open_app: AppOpener) -> None:
    async with open_app(WIDE, search_debounce=DEBOUNCE_S) as ui:
        keys = [("slash", "/"), *((c, c) for c in "很长"), ("enter", "\r"), ("enter", "\r")]
        for key, char in keys:
            ui.app.post_message(events.Key(key, char))
        await ui.wait_until(lambda: ui.article() is not None, "an article to open")
        view = ui.screen.pane.view
        assert view is not None and view.article.title == LONG_TITLE
        assert view.terms == ("很长",)


async def test_a_simplified_search_highlights_the_traditional_text_it_found(
    open_app: AppOpener, lib_path: Path
) -> None:
    with Library(lib_path) as library:
        library.save(
            [ArticleDraft(title="繁體文章", body="關於臺灣的ＡＢＣ１報導。", category=("测试",))]
        )
    async with open_app(WIDE) as ui:
        await ui.press("slash", *"台湾 abc1")
        assert len(shown(ui)) == 1
        await ui.press("enter", "enter")
        marked = [
            line.content.plain[span.start : span.end]
            for line in ui.screen.pane.lines
            for span in line.content.spans
            if span.style == "match"
        ]
        assert sorted(marked) == sorted(["臺灣", "ＡＢＣ１"])
