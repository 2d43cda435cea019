"""The main screen's panes and what the category tree and the article list show.

The screen owns the state: `listing` (a scope or a view, order, filter, or a search) and the
category names, bound into the list. The list asks for blocks of rows with
`ArticleList.RowsWanted`; they are read in thread workers that post `RowsRead`, and handed to the
list. Searching, marking, organising and opening articles build on this (`searching.py`,
`marking.py`, `organising.py`, `main.py`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import events, getters, on, work
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from reader.models import ROOT_SCOPE, Change, View
from reader.store import LibraryError
from reader.text.i18n import _, told
from reader.text.sanitize import sanitize_line
from reader.ui import workers
from reader.ui.state import Listing, Place, Rows, RowsRequest, Shelves
from reader.ui.titles import set_subtitle, set_title
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.category_tree import ALL_ARTICLES, CategoryTree, view_name
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.store import Library


class BrowsingScreen(Screen[None]):
    """Three panes over one library; this part keeps the tree and the list in step."""

    listing: var[Listing] = var(Listing, init=False, always_update=True)
    """What the article list shows; a change loads it and is remembered for the next start."""
    category_names: var[dict[int, str]] = var(dict)
    """Category names by id (the list shows them beside titles)."""

    articles = getters.query_one(ArticleList)
    categories = getters.query_one(CategoryTree)
    pane = getters.query_one(ReadingPane)
    search_bar = getters.query_one(SearchBar)
    panes = getters.query_one("#panes", Horizontal)
    """The three panes; its classes say which a narrow terminal shows (`-reading`, `-tree`),
    set on it rather than on the screen so that the footer and the search box are not styled
    again each time an article opens (see `show_panes`)."""

    WIDE_FROM = 120
    """Columns from which the three panes stand side by side (the screen's `-wide` class)."""

    reading = False
    """Whether the article is what a narrow terminal shows (the reading pane has the reader)."""
    tree_shown = False
    """Whether the tree is what a tiny terminal shows (the reader went back to it)."""

    @dataclass
    class RowsRead(Message):
        """A worker read a block of rows the list asked for."""

        request: RowsRequest
        rows: Rows

    @dataclass
    class RowsFailed(Message):
        """A block of rows could not be read; the text is one line fit to show."""

        request: RowsRequest
        text: str

    @dataclass
    class Recounted(Message):
        """Fresh counts for the tree after reads changed (saved searches: see `SearchCounted`)."""

        shelves: Shelves

    @dataclass
    class SearchCounted(Message):
        """A saved search was counted, for the tree."""

        view: View

    @dataclass
    class Placed(Message):
        """Where an article stands in a listing (None: not in it), to step `delta` from it."""

        listing: Listing
        index: int | None
        delta: int

    @dataclass
    class Problem(Message):
        """A store operation failed; the text is one line fit to show."""

        text: str

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.names: dict[int, tuple[str, ...]] = {}
        """Category paths by id, and `#tag` by a tag's scope."""
        self.shelves = Shelves((), (0, 0))
        """What the tree shows (its saved searches uncounted)."""
        self.changes: list[Change] = []
        """The changes made in this session, newest last (see `record_change`)."""
        self.follow: Place | None = None
        """The tree line the cursor goes to once the tree is next read (a renamed search)."""
        self._keep_cursor: int | None = None
        """Where the list's cursor goes when the next listing arrives (None: the top)."""

    def show_panes(self, *, reading: bool | None = None, tree: bool | None = None) -> None:
        """Say which pane a narrow terminal shows: the article (`reading`), the tree (`tree`).

        The classes are set on the panes only where a rule uses them (under `WIDE_FROM`
        columns): a class changed on them styles every pane again, 5-15 ms of an article's
        opening, for nothing at full width. `on_resize` sets them when the terminal narrows."""
        if reading is not None:
            self.reading = reading
        if tree is not None:
            self.tree_shown = tree
        self._set_pane_classes(self.size.width)

    def _set_pane_classes(self, width: int) -> None:
        narrow = 0 < width < self.WIDE_FROM
        self.panes.set_class(self.reading and narrow, "-reading")
        self.panes.set_class(self.tree_shown and narrow, "-tree")

    def on_resize(self, event: events.Resize) -> None:
        """A terminal that narrows shows the pane the reader was in: its class is set before
        the narrow rules apply, and taken off once the wide ones do (between the two, the pane
        the reader is in would be hidden, and lose the focus)."""
        width = event.size.width
        if 0 < width < self.WIDE_FROM:
            self._set_pane_classes(width)
        else:
            self.call_next(self._set_pane_classes, width)

    def watch_listing(self, listing: Listing) -> None:
        """Load the list for the new scope, order or filter, and remember the choice."""
        keep, self._keep_cursor = self._keep_cursor, None
        self.articles.show_listing(listing, keep_cursor=keep)
        if listing.search:
            return
        self._remember(workers.remembered(listing))

    @on(ArticleList.RowsWanted)
    def _rows_wanted(self, message: ArticleList.RowsWanted) -> None:
        self._read_rows(message.request)

    @work(thread=True, group="list-rows")
    def _read_rows(self, request: RowsRequest) -> None:
        try:
            rows = workers.read_rows(self.library, request)
        except LibraryError as error:
            self.post_message(self.RowsFailed(request, told(error)))
            return
        self.post_message(self.RowsRead(request, rows))

    @on(RowsRead)
    def _rows_read(self, message: RowsRead) -> None:
        self.articles.take_rows(message.request, message.rows)

    @on(RowsFailed)
    def _rows_failed(self, message: RowsFailed) -> None:
        if message.request.listing.search:
            # A search that cannot run ends with no results (`searching.py` says why).
            self.articles.take_rows(message.request, Rows((), None, message.request.offset))
        else:
            self.articles.rows_failed(message.request)
            self.notify(message.text, severity="error", markup=False, timeout=6)

    @on(ArticleList.Filled)
    def _list_filled(self, message: ArticleList.Filled) -> None:
        self._describe_list(message.listing, message.total)
        # Star and read apply to the row under the cursor: now there is one (see check_action).
        self.refresh_bindings()

    def place_name(self, scope: int) -> str:
        """What a scope is called: a category's name, `#tag`, or All articles."""
        path = self.names.get(scope, ())
        return sanitize_line(path[-1]) if path else _(ALL_ARTICLES)

    def _describe_list(self, listing: Listing, total: int) -> None:
        name = self.place_name(listing.scope)
        more = "+" if listing.open_ended and self.articles.more_expected() else ""
        shown = total - (1 if more else 0)
        if listing.search:
            set_title(self.articles, Content.assemble(_("Search: "), sanitize_line(listing.search)))
            count = f"{shown:,}{more}"
            set_subtitle(
                self.articles, Content(_("{count} in {name}").format(count=count, name=name))
            )
            return
        view = listing.view
        set_title(self.articles, Content(view_name(view) if view else name))
        unread = listing.unread_only and listing.filterable
        what = _("{count} unread") if unread else _("{count} articles")
        order = workers.SORT_NAMES[listing.sort] if listing.sortable else "date"
        by = _("by {order}").format(order=_(order))
        set_subtitle(self.articles, Content(f"{what.format(count=f'{shown:,}{more}')} · {by}"))

    def record_change(self, change: Change) -> None:
        """Note a change made to the library (it can be taken back with `Library.undo`) and
        say in one line what was done."""
        self.changes.append(change)
        self.notify(change.shown(), markup=False, timeout=4)

    def action_unread_only(self) -> None:
        """Show only unread articles, or all of them again."""
        self.listing = replace(self.listing, unread_only=not self.listing.unread_only)

    def action_sort(self) -> None:
        """Cycle the list's order: date, views, title."""
        sorts = workers.SORTS
        following = sorts[(sorts.index(self.listing.sort) + 1) % len(sorts)]
        self.listing = replace(self.listing, sort=following)

    @work(thread=True, group="state")
    def _remember(self, values: dict[str, object]) -> None:
        """Write UI state (scope, order, the open article) for the next start; never waits for
        another program's lock (written later, or forgotten)."""
        # A read-only library simply forgets the UI state.
        with contextlib.suppress(LibraryError):
            for key, value in values.items():
                self.library.set_state(key, value, wait=False)

    @work(thread=True, exclusive=True, group="recount")
    def _recount(self) -> None:
        """Read the tree's counts again (after reads changed, or a tag or saved search came or
        went), then count the saved searches."""
        try:
            shelves = workers.load_shelves(self.library)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Recounted(shelves))
        self._count_searches(shelves.views)

    def _count_searches(self, views: tuple[View, ...]) -> None:
        """In a worker: count each saved search, bounded (a search of a common word stops at
        its bound), and show each count as it comes."""
        try:
            for counted in workers.count_searches(self.library, views):
                self.post_message(self.SearchCounted(counted))
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))

    def show_shelves(self, shelves: Shelves) -> None:
        """Show what the tree holds: names for the list's title, the tree's lines and counts."""
        self.shelves = shelves
        self.names = {c.id: c.path for c in shelves.categories}
        self.names.update({t.scope: (f"#{t.name}",) for t in shelves.tags})
        self.category_names = {c.id: c.name for c in shelves.categories}

    @on(Recounted)
    def _recounted(self, message: Recounted) -> None:
        self.show_shelves(message.shelves)
        self.categories.recount(message.shelves)
        follow, self.follow = self.follow, None
        if follow is not None and self.categories.has_place(follow):
            self.categories.show_place(follow)
        place = self.listing.place
        if not self.listing.search and not self.categories.has_place(place):
            # What the list showed is gone (a saved search deleted, a tag no article has now).
            self.categories.show_place(Place())
            self.listing = self.listing.showing(Place())

    @on(SearchCounted)
    def _search_counted(self, message: SearchCounted) -> None:
        self.categories.show_counted(message.view)

    @work(thread=True, exclusive=True, group="place")
    def _find_shown(self, article_id: int, delta: int) -> None:
        """In a worker: where the article shown stands in the list (its rows around it are not
        loaded, or it is not there at all: a random pick from elsewhere), to step from it."""
        listing = self.listing
        view = listing.view
        index = None
        if not listing.open_ended and (view is None or view.kind == "unread"):
            try:
                index = self.library.position(
                    ROOT_SCOPE if view else listing.scope,
                    article_id,
                    sort=listing.sort,  # type: ignore[arg-type]
                    unread_only=bool(view) or listing.unread_only,
                )
            except LibraryError as error:
                self.post_message(self.Problem(told(error)))
                return
        self.post_message(self.Placed(listing, index, delta))

    @on(Placed)
    def _placed(self, message: Placed) -> None:
        if message.listing != self.listing:
            return  # the list shows something else now
        if message.index is None:
            self.notify(_("The article shown is not in the list."), timeout=3)
        else:
            self.articles.open_index(message.index + message.delta)

    @on(Problem)
    def _problem(self, message: Problem) -> None:
        """Show a store error in one line; the app carries on."""
        self.notify(message.text, severity="error", markup=False, timeout=6)
