"""Pilot tests of browsing: the panes on start, the category tree, the list's keys, order and
filter, and how the panes give way on narrow terminals. Expected values come from the library."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support.library import make_drafts
from support.ui import NARROW, WIDE, AppOpener

from reader.models import ROOT_SCOPE
from reader.store import Library
from reader.ui import workers
from reader.ui.state import Place, Rows, RowsRequest


async def test_three_panes_fill_on_start(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        total, unread = library.counts()
        top_level = [c.name for c in library.categories() if c.depth == 0]
        newest = library.page(ROOT_SCOPE, limit=1).items[0]
    async with open_app(WIDE) as ui:
        screen = ui.screen
        assert len(ui.rows()) == total
        assert ui.list_caption() == f"All articles · {total:,} articles · by date"
        assert ui.titles()[0] == newest.title
        everything = screen.categories.node_of(Place())
        assert everything is not None
        assert str(everything.label) == f"All articles {unread:,}/{total:,}"
        assert [str(node.label).rsplit(" ", 1)[0] for node in everything.children] == top_level
        assert screen.pane.region.width > 0 and screen.categories.region.width > 0
        assert screen.focused is screen.articles


async def test_category_tree_scopes_the_list(open_app: AppOpener, lib_path: Path) -> None:
    async with open_app(WIDE) as ui:
        screen = ui.screen
        await ui.press("shift+tab")
        assert screen.focused is screen.categories
        await ui.press("j", "j")
        node = screen.categories.cursor_node
        assert node is not None and node.data is not None
        with Library(lib_path) as library:
            category = library.category(node.data.scope)
            ids = [item.id for item in library.page(node.data.scope, limit=1000).items]
        assert category is not None and str(node.label).startswith(f"{category.name} ")
        assert ui.list_caption() == f"{category.name} · {category.total:,} articles · by date"
        assert [row.id for row in ui.rows()] == ids
        await ui.press("enter")
        assert screen.focused is screen.articles
        await ui.press("tab")
        assert screen.focused is screen.pane
        await ui.press("escape")
        assert screen.focused is screen.articles
        await ui.press("escape")
        assert screen.focused is screen.categories


async def test_star_is_offered_once_the_rows_arrive(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that come after the footer is drawn (a slow library) still enable the row's keys."""
    gate = threading.Event()
    read_rows = workers.read_rows

    def slow_read_rows(library: Library, request: RowsRequest) -> Rows:
        gate.wait(timeout=10)
        return read_rows(library, request)

    monkeypatch.setattr(workers, "read_rows", slow_read_rows)
    async with open_app(WIDE, settled=False) as ui:
        await ui.pilot.pause()
        assert ui.rows() == [] and ui.footer()["Star"] is False
        gate.set()
        await ui.wait_until(lambda: bool(ui.rows()), "the rows")
        await ui.wait_until(lambda: ui.footer()["Star"], "the footer to offer Star")


async def test_list_keys_move_the_cursor(open_app: AppOpener) -> None:
    async with open_app(NARROW) as ui:
        rows = ui.rows()
        await ui.press("G")
        assert ui.cursor_row() == rows[-1]
        await ui.press("g", "ctrl+d")
        half = ui.screen.articles.cursor
        assert half > 1
        await ui.press("k", "pagedown")
        assert ui.screen.articles.cursor > half
        await ui.press("g", "down", "down", "up")
        assert ui.cursor_row() == rows[1]


