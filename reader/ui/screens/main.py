"""The main screen: category tree, article list and reading pane, and the state they share.

The screen owns the state (scope, sort, filter, the open article, the history); the panes announce
intent with their own messages and the screen decides. Store work runs in thread workers that post
messages back; at 80 columns the panes collapse into a list view and a full-width reading view.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer

from reader.models import ROOT_SCOPE, ArticleSummary
from reader.store import LibraryError
from reader.text.sanitize import sanitize_line
from reader.text.urls import web_link
from reader.ui import workers
from reader.ui.commands import APP_BINDINGS, MAIN_BINDINGS, Section
from reader.ui.history import History
from reader.ui.layout import ArticleView, build_page
from reader.ui.screens.searching import SearchMixin
from reader.ui.widgets.article_list import ArticleList, Query
from reader.ui.widgets.category_tree import ALL_ARTICLES, CategoryTree
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.store import Library

NARROW_BELOW = 120
TINY_BELOW = 60


class MainScreen(SearchMixin, Screen[None]):
    """Three panes over one library."""

    BINDINGS: ClassVar[list[BindingType]] = list(MAIN_BINDINGS)
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (an instance variable on Screen)
        (0, "-tiny"),
        (TINY_BELOW, "-narrow"),
        (NARROW_BELOW, "-wide"),
    ]

    query_now: var[Query] = var(Query, init=False, always_update=True)

    class Started(Message):
        """The tree, counts and remembered state were read."""

        def __init__(self, start: workers.Start) -> None:
            super().__init__()
            self.start = start

    class Ready(Message):
        """An article was fetched (and counted, when `counted`)."""

        def __init__(
            self, view: ArticleView | None, counted: bool, push: bool, focus: bool
        ) -> None:
            super().__init__()
            self.view = view
            # Parsing Markdown is the slow part of opening an article: done here, in the worker.
            self.page = build_page(view) if view is not None else None
            self.counted = counted
            self.push = push
            self.focus = focus

    class Recounted(Message):
        """Fresh counts for the tree after reads changed."""

        def __init__(self, start: workers.Start) -> None:
            super().__init__()
            self.start = start

    class Changed(Message):
        """A star or read mark was written."""

        def __init__(self, article_id: int, field: str, value: bool) -> None:
            super().__init__()
            self.article_id = article_id
            self.field = field
            self.value = value

    class Problem(Message):
        """A store operation failed; the message is one line fit to show."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.history = History()
        self.names: dict[int, tuple[str, ...]] = {}
        self.started = False

    def compose(self) -> ComposeResult:
        """The three panes side by side, and the footer with the keys that matter now."""
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield CategoryTree(id="tree")
            yield ArticleList(self.library, id="list")
            yield ReadingPane(id="reading")
        yield Footer(compact=True)

    @property
    def categories(self) -> CategoryTree:
        """The category tree."""
        return self.query_one(CategoryTree)

    @property
    def pane(self) -> ReadingPane:
        """The reading pane."""
        return self.query_one(ReadingPane)

    def sections(self) -> list[Section]:
        """The bindings of every pane, titled, for the help screen and the palette."""
        return [
            Section("Everywhere", self.app, list(APP_BINDINGS)),
            Section("Main", self, list(MAIN_BINDINGS)),
            Section("Categories", self.categories, list(self.categories.BINDINGS)),  # type: ignore[arg-type]
            Section("Article list", self.articles, list(self.articles.BINDINGS)),  # type: ignore[arg-type]
            Section("Reading pane", self.pane, list(self.pane.BINDINGS)),  # type: ignore[arg-type]
        ]

    # -- start -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Read the library in a worker; the panes fill when it answers."""
        self.categories.border_title = "Categories"
        self.pane.border_title = "Article"
        self.articles.focus()
        self._start()

    @work(thread=True, exclusive=True, group="start")
    def _start(self) -> None:
        try:
            self.post_message(self.Started(workers.load_start(self.library)))
        except LibraryError as error:
            self.post_message(self.Problem(str(error)))

    def on_main_screen_started(self, message: Started) -> None:
        """Fill the tree, restore the last category, sort, filter and article."""
        start = message.start
        self.names = {c.id: c.path for c in start.categories}
        self.articles.names = {c.id: c.name for c in start.categories}
        self.categories.fill(start.categories, start.totals)
        self.categories.show_scope(start.scope)
        self.started = True
        self.query_now = Query(start.scope, start.sort, start.unread_only)
        if start.article is not None:
            self._open(start.article, count=False, focus=False)

    def watch_query_now(self, query: Query) -> None:
        """Load the list for the new scope, order or filter, and remember the choice."""
        keep, self._keep_cursor = self._keep_cursor, None
        self.articles.set_query(query, keep_cursor=keep)
        if query.search:
            return
        self._remember(
            {
                workers.STATE_SCOPE: query.scope,
                workers.STATE_SORT: query.sort,
                workers.STATE_UNREAD: query.unread_only,
            }
        )

    @on(ArticleList.Filled)
    def _list_filled(self, message: ArticleList.Filled) -> None:
        self._describe_list(message.query, message.total)
        if message.query.search:
            self.search_filled(message.query, message.total)

    @on(ArticleList.Failed)
    def _list_failed(self, message: ArticleList.Failed) -> None:
        if message.query is not None and message.query.search:
            self.search_failed(message.text)
        else:
            self.notify(message.text, severity="error", markup=False, timeout=6)

    def _describe_list(self, query: Query, total: int) -> None:
        path = self.names.get(query.scope, ())
        name = sanitize_line(path[-1]) if path else ALL_ARTICLES
        if query.search:
            self.articles.border_title = Content.assemble("Search: ", sanitize_line(query.search))
            more = "+" if self.articles.more_expected() else ""
            shown = total - (1 if more else 0)
            self.articles.border_subtitle = Content(f"{shown:,}{more} in {name}")
            return
        self.articles.border_title = Content(name)
        what = "unread" if query.unread_only else "articles"
        self.articles.border_subtitle = Content(
            f"{total:,} {what} · by {workers.SORT_NAMES[query.sort]}"
        )

    @work(thread=True, group="state")
    def _remember(self, values: dict[str, object]) -> None:
        try:
            for key, value in values.items():
                self.library.set_state(key, value)
        except LibraryError:
            pass  # a read-only library simply forgets the UI state

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The narrow layouts show the pane that has focus (the article while the reading pane
        has it, the tree or the list once either has it: Tab, or a click before the terminal
        shrank), so a terminal that narrows shows where the reader was."""
        if event.widget is self.pane and self.pane.view is not None:
            self.add_class("-reading")
        elif event.widget is self.categories:
            self.remove_class("-reading")
            self.add_class("-tree")
        elif event.widget is self.articles:
            self.remove_class("-reading", "-tree")

    # -- messages from the panes ---------------------------------------------------------------

    @on(CategoryTree.Chosen)
    def _category_chosen(self, message: CategoryTree.Chosen) -> None:
        if self.searching:
            self.rescope_search(message.scope)
        elif message.scope != self.query_now.scope:
            self.query_now = replace(self.query_now, scope=message.scope)
        if message.enter:
            self.remove_class("-tree")
            self.articles.focus()

    @on(ArticleList.Opened)
    def _article_chosen(self, message: ArticleList.Opened) -> None:
        self._open(message.summary.id, count=True, focus=True, terms=self.search_terms())

    @on(ReadingPane.Step)
    def _step(self, message: ReadingPane.Step) -> None:
        self.articles.open_index(self.articles.cursor + message.delta)

    @on(ReadingPane.ArticleChosen)
    def _related_chosen(self, message: ReadingPane.ArticleChosen) -> None:
        self._open(message.article_id, count=True, focus=True)

    @on(ReadingPane.PartChosen)
    def _part_chosen(self, message: ReadingPane.PartChosen) -> None:
        if self.pane.view is not None:
            self.pane.show(replace(self.pane.view, part=message.part))

    @on(ReadingPane.OutlineRequested)
    def _outline(self, message: ReadingPane.OutlineRequested) -> None:
        from reader.ui.screens.outline import OutlineScreen

        headings = message.headings
        if not headings:
            self.notify("This article has no section headings.", timeout=3)
            return

        def jump(line: int | None) -> None:
            if line is not None:
                self.pane.scroll_to_line(line)

        self.app.push_screen(OutlineScreen(headings), jump)

    # -- opening articles ------------------------------------------------------------------------

    def _open(
        self,
        article_id: int,
        *,
        count: bool,
        focus: bool,
        push: bool = True,
        terms: tuple[str, ...] = (),
    ) -> None:
        self._save_progress()
        self._load(article_id, count, push, focus, terms)

    @work(thread=True, exclusive=True, group="article")
    def _load(
        self, article_id: int, count: bool, push: bool, focus: bool, terms: tuple[str, ...]
    ) -> None:
        try:
            view = workers.load_view(self.library, article_id, count=count, terms=terms)
        except LibraryError as error:
            self.post_message(self.Problem(str(error)))
            return
        self.post_message(self.Ready(view, count, push, focus))

    @work(thread=True, exclusive=True, group="article")
    def _load_random(self, scope: int) -> None:
        try:
            view = workers.random_view(self.library, scope)
        except LibraryError as error:
            self.post_message(self.Problem(str(error)))
            return
        if view is None:
            self.post_message(self.Problem("There are no articles here yet."))
            return
        self.post_message(self.Ready(view, True, True, True))

    def on_main_screen_ready(self, message: Ready) -> None:
        """Show the article, note it in the history and the list, and remember it."""
        view = message.view
        if view is None:
            self.notify("That article is no longer in the library.", severity="warning")
            return
        article = view.article
        self.pane.show(view, article.progress, page=message.page)
        self.pane.border_title = Content(_crumb(article.category))
        if message.push:
            self.history.push(article.id)
        before = self.articles.patch(article.id, read=article.read, views=article.views)
        if message.focus:
            self.add_class("-reading")
            self.pane.focus()
        if message.counted and (before is None or not before.read):
            # Only a newly read article changes the unread counts the tree shows.
            self._recount()
        self._remember({workers.STATE_ARTICLE: article.id})
        self.refresh_bindings()

    def _save_progress(self) -> None:
        view = self.pane.view
        if view is not None and not self.library.readonly:
            self._write_progress(view.article.id, self.pane.progress)

    @work(thread=True, group="state")
    def _write_progress(self, article_id: int, progress: float) -> None:
        # Losing a reading position is better than interrupting the reader.
        with contextlib.suppress(LibraryError):
            self.library.set_progress(article_id, progress)

    def remember_now(self) -> None:
        """Write the reading position synchronously (the app is about to exit)."""
        view = self.pane.view
        if view is not None and not self.library.readonly:
            with contextlib.suppress(LibraryError):
                self.library.set_progress(view.article.id, self.pane.progress)

    @work(thread=True, exclusive=True, group="recount")
    def _recount(self) -> None:
        try:
            self.post_message(self.Recounted(workers.load_start(self.library)))
        except LibraryError as error:
            self.post_message(self.Problem(str(error)))

    def on_main_screen_recounted(self, message: Recounted) -> None:
        """Refresh the counts shown in the tree and under the list."""
        self.categories.recount(message.start.categories, message.start.totals)

    def on_main_screen_problem(self, message: Problem) -> None:
        """Show a store error in one line; the app carries on."""
        self.notify(message.text, severity="error", markup=False, timeout=6)

    # -- actions -----------------------------------------------------------------------------------

    def _target(self) -> ArticleSummary | None:
        """The article an action applies to: the list's row when the list has focus, else the
        open article."""
        if self.focused is self.articles:
            return self.articles.row(self.articles.cursor)
        view = self.pane.view
        if view is None:
            return None
        a = view.article
        return ArticleSummary(a.id, a.title, a.category_id, a.published, a.views, a.read, a.starred)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what cannot apply now (no article, no history).

        Sorting and filtering belong to the list: while reading they are hidden from the footer
        (which at 80 columns has no room for them) and their keys do nothing.
        """
        if action in ("sort", "unread_only"):
            return self.focused is not self.pane and not self.searching
        if action in ("search_scope", "search_order"):
            return self.searching
        if action == "search":
            return self.focused is not self.search_bar.input
        if action in ("star", "toggle_read"):
            return True if self._target() is not None else None
        if action in ("copy_link", "open_link"):
            view = self.pane.view
            return True if view and web_link(view.article.url) else None
        if action == "back":
            return True if self.history.can_go(-1) else None
        if action == "forward":
            return True if self.history.can_go(1) else None
        return True

    def action_random(self) -> None:
        """A random article from the current category."""
        self._save_progress()
        self._load_random(self.query_now.scope)

    def action_random_all(self) -> None:
        """A random article from the whole library."""
        self._save_progress()
        self._load_random(ROOT_SCOPE)

    def action_back(self) -> None:
        """The previous article of the history."""
        article_id = self.history.go(-1)
        if article_id is not None:
            self._open(article_id, count=False, focus=True, push=False)

    def action_forward(self) -> None:
        """The next article of the history."""
        article_id = self.history.go(1)
        if article_id is not None:
            self._open(article_id, count=False, focus=True, push=False)

    def action_star(self) -> None:
        """Star or unstar the target article."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "starred", not target.starred)

    def action_toggle_read(self) -> None:
        """Mark the target article read or unread."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "read", not target.read)

    @work(thread=True, group="marks")
    def _write_mark(self, article_id: int, field: str, value: bool) -> None:
        try:
            if field == "starred":
                self.library.set_starred(article_id, value)
            else:
                self.library.set_read(article_id, value)
        except LibraryError as error:
            self.post_message(self.Problem(str(error)))
            return
        self.post_message(self.Changed(article_id, field, value))

    def on_main_screen_changed(self, message: Changed) -> None:
        """Show a written mark in the list and the reading pane."""
        self.articles.patch(message.article_id, **{message.field: message.value})
        view = self.pane.view
        if view is not None and view.article.id == message.article_id:
            article = (
                replace(view.article, starred=message.value)
                if message.field == "starred"
                else replace(view.article, read=message.value)
            )
            self.pane.show(replace(view, article=article), self.pane.progress)
        if message.field == "read":
            self._recount()
        self.refresh_bindings()

    def action_unread_only(self) -> None:
        """Show only unread articles, or all of them again."""
        self.query_now = replace(self.query_now, unread_only=not self.query_now.unread_only)

    def action_sort(self) -> None:
        """Cycle the list's order: date, views, title."""
        sorts = workers.SORTS
        following = sorts[(sorts.index(self.query_now.sort) + 1) % len(sorts)]
        self.query_now = replace(self.query_now, sort=following)

    def action_copy_link(self) -> None:
        """Copy the open article's web link to the clipboard (OSC 52: works over SSH)."""
        view = self.pane.view
        url = web_link(view.article.url) if view else None
        if url is None:
            self.notify("This article has no web link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", markup=False, timeout=3)

    def action_open_link(self) -> None:
        """Open the article's web link in the browser, on request only (http/https)."""
        view = self.pane.view
        url = web_link(view.article.url) if view else None
        if url is None:
            self.notify("This article has no web link to open.", severity="warning")
            return
        self.app.open_url(url)
        self.notify(f"Opening {url}", markup=False, timeout=3)

    def action_back_out(self) -> None:
        """Escape: from the article to the list, from the list to the categories.

        In the search box, or in the results list, it closes the search.
        """
        if self.focused is self.search_bar.input:
            self.action_close_search()
        elif self.has_class("-reading") and not self.has_class("-wide"):
            self.remove_class("-reading")
            self.set_focus(self.articles)
        elif self.focused is self.pane:
            self.set_focus(self.articles)
        elif self.focused is self.articles and self.searching:
            self.action_close_search()
        elif self.focused is self.articles and not self.has_class("-tiny"):
            self.set_focus(self.categories)
        elif self.focused is self.articles:
            # Below 60 columns the tree and the list take turns at the whole width.
            self.add_class("-tree")
            self.call_after_refresh(self.categories.focus)


def _crumb(path: tuple[str, ...]) -> str:
    return " › ".join(sanitize_line(name) for name in path) or "Article"
