"""Tidying the library from where one reads: read marks in bulk, deleting articles and
categories, renaming, moving and merging categories, and selecting articles in the list.

Each change is one store call in a thread worker returning a `Change`; the screen notes it
(`record_change`: Ctrl+Z takes it back), says what it did to what, and reads the library again.
What deletes more than one article asks first, saying exactly what will go. Deleting, moving and
renaming change the library for everyone; read marks are the reader's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.reactive import var

from reader.models import Change
from reader.store import LibraryError, PartialChange
from reader.text.i18n import N_, _, ngettext, told
from reader.text.sanitize import sanitize_line
from reader.ui.screens.choosing import TOP_LEVEL, CategoryPicker, Choice, Choose
from reader.ui.screens.dialogs import Confirm, Prompt
from reader.ui.screens.living import LiveScreen
from reader.ui.screens.marking import MarkingScreen
from reader.ui.state import Listing
from reader.ui.widgets.category_tree import ALL_ARTICLES

AGES = {"w": (N_("a week"), 7), "m": (N_("a month"), 30), "y": (N_("a year"), 365)}
"""Keys of the bulk-marking menu for "published more than ... ago", and the days they mean."""


class ManagingScreen(LiveScreen, MarkingScreen):
    """Delete, rename, move and merge; select articles in the list."""

    selection: var[frozenset[int]] = var(frozenset)
    """The ids of the articles selected in the list (`v`); `d` deletes them."""

    @dataclass
    class Made(Message):
        """A change was made to the library."""

        change: Change

    @dataclass
    class DeleteAsked(Message):
        """What deleting a category takes with it, read for the question asked first."""

        category_id: int
        name: str
        articles: int
        subcategories: int
        feeds: int

    @dataclass
    class MarksAsked(Message):
        """The counts for the bulk-marking menu were read (None for search results)."""

        listing: Listing
        read: bool
        counts: tuple[int, int] | None

    def watch_listing(self, listing: Listing) -> None:
        """Another listing: the selection was of the one before."""
        super().watch_listing(listing)
        self.selection = frozenset()

    # -- what an action applies to -----------------------------------------------------------------

    def _tree_category(self) -> int | None:
        """The category under the tree's cursor, while the tree has focus (not All articles)."""
        if self.focused is not self.categories:
            return None
        node = self.categories.cursor_node
        place = node.data if node is not None else None
        if place is None or place.view is not None or place.scope not in self.category_names:
            return None  # a view, All articles, the Tags line or a tag
        return place.scope

    def _delete_targets(self) -> list[int]:
        """The articles `d` deletes: the selection in the list, else the target article (none
        from the tree: there `d` deletes categories)."""
        if self.focused is self.categories:
            return []
        if self.focused is self.articles and self.selection:
            return sorted(self.selection)
        target = self._target()
        return [target.id] if target is not None else []

    def check_managing(self, action: str) -> bool | None:
        """Whether a managing action applies now: True, None (greyed: not now) or False
        (hidden: not here); part of the screen's `check_action`."""
        if action in ("select", "clear_selection"):
            if self.focused is not self.articles:
                return False
            return True if action == "select" or self.selection else None
        if action == "undo":
            # Not while typing a search: taking back a change there would surprise.
            typing = self.focused is self.search_bar.input
            return bool(getattr(self, "changes", None)) and not typing
        writable = None if self.library.readonly else True
        if action == "delete":
            if self._tree_category() is not None:
                return writable
            return writable if self._delete_targets() else None
        if action in ("rename", "move", "merge"):
            return writable if self._tree_category() is not None else False
        return True

    # -- selecting ---------------------------------------------------------------------------------

    def action_select(self) -> None:
        """Select the article under the list's cursor (or unselect it) and go on to the next."""
        row = self.articles.row(self.articles.cursor)
        if row is None:
            return
        self.selection = self.selection ^ {row.id}
        self.articles.move(1)
        self.refresh_bindings()

    def action_clear_selection(self) -> None:
        """Unselect every article."""
        self.selection = frozenset()
        self.refresh_bindings()

    # -- deleting ----------------------------------------------------------------------------------

    def action_delete(self) -> None:
        """Delete the category under the tree's cursor, or the selected or target articles;
        ask first when more than one article goes."""
        category = self._tree_category()
        if category is not None:
            self._inspect_category(category)
            return
        ids = self._delete_targets()
        if not ids:
            return
        if len(ids) == 1:
            self._run(lambda: self.library.delete(ids))
            return
        question = Content(
            _("Delete the {count} selected articles for everyone?").format(count=f"{len(ids):,}")
        )
        self._ask(question, lambda: self.library.delete(ids))

    @work(thread=True, group="changes")
    def _inspect_category(self, category_id: int) -> None:
        """Read what deleting a category would take with it, then ask (or, for one article or
        none, just delete it)."""
        try:
            found = self.library.category(category_id)
            if found is None:
                return
            inside = [
                c for c in self.library.categories() if found.path == c.path[: len(found.path)]
            ]
            feeds = self.library.sources(kinds=("feed",), under=found.path)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(
            self.DeleteAsked(category_id, found.name, found.total, len(inside) - 1, len(feeds))
        )

    @on(DeleteAsked)
    def _delete_asked(self, message: DeleteAsked) -> None:
        def delete() -> Change:
            return self.library.delete_category(message.category_id)

        if message.articles <= 1 and not message.feeds:
            self._run(delete)
            return
        name = sanitize_line(message.name)
        articles = ngettext("{count} article", "{count} articles", message.articles).format(
            count=f"{message.articles:,}"
        )
        if message.subcategories:
            subcategories = ngettext(
                "{count} subcategory", "{count} subcategories", message.subcategories
            ).format(count=f"{message.subcategories:,}")
            what = _(", its {subcategories} and their {articles}").format(
                subcategories=subcategories, articles=articles
            )
        else:
            what = _(" and its {articles}").format(articles=articles)
        feeds = ""
        if message.feeds:
            feeds = _(" (unsubscribing from the {feeds} filed there)").format(
                feeds=ngettext("{count} feed", "{count} feeds", message.feeds).format(
                    count=f"{message.feeds:,}"
                )
            )
        question = Content.from_markup(
            _("Delete [b]$name[/b]$what$feeds for everyone?"), name=name, what=what, feeds=feeds
        )
        self._ask(question, delete)

    # -- renaming, moving, merging -----------------------------------------------------------------

    def action_rename(self) -> None:
        """Give the category under the tree's cursor another name."""
        category = self._tree_category()
        if category is None:
            return
        name = self.names[category][-1]

        def answer(typed: str | None) -> None:
            new = sanitize_line(typed or "").strip()
            if new and new != name:
                self._run(lambda: self.library.rename_category(category, new))

        title = _("Rename {name}").format(name=sanitize_line(name))
        self.app.push_screen(Prompt(title, name), answer)

    def action_move(self) -> None:
        """Move the category under the tree's cursor into another (or to the top level)."""
        category = self._tree_category()
        if category is None:
            return
        path = self.names[category]
        parents = self._others(category, exclude_parent=True)

        def answer(parent: int | None) -> None:
            if parent is not None:
                new = None if parent == TOP_LEVEL else parent
                self._run(lambda: self.library.move_category(category, new))

        title = Content.from_markup(_("Move [b]$name[/b] into…"), name=sanitize_line(path[-1]))
        self.app.push_screen(CategoryPicker(title, parents, top_level=len(path) > 1), answer)

    def action_merge(self) -> None:
        """Merge the category under the tree's cursor into another."""
        category = self._tree_category()
        if category is None:
            return
        name = sanitize_line(self.names[category][-1])

        def answer(target: int | None) -> None:
            if target:
                self._run(lambda: self.library.merge_category(category, target))

        title = Content.from_markup(_("Merge [b]$name[/b] into…"), name=name)
        self.app.push_screen(CategoryPicker(title, self._others(category)), answer)

    def _others(
        self, category: int, *, exclude_parent: bool = False
    ) -> list[tuple[int, tuple[str, ...]]]:
        """The categories a category may go into: not itself, nothing under it, and (for a
        move) not where it already is."""
        path = self.names[category]
        found = []
        for cid, other in self.names.items():
            if other[: len(path)] == path:
                continue
            if exclude_parent and other == path[:-1]:
                continue
            found.append((cid, other))
        return found

    # -- read marks in bulk ------------------------------------------------------------------------

    def action_mark_many(self, read: bool = True) -> None:
        """Mark read (or unread) the articles of the category or the search results shown: all
        of them, or those published more than a week, a month or a year ago, or before a date."""
        self._count_for_marks(self.listing, read)

    @work(thread=True, group="changes")
    def _count_for_marks(self, listing: Listing, read: bool) -> None:
        try:
            counts = None if listing.search else self.library.counts(listing.scope)
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.MarksAsked(listing, read, counts))

    @on(MarksAsked)
    def _marks_asked(self, message: MarksAsked) -> None:
        listing, read = message.listing, message.read
        path = self.names.get(listing.scope, ())
        where = sanitize_line(path[-1]) if path else _(ALL_ARTICLES)
        if message.counts is None:
            what = Content.from_markup(
                _("all the results of [b]$search[/b] in $where"),
                search=sanitize_line(listing.search),
                where=where,
            )
        else:
            total, unread = message.counts
            if read:
                left = _("{count} unread").format(count=f"{unread:,}")
            else:
                left = _("{count} read").format(count=f"{total - unread:,}")
            what = Content.from_markup(
                _("all $articles of [b]$where[/b] ($left)"),
                articles=ngettext("{count} article", "{count} articles", total).format(
                    count=f"{total:,}"
                ),
                where=where,
                left=left,
            )
        choices = [Choice("a", what)]
        choices += [
            Choice(key, Content(_("those published more than {span} ago").format(span=_(span))))
            for key, (span, _days) in AGES.items()
        ]
        choices.append(Choice("d", Content(_("those published before a date…"))))
        flip = "u" if read else "r"
        other = _("mark unread instead") if read else _("mark read instead")
        choices.append(Choice(flip, Content.styled(other, "italic")))

        def answer(key: str | None) -> None:
            if key == flip:
                self.action_mark_many(not read)
            elif key == "d":
                self._ask_date(listing, read)
            elif key == "a":
                self._mark_many(listing, None, read)
            elif key in AGES:
                cutoff = datetime.now() - timedelta(days=AGES[key][1])
                self._mark_many(listing, cutoff.replace(microsecond=0).isoformat(), read)

        title = Content(_("Mark read") if read else _("Mark unread"))
        note = _("Esc: leave them as they are")
        self.app.push_screen(Choose(title, choices, note=note), answer)

    def _ask_date(self, listing: Listing, read: bool) -> None:
        def answer(typed: str | None) -> None:
            if typed is None or not typed.strip():
                return
            cutoff = _cutoff(typed)
            if cutoff is None:
                shown = sanitize_line(typed.strip())[:40]
                self.notify(
                    _("Not a date: {text} (write 2024-11-13 or 2024-11-13T17:49)").format(
                        text=shown
                    ),
                    severity="error",
                    markup=False,
                )
                return
            self._mark_many(listing, cutoff, read)

        if read:
            title = _("Mark read what was published before")
        else:
            title = _("Mark unread what was published before")
        self.app.push_screen(Prompt(title, hint=_("a date: 2024-11-13")), answer)

    def _mark_many(self, listing: Listing, before: str | None, read: bool) -> None:
        query = listing.search or None
        scope = listing.scope
        self._run(
            lambda: self.library.mark_read(scope=scope, query=query, before=before, read=read)
        )

    # -- running a change --------------------------------------------------------------------------

    def _ask(self, question: Content, change: Callable[[], Change]) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self._run(change)

        self.app.push_screen(Confirm(question), answer)

    @work(thread=True, group="changes")
    def _run(self, change: Callable[[], Change]) -> None:
        """Make a change in a worker (writes wait for another program's lock; reads go on)."""
        try:
            done = change()
        except PartialChange as error:
            # Cut short after some of its steps: what was made is noted, and can be undone.
            self.post_message(self.Made(error.change))
            self.post_message(self.Problem(told(error)))
            return
        except LibraryError as error:
            self.post_message(self.Problem(told(error)))
            return
        self.post_message(self.Made(done))

    @on(Made)
    def _made(self, message: Made) -> None:
        self.selection = frozenset()
        self.record_change(message.change)


def _cutoff(text: str) -> str | None:
    """A typed date or time as the stored times compare against it, or None if it is not one."""
    text = text.strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).replace(tzinfo=None).isoformat()
    except ValueError:
        return None
