"""Following the library as it changes, and the changes made from the app, each undoable.

Another program (an import, a refresh, a second app, the command line) may change the library at
any moment. Every `LIVE_INTERVAL_S` the screen asks the store for its change marker (SQLite's
`data_version`: microseconds, and it never waits for a writer); when it moved, the tree and the
list's rows around the cursor are read again in workers and shown with the cursor on the same
article and the reading pane untouched. The app's own changes go the same way at once.

The changes made from the app (`Change`s from the store) are kept newest last; Ctrl+Z (or `U`)
takes back the last one and says what it undid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from reader.models import Change
from reader.paths import default_db
from reader.store import LibraryError
from reader.text.i18n import _, told
from reader.text.sanitize import sanitize_line
from reader.ui import reloading, workers
from reader.ui.screens.browsing import BrowsingScreen
from reader.ui.state import Listing, Place, Reload, Reloaded, Shelves
from reader.ui.widgets.article_list import ArticleList

LIVE_INTERVAL_S = 1.0
"""How often the screen looks for changes made elsewhere (0: never)."""


def empty_library(path: Path) -> Content:
    """What the list says in a library with no articles: how to bring some in."""
    lines = [
        Content.styled(_("This library is empty. To fill it, from a shell:"), "bold"),
        Content(""),
        Content.styled("reader import FILE|FOLDER|URL", "bold"),
        Content("    " + _("files, folders, feeds, OPML lists, web pages")),
        Content.styled("reader feeds add URL", "bold"),
        Content("    " + _("subscribe to a feed (or press f here, then a)")),
        Content.styled("reader demo", "bold"),
        Content("    " + _("a few dozen articles to try the reader on")),
        Content(""),
    ]
    if not _same(path, default_db()):
        shown = sanitize_line(str(path))
        lines.append(
            Content(
                _("This is not the default library: add --db {path} to each.").format(path=shown)
            )
        )
    lines.append(Content(_("What is imported shows up here at once.")))
    return Content("\n").join(lines)


def _same(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


class LiveScreen(BrowsingScreen):
    """Sees changes made elsewhere within about a second; keeps the session's undo stack."""

    empty_text: var[Content] = var(Content)
    """What the article list says when it has no rows (bound into it)."""
    library_total = 0
    """How many articles the library has, as last read."""
    live_interval: float = LIVE_INTERVAL_S
    _marker: int | None = None
    _checking = False

    @dataclass
    class LibraryChanged(Message):
        """The library changed: the tree as it is now."""

        shelves: Shelves

    @dataclass
    class RowsReloaded(Message):
        """The list's rows around its cursor, read again."""

        request: Reload
        found: Reloaded

    @dataclass
    class Undone(Message):
        """A change was taken back; `done` says what was undone."""

        done: Change

    def follow_changes(self, interval: float) -> None:
        """Look for changes every `interval` seconds (0: never) from now on.

        Called from the constructor, before any worker reads the library: a change made
        between that first read and the first look is not missed.
        """
        self.live_interval = interval
        self.changes: list[Change] = []
        """The changes made in this session, newest last (see `record_change`)."""
        self._marker = self.library.change_marker()

    def on_mount(self) -> None:
        """Start looking for changes."""
        if self.live_interval > 0:
            self.set_interval(self.live_interval, self._look)

    def _look(self) -> None:
        if getattr(self, "started", False) and not self._checking:
            self._checking = True
            self._check(force=False)

    def reload_now(self) -> None:
        """Read the tree and the list again now (after a change made from the app)."""
        self._check(force=True)

    @work(thread=True, group="live")
    def _check(self, force: bool) -> None:
        try:
            marker = self.library.change_marker()
            if marker == self._marker and not force:
                return
            self._marker = marker
            shelves = workers.load_shelves(self.library)
            self.post_message(self.LibraryChanged(shelves))
            self._count_searches(shelves.views)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
        finally:
            if not force:
                self._checking = False

    @on(LibraryChanged)
    def _library_changed(self, message: LibraryChanged) -> None:
        """Show the tree as it is now; a category shown that is gone gives way to its nearest
        ancestor still there; then read the list's rows again."""
        shelves = message.shelves
        self.library_total = shelves.totals[0]
        shown = self.listing.place
        lineage = self.categories.lineage(shown)
        self.show_shelves(shelves)
        self.categories.recount(shelves)
        if not self.listing.search and not self.categories.has_place(shown):
            here = next((p for p in lineage if self.categories.has_place(p)), Place())
            self.categories.show_place(here)
            before = getattr(self, "before", None)
            if before is not None:
                self.before = replace(before, listing=before.listing.showing(here))
            self.listing = self.listing.showing(here)
            return
        self._reload_list()

    def _reload_list(self) -> None:
        request = self.articles.reload_request()
        if request is not None:
            self._reload_rows(request)

    @work(thread=True, exclusive=True, group="reload-rows")
    def _reload_rows(self, request: Reload) -> None:
        try:
            found = reloading.reload_rows(self.library, request)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.RowsReloaded(request, found))

    @on(RowsReloaded)
    def _rows_reloaded(self, message: RowsReloaded) -> None:
        self.articles.take_reload(message.request, message.found)

    @on(ArticleList.Filled)
    def _say_when_empty(self, message: ArticleList.Filled) -> None:
        """An empty list says why: an empty library how to fill it, a filter how to lift it."""
        if message.total:
            return
        self.empty_text = self._empty_text(message.listing)

    def _empty_text(self, listing: Listing) -> Content:
        if not self.library_total and not listing.search:
            return empty_library(self.library.path)
        if listing.search:
            return Content(_("Nothing found. Esc goes back to the articles."))
        if listing.unread_only:
            return Content(_("No unread articles here: u shows them all."))
        return Content(_("No articles here."))

    # -- the session's changes -----------------------------------------------------------

    def record_change(self, change: Change) -> None:
        """Note a change made to the library (Ctrl+Z takes it back), say in one line what was
        done, and show the library as it is now."""
        self.changes.append(change)
        self.notify(sanitize_line(change.shown()), markup=False, timeout=4)
        self.reload_now()
        self.refresh_bindings()

    def action_undo(self) -> None:
        """Take back the last change made in this session."""
        if not self.changes:
            self.notify(_("Nothing to undo."), timeout=3)
            return
        self._undo(self.changes.pop())
        self.refresh_bindings()

    @work(thread=True, group="changes")
    def _undo(self, change: Change) -> None:
        try:
            done = self.library.undo(change)
        except LibraryError as error:
            self.post_message(
                self.Problem(
                    _("Not undone: {change} ({error})").format(change=change.shown(), error=error)
                )
            )
            return
        self.post_message(self.Undone(done))

    @on(Undone)
    def _undone(self, message: Undone) -> None:
        self.notify(sanitize_line(message.done.shown()), markup=False, timeout=4)
        self.reload_now()
