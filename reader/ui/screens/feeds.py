"""The feeds screen: every subscription with its category, articles, last fetch and status, as
`reader feeds` lists them; `a` subscribes to another, `d` unsubscribes, `r` fetches them all.

Fetching is the main screen's (one fetch at a time, with its progress shown here too); the screen
reads the list in a worker, again after every fetch and change. Titles, addresses and errors come
from feeds: they are shown as sanitised text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from reader.models import Change
from reader.store import LibraryError
from reader.text.i18n import N_, _, format_datetime, ngettext, told
from reader.text.sanitize import sanitize_line
from reader.ui.commands import FEEDS_BINDINGS
from reader.ui.language import TranslatedBindings
from reader.ui.screens.choosing import Choice, Choose
from reader.ui.screens.dialogs import Prompt
from reader.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from reader.store import Library


@dataclass(frozen=True, slots=True)
class Feed:
    """One subscription as the screen lists it."""

    id: int
    location: str
    title: str
    category_id: int | None
    category: tuple[str, ...]
    articles: int
    checked_at: str | None
    error: str | None

    @property
    def status(self) -> str:
        """`ok`, `failed` or `new` (never fetched), as `reader feeds` says."""
        return "failed" if self.error else ("ok" if self.checked_at else "new")


def read_feeds(library: Library) -> list[Feed]:
    """Every subscription, oldest first, with its category's path."""
    feeds = []
    for record in library.sources(kinds=("feed",)):
        path = library.category_path(record.category_id) if record.category_id else ()
        feeds.append(
            Feed(
                record.id,
                record.location,
                record.title,
                record.category_id,
                path,
                record.articles,
                record.checked_at,
                record.last_error,
            )
        )
    return feeds


def _text(value: str) -> Text:
    return Text(sanitize_line(value), no_wrap=True, overflow="ellipsis")