async def test_unread_filter_and_sort(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        total, unread = library.counts()
        by_views = [item.id for item in library.page(sort="views", limit=1000).items]
        by_title = [item.id for item in library.page(sort="title", limit=1000).items]
    async with open_app(WIDE) as ui:
        first = ui.rows()[0]
        assert not first.read
        await ui.press("m")
        await ui.press("u")
        assert ui.list_caption() == f"All articles · {unread - 1:,} unread · by date"
        assert len(ui.rows()) == unread - 1 and not any(row.read for row in ui.rows())
        assert first.id not in {row.id for row in ui.rows()}
        await ui.press("u", "S")
        assert ui.list_caption() == f"All articles · {total:,} articles · by views"
        assert [row.id for row in ui.rows()] == by_views
        await ui.press("S")
        assert ui.list_caption() == f"All articles · {total:,} articles · by title"
        assert [row.id for row in ui.rows()] == by_title


async def test_narrow_terminal_flows_between_list_and_article(open_app: AppOpener) -> None:
    async with open_app(NARROW) as ui:
        screen = ui.screen
        assert screen.pane.region.width == 0
        await ui.press("enter")
        assert screen.pane.region.width == NARROW[0]
        assert screen.articles.region.width == 0
        await ui.press("escape")
        assert screen.pane.region.width == 0 and screen.articles.region.width > 0
        assert screen.focused is screen.articles


async def test_a_terminal_that_narrows_shows_the_pane_that_had_focus(open_app: AppOpener) -> None:
    async with open_app(WIDE) as ui:
        screen, pilot = ui.screen, ui.pilot
        await ui.press("enter")  # an article, with the focus in the reading pane
        assert screen.focused is screen.pane
        await ui.press("shift+tab")  # back to the list, the article still shown beside it
        assert screen.focused is screen.articles and ui.article() is not None
        await pilot.resize_terminal(*NARROW)
        await ui.settle()
        assert screen.articles.region.width > 0 and screen.pane.region.width == 0
        await pilot.resize_terminal(*WIDE)
        await ui.press("tab")
        assert screen.focused is screen.pane
        await pilot.resize_terminal(*NARROW)
        await ui.settle()
        assert screen.pane.region.width == NARROW[0] and screen.articles.region.width == 0
        # Below 60 columns one pane shows at a time: the tree, if it had focus.
        await pilot.resize_terminal(*WIDE)
        await ui.focus(screen.categories)
        await pilot.resize_terminal(50, 20)
        await ui.settle()
        assert screen.categories.region.width == 50 and screen.articles.region.width == 0
        await ui.press("enter")  # a category: its list, at the whole width
        assert screen.focused is screen.articles and screen.articles.region.width == 50


async def test_tiny_terminal_shows_one_pane_at_a_time(open_app: AppOpener) -> None:
    async with open_app((40, 12)) as ui:
        screen = ui.screen
        assert screen.articles.region.width == 40 and screen.categories.region.width == 0
        await ui.press("escape")
        assert screen.focused is screen.categories and screen.categories.region.width == 40
        await ui.press("j", "enter")
        assert screen.focused is screen.articles and screen.articles.region.width == 40
        await ui.press("enter")
        assert screen.pane.region.width == 40 and ui.article() is not None
        await ui.press("escape")
        assert screen.focused is screen.articles and screen.pane.region.width == 0


async def test_jumping_to_the_end_of_a_long_list_reads_it_from_the_end(
    open_app: AppOpener, tmp_path: Path
) -> None:
    path = tmp_path / "long.db"
    drafts = make_drafts(450)
    with Library(path) as library:
        library.save(drafts, source="long")
        oldest = library.page(limit=1000).items[-5:]
    async with open_app(NARROW, path=path) as ui:
        await ui.press("G")
        articles = ui.screen.articles
        assert articles.cursor == len(drafts) - 1
        shown = [articles.row(i) for i in range(len(drafts) - 5, len(drafts))]
        assert [row.id for row in shown if row] == [item.id for item in oldest]
        await ui.press("k", "enter")
        article = ui.article()
        assert article is not None and article.id == oldest[-2].id


async def test_last_category_and_article_are_restored(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        name = [c.name for c in library.categories() if c.depth == 0][1]
    async with open_app(WIDE) as ui:
        await ui.choose_category(name)
        caption = ui.list_caption()
        assert caption.startswith(f"{name} · ")
        await ui.press("j", "enter")
        opened = ui.article()
        assert opened is not None
        await ui.pilot.press("q")
    async with open_app(WIDE) as ui:
        assert ui.list_caption() == caption
        article = ui.article()
        assert article is not None and article.id == opened.id


async def test_a_category_that_cannot_be_read_leaves_the_list_answering_keys(
    open_app: AppOpener, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listing whose rows cannot be read says why and is given up: the rows shown stay and
    the list's keys move over them (they were kept, unanswered, for a listing never coming)."""
    from reader.store import LibraryError

    with Library(lib_path) as library:
        broken = next(c for c in library.categories() if c.depth == 0)
    read_rows = workers.read_rows

    def failing(library: Library, request: RowsRequest) -> Rows:
        if request.listing.scope == broken.id:
            raise LibraryError("the library could not be read (a test)")
        return read_rows(library, request)

    monkeypatch.setattr(workers, "read_rows", failing)
    async with open_app(WIDE) as ui:
        screen = ui.screen
        before = ui.titles()
        await ui.choose_category(broken.name, enter=True)
        await ui.settle()
        assert screen.focused is screen.articles
        assert ui.titles() == before  # the rows shown stay
        await ui.press("j", "j")
        row = ui.cursor_row()
        assert row is not None and row.title == before[2]
