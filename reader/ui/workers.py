"""What the UI's thread workers ask of the store, as plain functions over a `Library`.

Each returns frozen data for a message; none touches a widget. Kept apart from the screens so the
flow of reads and writes is easy to see and to test without Textual.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reader.models import ROOT_SCOPE, ArticleSummary, Cursor, SearchCursor, View
from reader.text.i18n import N_
from reader.ui.layout import ArticleView
from reader.ui.state import BLOCK, Listing, Place, Rows, RowsRequest, Shelves, view_key

if TYPE_CHECKING:
    from reader.store import Library

RELATED = 5
SORTS = ("published", "views", "title")
SORT_NAMES = {"published": N_("date"), "views": N_("views"), "title": N_("title")}

STATE_SCOPE = "ui.scope"
STATE_ARTICLE = "ui.article"
STATE_SORT = "ui.sort"
STATE_UNREAD = "ui.unread_only"
STATE_VIEW = "ui.view"
STATE_READING = "ui.reading"
"""Whether the article was on screen, being read, when the app ended (at 80 columns it is alone
on screen then, and comes back so)."""


@dataclass(frozen=True, slots=True)
class Start:
    """Everything the main screen needs to draw its first frame, and where the user left off."""

    shelves: Shelves
    scope: int
    sort: str
    unread_only: bool
    article: int | None
    view: View | None = None
    """The view the reader was in, if it still exists."""
    reading: bool = False
    """Whether the reader was reading `article` (else it was open beside the list)."""


def load_shelves(library: Library) -> Shelves:
    """The tree's contents with the counts that cost no more than the categories' (each kept on
    write); a saved search is left uncounted (see `count_searches`)."""
    return Shelves(
        categories=tuple(library.categories()),
        totals=library.counts(ROOT_SCOPE),
        views=tuple(library.views(count_searches=False)),
        tags=tuple(library.tags()),
    )


def load_start(library: Library) -> Start:
    """Read the tree, the library's counts and the remembered UI state."""
    shelves = load_shelves(library)
    known = {c.id for c in shelves.categories} | {t.scope for t in shelves.tags} | {ROOT_SCOPE}
    scope = _int(library.get_state(STATE_SCOPE), ROOT_SCOPE)
    sort = library.get_state(STATE_SORT, "published")
    article = library.get_state(STATE_ARTICLE)
    remembered = library.get_state(STATE_VIEW)
    view = next(
        (view_key(v) for v in shelves.views if remembered == [v.kind, v.name]),
        None,
    )
    return Start(
        shelves=shelves,
        scope=scope if scope in known else ROOT_SCOPE,
        sort=sort if sort in SORTS else "published",
        unread_only=bool(library.get_state(STATE_UNREAD, False)),
        article=article if isinstance(article, int) else None,
        view=view,
        reading=library.get_state(STATE_READING, False) is True,
    )


def remembered(listing: Listing) -> dict[str, object]:
    """The UI state that brings a listing back at the next start."""
    view = listing.view
    return {
        STATE_SCOPE: listing.scope,
        STATE_SORT: listing.sort,
        STATE_UNREAD: listing.unread_only,
        STATE_VIEW: [view.kind, view.name] if view is not None else None,
    }


def count_searches(library: Library, views: tuple[View, ...]) -> Iterator[View]:
    """Each saved search of `views` with its counts (bounded and kept until the library changes:
    see `Library.search_counts`), one at a time so the tree can show each as it comes."""
    for view in views:
        if view.kind == "search":
            total, unread, exact = library.search_counts(view.query)
            yield replace(view, total=total, unread=unread, exact=exact)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) else default


def load_article(
    library: Library,
    article_id: int,
    *,
    count: bool,
    terms: tuple[str, ...] = (),
) -> ArticleView | None:
    """Fetch an article, its related and random articles still to come (`with_extras`: the
    body shows first); nothing is written.

    With `count` the article is shown as it is once this view is counted (`count_view`).
    """
    article = library.get(article_id)
    if article is None:
        return None
    if count and not library.readonly:
        article = replace(article, views=article.views + 1, read=True)
    return ArticleView(article, terms=terms, pending=True)


