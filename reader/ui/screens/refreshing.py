"""Fetching feeds from the app: a refresh of the category's feeds (or all of them) on request or
every so many minutes, and a new subscription, with progress on a line above the footer.

The fetching itself is `reader.ui.fetching.Fetching`, handed in by the command line; it runs in a
thread worker and saves through the library, so the app answers keys throughout and the new
articles show up as they are saved (`LiveScreen` sees each save). One fetch runs at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from reader.store import LibraryError
from reader.text.i18n import _, ngettext, told
from reader.text.sanitize import sanitize_line
from reader.ui.fetching import Fetched, FetchGate, Fetching
from reader.ui.screens.feeds import FeedsScreen
from reader.ui.screens.living import LiveScreen
from reader.ui.state import Place


class FetchStopped(Exception):
    """The app is ending: the fetch stops after the source under way."""


@dataclass
class Tally:
    """How a fetch is going: sources done of those expected, articles added and updated, and
    the sources that failed, with why. `doing` and `done` name the fetch (`Refreshing 国际`,
    `Refreshed 国际`)."""

    doing: str
    done: str
    expected: int = 0
    fetched: int = 0
    added: int = 0
    updated: int = 0
    failures: list[Fetched] = field(default_factory=list)

    def progress(self) -> Content:
        """`Refreshing 国际: 3/12 feeds · 5 new · 1 failed`."""
        line = f"{self.doing}: {self.fetched:,}/{max(self.expected, self.fetched):,}"
        if self.added:
            line += " · " + _("{count} new").format(count=f"{self.added:,}")
        if self.failures:
            line += " · " + _("{count} failed").format(count=f"{len(self.failures):,}")
        return Content(sanitize_line(line))

    def summary(self) -> str:
        """One line saying what the fetch did (and the first failure, with why)."""
        feeds = ngettext("{count} feed", "{count} feeds", self.fetched)
        new = ngettext("{count} new article", "{count} new articles", self.added)
        line = f"{self.done}: {feeds.format(count=f'{self.fetched:,}')}, "
        line += new.format(count=f"{self.added:,}")
        if self.updated:
            line += ", " + _("{count} updated").format(count=f"{self.updated:,}")
        if self.failures:
            first = self.failures[0]
            failed = _("{count} failed").format(count=f"{len(self.failures):,}")
            line += f"; {failed} ({first.location}: {first.error}"
            line += ", …)" if len(self.failures) > 1 else ")"
        return sanitize_line(line)


class _Reporter:
    """The `Progress` a fetch reports to: posts the tally to the screen after each source, and
    stops the fetch when the app is ending."""

    def __init__(self, screen: RefreshingScreen, tally: Tally, stop: threading.Event) -> None:
        self.screen = screen
        self.tally = tally
        self.stop = stop

    def expect(self, count: int) -> None:
        """`count` more sources to fetch."""
        if self.stop.is_set():
            raise FetchStopped
        self.tally.expected += count
        self.screen.post_message(RefreshingScreen.FetchProgress(self.tally.progress()))

    def fetched(self, outcome: Fetched) -> None:
        """One more source fetched (or failed)."""
        self.tally.fetched += 1
        self.tally.added += outcome.added
        self.tally.updated += outcome.updated
        if outcome.error:
            self.tally.failures.append(outcome)
        if self.stop.is_set():
            raise FetchStopped
        self.screen.post_message(RefreshingScreen.FetchProgress(self.tally.progress()))


class RefreshingScreen(LiveScreen):
    """Refreshes feeds and subscribes to new ones through the `Fetching` it was given."""

    fetching: Fetching | None = None
    refresh_minutes: float | None = None
    gate: FetchGate

    @dataclass
    class FetchProgress(Message):
        """A fetch went one source further."""

        line: Content

    @dataclass
    class FetchBroke(Message):
        """The fetch stopped on an unexpected error."""

        error: Exception

    @dataclass
    class FetchDone(Message):
        """A fetch ended; `quiet` fetches (the timed ones) say nothing when nothing came."""

        tally: Tally
        quiet: bool
        problem: str | None = None

    def set_fetching(
        self, fetching: Fetching | None, minutes: float | None, gate: FetchGate
    ) -> None:
        """Fetch with `fetching` (None: the app cannot fetch), every `minutes` if given, one
        fetch at a time through the app's `gate`."""
        self.fetching = fetching
        self.refresh_minutes = minutes
        self.gate = gate

    def on_mount(self) -> None:
        """Refresh every `refresh_minutes`, if set."""
        if self.fetching is not None and self.refresh_minutes:
            self.set_interval(self.refresh_minutes * 60, self._timed_refresh)

    def check_fetching(self, action: str) -> bool | None:
        """Part of `check_action`: fetching needs a `Fetching`, a writable library, and no
        other fetch under way."""
        if self.fetching is None:
            return False
        if self.library.readonly or self.gate.busy:
            return None
        return True

    def action_refresh(self) -> None:
        """Fetch the feeds of the category shown (every feed from All articles) again."""
        if self.check_fetching("refresh") is not True:
            self._cannot_fetch()
            return
        before = getattr(self, "before", None)
        scope = before.listing.scope if before is not None else self.listing.scope
        path = self.names.get(scope, ())
        name = sanitize_line(path[-1]) if path else _("every feed")
        self.start_fetch(
            Tally(
                _("Refreshing {name}").format(name=name), _("Refreshed {name}").format(name=name)
            ),
            path=path,
            url=None,
            quiet=False,
        )

    def refresh_all(self) -> None:
        """Fetch every feed again."""
        if self.check_fetching("refresh") is not True:
            self._cannot_fetch()
            return
        every = Tally(_("Refreshing every feed"), _("Refreshed every feed"))
        self.start_fetch(every, path=(), url=None, quiet=False)

    def subscribe(self, url: str) -> None:
        """Subscribe to the feed at `url` and fetch it."""
        if self.check_fetching("refresh") is not True:
            self._cannot_fetch()
            return
        tally = Tally(
            _("Subscribing to {url}").format(url=url), _("Subscribed to {url}").format(url=url)
        )
        self.start_fetch(tally, path=(), url=url, quiet=False)

    def _timed_refresh(self) -> None:
        if self.check_fetching("refresh") is True:
            every = Tally(_("Refreshing every feed"), _("Refreshed every feed"))
            self.start_fetch(every, path=(), url=None, quiet=True)

    def _cannot_fetch(self) -> None:
        if self.fetching is None:
            self.notify(_("This app cannot fetch feeds."), severity="warning", timeout=3)
        elif self.library.readonly:
            self.notify(_("The library is read-only."), severity="warning", timeout=3)
        else:
            self.notify(_("Feeds are being fetched already."), timeout=3)

    def start_fetch(
        self, tally: Tally, *, path: tuple[str, ...], url: str | None, quiet: bool
    ) -> None:
        """Run a refresh (of the feeds under `path`) or a subscription (to `url`)."""
        if not self.gate.begin():
            self._cannot_fetch()
            return
        self._show_progress(tally.progress())
        # A thread of its own, not a Textual worker: the app's event loop waits for its workers'
        # threads when it ends, and a fetch may wait on the network until its deadline.
        threading.Thread(
            target=self._fetch,
            args=(tally, path, url, quiet),
            name="reader-app-fetch",
            daemon=True,
        ).start()
        self.refresh_bindings()

    def _fetch(self, tally: Tally, path: tuple[str, ...], url: str | None, quiet: bool) -> None:
        fetching, stop = self.fetching, self.gate.stop
        assert fetching is not None
        reporter = _Reporter(self, tally, stop)
        problem = None
        try:
            if url is None:
                fetching.refresh(self.library, path, reporter)
            else:
                fetching.add(self.library, url, path, reporter)
        except FetchStopped:
            return
        except LibraryError as error:
            problem = told(error)
        except Exception as error:
            if not stop.is_set():  # else the app ended and its library is closing
                self.post_message(self.FetchBroke(error))
            return
        finally:
            self.gate.end()
        self.post_message(self.FetchDone(tally, quiet, problem))

    @on(FetchBroke)
    def _fetch_broke(self, message: FetchBroke) -> None:
        # A bug, not a bad feed (those are counted as failures): raised here, where the app
        # reports it as it reports any other error.
        raise message.error

    @on(FetchProgress)
    def _fetch_progress(self, message: FetchProgress) -> None:
        self._show_progress(message.line)

    @on(FetchDone)
    def _fetch_done(self, message: FetchDone) -> None:
        self._show_progress(None)
        self.refresh_bindings()
        tally = message.tally
        if message.problem:
            self.notify(sanitize_line(message.problem), severity="error", markup=False)
        elif not tally.fetched and not message.quiet:
            self.notify(
                _("{doing}: no feeds to fetch (f adds one).").format(doing=tally.doing),
                markup=False,
            )
        elif tally.added or tally.failures or not message.quiet:
            self.notify(
                tally.summary(),
                severity="warning" if tally.failures else "information",
                markup=False,
                timeout=6,
            )
        self.reload_now()
        self.fetch_ended(message.tally)

    def fetch_ended(self, tally: Tally) -> None:
        """A fetch ended: the feeds screen, if open, reads the feeds again."""
        if self._feeds is not None:
            self._feeds.load()

    def _show_progress(self, line: Content | None) -> None:
        self._progress_line = line
        shown = self.query_one("#fetch-progress", Static)
        shown.display = line is not None
        if line is not None:
            shown.update(line)
        if self._feeds is not None:
            self._feeds.show_progress(line)

    # -- the feeds screen -------------------------------------------------------------------

    _feeds: FeedsScreen | None = None
    _progress_line: Content | None = None

    def action_feeds(self) -> None:
        """Show the feeds the library follows; Enter there shows a feed's articles."""
        if self._feeds is not None:
            return
        self._feeds = FeedsScreen(
            self.library,
            can_fetch=self.fetching is not None,
            refresh_all=self.refresh_all,
            subscribe=self.subscribe,
            record=self.record_change,
            progress=self._progress_line,
        )

        def closed(category: int | None) -> None:
            self._feeds = None
            if category is not None and self.categories.has_place(Place(category)):
                self.show_category(category)

        self.app.push_screen(self._feeds, closed)

    def show_category(self, scope: int) -> None:
        """List a category's articles, its line lit in the tree (a search open is closed)."""
        if getattr(self, "before", None) is not None:
            self.action_close_search()  # type: ignore[attr-defined]
        self.categories.show_place(Place(scope))
        if Place(scope) != self.listing.place:
            self.listing = self.listing.showing(Place(scope))
