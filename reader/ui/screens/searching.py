"""Search on the main screen: the results fill the article list as the reader types.

The screen keeps what the list showed before the search (category, order, filter and cursor) and
goes back to it when the search closes. A search is scoped to the category the reader was in or
to the whole library (Ctrl+T), newest first or best match first (Ctrl+O).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

from textual.content import Content

from reader.models import ROOT_SCOPE
from reader.text.sanitize import sanitize_line
from reader.ui.widgets.article_list import ArticleList, Query
from reader.ui.widgets.category_tree import ALL_ARTICLES
from reader.ui.widgets.search_bar import SearchBar

ORDER_NAMES = {"newest": "newest first", "best": "best match first"}


@dataclass(frozen=True, slots=True)
class Before:
    """Where the reader was when the search opened."""

    query: Query
    cursor: int


class SearchMixin:
    """Search actions and handlers for `MainScreen` (which provides the attributes used here)."""

    query_now: Query
    names: dict[int, tuple[str, ...]]
    _before: Before | None = None
    _search_all = False
    _search_order = "newest"
    _keep_cursor: int | None = None
    _open_first = False

    @property
    def articles(self) -> ArticleList:
        """The article list (the screen's; `MainScreen` uses this one too)."""
        found: ArticleList = cast(Any, self).query_one(ArticleList)
        return found

    @property
    def search_bar(self) -> SearchBar:
        """The search bar."""
        bar: SearchBar = cast(Any, self).query_one(SearchBar)
        return bar

    @property
    def searching(self) -> bool:
        """Whether a search is open."""
        return self._before is not None

    def action_search(self) -> None:
        """Open the search box (again), keeping what was typed."""
        if self._before is None:
            self._before = Before(self.query_now, self.articles.cursor)
        screen = cast(Any, self)
        if not screen.has_class("-wide"):
            # On a narrow terminal the article gives way to the list the results fill.
            screen.remove_class("-reading", "-tree")
        self.search_bar.open()
        if self.search_bar.text.strip():
            self._run_search(self.search_bar.text)

    def action_close_search(self) -> None:
        """Close the search and show the category view where it was."""
        before = self._before
        if before is None:
            return
        self._before = None
        self.search_bar.close()
        self._keep_cursor = before.cursor
        self.query_now = before.query
        cast(Any, self).set_focus(self.articles)

    def action_search_scope(self) -> None:
        """Search the current category or the whole library."""
        self._search_all = not self._search_all
        if self.query_now.search:
            self._run_search(self.query_now.search)
        else:
            self._show_status()

    def action_search_order(self) -> None:
        """Newest first or best match first."""
        self._search_order = "best" if self._search_order == "newest" else "newest"
        if self.query_now.search:
            self._run_search(self.query_now.search)
        else:
            self._show_status()

    def _search_scope(self) -> int:
        if self._search_all or self._before is None:
            return ROOT_SCOPE
        return self._before.query.scope

    def _run_search(self, text: str) -> None:
        before = self._before
        if before is None:
            return
        if not text.strip():
            self.query_now = before.query
            self._show_status()
            return
        query = Query(scope=self._search_scope(), search=text, order=self._search_order)
        if query == self.query_now:
            return  # Enter after the pause: the results shown are already these
        self.query_now = query
        self._show_status(Content.styled("searching…", "dim"))

    def rescope_search(self, scope: int) -> None:
        """The reader chose another category while searching: search there."""
        if self._before is not None:
            self._before = replace(self._before, query=replace(self._before.query, scope=scope))
            self._search_all = False
            if self.query_now.search:
                self._run_search(self.query_now.search)

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        """The typed text settled: search for it."""
        self._run_search(message.text)

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        """Enter: on to the results; a second Enter typed ahead opens the first of them."""
        if cast(Any, self).focused is self.articles:
            if self.articles.awaiting_rows:
                self._open_first = True
            else:
                self.articles.open_index(self.articles.cursor)
        else:
            cast(Any, self).set_focus(self.articles)

    def search_filled(self, query: Query, total: int) -> None:
        """The list shows results for `query`: say how many, where and in which order."""
        if self._open_first:
            self._open_first = False
            self.articles.open_index(0)
        more = "+" if total and self.articles.more_expected() else ""
        count = f"{total - (1 if more else 0):,}{more} found" if total else "nothing found"
        self._show_status(Content(count))

    def search_failed(self, text: str) -> None:
        """The query cannot be searched for (empty, too long...): say why beside the box."""
        self._show_status(Content.styled(sanitize_line(text), "bold $error"))

    def _show_status(self, lead: Content | None = None) -> None:
        scope = self._search_scope()
        path = self.names.get(scope, ())
        where = sanitize_line(path[-1]) if path else ALL_ARTICLES
        parts = [lead] if lead is not None else []
        parts.append(Content.assemble(("in ", "dim"), where, (" ^T", "dim")))
        parts.append(Content.assemble(ORDER_NAMES[self._search_order], (" ^O", "dim")))
        self.search_bar.set_status(Content(" · ").join(parts))

    def search_terms(self) -> tuple[str, ...]:
        """What to highlight in an article opened from the results."""
        return (self.query_now.search,) if self.query_now.search else ()
