"""What-if patches for `bench.open_profile`: a candidate fix applied inside the profiling
process only (the app's code is untouched), to weigh its gain before anyone writes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _keep_wide_classes() -> None:
    """What if the screen's -reading/-tree classes stayed put in the wide layout (where no rule
    uses them), so a focus move does not restyle every node?"""
    from reader.ui.screens.main import MainScreen

    add, remove = MainScreen.add_class, MainScreen.remove_class
    moved = {"-reading", "-tree"}

    def add_class(self: Any, *names: str, update: bool = True) -> Any:
        if self.has_class("-wide"):
            names = tuple(n for n in names if n not in moved)
        return add(self, *names, update=update)

    def remove_class(self: Any, *names: str, update: bool = True) -> Any:
        if self.has_class("-wide"):
            names = tuple(n for n in names if n not in moved)
        return remove(self, *names, update=update)

    MainScreen.add_class = add_class  # type: ignore[method-assign]
    MainScreen.remove_class = remove_class  # type: ignore[method-assign]


def _still_footer() -> None:
    """What if the footer did not rebuild its keys when the focus moves (it keeps the keys it
    showed first: wrong, but it shows the cost of the rebuild)?"""
    from textual.widgets import Footer

    original = Footer.bindings_changed

    def bindings_changed(self: Any, screen: Any) -> None:
        if not self.children:
            original(self, screen)

    Footer.bindings_changed = bindings_changed  # type: ignore[method-assign]


def _search_line() -> None:
    """What if the search bar kept its line when closed (so `/` only moves the focus, and the
    panes below do not move and redraw)?"""
    from reader.ui.widgets.search_bar import SearchBar

    def close(self: Any) -> None:
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.stop()

    SearchBar.close = close  # type: ignore[method-assign]


WHAT_IF: dict[str, Callable[[], None]] = {
    "wide-classes": _keep_wide_classes,
    "still-footer": _still_footer,
    "search-line": _search_line,
}
