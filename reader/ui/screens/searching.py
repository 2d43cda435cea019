"""Search on the main screen: the results fill the article list as the reader types.

The screen keeps what the list showed before the search (category, order, filter and cursor) and
goes back to it when the search closes. A search is scoped to the category the reader was in or
to the whole library (Ctrl+T), newest first or best match first (Ctrl+O). The search bar only
announces what was typed; the status beside it is the screen's, bound into the bar.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.content import Content
from textual.reactive import var

from reader.models import ROOT_SCOPE
from reader.text.i18n import N_, _
from reader.text.sanitize import sanitize_line
from reader.ui.screens.browsing import BrowsingScreen
from reader.ui.state import Before, Listing
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.category_tree import ALL_ARTICLES
from reader.ui.widgets.search_bar import SearchBar

ORDER_NAMES = {"newest": N_("newest first"), "best": N_("best match first")}


class SearchingScreen(BrowsingScreen):
    """Search actions and the search state of the main screen."""

    before: var[Before | None] = var(None)
    """Where the reader was when the search opened; None while no search is open."""
    search_all: var[bool] = var(False)
    """Search the whole library rather than the category the reader was in."""
    search_order: var[str] = var("newest")
    """`newest` or `best` (best match first)."""
    search_status: var[tuple[Content, ...]] = var(tuple)
    """What the search bar shows beside the box: counts or a problem, scope and order, and
    shorter forms of it, fullest first (see `SearchBar.status`)."""

    _open_first = False
    """A second Enter came before the results: open the first of them when they arrive."""
    _failed: Listing | None = None
    """The last search that could not run: its problem stays shown over its empty results."""

    @property
    def searching(self) -> bool:
        """Whether a search is open."""
        return self.before is not None

    def action_search(self) -> None:
        """Open the search box (again), keeping what was typed."""
        if self.before is None:
            self.before = Before(self.listing, self.articles.cursor)
        if not self.has_class("-wide"):
            # On a narrow terminal the article gives way to the list the results fill.
            self.show_panes(reading=False, tree=False)
        self.search_bar.open()
        if self.search_bar.text.strip():
            self._run_search(self.search_bar.text)

    def action_close_search(self) -> None:
        """Close the search and show the category view where it was."""
        before = self.before
        if before is None:
            return
        self.before = None
        self.search_bar.close()
        self._keep_cursor = before.cursor
        self.listing = before.listing
        self.set_focus(self.articles)

    def action_search_scope(self) -> None:
        """Search the current category or the whole library."""
        self.search_all = not self.search_all
        if self.listing.search:
            self._run_search(self.listing.search)
        else:
            self._show_status()

    def action_search_order(self) -> None:
        """Newest first or best match first."""
        self.search_order = "best" if self.search_order == "newest" else "newest"
        if self.listing.search:
            self._run_search(self.listing.search)
        else:
            self._show_status()

    def _search_scope(self) -> int:
        if self.search_all or self.before is None:
            return ROOT_SCOPE
        return self.before.listing.scope

    def _run_search(self, text: str) -> None:
        before = self.before
        if before is None:
            return
        if not text.strip():
            self.listing = before.listing
            self._show_status()
            return
        listing = Listing(scope=self._search_scope(), search=text, order=self.search_order)
        if listing == self.listing:
            return  # Enter after the pause: the results shown are already these
        self.listing = listing
        self._show_status(Content.styled("searching…", "dim"))

    def rescope_search(self, scope: int) -> None:
        """The reader chose another category while searching: search there."""
        if self.before is not None:
            self.before = replace(self.before, listing=replace(self.before.listing, scope=scope))
            self.search_all = False
            if self.listing.search:
                self._run_search(self.listing.search)

    @on(SearchBar.Changed)
    def _search_changed(self, message: SearchBar.Changed) -> None:
        """The typed text settled: search for it."""
        self._run_search(message.text)

    @on(SearchBar.Submitted)
    def _search_submitted(self) -> None:
        """Enter: on to the results; a second Enter typed ahead opens the first of them."""
        if self.focused is self.articles:
            if self.articles.awaiting_rows:
                self._open_first = True
            else:
                self.articles.open_index(self.articles.cursor)
        else:
            self.set_focus(self.articles)

    @on(ArticleList.Filled)
    def _results_filled(self, message: ArticleList.Filled) -> None:
        """The list shows results: say how many, where and in which order."""
        if not message.listing.search:
            return
        if self._open_first:
            self._open_first = False
            self.articles.open_index(0)
        if message.listing == self._failed:
            return
        total = message.total
        more = "+" if total and self.articles.more_expected() else ""
        found = f"{total - (1 if more else 0):,}{more}"
        count = _("{count} found").format(count=found) if total else _("nothing found")
        self._show_status(Content(count))

    @on(BrowsingScreen.RowsFailed)
    def _results_failed(self, message: BrowsingScreen.RowsFailed) -> None:
        """The query cannot be searched for (empty, too long...): say why beside the box."""
        if message.request.listing.search:
            self._failed = message.request.listing
            self._show_status(Content.styled(sanitize_line(message.text), "bold $error"))

    def _show_status(self, lead: Content | None = None) -> None:
        scope = self._search_scope()
        path = self.names.get(scope, ())
        where = sanitize_line(path[-1]) if path else _(ALL_ARTICLES)
        first = [lead] if lead is not None else []
        inside = Content.assemble((_("in "), "dim"), where)
        order = Content(_(ORDER_NAMES[self.search_order]))
        keys = [Content.assemble(inside, (" ^T", "dim")), Content.assemble(order, (" ^O", "dim"))]
        # The fullest that fits the bar is shown: the keys (in the help too), then the order,
        # then the scope give way.
        dot = Content(" · ")
        self.search_status = (
            dot.join([*first, *keys]),
            dot.join([*first, inside, order]),
            dot.join([*first, inside]),
            *([lead] if lead is not None else []),
        )

    def search_terms(self) -> tuple[str, ...]:
        """What to highlight in an article opened from the results."""
        return (self.listing.search,) if self.listing.search else ()
