"""Pilot tests of the views in the category tree: Unread, Starred and saved searches above the
categories with their counts, listed in their orders, read at random, remembered, and saved,
renamed and deleted from the app. Expected values come from the library."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.style import Style
from support.ui import NARROW, WIDE, AppOpener

from reader.models import ROOT_SCOPE, View
from reader.store import Library
from reader.ui import workers
from reader.ui.screens.dialogs import Confirm, Prompt
from reader.ui.state import Place, view_key
from reader.ui.widgets.category_tree import counts_text

SAVED = "茶与水"
QUERY = "茶"


@pytest.fixture
def starred(lib_path: Path) -> list[int]:
    """Three starred articles (one of them read) and a saved search, set up before the app."""
    with Library(lib_path) as library:
        ids = [s.id for s in library.page(ROOT_SCOPE, limit=12).items][::4]
        for article_id in ids:
            library.set_starred(article_id)
        library.set_read(ids[0])
        library.save_search(SAVED, QUERY)
    return ids


def views_of(lib_path: Path) -> dict[str, View]:
    with Library(lib_path) as library:
        return {v.name: v for v in library.views()}


def every_id(library: Library, view: View) -> Iterator[int]:
    page = library.view_page(view, limit=50)
    while True:
        yield from (s.id for s in page.items)
        if page.next is None:
            return
        page = library.view_page(view, after=page.next, limit=50)


def place(view: View) -> Place:
    return Place(view=view_key(view))


def label(name: str, view: View) -> str:
    return name + counts_text(view.total, view.unread, exact=view.exact).plain


@pytest.mark.usefixtures("starred")
async def test_views_sit_above_the_categories_with_their_counts(
    open_app: AppOpener, lib_path: Path
) -> None:
    views = views_of(lib_path)
    async with open_app(WIDE) as ui:
        tree = ui.screen.categories
        lines = [str(tree.get_node_at_line(n).label) for n in range(4)]  # type: ignore[union-attr]
        assert lines == [
            f"● Unread {views['Unread'].unread}",
            label("★ Starred", views["Starred"]),
            label(f"/ {SAVED}", views[SAVED]),
            ui.tree_label(Place()),
        ]
        assert lines[1] == "★ Starred 2/3"
        assert lines[3].startswith("All articles ")


async def test_a_saved_search_is_counted_after_the_tree_shows(
    open_app: AppOpener, lib_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tree never waits for a saved search's count: it shows `…` until the count comes."""
    with Library(lib_path) as library:
        library.save_search(SAVED, QUERY)
    gate = threading.Event()
    count_searches = workers.count_searches

    def slow(library: Library, views: tuple[View, ...]) -> Iterator[View]:
        gate.wait(timeout=10)
        yield from count_searches(library, views)

    monkeypatch.setattr(workers, "count_searches", slow)
    async with open_app(WIDE, settled=False) as ui:
        saved = Place(view=View("search", SAVED, QUERY))
        await ui.wait_until(lambda: ui.screen.categories.has_place(saved), "the tree")
        assert ui.tree_label(saved) == f"/ {SAVED} …"
        assert ui.tree_label(Place()).startswith("All articles ")
        gate.set()
        expected = label(f"/ {SAVED}", views_of(lib_path)[SAVED])
        await ui.wait_until(lambda: ui.tree_label(saved) == expected, "the search's counts")


async def test_each_view_lists_its_articles(
    open_app: AppOpener, lib_path: Path, starred: list[int]
) -> None:
    views = views_of(lib_path)
    with Library(lib_path) as library:
        unread_by_views = [
            s.id for s in library.page(ROOT_SCOPE, sort="views", limit=500, unread_only=True).items
        ]
        found = list(every_id(library, views[SAVED]))
    async with open_app(WIDE) as ui:
        await ui.choose_line(place(views["Starred"]))
        assert [row.id for row in ui.rows()] == starred
        assert ui.list_caption() == "★ Starred · 3 articles · by date"
        # Starred comes newest first only: the order and the filter are not offered.
        assert ui.footer()["Sort"] is False and ui.footer()["Unread"] is False
        await ui.choose_line(place(views[SAVED]))
        assert [row.id for row in ui.rows()] == found
        assert ui.list_caption() == f"/ {SAVED} · {len(found)} articles · by date"
        await ui.choose_line(place(views["Unread"]), enter=True)
        assert ui.footer()["Sort"] is True
        await ui.press("S")
        assert [row.id for row in ui.rows()] == unread_by_views
        assert ui.list_caption() == f"● Unread · {len(unread_by_views)} articles · by views"


