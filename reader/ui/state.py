"""The main screen's state and what it hands down to the article list.

What the list shows (`Listing`), where the reader was before a search (`Before`), and the blocks of
rows the list asks for and is given (`RowsRequest`, `Rows`). Plain frozen values, so the screen can
hold them in reactives and pass them between its workers and its panes. (`reader.text.query.Query`
is another thing: a parsed search query.)
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import ROOT_SCOPE, ArticleSummary, Cursor, SearchCursor

BLOCK = 100
"""Rows fetched at a time: the list holds a few blocks around the cursor, never a whole listing."""


@dataclass(frozen=True, slots=True)
class Listing:
    """What the article list shows: a scope, an order and the unread filter, or search results.

    With `search` set the list holds the results of that search in the scope, ordered by
    `order` (`newest` or `best`); how many there are is learnt page by page.
    """

    scope: int = ROOT_SCOPE
    sort: str = "published"
    unread_only: bool = False
    search: str = ""
    order: str = "newest"


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
