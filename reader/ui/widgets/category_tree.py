"""The category tree: the views, "All articles" with the nested categories, then the tags.

```
● Unread 120               every article of it unread: one number
★ Starred 2/3
/ 茶 5/12                 a saved search (its counts come a moment later)
▼ All articles 120/345
├── ▶ 国际 30/80
└── 生活 4/9
▶ Tags
```

Every line shows unread/total articles. A name too long for the pane ends in an ellipsis; the
counts are never cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import var
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.models import ROOT_SCOPE, View
from reader.text.i18n import N_, _
from reader.text.sanitize import sanitize_line
from reader.ui.commands import TREE_BINDINGS
from reader.ui.state import Place, Shelves, view_key

ALL_ARTICLES = N_("All articles")
TAGS = N_("Tags")
VIEW_MARKS = {"unread": "● ", "starred": "★ ", "search": "/ "}
"""What each kind of view's name is shown after (a saved search: the search key)."""
PENDING = "…"
"""Shown for a saved search's counts until they are known."""


def counts_text(total: int, unread: int, *, exact: bool = True) -> Text:
    """` 12/345` (unread/total), ` 345` when all are read, ` 1,000+` for a count that stopped at
    its bound (a saved search: the unread count of the bound is not the view's)."""
    if not exact:
        return Text(f" {total:,}+", style="bold" if unread else "dim")
    if unread:
        text = Text(f" {unread:,}", style="bold")
        text.append(f"/{total:,}", style="dim")
        return text
    return Text(f" {total:,}", style="dim")


def count_label(name: str, total: int, unread: int) -> Text:
    """`name 12/345`: unread and total articles of the subtree (a plain `Text`: never markup)."""
    return Text(sanitize_line(name) or "?") + counts_text(total, unread)


@dataclass(frozen=True, slots=True)
class TreeChoice:
    """A line the reader moved the cursor to (`enter`: chose it with Enter or a click)."""

    place: Place
    enter: bool


def view_name(view: View) -> str:
    """A view's name as the tree and the list's title show it (`● Unread`, `/ 茶`)."""
    name = view.name if view.kind == "search" else _(view.name)
    return VIEW_MARKS.get(view.kind, "") + (sanitize_line(name) or "?")