def with_extras(library: Library, view: ArticleView) -> ArticleView:
    """`view` with the articles most like it and five random ones (the slower part: the
    related articles are a search of the library)."""
    article = view.article
    return replace(
        view,
        related=tuple(pick_related(library, article.id, article.category_id)),
        similar=tuple(library.related(article.id, RELATED)),
        pending=False,
    )


def count_view(library: Library, article_id: int) -> ArticleSummary | None:
    """Count a view of an article without waiting for another program's write lock: the
    article's summary once counted, or None when the count was queued (it is written once the
    lock is free, or dropped when the app ends) or the library is read-only."""
    if library.readonly or not library.count_view(article_id, wait=False):
        return None
    found = library.summaries([article_id])
    return found[0] if found else None


def pick_related(library: Library, article_id: int, category_id: int) -> list[ArticleSummary]:
    """Five other articles: from the same category when it has enough, else the whole library."""
    picked = library.random_sample(category_id, RELATED, exclude=[article_id])
    if len(picked) < RELATED:
        exclude = [article_id, *(s.id for s in picked)]
        picked += library.random_sample(ROOT_SCOPE, RELATED - len(picked), exclude=exclude)
    return picked


def random_view(library: Library, place: Place) -> ArticleView | None:
    """A random article of a category, a tag or a view (no repeats until all were shown),
    opened to be counted, its related and random articles to come (`with_extras`)."""
    if place.view is not None:
        summary = library.random_in_view(place.view)
    else:
        summary = library.random_article(place.scope)
    if summary is None:
        return None
    return load_article(library, summary.id, count=True)


def read_rows(library: Library, request: RowsRequest) -> Rows:
    """A block of the article list's rows: a category's or a tag's articles in order, a view's,
    or search results.

    The first block of a category, a tag, Unread or Starred also brings its size. A far block
    whose predecessor is not loaded (End, a scrollbar drag) is read from the end: O(distance to
    it), not O(offset).
    """
    listing = request.listing
    view = listing.view
    if listing.search:
        return _read_results(library, request, listing.search, listing.scope, listing.order)
    if view is not None and view.kind == "search":
        return _read_results(library, request, view.query, ROOT_SCOPE, "newest")
    if view is not None and view.kind == "starred":
        return _read_view(library, request, view)
    if view is not None:  # Unread: the whole library's unread articles, in any order
        listing = replace(listing, scope=ROOT_SCOPE, unread_only=True)
    total = None
    if request.block == 0:
        all_rows, unread = library.counts(listing.scope)
        total = unread if listing.unread_only else all_rows
    known = request.known if total is None else total
    offset = request.offset
    if request.after is None and known and offset > known // 2:
        page = library.page(
            listing.scope,
            sort=listing.sort,  # type: ignore[arg-type]
            offset=max(0, known - offset - BLOCK),
            limit=min(BLOCK, known - offset),
            unread_only=listing.unread_only,
            from_end=True,
        )
    else:
        after = request.after
        page = library.page(
            listing.scope,
            sort=listing.sort,  # type: ignore[arg-type]
            after=after if isinstance(after, Cursor) else None,
            offset=0 if after is not None else offset,
            limit=BLOCK,
            unread_only=listing.unread_only,
        )
    return Rows(page.items, page.next, total)


def _read_view(library: Library, request: RowsRequest, view: View) -> Rows:
    """A block of a view listed newest first (Starred), its size with the first block."""
    total = None
    if request.block == 0:
        views = library.views(count_searches=False)
        total = next((v.total for v in views if view_key(v) == view), 0)
    after = request.after
    page = library.view_page(
        view,
        after=after if isinstance(after, Cursor) else None,
        offset=0 if after is not None else request.offset,
        limit=BLOCK,
    )
    return Rows(page.items, page.next, total)


def _read_results(
    library: Library, request: RowsRequest, query: str, scope: int, order: str
) -> Rows:
    """A block of search results; the total grows by one past the rows while more may follow."""
    after = request.after
    page = library.search_page(
        query,
        scope,
        order="best" if order == "best" else "newest",
        limit=BLOCK,
        after=after if isinstance(after, SearchCursor) else None,
        offset=0 if after is not None else request.offset,
    )
    rows = tuple(hit.summary for hit in page.hits)
    more = page.next is not None
    excerpts = {hit.summary.id: (hit.snippet, hit.spans) for hit in page.hits if hit.snippet}
    return Rows(rows, page.next, request.offset + len(rows) + (1 if more else 0), excerpts)
