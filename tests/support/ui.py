"""Opening the app for the UI tests: the same factory the CLI uses, over a temporary library.

`open_app` (a fixture in `conftest.py`) opens the app with `async with open_app() as ui:`; `ui`
presses keys and waits for what they started, and reads what the panes show and the messages the
app handled.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from textual.content import Content
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets.tree import TreeNode

from reader.ingest.demo import write_demo
from reader.models import Article, ArticleDraft, ArticleSummary
from reader.store import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.state import Place

HOSTILE_TITLE = "[@click=app.quit]Read more[/] [b]x"
HOSTILE_CATEGORY = "[/]敌意[@click=app.quit]"
LINKED_TITLE = "An article with a web link"
LINK = "https://example.org/articles/linked"
LONG_TITLE = "很长的文章"
TEST_CATEGORY = "测试"

WIDE = (160, 48)
NARROW = (80, 24)

M = TypeVar("M", bound=Message)


def extra_drafts() -> list[ArticleDraft]:
    """A hostile title, a linked article, and a long article with section headings."""
    base = datetime(2020, 1, 1, 12, 0, 0)
    long_body = "\n\n".join(
        f"## 第{n}节是什么？\n\n" + "这是一段用来测试滚动的文字。" * 30 for n in range(1, 9)
    )
    return [
        ArticleDraft(
            title=HOSTILE_TITLE,
            body="[/] a body with [@click=app.quit]markup[/] that must stay text.",
            category=(TEST_CATEGORY, HOSTILE_CATEGORY),
            published=base,
        ),
        ArticleDraft(
            title=LINKED_TITLE,
            body="Plain text.",
            category=(TEST_CATEGORY,),
            url=LINK,
            published=base - timedelta(days=1),
        ),
        ArticleDraft(
            title=LONG_TITLE,
            body=long_body,
            category=(TEST_CATEGORY,),
            published=base - timedelta(days=2),
        ),
    ]


def make_library(path: Path) -> Path:
    """Write the demo library plus the extra test articles to `path`."""
    with Library(path) as library:
        write_demo(library)
        library.save(extra_drafts(), source="tests")
    return path


def make_app(path: Path, *, seed: int = 7, **options: Any) -> ReaderApp:
    """An app over the library at `path` with repeatable random picks and no search pause."""
    options.setdefault("search_debounce", 0)
    return ReaderApp(Library(path), seed=seed, **options)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def main_screen(app: ReaderApp) -> MainScreen:
    """The app's main screen (failing the test if another screen is on top)."""
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


