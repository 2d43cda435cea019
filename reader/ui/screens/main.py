"""The main screen: category tree, article list and reading pane, and the state they share.

The screen owns the state (listing, search, the open article, the history) and hands it down; the
panes announce intent with their own messages and the screen decides. Store work runs in thread
workers that post messages back; at 80 columns the panes collapse into a list view and a
full-width reading view. Its parts by role: `browsing.py` (what the tree and the list show),
`searching.py`, `marking.py` (marks and links) and this module (start, layout, opening articles).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from reader.store import LibraryError
from reader.text.i18n import N_, _, told
from reader.ui import workers
from reader.ui.commands import APP_BINDINGS, MAIN_BINDINGS, Section
from reader.ui.fetching import FetchGate, Fetching
from reader.ui.language import TranslatedBindings
from reader.ui.screens.living import LIVE_INTERVAL_S
from reader.ui.screens.managing import ManagingScreen
from reader.ui.screens.opening import OpeningScreen
from reader.ui.screens.organising import OrganisingScreen
from reader.ui.screens.refreshing import RefreshingScreen
from reader.ui.state import Listing, Place
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.category_tree import CategoryTree, TreeChoice
from reader.ui.widgets.key_footer import KeyFooter
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import DEBOUNCE_S, SearchBar

if TYPE_CHECKING:
    from reader.store import Library

MANAGING = ("select", "clear_selection", "undo", "delete", "rename", "move", "merge")
NARROW_BELOW = 120
TINY_BELOW = 60


class MainScreen(
    TranslatedBindings, ManagingScreen, RefreshingScreen, OrganisingScreen, OpeningScreen
):
    """Three panes over one library."""

    BINDINGS: ClassVar[list[BindingType]] = list(MAIN_BINDINGS)
    WIDE_FROM = NARROW_BELOW
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (an instance variable on Screen)
        (0, "-tiny"),
        (TINY_BELOW, "-narrow"),
        (NARROW_BELOW, "-wide"),
    ]

    @dataclass
    class Started(Message):
        """The tree, counts and remembered state were read."""

        start: workers.Start

    def __init__(
        self,
        library: Library,
        *,
        debounce: float = DEBOUNCE_S,
        live_interval: float = LIVE_INTERVAL_S,
        fetching: Fetching | None = None,
        refresh_minutes: float | None = None,
        gate: FetchGate | None = None,
    ) -> None:
        """`debounce`: how long typing in the search box pauses before a search starts;
        `live_interval`: how often to look for changes made elsewhere (seconds, 0: never);
        `fetching`: how to fetch feeds (None: the app cannot), every `refresh_minutes` if set,
        one fetch at a time through `gate`."""
        super().__init__(library)
        self.started = False
        self.debounce = debounce
        self.follow_changes(live_interval)
        self.set_fetching(fetching, refresh_minutes, gate or FetchGate())

    def compose(self) -> ComposeResult:
        """The three panes side by side, and the footer with the keys that matter now."""
        yield SearchBar(debounce=self.debounce, id="search").data_bind(
            status=MainScreen.search_status
        )
        with Horizontal(id="panes"):
            yield CategoryTree(id="tree")
            yield ArticleList(id="list").data_bind(
                MainScreen.category_names, MainScreen.selection, MainScreen.empty_text
            )
            yield ReadingPane(id="reading")
        yield Static(Content(), id="fetch-progress")
        yield KeyFooter(compact=True)

    def sections(self) -> list[Section]:
        """The bindings of every pane, titled, for the help screen and the palette."""
        return [
            Section(N_("Everywhere"), self.app, list(APP_BINDINGS)),
            Section(N_("Main"), self, list(MAIN_BINDINGS)),
            Section(N_("Categories"), self.categories, list(self.categories.BINDINGS)),  # type: ignore[arg-type]
            Section(N_("Article list"), self.articles, list(self.articles.BINDINGS)),  # type: ignore[arg-type]
            Section(N_("Reading pane"), self.pane, list(self.pane.BINDINGS)),  # type: ignore[arg-type]
        ]

    # -- start -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        """Read the library in a worker; the panes fill when it answers."""
        self.categories.border_title = _("Categories")
        self.watch(self.categories, "choice", self._category_chosen, init=False)
        self.pane.border_title = _("Article")
        self.articles.focus()
        self._start()

    @work(thread=True, exclusive=True, group="start")
    def _start(self) -> None:
        try:
            start = workers.load_start(self.library)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Started(start))
        # The tree shows first; the saved searches' counts follow as each is known.
        self._count_searches(start.shelves.views)

    def on_main_screen_started(self, message: Started) -> None:
        """Fill the tree, restore the last view or category, sort, filter and article."""
        start = message.start
        self.show_shelves(start.shelves)
        self.categories.fill(start.shelves)
        self.listing = Listing(start.scope, start.sort, start.unread_only, view=start.view)
        self.categories.show_place(self.listing.place)
        self.library_total = start.shelves.totals[0]
        self.started = True
        self.call_after_refresh(self._freeze_start)
        if start.article is not None:
            # Read at the last exit: the article takes the screen again (alone, when narrow).
            self._open(start.article, count=False, focus=start.reading)

    def _freeze_start(self) -> None:
        """What the start built (Textual, the styles, the panes) lives as long as the app: out of
        the collector's full passes, which walked it all (50-70 ms) and now and then held up a
        key (10-16 ms now)."""
        if self.is_attached:
            gc.freeze()

    def on_unmount(self) -> None:
        """The app ends: what the start built goes back to the collector."""
        gc.unfreeze()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The narrow layouts show the pane that has focus (the article while the reading pane
        has it, the tree or the list once either has it: Tab, or a click before the terminal
        shrank), so a terminal that narrows shows where the reader was."""
        if event.widget is self.pane and self.pane.view is not None:
            self.show_panes(reading=True)
        elif event.widget is self.categories:
            self.show_panes(reading=False, tree=True)
        elif event.widget is self.articles:
            self.show_panes(reading=False, tree=False)

    # -- messages from the panes ---------------------------------------------------------------

    def _category_chosen(self, choice: TreeChoice | None) -> None:
        """The tree's cursor moved to a line (or Enter chose it): list its articles now, in the
        handling of the key, so the keys typed after it act on the new listing."""
        if choice is None:
            return
        place = choice.place
        if self.searching:
            # A search runs in a category or a tag; a view chosen meanwhile means everywhere.
            self.rescope_search(place.scope)
        elif place != self.listing.place:
            self.listing = self.listing.showing(place)
        if choice.enter:
            self.show_panes(tree=False)
            self.set_focus(self.articles)

    @on(ArticleList.Opened)
    def _article_chosen(self, message: ArticleList.Opened) -> None:
        self._open(message.summary.id, count=True, focus=True, terms=self.search_terms())

    @on(ReadingPane.Step)
    def _step(self, message: ReadingPane.Step) -> None:
        """The next or previous article after the one shown (wherever the list's cursor is)."""
        view = self.pane.view
        if view is None:
            return
        # While another listing's rows are on their way, its place is asked of the library.
        waiting = self.articles.awaiting_rows
        index = None if waiting else self.articles.index_of(view.article.id)
        if index is not None:
            self.articles.open_index(index + message.delta)
        else:
            self._find_shown(view.article.id, message.delta)

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
            self.notify(_("This article has no section headings."), timeout=3)
            return

        def jump(index: int | None) -> None:
            if index is not None:
                self.pane.go_to_heading(index)

        self.app.push_screen(OutlineScreen(headings, message.current), jump)

    # -- opening articles ------------------------------------------------------------------------

    # -- actions -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what cannot apply now (no article, no history).

        Sorting and filtering belong to the list: while reading they are hidden from the footer
        (which at 80 columns has no room for them) and their keys do nothing.
        """
        if action in MANAGING:
            return self.check_managing(action)
        if action == "refresh":
            return self.check_fetching(action)
        if action == "mark_many":
            return None if self.library.readonly else True
        if action in ("sort", "unread_only"):
            if self.focused is self.pane or self.searching:
                return False
            # Starred and saved searches come newest first; Unread is unread already.
            able = self.listing.sortable if action == "sort" else self.listing.filterable
            return True if able else None
        if action == "save_search":
            return self.searching
        if action == "edit_tags":
            return True if self._target() is not None else None
        if action in ("search_scope", "search_order"):
            return self.searching
        if action == "search":
            return self.focused is not self.search_bar.input
        if action in ("star", "toggle_read"):
            return True if self._target() is not None else None
        if action == "back":
            return True if self.history.can_go(-1) else None
        if action == "forward":
            return True if self.history.can_go(1) else None
        return True

    def action_random(self) -> None:
        """A random article from the current category, tag or view."""
        self._save_progress()
        self._load_random(self.listing.place)

    def action_random_all(self) -> None:
        """A random article from the whole library."""
        self._save_progress()
        self._load_random(Place())

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

    def action_back_out(self) -> None:
        """Escape: from the article to the list, from the list to the categories.

        In the search box, or in the results list, it closes the search.
        """
        if self.pane.hinting:
            self.pane.cancel_hints()
        elif self.focused is self.search_bar.input:
            self.action_close_search()
        elif self.reading and not self.has_class("-wide"):
            self.show_panes(reading=False)
            self.set_focus(self.articles)
        elif self.focused is self.pane:
            self.set_focus(self.articles)
        elif self.focused is self.articles and self.searching:
            self.action_close_search()
        elif self.focused is self.articles and not self.has_class("-tiny"):
            self.set_focus(self.categories)
        elif self.focused is self.articles:
            # Below 60 columns the tree and the list take turns at the whole width.
            self.show_panes(tree=True)
            self.call_after_refresh(self.categories.focus)
