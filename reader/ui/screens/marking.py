"""Marks and links on the main screen: star, read or unread, copy or open the web link.

A mark applies to the open article while the reading pane has focus, else to the list's row (the
one in sight beside the tree, too); it is written in a thread worker, shown in both panes, and said
in one line naming the article, which may be out of sight on a small terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.cells import cell_len
from textual import on, work
from textual.message import Message

from reader.models import ArticleSummary
from reader.store import LibraryError
from reader.text.i18n import N_, _, told
from reader.text.sanitize import sanitize_line
from reader.text.urls import web_link
from reader.ui.screens.browsing import BrowsingScreen

TITLE_CELLS = 48
"""How much of a title a one-line notification quotes."""
SAID = {
    ("starred", True): N_("Starred"),
    ("starred", False): N_("Unstarred"),
    ("read", True): N_("Marked read"),
    ("read", False): N_("Marked unread"),
}


def quoted(title: str) -> str:
    """A title as a notification names it: in quotes, cut with an ellipsis when long."""
    text = sanitize_line(title) or "?"
    if cell_len(text) > TITLE_CELLS:
        while cell_len(text) > TITLE_CELLS - 1:
            text = text[:-1]
        text = text.rstrip() + "…"
    return f"“{text}”"


class MarkingScreen(BrowsingScreen):
    """Star and read marks, and the open article's web link."""

    @dataclass
    class Changed(Message):
        """A star or read mark was written."""

        article_id: int
        field: str
        value: bool
        title: str

    def _target(self) -> ArticleSummary | None:
        """The article an action applies to: the open article while the reading pane has focus,
        else the list's row (with the tree focused too: on a narrow terminal the open article is
        out of sight then, the list's row is not)."""
        view = self.pane.view
        if self.focused is not self.pane or view is None:
            return self.articles.row(self.articles.cursor) if self.articles.total else None
        a = view.article
        return ArticleSummary(
            a.id, a.title, a.category_id, a.published, a.views, a.read, a.starred, tags=a.tags
        )

    def action_star(self) -> None:
        """Star or unstar the target article."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "starred", not target.starred, target.title)

    def action_toggle_read(self) -> None:
        """Mark the target article read or unread."""
        target = self._target()
        if target is not None:
            self._write_mark(target.id, "read", not target.read, target.title)

    @work(thread=True, group="marks")
    def _write_mark(self, article_id: int, field: str, value: bool, title: str) -> None:
        try:
            if field == "starred":
                self.library.set_starred(article_id, value)
            else:
                self.library.set_read(article_id, value)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Changed(article_id, field, value, title))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        """Show a written mark in the list and the reading pane, and say it."""
        said = SAID[message.field, message.value]
        self.notify(f"{_(said)}: {quoted(message.title)}", markup=False, timeout=3)
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

    def _linked(self, doing: str) -> str | None:
        """The open article's web link, or None after saying why there is none to `doing`."""
        copying = doing == "copy"
        view = self.pane.view
        if view is None:
            said = (
                _("No article is open: there is no link to copy.")
                if copying
                else _("No article is open: there is no link to open.")
            )
            self.notify(said, severity="warning")
            return None
        url = web_link(view.article.url)
        if url is None:
            title = quoted(view.article.title)
            said = (
                _("No link to copy: {title} has no web address.")
                if copying
                else _("No link to open: {title} has no web address.")
            )
            self.notify(said.format(title=title), severity="warning", markup=False)
        return url

    def action_copy_link(self) -> None:
        """Copy the open article's web link to the clipboard (OSC 52: works over SSH)."""
        url = self._linked("copy")
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(_("Copied {url}").format(url=url), markup=False, timeout=3)

    def action_open_link(self) -> None:
        """Open the article's web link in the browser, on request only (http/https)."""
        url = self._linked("open")
        if url is not None:
            self.app.open_url(url)