class CategoryTree(Tree[Place | None], inherit_bindings=False):
    """Views, categories and tags with unread/total counts; moving the cursor lists that line's
    articles."""

    HELP = N_(
        "Views (Unread, Starred, your saved searches), the categories and the tags, with "
        "unread/total counts. Enter moves to the list; e and d rename and delete a saved search."
    )
    BINDINGS: ClassVar[list[BindingType]] = list(TREE_BINDINGS)

    choice: var[TreeChoice | None] = var(None, init=False, always_update=True)
    """The line the reader last moved to or chose. A reactive, not a message: the screen watches
    it and shows that line's articles at once, so keys typed ahead (`j Tab G`) act on the new
    listing rather than on the one a message still on its way would replace."""

    @dataclass
    class RenameWanted(Message):
        """The reader asked to rename the saved search under the cursor."""

        view: View

    @dataclass
    class DeleteWanted(Message):
        """The reader asked to delete the saved search under the cursor."""

        view: View

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), data=None, id=id)
        self.guide_depth = 2
        self.auto_expand = False
        self.show_root = False
        self._lines: dict[Place, TreeNode[Place | None]] = {}
        self._tail: dict[int, int] = {}
        """Characters at the end of a node's label that are its counts (never cut)."""
        self._counted: dict[View, View] = {}
        """The last counts shown for each saved search, by its `view_key`."""
        self._tags: TreeNode[Place | None] | None = None
        self._announced: Place | None = None

    # -- contents -------------------------------------------------------------------------

    def fill(self, shelves: Shelves) -> None:
        """Build the tree: the views, All articles (expanded) with the categories in the store's
        depth-first order, and the tags (collapsed). Lines that were expanded stay so, and the
        cursor stays on its line if it is still there."""
        expanded = {place for place, node in self._lines.items() if node.is_expanded}
        keep = self.cursor_node.data if self.cursor_node is not None else None
        tags_open = self._tags is not None and self._tags.is_expanded
        first = not self._lines
        self.clear()
        self._lines = {}
        self._tail = {}
        for view in shelves.views:
            self._add(self.root, Place(view=view_key(view)), *self._view_label(view))
        everything = self._add(
            self.root, Place(ROOT_SCOPE), Text(_(ALL_ARTICLES)), counts_text(*shelves.totals)
        )
        everything.allow_expand = True
        for category in shelves.categories:
            parent = self._lines.get(Place(category.parent_id or ROOT_SCOPE), everything)
            node = self._add(
                parent,
                Place(category.id),
                Text(sanitize_line(category.name) or "?"),
                counts_text(category.total, category.unread),
            )
            if parent is not everything:
                parent.allow_expand = True
            if node.data in expanded:
                node.expand()
        everything.expand()
        self._tags = self.root.add(Text(_(TAGS)), data=None, expand=tags_open)
        self._tags.allow_expand = bool(shelves.tags)
        for tag in shelves.tags:
            self._add(
                self._tags,
                Place(tag.scope),
                Text("#" + (sanitize_line(tag.name) or "?")),
                counts_text(tag.total, tag.unread),
            )
        if not first and keep is not None and keep in self._lines:
            self._move_quietly(self._lines[keep])

    def _add(
        self, parent: TreeNode[Place | None], place: Place, name: Text, counts: Text
    ) -> TreeNode[Place | None]:
        node = parent.add(name + counts, data=place, expand=False, allow_expand=False)
        self._lines[place] = node
        self._tail[node.id] = len(counts)
        return node

    def _view_label(self, view: View) -> tuple[Text, Text]:
        name = Text(view_name(view))
        if view.kind == "unread":  # every article of it is unread: one number says it
            return name, Text(f" {view.unread:,}", style="bold" if view.unread else "dim")
        if view.kind != "search":
            return name, counts_text(view.total, view.unread)
        counted = self._counted.get(view_key(view))
        if counted is None:
            return name, Text(f" {PENDING}", style="dim")
        return name, counts_text(counted.total, counted.unread, exact=counted.exact)

    def _set(self, node: TreeNode[Place | None], name: Text, counts: Text) -> None:
        """Show `name` and `counts` on `node`'s line, unless it shows them already: a new label
        redraws the line and every line below it in the tree (All articles: nearly all of it),
        written to the terminal again."""
        label = name + counts
        if self._tail.get(node.id) == len(counts) and node.label == label:
            return
        self._tail[node.id] = len(counts)
        node.set_label(label)

    def same_shape(self, shelves: Shelves) -> bool:
        """Whether `shelves` has the lines shown now (only their counts may differ)."""
        places = [Place(view=view_key(v)) for v in shelves.views]
        places += [Place(ROOT_SCOPE)]
        places += [Place(c.id) for c in shelves.categories]
        places += [Place(t.scope) for t in shelves.tags]
        return places == list(self._lines)

    def recount(self, shelves: Shelves) -> None:
        """Show new counts; when lines came or went (a new tag, a saved search), build the tree
        again, keeping what was expanded and the cursor's line."""
        if not self.same_shape(shelves):
            self.fill(shelves)
            return
        for view in shelves.views:
            node = self._lines[Place(view=view_key(view))]
            self._set(node, *self._view_label(view))
        self._set(
            self._lines[Place(ROOT_SCOPE)], Text(_(ALL_ARTICLES)), counts_text(*shelves.totals)
        )
        for category in shelves.categories:
            self._set(
                self._lines[Place(category.id)],
                Text(sanitize_line(category.name) or "?"),
                counts_text(category.total, category.unread),
            )
        for tag in shelves.tags:
            self._set(
                self._lines[Place(tag.scope)],
                Text("#" + (sanitize_line(tag.name) or "?")),
                counts_text(tag.total, tag.unread),
            )

    def show_counted(self, view: View) -> None:
        """Show a saved search's counts, now that they are known."""
        key = view_key(view)
        self._counted[key] = view
        node = self._lines.get(Place(view=key))
        if node is not None:
            self._set(node, *self._view_label(view))

    def places(self) -> Iterator[Place]:
        """Every line's place, top to bottom as built (collapsed ones too)."""
        yield from self._lines

    def node_of(self, place: Place) -> TreeNode[Place | None] | None:
        """The line of a place, if the tree shows it."""
        return self._lines.get(place)

    @property
    def tags_node(self) -> TreeNode[Place | None] | None:
        """The Tags line, whose children are the tags."""
        return self._tags

    # -- the cursor -----------------------------------------------------------------------

    def lineage(self, place: Place) -> list[Place]:
        """The lines above `place` that list articles (its parent categories, All articles),
        nearest first; none for a line the tree does not show."""
        node = self._lines.get(place)
        found: list[Place] = []
        while node is not None and node.parent is not None:
            node = node.parent
            if node.data is not None:
                found.append(node.data)
        return found

    def has_scope(self, scope: int) -> bool:
        """Whether the tree shows this category, tag or All articles."""
        return Place(scope) in self._lines

    def has_place(self, place: Place) -> bool:
        """Whether the tree shows this place."""
        return place in self._lines

    def show_place(self, place: Place) -> None:
        """Move the cursor to a line, expanding its ancestors, without announcing it."""
        node = self._lines.get(place)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self._announced = place
        self.call_after_refresh(self.move_cursor, node)

    def _move_quietly(self, node: TreeNode[Place | None]) -> None:
        self._announced = node.data
        self.call_after_refresh(self.move_cursor, node)

    def _saved_search(self) -> View | None:
        node = self.cursor_node
        place = node.data if node is not None else None
        if place is None or place.view is None or place.view.kind != "search":
            return None
        return place.view

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        """Announce the line under the cursor (once per change), as the key that moved it is
        handled; the Tags line lists nothing."""
        super().watch_cursor_line(previous_line, line)
        node = self.cursor_node
        place = node.data if node is not None else None
        if place is not None and place != self._announced:
            self._announced = place
            self.choice = TreeChoice(place, enter=False)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Place | None]) -> None:
        """Offer the keys that apply to the new line (rename and delete: a saved search)."""
        event.stop()
        self.refresh_bindings()

    def action_select_cursor(self) -> None:
        """Enter (or a click) chooses the line and moves on to the list (on Tags: opens it)."""
        node = self.cursor_node
        if node is None:
            return
        place = node.data
        if place is None:
            node.toggle()
            return
        self._announced = place
        self.choice = TreeChoice(place, enter=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rename and delete are offered on a saved search only."""
        if action in ("rename", "delete"):
            return self._saved_search() is not None
        return True

    def action_rename(self) -> None:
        """Ask to rename the saved search under the cursor."""
        view = self._saved_search()
        if view is not None:
            self.post_message(self.RenameWanted(view))

    def action_delete(self) -> None:
        """Ask to delete the saved search under the cursor."""
        view = self._saved_search()
        if view is not None:
            self.post_message(self.DeleteWanted(view))

    def action_expand(self) -> None:
        """Expand the line under the cursor, or step into it if already expanded."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.children and node.is_expanded:
            self.action_cursor_down()

    def action_collapse(self) -> None:
        """Collapse the line under the cursor, or go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    # -- drawing --------------------------------------------------------------------------

    def render_label(self, node: TreeNode[Place | None], base_style: Style, style: Style) -> Text:
        """The label, its name cut with an ellipsis where the pane is too narrow for it: the
        counts at its end always show whole."""
        label = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        room = width - self._depth(node) * self.guide_depth
        if width <= 0 or label.cell_len <= room:
            return label
        tail = self._tail.get(node.id, 0)
        head, counts = label.divide([len(label) - tail])
        head.truncate(max(1, room - counts.cell_len), overflow="ellipsis")
        if head.plain.endswith(" …"):
            # A wide (CJK) character cut in half leaves a blank before the ellipsis: no gap.
            head = head[: len(head) - 2] + Text("…")
        return head + counts

    def _depth(self, node: TreeNode[Place | None]) -> int:
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return depth
