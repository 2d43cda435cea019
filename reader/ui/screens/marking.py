"""Marks and links on the main screen: star, read or unread, copy or open the web link.

A mark applies to the list's row when the list has focus, else to the open article; it is written
in a thread worker and then shown in both panes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.message import Message

from reader.models import ArticleSummary
from reader.store import LibraryError
from reader.text.i18n import _, told
from reader.text.urls import web_link
from reader.ui.screens.browsing import BrowsingScreen


class MarkingScreen(BrowsingScreen):
    """Star and read marks, and the open article's web link."""

    @dataclass
    class Changed(Message):
        """A star or read mark was written."""

        article_id: int
        field: str
        value: bool

    def _target(self) -> ArticleSummary | None:
        """The article an action applies to: the list's row when the list has focus, else the
        open article."""
        if self.focused is self.articles:
            return self.articles.row(self.articles.cursor)
        view = self.pane.view
        if view is None:
            return None
        a = view.article
        return ArticleSummary(
            a.id, a.title, a.category_id, a.published, a.views, a.read, a.starred, tags=a.tags
        )

    def action_star(self) -> None:
        """Star or unstar the target article."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "starred", not target.starred)

    def action_toggle_read(self) -> None:
        """Mark the target article read or unread."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "read", not target.read)

    @work(thread=True, group="marks")
    def _write_mark(self, article_id: int, field: str, value: bool) -> None:
        try:
            if field == "starred":
                self.library.set_starred(article_id, value)
            else:
                self.library.set_read(article_id, value)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Changed(article_id, field, value))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        """Show a written mark in the list and the reading pane."""
        self.articles.patch(message.article_id, **{message.field: message.value})
        view = self.pane.view
        if view is not None and view.article.id == message.article_id:
            article = (
                replace(view.article, starred=message.value)
                if message.field == "starred"
                else replace(view.article, read=message.value)
            )
            self.pane.show(replace(view, article=article), self.pane.progress)
        if message.field == "read":
            self._recount()
        self.refresh_bindings()

    def action_copy_link(self) -> None:
        """Copy the open article's web link to the clipboard (OSC 52: works over SSH)."""
        view = self.pane.view
        url = web_link(view.article.url) if view else None
        if url is None:
            self.notify(_("This article has no web link to copy."), severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(_("Copied {url}").format(url=url), markup=False, timeout=3)

    def action_open_link(self) -> None:
        """Open the article's web link in the browser, on request only (http/https)."""
        view = self.pane.view
        url = web_link(view.article.url) if view else None
        if url is None:
            self.notify(_("This article has no web link to open."), severity="warning")
            return
        self.app.open_url(url)
