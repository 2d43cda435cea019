"""Pilot tests that opening an article and the search box change what they must and nothing more:
the search line moves no pane, the footer changes its keys in place, the panes' narrow-layout
classes stay off at full width yet follow the reader when the terminal narrows; the list draws
again only the rows whose look changed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from support.ui import NARROW, WIDE, AppOpener
from textual.geometry import Region
from textual.widgets import Input

from reader.ui.widgets import article_list


def regions(ui: object) -> list[Region]:
    screen = ui.screen  # type: ignore[attr-defined]
    return [screen.categories.region, screen.articles.region, screen.pane.region]


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_the_search_line_moves_no_pane(open_app: AppOpener, size: tuple[int, int]) -> None:
    async with open_app(size) as ui:
        before = regions(ui)
        await ui.press("slash")
        assert isinstance(ui.screen.focused, Input)
        assert ui.screen.search_bar.region == Region(0, 0, size[0], 1)
        assert regions(ui) == before
        await ui.press("escape")
        assert regions(ui) == before


async def test_the_footer_changes_its_keys_in_place(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        keys = set(ui.screen.query("Footer FooterKey"))
        assert "Open" in ui.footer()
        await ui.press("enter")
        assert ui.screen.focused is ui.screen.pane
        assert "Next" in ui.footer() and "Open" not in ui.footer()
        assert set(ui.screen.query("Footer FooterKey")) <= keys
        await ui.press("slash")
        assert "Scope" in ui.footer()
        assert set(ui.screen.query("Footer FooterKey")) <= keys


async def test_the_narrow_classes_follow_the_reader_across_widths(open_app: AppOpener) -> None:
    async with open_app(NARROW) as ui:
        screen = ui.screen
        await ui.press("enter")
        assert screen.focused is screen.pane and screen.panes.has_class("-reading")
        await ui.pilot.resize_terminal(*WIDE)
        await ui.settle()
        # At full width no rule uses the class: it is off, and the article keeps the focus.
        assert screen.focused is screen.pane and not screen.panes.has_class("-reading")
        await ui.press("escape", "enter")
        assert screen.focused is screen.pane and not screen.panes.has_class("-reading")
        await ui.pilot.resize_terminal(*NARROW)
        await ui.settle()
        assert screen.panes.has_class("-reading")
        assert screen.pane.display and not screen.articles.region


async def test_the_search_line_draws_again_only_the_cursor_row(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[int] = []
    row_strip = article_list.row_strip

    def counted(row: object, *args: object, **kwargs: object) -> object:
        drawn.append(row.id)  # type: ignore[attr-defined]
        return row_strip(row, *args, **kwargs)  # type: ignore[arg-type]

    async with open_app(WIDE) as ui:
        articles = ui.screen.articles
        cursor_row = articles.row(articles.cursor)
        y = articles.cursor - round(articles.scroll_y)
        focused_look = list(articles.render_line(y))
        monkeypatch.setattr(article_list, "row_strip", counted)
        await ui.press("slash")
        assert isinstance(ui.screen.focused, Input)
        # The list lost the focus: its border and cursor row look different, the other rows
        # are the same and are not drawn again.
        assert drawn == [cursor_row.id]
        assert list(articles.render_line(y)) != focused_look
        await ui.press("escape")
        assert list(articles.render_line(y)) == focused_look


async def test_a_new_theme_draws_every_row_in_its_colours(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        articles = ui.screen.articles
        y = articles.cursor + 1 - round(articles.scroll_y)  # a row without the cursor
        mark = articles._style("article-list--mark")  # the unread mark, in the accent colour
        base = articles._style("base")
        before = {segment.style for segment in articles.render_line(y)}
        assert mark in before
        # The same theme with another accent only: the rows' background and text stay.
        dark = ui.app.get_theme(ui.app.theme)
        assert dark is not None
        ui.app.register_theme(replace(dark, name="other-accent", accent="#ff00ff"))
        ui.app.theme = "other-accent"
        await ui.settle()
        assert articles._style("base") == base
        new_mark = articles._style("article-list--mark")
        after = {segment.style for segment in articles.render_line(y)}
        assert new_mark != mark and new_mark in after and mark not in after
