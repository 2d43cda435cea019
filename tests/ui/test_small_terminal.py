"""Pilot stories of a small terminal (80x24, and under 60 columns): keys typed ahead are kept,
the article and the place in it come back at the next start, the tree's counts show whole, and
every action says what it did to which article."""

from __future__ import annotations

import itertools
import threading
import webbrowser
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.library import make_drafts
from support.ui import LINKED_TITLE, LONG_TITLE, NARROW, WIDE, AppOpener, make_library
from textual.geometry import Region
from textual.notifications import Notify

from reader.store import Library
from reader.ui import workers
from reader.ui.state import Place, Rows, RowsRequest

TINY = (58, 20)


def slow_rows(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold every read of the list's rows until the returned event is set."""
    gate = threading.Event()
    read_rows = workers.read_rows

    def held(library: Library, request: RowsRequest) -> Rows:
        gate.wait(timeout=10)
        return read_rows(library, request)

    monkeypatch.setattr(workers, "read_rows", held)
    return gate


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_keys_typed_after_a_category_change_apply_to_the_new_list(
    open_app: AppOpener, lib_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    async with open_app(size) as ui:
        tree = ui.screen.categories
        await ui.focus(tree)
        # The category with the most articles after All articles, whose last row is not the
        # last of the list shown now.
        everything = tree.node_of(Place())
        assert everything is not None
        target = max(everything.children, key=lambda node: len(node.children))
        assert target.data is not None
        with Library(lib_path) as library:
            last = library.page(target.data.scope, limit=1000).items[-1]
        gate = slow_rows(monkeypatch)
        # Typed at once: the rows of the new category are still being read while Tab and G
        # arrive.
        await ui.pilot.press("g", *["j"] * target.line, "tab", "G")
        gate.set()
        await ui.settle()
        assert ui.screen.listing.place == target.data
        assert ui.screen.focused is ui.screen.articles
        assert ui.cursor_row() is not None and ui.cursor_row().id == last.id  # type: ignore[union-attr]


async def test_enter_typed_ahead_opens_the_row_the_keys_before_it_chose(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_app(NARROW) as ui:
        await ui.press("S")  # by views: the list is read again
        rows_now = ui.rows()
        gate = slow_rows(monkeypatch)
        await ui.pilot.press("S", "j", "j", "enter")
        gate.set()
        await ui.settle()
        assert ui.screen.articles.cursor == 2
        opened = ui.article()
        assert opened is not None and opened.id == ui.rows()[2].id
        assert ui.rows() != rows_now


@pytest.mark.parametrize("size", [NARROW, TINY, WIDE])
async def test_the_article_being_read_and_the_place_in_it_come_back(
    open_app: AppOpener, size: tuple[int, int]
) -> None:
    async with open_app(size) as ui:
        long = await ui.open_titled(LONG_TITLE)
        await ui.press("space", "space")
        progress = ui.screen.pane.progress
        assert progress > 0
        await ui.pilot.press("q")
    async with open_app(size) as ui:
        screen = ui.screen
        await ui.wait_until(lambda: ui.article() is not None, "the article")
        await ui.settle()
        assert ui.article().id == long.id  # type: ignore[union-attr]
        assert screen.focused is screen.pane and screen.pane.region.width > 0
        assert screen.pane.progress == pytest.approx(progress, abs=0.05)
        # Back in the list, the list is where it was and the article is still open beside it.
        await ui.press("escape")
        assert screen.focused is screen.articles and ui.article() is not None


async def test_an_article_left_open_beside_the_list_keeps_its_place(
    open_app: AppOpener, lib_path: Path
) -> None:
    async with open_app(NARROW) as ui:
        long = await ui.open_titled(LONG_TITLE)
        await ui.press("space", "space")
        progress = ui.screen.pane.progress
        await ui.press("escape")
        await ui.pilot.press("q")
    async with open_app(NARROW) as ui:
        screen = ui.screen
        await ui.wait_until(lambda: ui.article() is not None, "the article")
        await ui.settle()
        assert screen.focused is screen.articles and screen.pane.region.width == 0
        assert screen.pane.progress == pytest.approx(progress, abs=0.01)
        await ui.pilot.press("q")
    with Library(lib_path) as library:
        stored = library.get(long.id)
        assert stored is not None and stored.progress == pytest.approx(progress, abs=0.01)


@pytest.mark.parametrize("size", [NARROW, TINY])
async def test_the_trees_counts_show_whole_when_a_scrollbar_comes(
    open_app: AppOpener, size: tuple[int, int]
) -> None:
    width, _ = size
    async with open_app((width, 50)) as ui:
        tree = ui.screen.categories
        await ui.press("escape")  # to the tree (below 60 columns: the tree alone)
        assert ui.screen.focused is tree
        assert not tree.show_vertical_scrollbar
        await ui.pilot.resize_terminal(width, 12)  # the tree now scrolls
        await ui.settle()
        assert tree.show_vertical_scrollbar
        room = tree.scrollable_content_region.width
        for y in range(tree.scrollable_content_region.height):
            node = tree.get_node_at_line(round(tree.scroll_y) + y)
            if node is None or node.data is None:
                continue
            counts = node.label.plain.rsplit(" ", 1)[-1]
            drawn = tree.render_line(y).text
            assert cell_len(drawn.rstrip()) <= room, drawn
            assert drawn.rstrip().endswith(f" {counts}"), drawn


async def test_long_names_end_in_an_ellipsis_and_counts_are_never_cut(
    open_app: AppOpener, tmp_path: Path
) -> None:
    path = make_library(tmp_path / "many.db")
    name = "非常长的中文分类名称用来测试截断效果"
    with Library(path) as library:
        library.save(make_drafts(655, category=(name,)), source="tests")
        total, unread = library.counts()
        category = next(c for c in library.categories() if c.name == name)
    async with open_app(NARROW, path=path) as ui:
        tree = ui.screen.categories
        room = tree.scrollable_content_region.width
        for place, counts in [
            (Place(), f"{unread:,}/{total:,}"),
            (Place(category.id), f"{category.unread:,}/{category.total:,}"),
        ]:
            node = tree.node_of(place)
            assert node is not None
            drawn = tree.render_line(node.line - round(tree.scroll_y)).text.rstrip()
            assert cell_len(drawn) <= room, drawn
            assert drawn.endswith(f" {counts}"), drawn
        drawn = tree.render_line(node.line - round(tree.scroll_y)).text.rstrip()
        # The name is cut with an ellipsis, right after the last character that fits (no gap
        # where a wide character was cut in half).
        assert f"{name[:3]}" in drawn and "… " in drawn and " …" not in drawn, drawn


def footer_keys(ui: object) -> list[tuple[str, Region]]:
    """The footer's keys (description, or the key) and where each is drawn."""
    keys = ui.screen.query("Footer FooterKey")  # type: ignore[attr-defined]
    return [(getattr(key, "description", "") or key.key_display, key.region) for key in keys]


def assert_footer_whole(ui: object, width: int, *, typing: bool = False) -> None:
    """Every key of the footer is drawn whole, side by side, inside the screen; Help is one
    (unless the search box has the keys)."""
    keys = footer_keys(ui)
    names = [name for name, _ in keys]
    assert typing or "Help" in names, names
    spans = sorted(region for _, region in keys)
    for region in spans:
        assert region.x >= 0 and region.right <= width, keys
    for left, right in itertools.pairwise(spans):
        assert left.right <= right.x, keys


@pytest.mark.parametrize("size", [NARROW, (60, 20), TINY, (40, 16)])
async def test_the_footer_shows_whole_keys_only(open_app: AppOpener, size: tuple[int, int]) -> None:
    width, _ = size
    async with open_app(size) as ui:
        assert_footer_whole(ui, width)
        await ui.press("escape")  # the tree
        assert_footer_whole(ui, width)
        await ui.press("enter", "enter")  # an article
        assert ui.article() is not None
        assert_footer_whole(ui, width)
        await ui.press("slash", *"文章")
        assert_footer_whole(ui, width, typing=True)
        await ui.press("enter")  # the results
        assert_footer_whole(ui, width)


@pytest.mark.parametrize("size", [NARROW, (60, 20), WIDE])
async def test_the_search_status_shows_whole_parts_only(
    open_app: AppOpener, size: tuple[int, int]
) -> None:
    async with open_app(size) as ui:
        await ui.press("slash", *"文章")
        status = ui.screen.search_bar.query_one("#search-status")
        shown = ui.search_status()
        assert cell_len(shown) <= status.content_region.width, shown
        assert shown.split(" · ")[0].endswith("found"), shown
        if size == WIDE:
            assert shown.endswith("in All articles ^T · newest first ^O")
        else:
            # What does not fit goes whole: the keys are in the help screen.
            assert shown.endswith(("in All articles", "newest first")), shown


def said(ui: object) -> list[str]:
    """The notifications shown so far, in order (a line the toast broke for its width read
    as a space again)."""
    sent = ui.sent(Notify)  # type: ignore[attr-defined]
    return [m.notification.message.replace("\n", " ") for m in sent]


@pytest.mark.parametrize("size", [NARROW, TINY])
async def test_marks_from_the_tree_act_on_the_row_in_sight_and_say_so(
    open_app: AppOpener, lib_path: Path, size: tuple[int, int]
) -> None:
    async with open_app(size) as ui:
        screen = ui.screen
        await ui.press("enter")  # the first article, read
        opened = ui.article()
        await ui.press("escape", "j", "escape")  # the list's second row; then the tree
        assert screen.focused is screen.categories
        second = ui.cursor_row()
        assert opened is not None and second is not None and second.id != opened.id
        await ui.press("s", "m")
        with Library(lib_path) as library:
            stored = library.get(second.id)
            first = library.get(opened.id)
        assert stored is not None and stored.starred and stored.read
        assert first is not None and not first.starred
        title = f"“{second.title}”"
        assert said(ui)[-2:] == [f"Starred: {title}", f"Marked read: {title}"]


async def test_copy_and_open_say_when_there_is_no_link(open_app: AppOpener) -> None:
    async with open_app(NARROW) as ui:
        await ui.press("y")
        assert said(ui) == ["No article is open: there is no link to copy."]
        await ui.press("enter")
        article = ui.article()
        assert article is not None and not article.url
        await ui.press("y", "O")
        assert said(ui)[-2:] == [
            f"No link to copy: “{article.title}” has no web address.",
            f"No link to open: “{article.title}” has no web address.",
        ]
        assert ui.app.clipboard == ""


async def test_open_says_when_no_browser_could_start(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_browser(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    async with open_app(NARROW) as ui:
        await ui.open_titled(LINKED_TITLE)
        await ui.press("O")
        assert said(ui)[-1] == (
            "Could not start a browser: no web browser was found (set BROWSER to one). "
            "Press y to copy the link."
        )
        assert not any(text.startswith("Open") for text in said(ui))


@pytest.mark.parametrize("name", ["w3m", "/usr/bin/lynx"])
async def test_open_refuses_a_browser_that_would_take_over_the_terminal(
    open_app: AppOpener, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    started: list[str] = []

    class TextBrowser(webbrowser.GenericBrowser):
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            started.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda using=None: TextBrowser(name))
    async with open_app(NARROW) as ui:
        await ui.open_titled(LINKED_TITLE)
        await ui.press("O")
        assert started == []
        assert f"{name}, would run in this terminal" in said(ui)[-1]
