"""Plain data passed between the store, the importers, the command line and the UI.

Rows leave the store as frozen dataclasses; importers hand the store `ArticleDraft`s. Nothing here
knows about SQLite or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reader.text.i18n import Later

ROOT_SCOPE = 0
"""The scope id that stands for the whole library ("All articles")."""


@dataclass(frozen=True, slots=True)
class Category:
    """A node of the category tree, with counts over its whole subtree."""

    id: int
    parent_id: int | None
    name: str
    path: tuple[str, ...]
    total: int
    unread: int
    depth: int


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What the article list shows for one row."""

    id: int
    title: str
    category_id: int
    published: str
    views: int
    read: bool
    starred: bool
    author: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """One whole article, as the reading pane and `reader show` present it."""

    id: int
    title: str
    category_id: int
    category: tuple[str, ...]
    published: str
    views: int
    read: bool
    starred: bool
    progress: float
    author: str
    url: str
    tags: tuple[str, ...]
    body: str
    source: str
    related: tuple[str, ...] = ()
    guid: str = ""
    """The GUID the article is known by, when its source gave one (filled by the bulk reads of
    `Library.export_articles`; empty elsewhere)."""

    @property
    def headings(self) -> list[str]:
        """The texts of the body's section headings, in order."""
        from reader.text.outline import headings

        return [h.text for h in headings(self.body)]


@dataclass(frozen=True, slots=True)
class Marks:
    """A reader's marks on one article as an export carries them: read, starred, and how far
    through it they got (0.0 to 1.0). Importing them only ever adds marks (see `Library.save`)."""

    read: bool = False
    starred: bool = False
    progress: float = 0.0

    def __bool__(self) -> bool:
        return self.read or self.starred or self.progress > 0


@dataclass(slots=True)
class ArticleDraft:
    """An article parsed from a source, not yet stored.

    `category` is a path of names, outermost first; the importer's `--category` prefix is added by
    the store. `published` may be naive (taken as local wall-clock time, as sites print it).
    """

    title: str
    body: str = ""
    category: tuple[str, ...] = ()
    published: datetime | None = None
    views: int | None = None
    author: str = ""
    url: str = ""
    guid: str = ""
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    """Titles from the page's own "random articles" block, kept for reference."""
    marks: Marks | None = None
    """A reader's marks, when the source carries them (an export made `--with-state`); saved
    only when the import asks for them (`reader import --with-state`)."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the next page of a listing starts (keyset pagination)."""

    key: str | int
    id: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page of article summaries and the cursor for the page after it."""

    items: tuple[ArticleSummary, ...]
    next: Cursor | None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What saving one source's drafts did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    article_ids: tuple[int, ...] = field(default=())
    repeated: int = 0
    """Drafts left alone because an earlier draft of the same import was the same article
    (counted in `unchanged` too)."""
    unmarked: int = 0
    """Drafts whose marks (`ArticleDraft.marks`) were not saved: the import did not ask for
    them."""


@dataclass(frozen=True, slots=True)
class SearchCursor:
    """Where the next page of search results starts: the last hit's tier, time and id."""

    tier: int
    published: str
    id: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the article's list row and an excerpt around the first match.

    `spans` are (start, end) offsets of the matches within `snippet`, for highlighting;
    `in_title` says whether the title holds every word searched for.
    """

    summary: ArticleSummary
    snippet: str
    spans: tuple[tuple[int, int], ...] = ()
    in_title: bool = False


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results and the cursor for the page after it (None at the end)."""

    hits: tuple[SearchHit, ...]
    next: SearchCursor | None


@dataclass(frozen=True, slots=True)
class Change:
    """A change made to the library that can be taken back for the session (`Library.undo`).

    `summary` says in one line what was done to what, in English (as `--json` prints it);
    `said` is the same message to be shown in the reader's language (`shown()`); `articles` is
    how many articles it touched.
    """

    token: int
    summary: str
    articles: int = 0
    said: Later | None = None

    def shown(self) -> str:
        """The summary in the interface's language."""
        return self.said.shown() if self.said is not None else self.summary


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag with its article and unread counts; `scope` lists it like a category's id."""

    id: int
    name: str
    total: int
    unread: int

    @property
    def scope(self) -> int:
        """The scope id that lists, counts and picks the tag's articles."""
        return -self.id


@dataclass(frozen=True, slots=True)
class View:
    """A way to see the library across categories: `unread`, `starred` or a saved `search`.

    `total` and `unread` count its articles; for a search they stop at a bound (`exact` is then
    False and the tree shows `1,000+`), so that the tree stays fast at any size.
    """

    kind: str
    name: str
    query: str = ""
    total: int = 0
    unread: int = 0
    exact: bool = True
