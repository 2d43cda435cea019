"""Pilot tests of reading: opening articles (keys, clicks, random, history), the page shown, the
outline, the reading position, marks and links, and hostile text shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ui import (
    HOSTILE_CATEGORY,
    HOSTILE_TITLE,
    LINK,
    LINKED_TITLE,
    LONG_TITLE,
    TEST_CATEGORY,
    WIDE,
    AppOpener,
)
from textual.notifications import Notify
from textual.widgets import OptionList

from reader.store import Library
from reader.text.outline import headings
from reader.ui.app import ReaderApp
from reader.ui.screens.marking import MarkingScreen
from reader.ui.screens.outline import OutlineScreen


async def test_enter_opens_counts_a_view_and_marks_read(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(WIDE) as ui:
        second = ui.rows()[1]
        assert not second.read
        await ui.press("j", "enter")
        article = ui.article()
        assert article is not None and article.id == second.id
        assert ui.screen.focused is ui.screen.pane
        assert ui.rows()[1].read
    with Library(lib_path) as library:
        stored = library.get(second.id)
        assert stored is not None and stored.read and stored.views == second.views + 1


async def test_reading_pane_shows_breadcrumb_meta_body_and_random_block(
    open_app: AppOpener,
) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("enter")
        view = ui.screen.pane.view
        assert view is not None
        text = ui.page_text()
        article = view.article
        assert text[0] == " › ".join(["Home", *article.category, article.title])
        assert any(article.title in line for line in text[:4])
        assert any(article.published[:10] in line and "view" in line for line in text[:6])
        assert "Random articles" in text
        assert len(view.related) == 5 and article.id not in {r.id for r in view.related}
        shown = text[text.index("Random articles") + 1 :]
        assert [line.split("  ")[0] for line in shown if line] == [
            f"{key} {related.title}" for key, related in zip("12345", view.related, strict=True)
        ]


async def test_number_keys_and_clicks_open_random_block_articles(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        pane = ui.screen.pane
        await ui.press("enter")
        assert pane.view is not None
        third = pane.view.related[2]
        await ui.press("3")
        assert ui.article() is not None and ui.article() == pane.view.article
        assert pane.view.article.id == third.id
        first = pane.view.related[0]
        await ui.press("G")  # the random-articles block is at the end of the page
        line = ui.page_text().index(next(t for t in ui.page_text() if t.startswith("1 ")))
        await ui.click(pane, row=line - round(pane.scroll_y))
        clicked = ui.article()
        assert clicked is not None and clicked.id == first.id


async def test_random_covers_scope_without_repeats(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        scope = library.find_category((TEST_CATEGORY,))
        assert scope is not None
        ids = sorted(item.id for item in library.page(scope.id, limit=1000).items)
    async with open_app(WIDE) as ui:
        await ui.choose_category(TEST_CATEGORY)
        seen = []
        for _ in ids:
            await ui.press("r")
            article = ui.article()
            assert article is not None and article.category[0] == TEST_CATEGORY
            seen.append(article.id)
        assert sorted(seen) == ids


async def test_random_all_and_history_back_forward(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        opened = []
        for _ in range(3):
            await ui.press("R")
            article = ui.article()
            assert article is not None
            opened.append(article.id)
        assert len(set(opened)) == 3
        for key, index in (("H", 1), ("H", 0), ("L", 1)):
            await ui.press(key)
            article = ui.article()
            assert article is not None and article.id == opened[index], key


async def test_next_and_previous_article_from_the_reading_pane(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        rows = ui.rows()
        await ui.press("enter")
        await ui.press("J")
        article = ui.article()
        assert article is not None and article.id == rows[1].id
        assert ui.screen.focused is ui.screen.pane and ui.cursor_row() == ui.rows()[1]
        await ui.press("K")
        article = ui.article()
        assert article is not None and article.id == rows[0].id


async def test_outline_jumps_to_a_heading(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        main = ui.screen
        article = await ui.open_titled(LONG_TITLE)
        wanted = [heading.text for heading in headings(article.body)]
        await ui.press("o")
        outline = ui.app.screen
        assert isinstance(outline, OutlineScreen)
        options = outline.query_one(OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == wanted
        await ui.press("down", "down", "down", "enter")
        assert ui.app.screen is main
        top = round(main.pane.scroll_y)
        # The chosen heading is the second line shown (one line of context above it).
        assert ui.page_text()[top + 1] == wanted[3]


async def test_reading_position_is_remembered(open_app: AppOpener, lib_path: Path) -> None:
    async with open_app(WIDE) as ui:
        long = await ui.open_titled(LONG_TITLE)
        await ui.press("space", "space")
        progress = ui.screen.pane.progress
        assert progress > 0
        await ui.press("R")
    with Library(lib_path) as library:
        stored = library.get(long.id)
        assert stored is not None and stored.progress == pytest.approx(progress, abs=0.01)
    async with open_app(WIDE) as ui:
        await ui.open_titled(LONG_TITLE)
        assert ui.screen.pane.progress == pytest.approx(progress, abs=0.05)


async def test_star_and_mark_read_from_list_and_pane(open_app: AppOpener, lib_path: Path) -> None:
    async with open_app(WIDE) as ui:
        first = ui.rows()[0]
        assert not first.starred and not first.read
        await ui.press("s", "m")
        row = ui.rows()[0]
        assert row.starred and row.read
        await ui.press("enter")
        assert any("★ starred" in line for line in ui.page_text()[:6])
        await ui.press("s")
        article = ui.article()
        assert article is not None and not article.starred
        assert not any("★ starred" in line for line in ui.page_text()[:6])
        written = [(m.article_id, m.field, m.value) for m in ui.sent(MarkingScreen.Changed)]
        assert written == [
            (first.id, "starred", True),
            (first.id, "read", True),
            (first.id, "starred", False),
        ]
    with Library(lib_path) as library:
        stored = library.get(first.id)
        assert stored is not None and not stored.starred and stored.read


async def test_copy_link_uses_the_clipboard(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("enter")
        assert ui.article() is not None and not ui.article().url  # type: ignore[union-attr]
        await ui.press("y")  # no web link: nothing is copied, and the reader is told
        assert ui.app.clipboard == ""
        assert [m.notification.message for m in ui.sent(Notify)] == [
            f"No link to copy: “{ui.article().title}” has no web address."  # type: ignore[union-attr]
        ]
        await ui.open_titled(LINKED_TITLE)
        await ui.press("y")
        assert ui.app.clipboard == LINK
        assert [m.notification.message for m in ui.sent(Notify)][-1] == f"Copied {LINK}"


async def test_open_link_only_on_request_and_only_web_links(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(ReaderApp, "open_url", lambda self, url, new_tab=True: opened.append(url))
    async with open_app(WIDE) as ui:
        await ui.press("enter", "O")
        assert opened == []
        await ui.open_titled(LINKED_TITLE)
        assert opened == []
        await ui.press("O")
        assert opened == [LINK]


async def test_clicking_a_list_row_opens_it(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        fourth = ui.rows()[3]
        await ui.click(ui.screen.articles, row=3, column=8)
        article = ui.article()
        assert article is not None and article.id == fourth.id


async def test_hostile_title_is_text_and_click_runs_nothing(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        await ui.open_titled(HOSTILE_TITLE)
        text = ui.page_text()
        assert any(HOSTILE_TITLE in line for line in text)
        assert any("[@click=app.quit]markup[/]" in line for line in text)
        assert ui.pane_title() == f"{TEST_CATEGORY} › {HOSTILE_CATEGORY}"
        pane = ui.screen.pane
        for row in range(6):
            await ui.pilot.click(pane, offset=(10, row))
            await ui.pilot.click(pane, offset=(3, row))
        await ui.settle()
        assert ui.app.is_running and ui.rows()
    assert ui.app.return_code is None