class FeedsScreen(TranslatedBindings, Screen[int | None]):
    """The library's subscriptions; dismissed with a category to show, or None."""

    BINDINGS: ClassVar[list[BindingType]] = list(FEEDS_BINDINGS)
    HELP = N_("The feeds this library follows, as `reader feeds` lists them.")

    @dataclass
    class Loaded(Message):
        """The subscriptions were read."""

        feeds: list[Feed]

    @dataclass
    class Failed(Message):
        """A read or a change failed; the text is one line fit to show."""

        text: str

    @dataclass
    class Unsubscribed(Message):
        """A feed was removed."""

        change: Change

    def __init__(
        self,
        library: Library,
        *,
        can_fetch: bool,
        refresh_all: Callable[[], None],
        subscribe: Callable[[str], None],
        record: Callable[[Change], None],
        progress: Content | None = None,
    ) -> None:
        """`refresh_all` and `subscribe` fetch through the main screen; `record` notes a
        change there (for undo); `progress` is how a fetch under way is going."""
        super().__init__()
        self.library = library
        self.can_fetch = can_fetch
        self.refresh_all = refresh_all
        self.subscribe = subscribe
        self.record = record
        self.feeds: list[Feed] = []
        self._progress = progress

    def compose(self) -> ComposeResult:
        """The table, a line about the feed under the cursor, the fetch's progress, the keys."""
        table: DataTable[Text] = DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        table.border_title = _("Feeds")
        yield table
        yield Static(Content(), id="feeds-detail")
        yield Static(Content(), id="feeds-progress")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        """Read the subscriptions."""
        table = self.query_one(DataTable)
        for label, key in (
            (N_("ID"), "id"),
            (N_("Feed"), "feed"),
            (N_("Category"), "category"),
            (N_("Articles"), "articles"),
            (N_("Last fetch"), "checked"),
            (N_("Status"), "status"),
        ):
            table.add_column(_(label), key=key)
        self.show_progress(self._progress)
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Adding and refreshing need the app to be able to fetch; removing, a feed."""
        if action in ("add", "refresh"):
            return True if self.can_fetch and not self.library.readonly else None
        if action in ("remove", "show"):
            return True if self._current() is not None else None
        return True

    @work(thread=True, exclusive=True, group="feeds")
    def load(self) -> None:
        """Read the subscriptions again."""
        try:
            self.post_message(self.Loaded(read_feeds(self.library)))
        except LibraryError as error:
            self.post_message(self.Failed(told(error)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        current = self._current()
        self.feeds = message.feeds
        table.clear()
        for feed in self.feeds:
            when = format_datetime(feed.checked_at) if feed.checked_at else _("never")
            table.add_row(
                Text(str(feed.id), justify="right"),
                _text(feed.title or feed.location),
                _text("/".join(feed.category) or "-"),
                Text(f"{feed.articles:,}", justify="right"),
                Text(when),
                Text(_(feed.status), style="bold red" if feed.error else ""),
                key=str(feed.id),
            )
        ids = [f.id for f in self.feeds]
        if current is not None and current.id in ids:
            table.move_cursor(row=ids.index(current.id))
        count = len(self.feeds)
        table.border_subtitle = ngettext("{count} feed", "{count} feeds", count).format(
            count=f"{count:,}"
        )
        self._describe()
        self.refresh_bindings()

    def _current(self) -> Feed | None:
        if not self.feeds:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.feeds[row] if 0 <= row < len(self.feeds) else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._describe()
        self.refresh_bindings()

    def _describe(self) -> None:
        feed = self._current()
        detail = self.query_one("#feeds-detail", Static)
        if feed is None:
            detail.update(
                Content(
                    _(
                        "No feeds yet: a subscribes to one by its address (or, from a shell, "
                        "reader feeds add URL, or reader import a list.opml)."
                    )
                )
            )
            return
        line = Content(sanitize_line(feed.location))
        if feed.error:
            line = Content.assemble(
                line, (" · " + _("last error: "), "bold"), sanitize_line(feed.error)
            )
        detail.update(line)

    def show_progress(self, line: Content | None) -> None:
        """Show how the main screen's fetch is going (None: no fetch)."""
        shown = self.query_one("#feeds-progress", Static)
        shown.display = line is not None
        if line is not None:
            shown.update(line)

    # -- actions --------------------------------------------------------------------------

    def action_add(self) -> None:
        """Ask for a feed's address, then subscribe to it and fetch it."""

        def answer(typed: str | None) -> None:
            url = (typed or "").strip()
            if not url:
                return
            if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
                shown = sanitize_line(url)[:60]
                self.notify(
                    _("Not a feed address: {url} (give an http:// or https:// URL)").format(
                        url=shown
                    ),
                    severity="error",
                    markup=False,
                )
                return
            self.subscribe(url)

        self.app.push_screen(
            Prompt(
                _("Subscribe to a feed"),
                hint=_(
                    "its address (http:// or https://); its articles go in a category named "
                    "after it"
                ),
            ),
            answer,
        )

    def action_remove(self) -> None:
        """Unsubscribe from the feed under the cursor, keeping its articles or not."""
        feed = self._current()
        if feed is None:
            return
        name = sanitize_line(feed.title or feed.location)
        articles = ngettext("{count} article", "{count} articles", feed.articles).format(
            count=f"{feed.articles:,}"
        )
        choices = [
            Choice("k", Content(_("unsubscribe, keep its {articles}").format(articles=articles))),
            Choice(
                "d",
                Content(
                    _("unsubscribe and delete its {articles} for everyone").format(
                        articles=articles
                    )
                ),
            ),
        ]

        def answer(key: str | None) -> None:
            if key in ("k", "d"):
                self._unsubscribe(feed.id, key == "d")

        title = Content.from_markup(_("Unsubscribe from [b]$name[/b]"), name=name)
        self.app.push_screen(Choose(title, choices, note=_("Esc: keep the feed")), answer)

    @work(thread=True, group="feeds-change")
    def _unsubscribe(self, feed_id: int, delete_articles: bool) -> None:
        try:
            change = self.library.unsubscribe(str(feed_id), delete_articles=delete_articles)
        except LibraryError as error:
            self.post_message(self.Failed(told(error)))
            return
        self.post_message(self.Unsubscribed(change))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.notify(message.text, severity="error", markup=False, timeout=6)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show()

    @on(Unsubscribed)
    def _unsubscribed(self, message: Unsubscribed) -> None:
        self.record(message.change)
        self.load()

    def action_next(self) -> None:
        """The next feed."""
        self.query_one(DataTable).action_cursor_down()

    def action_previous(self) -> None:
        """The previous feed."""
        self.query_one(DataTable).action_cursor_up()

    def action_first(self) -> None:
        """The first feed."""
        self.query_one(DataTable).move_cursor(row=0)

    def action_last(self) -> None:
        """The last feed."""
        self.query_one(DataTable).move_cursor(row=max(0, len(self.feeds) - 1))

    def action_refresh(self) -> None:
        """Fetch every feed again."""
        self.refresh_all()

    def action_show(self) -> None:
        """Back to the articles, showing the feed's category."""
        feed = self._current()
        if feed is not None:
            self.dismiss(feed.category_id)

    def action_close(self) -> None:
        """Back to the articles."""
        self.dismiss(None)
