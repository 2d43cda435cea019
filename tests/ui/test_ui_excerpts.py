"""Pilot tests of search results' excerpts: a second line under each result, its matches marked,
at every size the app supports."""

from __future__ import annotations

import pytest
from support.ui import LONG_TITLE, UI, AppOpener
from textual.strip import Strip


def excerpt_line(ui: UI, index: int) -> Strip:
    """The drawn second line of the result at `index` (the list scrolled to its top)."""
    articles = ui.screen.articles
    return articles.render_line(index * articles.row_height + 1)


def marked(strip: Strip) -> str:
    """The text of the reversed (highlighted) segments of a drawn line."""
    return "".join(s.text for s in strip if s.style is not None and s.style.reverse)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (160, 48)], ids=str)
async def test_each_result_shows_its_excerpt_with_the_match_marked(
    open_app: AppOpener, size: tuple[int, int]
) -> None:
    async with open_app(size) as ui:
        await ui.press("slash", *"滚动")
        rows = ui.rows()
        assert [row.title for row in rows] == [LONG_TITLE]
        line = excerpt_line(ui, 0)
        assert "测试滚动的文字" in line.text
        assert marked(line).startswith("滚动")
        assert not marked(line).replace("滚动", "")
        assert line.cell_length == ui.screen.articles.scrollable_content_region.width


async def test_the_list_outside_a_search_has_one_line_per_article(open_app: AppOpener) -> None:
    async with open_app((80, 24)) as ui:
        articles = ui.screen.articles
        assert articles.row_height == 1
        await ui.press("slash", *"茶")
        assert articles.row_height == 2
        count = len(ui.rows())
        assert articles.virtual_size.height == 2 * count
        await ui.press("enter", "j", "j")
        assert articles.cursor == 2
        assert round(articles.scroll_y) == 0
        await ui.press("escape")
        assert articles.row_height == 1
