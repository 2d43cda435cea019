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

    def fill(self, categories: Sequence[Category], totals: tuple[int, int]) -> None:
        """Build the tree from the store's depth-first list (expanding the top level)."""
        self.clear()
        self.root.set_label(count_label(ALL_ARTICLES, *totals))
        self._category_nodes = {ROOT_SCOPE: self.root}
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
