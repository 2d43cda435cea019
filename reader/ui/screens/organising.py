"""The reader's own ways through the library: tags on articles, and saved searches.

`t` opens a prompt with the article's tags (`+tag -tag` edits them, a plain list replaces them);
the change is a `Change` like the other changes to the library (`record_change`). While a search
is open, Ctrl+S saves it under a name: it is listed with Unread and Starred above the categories,
where `e` renames it and `d` deletes it. The store work runs in thread workers; the tree is read
again afterwards, since a tag or a saved search may have come or gone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual import on, work
from textual.content import Content
from textual.message import Message

from reader.models import ROOT_SCOPE, Change, View
from reader.store import LibraryError
from reader.text.i18n import _, told
from reader.text.sanitize import sanitize_line
from reader.ui.screens.dialogs import Confirm, Prompt
from reader.ui.screens.marking import MarkingScreen
from reader.ui.screens.searching import SearchingScreen
from reader.ui.state import Place
from reader.ui.tag_input import tag_edit, tag_term, tags_text
from reader.ui.widgets.category_tree import CategoryTree

NAME_CHARS = 80
"""The longest name a saved search keeps (the store's bound)."""


class OrganisingScreen(MarkingScreen, SearchingScreen):
    """Tags and saved searches on the main screen."""

    @dataclass
    class Retagged(Message):
        """An article's tags were changed."""

        article_id: int
        tags: tuple[str, ...]
        change: Change

    @dataclass
    class SearchesChanged(Message):
        """A saved search was saved, renamed or deleted; `text` says which, `follow` is the
        line the tree's cursor goes to once it is read again."""

        text: str
        follow: Place | None = None
        was: View | None = None
        """The saved search as it was before a rename (the list may be showing it)."""

    # -- tags -----------------------------------------------------------------------------

    def action_edit_tags(self) -> None:
        """Edit the tags of the open article (while the reading pane has focus) or of the list's
        row."""
        target = self._target()
        if target is None:
            return

        def answer(typed: str | None) -> None:
            if typed is None:
                return
            add, remove = tag_edit(target.tags, typed)
            if add or remove:
                self._retag(target.id, add, remove)
            else:
                self.notify(_("The tags are unchanged."), timeout=3)

        title = sanitize_line(target.title)
        self.app.push_screen(
            Prompt(
                _("Tags of {title}").format(title=title),
                tags_text(target.tags),
                hint=_(
                    "+tag adds, -tag removes; or type the whole list (commas if a tag has spaces)"
                ),
            ),
            answer,
        )

    @work(thread=True, group="tags")
    def _retag(self, article_id: int, add: list[str], remove: list[str]) -> None:
        try:
            change = self.library.retag(article_id, add=add, remove=remove)
            found = self.library.summaries([article_id])
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        tags = found[0].tags if found else ()
        self.post_message(self.Retagged(article_id, tags, change))

    @on(Retagged)
    def _retagged(self, message: Retagged) -> None:
        """Show the new tags in the list and the reading pane, and the tags' counts."""
        self.record_change(message.change)
        self.articles.patch(message.article_id, tags=message.tags)
        view = self.pane.view
        if view is not None and view.article.id == message.article_id:
            article = replace(view.article, tags=message.tags)
            self.pane.show(replace(view, article=article), self.pane.progress)
        if self.listing.scope < 0 or self.listing.open_ended:
            # The list is of a tag, or of a search that may name one: the row may come or go.
            self._keep_cursor = self.articles.cursor
            self.listing = self.listing
        self._recount()

    # -- saved searches -------------------------------------------------------------------

    def _saved_names(self) -> set[str]:
        return {v.name for v in self.shelves.views if v.kind == "search"}

    def action_save_search(self) -> None:
        """Save the search shown under a name (asked for, the query offered)."""
        typed = self.listing.search.strip()
        if not self.searching or not typed:
            self.notify(_("Type a search first, then save it."), severity="warning", timeout=3)
            return
        query, hint = self._saved_query(typed)

        def answer(name: str | None) -> None:
            if name is None:
                return
            name = sanitize_line(name)[:NAME_CHARS].strip()
            if not name:
                self.notify(_("Not saved: a saved search needs a name."), severity="warning")
                return
            if name not in self._saved_names():
                self._save_search(name, query)
                return

            def replace_it(yes: bool | None) -> None:
                if yes:
                    self._save_search(name, query)

            question = Content.from_markup(
                _("Replace the saved search [b]$name[/b] with this one?"), name=name
            )
            self.app.push_screen(Confirm(question), replace_it)

        self.app.push_screen(
            Prompt(_("Save search as"), sanitize_line(typed)[:NAME_CHARS], hint=hint),
            answer,
        )

    def _saved_query(self, typed: str) -> tuple[str, str]:
        """The query to save for a search typed in a scope, and what the prompt says of it: a
        search in a tag keeps to the tag (`tag:NAME`); saved searches have no category."""
        scope = self.listing.scope
        tag = next((t.name for t in self.shelves.tags if t.scope == scope), None)
        term = tag_term(tag) if tag is not None else None
        if term is not None:
            return f"{term} {typed}", _("Saved as: {query}").format(query=f"{term} {typed}")
        if scope != ROOT_SCOPE:
            return typed, _("A saved search looks through the whole library.")
        return typed, _("Listed with Unread and Starred, above the categories.")

    @work(thread=True, group="searches")
    def _save_search(self, name: str, query: str) -> None:
        try:
            self.library.save_search(name, query)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.SearchesChanged(_("Saved the search {name}").format(name=name)))

    @on(CategoryTree.RenameWanted)
    def _rename_wanted(self, message: CategoryTree.RenameWanted) -> None:
        view = message.view

        def answer(name: str | None) -> None:
            name = sanitize_line(name or "")[:NAME_CHARS].strip()
            if name and name != view.name:
                self._rename_search(view, name)

        self.app.push_screen(Prompt(_("Rename saved search"), view.name), answer)

    @work(thread=True, group="searches")
    def _rename_search(self, view: View, name: str) -> None:
        try:
            self.library.rename_search(view.name, name)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        renamed = View("search", name, view.query)
        text = _("Renamed the saved search {old} to {new}").format(old=view.name, new=name)
        self.post_message(self.SearchesChanged(text, Place(view=renamed), was=view))

    @on(CategoryTree.DeleteWanted)
    def _delete_wanted(self, message: CategoryTree.DeleteWanted) -> None:
        view = message.view

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete_search(view)

        question = Content.from_markup(_("Delete the saved search [b]$name[/b]?"), name=view.name)
        self.app.push_screen(Confirm(question), answer)

    @work(thread=True, group="searches")
    def _delete_search(self, view: View) -> None:
        try:
            self.library.delete_search(view.name)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(
            self.SearchesChanged(_("Deleted the saved search {name}").format(name=view.name))
        )

    @on(SearchesChanged)
    def _searches_changed(self, message: SearchesChanged) -> None:
        """Say what was done and read the tree again (the saved searches are part of it)."""
        self.notify(message.text, markup=False, timeout=3)
        follow = message.follow
        if follow is not None and follow.view is not None and self.listing.view == message.was:
            self.listing = replace(self.listing, view=follow.view)
        self.follow = follow
        self._recount()
