"""The category tree: "All articles" at the top, then the nested categories with their counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reader.models import ROOT_SCOPE, Category
from reader.text.sanitize import sanitize_line
from reader.ui.commands import TREE_BINDINGS

ALL_ARTICLES = "All articles"


def count_label(name: str, total: int, unread: int) -> Text:
    """`name 12/345`: unread and total articles of the subtree (a plain `Text`: never markup)."""
    label = Text(sanitize_line(name) or "?")
    if unread:
        label.append(f" {unread:,}", style="bold")
        label.append(f"/{total:,}", style="dim")
    else:
        label.append(f" {total:,}", style="dim")
    return label


class CategoryTree(Tree[int], inherit_bindings=False):
    """Categories with unread/total counts; moving the cursor shows that category's articles."""

    HELP = "Categories, with unread/total counts for each subtree. Enter moves to the list."
    BINDINGS: ClassVar[list[BindingType]] = list(TREE_BINDINGS)

    class Chosen(Message):
        """The cursor moved to a category (`enter` is true when it was chosen with Enter)."""

        def __init__(self, scope: int, enter: bool) -> None:
            super().__init__()
            self.scope = scope
            self.enter = enter

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(ALL_ARTICLES), data=ROOT_SCOPE, id=id)
        self.guide_depth = 2
        self.auto_expand = False
        self.show_root = True
        self._category_nodes: dict[int, TreeNode[int]] = {ROOT_SCOPE: self.root}
        self._announced: int | None = None
        self._shape: list[tuple[int, int | None, str]] = []
        """(id, parent id, name) of each category shown, in order."""
        self._quiet = False
        """The cursor moves because the tree is being built again: nothing to announce."""

    def fill(self, categories: Sequence[Category], totals: tuple[int, int]) -> None:
        """Build the tree from the store's depth-first list (expanding the top level)."""
        self.clear()
        self.root.set_label(count_label(ALL_ARTICLES, *totals))
        self._category_nodes = {ROOT_SCOPE: self.root}
        self._shape = [(c.id, c.parent_id, c.name) for c in categories]
        for category in categories:
            parent = self._category_nodes.get(category.parent_id or ROOT_SCOPE, self.root)
            node = parent.add(
                count_label(category.name, category.total, category.unread),
                data=category.id,
                expand=False,
                allow_expand=False,
            )
            if parent is not self.root:
                parent.allow_expand = True
            self._category_nodes[category.id] = node
        self.root.expand()

    def recount(self, categories: Sequence[Category], totals: tuple[int, int]) -> None:
        """Update the counts shown, keeping the tree's shape and cursor."""
        self.root.set_label(count_label(ALL_ARTICLES, *totals))
        for category in categories:
            node = self._category_nodes.get(category.id)
            if node is not None:
                node.set_label(count_label(category.name, category.total, category.unread))

    def update(self, categories: Sequence[Category], totals: tuple[int, int]) -> None:
        """Show the tree as it is now: new counts on the same lines, or, when categories came,
        went, moved or were renamed, the tree built again with the same lines expanded and the
        cursor on the same category (or its nearest ancestor still there), without announcing
        the moves this makes."""
        if [(c.id, c.parent_id, c.name) for c in categories] == self._shape:
            self.recount(categories, totals)
            return
        expanded = {scope for scope, node in self._category_nodes.items() if node.is_expanded}
        here = self.cursor_node.data if self.cursor_node is not None else None
        lineage = self.lineage(here) if here is not None else []
        line = self.cursor_line - round(self.scroll_y)
        self._quiet = True
        self.fill(categories, totals)
        for scope in expanded:
            node = self._category_nodes.get(scope)
            if node is not None and node.allow_expand:
                node.expand()
        keep = next(
            (s for s in (here, *lineage) if s is not None and s in self._category_nodes),
            ROOT_SCOPE,
        )
        self._announced = keep
        parent = self._category_nodes[keep].parent
        while parent is not None:
            parent.expand()
            parent = parent.parent

        def put_back() -> None:
            self.move_cursor(self._category_nodes[keep])
            self.scroll_to(y=max(0, self.cursor_line - line), animate=False)
            # After the highlights the rebuild caused, which are in the queue before this.
            self.call_later(self._speak)

        self.call_after_refresh(put_back)

    def _speak(self) -> None:
        self._quiet = False

    def lineage(self, scope: int) -> list[int]:
        """The categories above `scope`, nearest first, down to All articles."""
        node = self._category_nodes.get(scope)
        found: list[int] = []
        while node is not None and node.parent is not None:
            node = node.parent
            found.append(node.data if node.data is not None else ROOT_SCOPE)
        return found

    def has_scope(self, scope: int) -> bool:
        """Whether the tree shows this category."""
        return scope in self._category_nodes

    def show_scope(self, scope: int) -> None:
        """Move the cursor to a category, expanding its ancestors, without announcing it."""
        node = self._category_nodes.get(scope)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self._announced = scope
        self.call_after_refresh(self.move_cursor, node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        """Announce the category under the cursor (once per change)."""
        event.stop()
        scope = event.node.data if event.node.data is not None else ROOT_SCOPE
        if self._quiet:
            return
        if scope != self._announced:
            self._announced = scope
            self.post_message(self.Chosen(scope, enter=False))

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        """Enter (or a click) chooses the category and moves on to the list."""
        event.stop()
        scope = event.node.data if event.node.data is not None else ROOT_SCOPE
        self._announced = scope
        self.post_message(self.Chosen(scope, enter=True))

    def action_expand(self) -> None:
        """Expand the category under the cursor, or step into it if already expanded."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.children:
            self.action_cursor_down()

    def action_collapse(self) -> None:
        """Collapse the category under the cursor, or go to its parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node is not self.root:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)