class UI:
    """A running app: keys in; what its main screen shows and the messages it handled out."""

    def __init__(self, app: ReaderApp, pilot: Pilot[None], messages: list[Message]) -> None:
        self.app = app
        self.pilot = pilot
        self.messages = messages

    @property
    def screen(self) -> MainScreen:
        """The main screen (failing the test if another screen is on top)."""
        screen = self.app.screen
        assert isinstance(screen, MainScreen), screen
        return screen

    async def press(self, *keys: str) -> None:
        """Press `keys`, then wait for the work they started and its messages."""
        await self.pilot.press(*keys)
        await settle(self.pilot)

    async def click(self, widget: Any, row: int, column: int = 6) -> None:
        """Click a content row (0: the first line inside the border) of a scrolled widget."""
        top = widget.content_region.y - widget.region.y
        await self.pilot.click(widget, offset=(column, top + row))
        await settle(self.pilot)

    async def settle(self) -> None:
        """Wait for running workers and the messages they posted."""
        await settle(self.pilot)

    async def wait_until(
        self, condition: Callable[[], bool], what: str, timeout: float = 10.0
    ) -> None:
        """Let the app run until `condition()` holds; fail naming `what` after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"gave up waiting for {what}"
            await self.pilot.pause()

    def sent(self, kind: type[M]) -> list[M]:
        """The messages of `kind` the app handled, in order (one entry for a bubbled one)."""
        seen: dict[int, M] = {}
        for message in self.messages:
            if isinstance(message, kind):
                seen.setdefault(id(message), message)
        return list(seen.values())

    # -- what is shown ---------------------------------------------------------------------

    def rows(self) -> list[ArticleSummary]:
        """The article list's rows, top to bottom (the ones loaded)."""
        articles = self.screen.articles
        found = [articles.row(index) for index in range(articles.total)]
        return [row for row in found if row is not None]

    def titles(self) -> list[str]:
        """The titles in the article list."""
        return [row.title for row in self.rows()]

    def cursor_row(self) -> ArticleSummary | None:
        """The row under the list's cursor."""
        articles = self.screen.articles
        return articles.row(articles.cursor)

    def list_caption(self) -> str:
        """The list's border title and subtitle (`Search: 茶 · 3 in All articles`)."""
        articles = self.screen.articles
        return f"{_plain(articles.border_title)} · {_plain(articles.border_subtitle)}"

    def article(self) -> Article | None:
        """The article in the reading pane."""
        view = self.screen.pane.view
        return view.article if view is not None else None

    def pane_title(self) -> str:
        """The reading pane's border title (the category path)."""
        return _plain(self.screen.pane.border_title)

    def page_text(self) -> list[str]:
        """The reading pane's lines, as laid out at its width."""
        return [line.content.plain for line in self.screen.pane.lines]

    def footer(self) -> dict[str, bool]:
        """The footer's keys by description, and whether each is offered (not dimmed)."""
        keys = self.screen.query("Footer FooterKey")
        return {
            str(getattr(key, "description", "")): not key.has_class("-disabled") for key in keys
        }

    def search_status(self) -> str:
        """What the search bar shows beside the box."""
        return str(self.screen.search_bar.query_one("#search-status").render())

    # -- stories ---------------------------------------------------------------------------

    async def focus(self, pane: Any) -> None:
        """Move the focus to `pane` with Shift+Tab, as a reader would."""
        for _ in range(3):
            if self.screen.focused is pane:
                return
            await self.press("shift+tab")
        assert self.screen.focused is pane, self.screen.focused

    async def open_titled(self, title: str) -> Article:
        """Move the list's cursor to the article titled `title` with j/k and open it."""
        titles = self.titles()
        index = titles.index(title)
        await self.focus(self.screen.articles)
        if index <= len(titles) // 2:
            await self.press("g", *["j"] * index)
        else:
            await self.press("G", *["k"] * (len(titles) - 1 - index))
        await self.press("enter")
        article = self.article()
        assert article is not None and article.title == title
        return article

    def tree_label(self, place: Place) -> str:
        """The tree's line for a place, as a plain string (`● Unread 37/40`)."""
        node = self.screen.categories.node_of(place)
        assert node is not None, place
        return str(node.label)

    def top_level(self) -> list[TreeNode[Place | None]]:
        """The tree's top-level categories: the lines under All articles."""
        everything = self.screen.categories.node_of(Place())
        assert everything is not None
        return list(everything.children)

    async def choose_line(self, place: Place, *, enter: bool = False) -> None:
        """Move the tree's cursor to the line of `place` from the nearer end, with `g` and `j` or
        `G` and `k` (and Enter it)."""
        tree = self.screen.categories
        await self.focus(tree)
        node = tree.node_of(place)
        assert node is not None and node.line >= 0, place
        last = tree.last_line
        if node.line <= last // 2:
            await self.press("g", *["j"] * node.line)
        else:
            await self.press("G", *["k"] * (last - node.line))
        assert tree.cursor_node is node
        if enter:
            await self.press("enter")

    async def open_tags(self) -> None:
        """Expand the tree's Tags line (the last line while it is collapsed) with `G` and `l`."""
        tree = self.screen.categories
        await self.focus(tree)
        await self.press("G", "l")
        assert tree.tags_node is not None and tree.tags_node.is_expanded

    async def choose_category(self, name: str, *, enter: bool = True) -> None:
        """Move the tree's cursor to the top-level category `name` (and Enter it)."""
        tree = self.screen.categories
        await self.focus(tree)
        everything = tree.node_of(Place())
        assert everything is not None
        labels = [str(node.label) for node in everything.children]
        index = next(n for n, label in enumerate(labels) if label.startswith(f"{name} "))
        await self.press("g", *["j"] * (everything.line + index + 1))
        if enter:
            await self.press("enter")


def _plain(markup: str | None) -> str:
    """A border title as the reader sees it (Textual hands it out as markup)."""
    return Content.from_markup(markup).plain if markup else ""


@asynccontextmanager
async def running(
    path: Path, size: tuple[int, int], *, settled: bool = True, **options: Any
) -> AsyncIterator[UI]:
    """The app over the library at `path` in a terminal of `size`, started (and, if `settled`,
    with the work its start began done)."""
    app = make_app(path, **options)
    messages: list[Message] = []
    async with app.run_test(size=size, message_hook=messages.append) as pilot:
        ui = UI(app, pilot, messages)

        def started() -> bool:
            return isinstance(app.screen, MainScreen) and app.screen.started

        await ui.wait_until(started, "the main screen to start")
        if settled:
            await settle(pilot)
        yield ui


class AppOpener:
    """What the `open_app` fixture gives: `open_app(size, path=..., settled=..., keymap=...)`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(
        self,
        size: tuple[int, int] = WIDE,
        *,
        path: Path | None = None,
        settled: bool = True,
        **options: Any,
    ) -> Any:
        """An async context manager running the app (on the test library unless `path`)."""
        return running(path or self.path, size, settled=settled, **options)
