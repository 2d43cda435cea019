"""The main screen's opening of articles: the body first, its related and random articles once
it is drawn, the view counted, the reading position kept.

A thread worker reads the article and parses it (`Ready`); the reading pane shows it and says when
it first drew it (`ReadingPane.Drawn`), and only then another worker looks the related and random
articles up (`Completed`): the body's frame does not wait for them nor share the interpreter with
them. The messages keep the main screen's names (`on_main_screen_ready`, ...).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace

from textual import on, work
from textual.content import Content
from textual.message import Message

from reader.models import ArticleSummary
from reader.store import LibraryError
from reader.text.i18n import _, told
from reader.text.sanitize import sanitize_line
from reader.ui import workers
from reader.ui.history import History
from reader.ui.layout import ArticlePage, ArticleView, build_page
from reader.ui.screens.browsing import BrowsingScreen
from reader.ui.state import Place
from reader.ui.titles import set_title
from reader.ui.widgets.reading_pane import ReadingPane


class OpeningScreen(BrowsingScreen):
    """Opening articles, for the main screen."""

    @dataclass
    class Ready(Message, namespace="main_screen"):
        """An article was fetched (and is being counted, when `counted`)."""

        view: ArticleView | None
        counted: bool
        push: bool
        focus: bool
        page: ArticlePage | None = field(init=False)

        def __post_init__(self) -> None:
            super().__post_init__()
            # Parsing Markdown is the slow part of opening an article: done here, in the worker.
            self.page = build_page(self.view) if self.view is not None else None

    @dataclass
    class Completed(Message, namespace="main_screen"):
        """An article shown came with its related and random articles (built in the worker)."""

        view: ArticleView
        page: ArticlePage = field(init=False)

        def __post_init__(self) -> None:
            super().__post_init__()
            self.page = build_page(self.view)

    @dataclass
    class Counted(Message, namespace="main_screen"):
        """A view of an article was written; `summary` is the article as stored now."""

        summary: ArticleSummary
        was_read: bool

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.history = History()
        """The articles opened, for Back and Forward."""

    def _open(
        self,
        article_id: int,
        *,
        count: bool,
        focus: bool,
        push: bool = True,
        terms: tuple[str, ...] = (),
    ) -> None:
        self._save_progress()
        self._load(article_id, count, push, focus, terms)

    @work(thread=True, exclusive=True, group="article")
    def _load(
        self, article_id: int, count: bool, push: bool, focus: bool, terms: tuple[str, ...]
    ) -> None:
        try:
            view = workers.load_article(self.library, article_id, count=count, terms=terms)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Ready(view, count, push, focus))
        if count and view is not None:
            self._count(view)

    @work(thread=True, exclusive=True, group="article")
    def _load_random(self, place: Place) -> None:
        try:
            view = workers.random_view(self.library, place)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        if view is None:
            self.post_message(self.Problem(_("There are no articles here yet.")))
            return
        self.post_message(self.Ready(view, True, True, True))
        self._count(view)

    @on(ReadingPane.Drawn)
    def _drawn(self, message: ReadingPane.Drawn) -> None:
        self._complete(message.view)

    @work(thread=True, group="article-extras")
    def _complete(self, view: ArticleView) -> None:
        """Once the body is on screen: its related and random articles (the related ones a
        search of the library, the slow part of opening). Not sooner: the worker's Python
        would hold the interpreter while the screen draws the body."""
        try:
            self.post_message(self.Completed(workers.with_extras(self.library, view)))
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))

    def _count(self, view: ArticleView) -> None:
        """In the worker, once the article is shown: count the view, without waiting for
        another program's lock (a count that must wait is written later, or dropped)."""
        try:
            before = self.library.summaries([view.article.id])
            counted = workers.count_view(self.library, view.article.id)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        if counted is not None:
            self.post_message(self.Counted(counted, bool(before) and before[0].read))

    def on_main_screen_ready(self, message: Ready) -> None:
        """Show the article, note it in the history and the list, and remember it."""
        view = message.view
        if view is None:
            self.notify(_("That article is no longer in the library."), severity="warning")
            return
        article = view.article
        self.pane.show(view, article.progress, page=message.page)
        set_title(self.pane, Content(_crumb(article.category)))
        if message.push:
            self.history.push(article.id)
        self.articles.patch(article.id, read=article.read, views=article.views)
        if message.focus:
            self.show_panes(reading=True)
            self.pane.focus()
        self._remember({workers.STATE_ARTICLE: article.id})
        self.refresh_bindings()

    def on_main_screen_completed(self, message: Completed) -> None:
        """Add the related and random articles under the article they belong to, if it is
        still the one shown."""
        shown = self.pane.view
        view = message.view
        if shown is None or not shown.pending or shown.article.id != view.article.id:
            return
        if shown.part == view.part:
            self.pane.complete(message.page)
        else:  # the reader went on to another part meanwhile
            self.pane.complete(build_page(replace(view, part=shown.part), self.pane.page))

    def on_main_screen_counted(self, message: Counted) -> None:
        """Show the stored counts of an article whose view was written."""
        summary = message.summary
        self.articles.patch(summary.id, read=summary.read, views=summary.views)
        if not message.was_read:
            # Only a newly read article changes the unread counts the tree shows.
            self._recount()

    def _save_progress(self) -> None:
        view = self.pane.view
        if view is not None and not self.library.readonly:
            self._write_progress(view.article.id, self.pane.progress)

    @work(thread=True, group="state")
    def _write_progress(self, article_id: int, progress: float) -> None:
        # Losing a reading position is better than interrupting the reader.
        with contextlib.suppress(LibraryError):
            self.library.set_progress(article_id, progress, wait=False)

    def remember_now(self) -> None:
        """Write the reading position now, or queue it if the library is busy (the app is
        about to exit: a position still queued when the library closes is dropped)."""
        view = self.pane.view
        if view is not None and not self.library.readonly:
            reading = self.reading
            with contextlib.suppress(LibraryError):
                self.library.set_progress(view.article.id, self.pane.progress, wait=False)
                self.library.set_state(workers.STATE_READING, reading, wait=False)


def _crumb(path: tuple[str, ...]) -> str:
    return " › ".join(sanitize_line(name) for name in path) or _("Article")
