"""The main screen's state and what it hands down to the article list.

What the list shows (`Listing`), what a line of the category tree stands for (`Place`) and what
the tree is built from (`Shelves`), where the reader was before a search (`Before`), and the blocks
of rows the list asks for and is given (`RowsRequest`, `Rows`). Plain frozen values, so the screen
can hold them in reactives and pass them between its workers and its panes.
(`reader.text.query.Query` is another thing: a parsed search query.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reader.models import ROOT_SCOPE, ArticleSummary, Category, Cursor, SearchCursor, Tag, View

Excerpt = tuple[str, tuple[tuple[int, int], ...]]
"""A search result's excerpt and the spans of the matches within it."""

BLOCK = 100
"""Rows fetched at a time: the list holds a few blocks around the cursor, never a whole listing."""


def view_key(view: View) -> View:
    """A view as a listing holds it: what it is, without its counts (which change)."""
    return View(view.kind, view.name, view.query)


@dataclass(frozen=True, slots=True)
class Place:
    """What a line of the category tree stands for: a scope (All articles, a category, or a tag:
    minus its id) or a view (Unread, Starred, a saved search)."""

    scope: int = ROOT_SCOPE
    view: View | None = None


@dataclass(frozen=True, slots=True)
class Shelves:
    """What the category tree shows: the views, All articles with its categories, and the tags.

    Read cheaply for the first frame: a saved search's counts come later (`exact` False and 0
    until they do, see `reader.ui.workers.count_searches`).
    """

    categories: tuple[Category, ...]
    totals: tuple[int, int]
    """(articles, unread) of the whole library."""
    views: tuple[View, ...] = ()
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True)
class Listing:
    """What the article list shows: a scope or a view, an order and the unread filter, or search
    results.

    With `view` set the list holds that view's articles (Unread in any order, the others newest
    first) and `scope` is the whole library. With `search` set it holds the results of that search
    in the scope, ordered by `order` (`newest` or `best`); how many there are is learnt page by
    page, as for a saved search's view.
    """

    scope: int = ROOT_SCOPE
    sort: str = "published"
    unread_only: bool = False
    search: str = ""
    order: str = "newest"
    view: View | None = None
    """A view (`view_key`: no counts) listed instead of the scope."""

    @property
    def place(self) -> Place:
        """The line of the tree this listing belongs to."""
        return Place(ROOT_SCOPE if self.view else self.scope, self.view)

    @property
    def open_ended(self) -> bool:
        """Whether the size is learnt page by page (search results, a saved search's view)."""
        return bool(self.search) or (self.view is not None and self.view.kind == "search")

    @property
    def excerpts(self) -> bool:
        """Whether each row comes with an excerpt around its first match (search results and
        a saved search's view)."""
        return self.open_ended

    @property
    def sortable(self) -> bool:
        """Whether the list can be put in another order (not search results, Starred or a saved
        search, which come newest first)."""
        return not self.search and (self.view is None or self.view.kind == "unread")

    @property
    def filterable(self) -> bool:
        """Whether the unread filter applies (a category or a tag; Unread is unread already)."""
        return not self.search and self.view is None

    def showing(self, place: Place) -> Listing:
        """This listing moved to another line of the tree, keeping its order and filter."""
        if place.view is not None:
            return replace(self, scope=ROOT_SCOPE, view=view_key(place.view))
        return replace(self, scope=place.scope, view=None)


@dataclass(frozen=True, slots=True)
class Before:
    """Where the reader was when the search opened: the listing and the list's cursor."""

    listing: Listing
    cursor: int


@dataclass(frozen=True, slots=True)
class RowsRequest:
    """A block of a listing's rows, as the article list asks for it."""

    generation: int
    """Which listing of the list's this is for: blocks of an older one are dropped."""
    listing: Listing
    block: int
    """Rows `block * BLOCK` onwards."""
    after: Cursor | SearchCursor | None = None
    """Where the block starts when the block before it is loaded (keyset pagination)."""
    known: int = 0
    """How many rows the listing has, as far as the list knows (0: not known yet)."""

    @property
    def offset(self) -> int:
        """Index of the block's first row."""
        return self.block * BLOCK


@dataclass(frozen=True, slots=True)
class Rows:
    """A block of rows read for a request, and what was learnt about the listing."""

    rows: tuple[ArticleSummary, ...]
    after: Cursor | SearchCursor | None
    """Where the next block starts, or None at the end."""
    total: int | None
    """How many rows the listing has (search: at least), when this read told."""
    excerpts: dict[int, Excerpt] = field(default_factory=dict)
    """Search results' excerpts by article id: the text around the first match and the
    (start, end) of each match in it, as `reader search` prints them (unsanitised)."""


@dataclass(frozen=True, slots=True)
class Reload:
    """The list as it stands, to be read again after the library changed."""

    generation: int
    listing: Listing
    cursor: int
    article_id: int | None
    """The article under the cursor, which the cursor stays on if the listing still holds it."""
    following: tuple[int, ...]
    """The articles after it (a few), the first still listed taking the cursor if it is gone."""
    known: int
    """How many rows the list knows of (search results: at least as many as it has loaded)."""


@dataclass(frozen=True, slots=True)
class Reloaded:
    """A listing read again: its size, the cursor's new index and the blocks around it."""

    total: int
    cursor: int
    blocks: dict[int, Rows]