async def test_random_reading_stays_in_the_view(
    open_app: AppOpener, lib_path: Path, starred: list[int]
) -> None:
    views = views_of(lib_path)
    with Library(lib_path) as library:
        found = set(every_id(library, views[SAVED]))
    async with open_app(WIDE) as ui:
        await ui.choose_line(place(views["Starred"]), enter=True)
        opened = set()
        for _ in range(len(starred)):
            await ui.press("r")
            article = ui.article()
            assert article is not None and article.id in starred
            opened.add(article.id)
        assert opened == set(starred)  # no repeats until each was shown
        await ui.press("escape", "escape")
        await ui.choose_line(place(views[SAVED]), enter=True)
        for _ in range(3):
            await ui.press("r")
            article = ui.article()
            assert article is not None and article.id in found


async def test_the_view_is_remembered_for_the_next_start(
    open_app: AppOpener, lib_path: Path, starred: list[int]
) -> None:
    saved = place(views_of(lib_path)[SAVED])
    async with open_app(WIDE) as ui:
        await ui.choose_line(saved, enter=True)
    async with open_app(WIDE) as ui:
        assert ui.screen.listing.place == saved
        assert ui.screen.categories.cursor_node is ui.screen.categories.node_of(saved)
        assert ui.list_caption().startswith(f"/ {SAVED} · ")


async def test_a_search_is_saved_from_the_search_bar(open_app: AppOpener, lib_path: Path) -> None:
    async with open_app(WIDE) as ui:
        await ui.press("slash", *"绿茶")
        assert ui.footer()["Save"] is True
        await ui.press("ctrl+s")
        prompt = ui.app.screen
        assert isinstance(prompt, Prompt)
        assert prompt.query_one("#prompt-input").value == "绿茶"  # type: ignore[attr-defined]
        await ui.press("ctrl+u", *"我的绿茶", "enter")
        saved = views_of(lib_path)
        assert saved["我的绿茶"].query == "绿茶"
        line = Place(view=View("search", "我的绿茶", "绿茶"))
        assert ui.tree_label(line) == label("/ 我的绿茶", saved["我的绿茶"])
        # Saving it again under the same name asks first; No keeps the old one.
        await ui.press("ctrl+u", *"茶", "ctrl+s", "ctrl+u", *"我的绿茶", "enter")
        assert isinstance(ui.app.screen, Confirm)
        await ui.press("n")
        assert views_of(lib_path)["我的绿茶"].query == "绿茶"


async def test_a_search_in_a_tag_is_saved_with_the_tag(open_app: AppOpener, lib_path: Path) -> None:
    with Library(lib_path) as library:
        tags = library.tags()
        tag = max(tags[len(tags) // 2 :], key=lambda t: t.total)
    async with open_app(WIDE) as ui:
        await ui.open_tags()
        await ui.choose_line(Place(tag.scope), enter=True)
        await ui.press("slash", *"的", "ctrl+s", "ctrl+u", *"标签里的", "enter")
    query = views_of(lib_path)["标签里的"].query
    with Library(lib_path) as library:
        in_tag = [h.summary.id for h in library.search("的", tag.scope, limit=500)]
        saved = [h.summary.id for h in library.search(query, limit=500)]
    assert in_tag and saved == in_tag


async def test_a_saved_search_is_renamed_and_deleted_in_the_tree(
    open_app: AppOpener, lib_path: Path, starred: list[int]
) -> None:
    before = views_of(lib_path)[SAVED]
    async with open_app(WIDE) as ui:
        await ui.choose_line(place(before))
        assert ui.footer()["Rename"] is True and ui.footer()["Delete"] is True
        await ui.press("e")
        assert isinstance(ui.app.screen, Prompt)
        await ui.press("ctrl+u", *"泡茶", "enter")
        assert "泡茶" in views_of(lib_path) and SAVED not in views_of(lib_path)
        renamed = Place(view=View("search", "泡茶", QUERY))
        assert ui.screen.categories.cursor_node is ui.screen.categories.node_of(renamed)
        assert ui.list_caption().startswith("/ 泡茶 · ")
        await ui.press("d")
        assert isinstance(ui.app.screen, Confirm)
        await ui.press("escape")
        assert "泡茶" in views_of(lib_path)
        await ui.press("d", "y")
        assert "泡茶" not in views_of(lib_path)
        assert not ui.screen.categories.has_place(renamed)
        assert ui.screen.listing.place == Place()
        assert ui.list_caption().startswith("All articles · ")
        # Rename and delete apply to saved searches only.
        await ui.choose_line(Place())
        assert "Rename" not in ui.footer() and "Delete" not in ui.footer()


async def test_a_long_name_ends_in_an_ellipsis_and_its_counts_show_whole(
    open_app: AppOpener, lib_path: Path
) -> None:
    name = "一个非常非常长的保存搜索名字 with English words too"
    with Library(lib_path) as library:
        library.save_search(name, QUERY)
    view = views_of(lib_path)[name]
    counts = counts_text(view.total, view.unread).plain
    async with open_app(NARROW) as ui:
        tree = ui.screen.categories
        node = tree.node_of(place(view))
        assert node is not None
        shown = tree.render_label(node, Style(), Style())
        assert shown.plain.endswith(f"…{counts}")
        assert shown.cell_len <= tree.scrollable_content_region.width
