"""The footer: the keys that matter now, as many as fit its width, whole.

Textual's footer lays every key out in a row and lets the ones past the edge scroll under the
command palette's key, which leaves half-drawn words (`^p palettep`). This one drops the keys
that do not fit, last first; the help key always stays, and the help screen lists them all.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

KEPT = frozenset({"app.help", "help"})
"""The actions whose keys are shown whatever the width (the way to all the others)."""


def is_key(widget: Widget) -> bool:
    """Whether a widget of the footer is one key (Textual's `FooterKey`, not exported)."""
    return all(hasattr(widget, name) for name in ("key_display", "description", "action"))


def key_width(key: Widget, compact: bool) -> int:
    """Cells a key takes in the footer, its margin included (see Textual's footer styles)."""
    label = cell_len(getattr(key, "key_display", ""))
    description = getattr(key, "description", "")
    if description:
        label += cell_len(description) + (1 if compact else 3)
    else:
        label += 0 if compact else 2
    if key.has_class("-command-palette"):
        return label + 1 + (0 if compact else 1)  # its left border, its right padding
    return label + (1 if compact else 0)


def fitting(keys: list[Widget], width: int, compact: bool) -> list[Widget]:
    """The keys to show in `width` cells, in their order: the last ones go first, except the
    help key; the command palette's key goes when even the help key alone does not fit. A cell
    stays free between the keys and the palette's key."""
    palette = [key for key in keys if key.has_class("-command-palette")]
    shown = [key for key in keys if not key.has_class("-command-palette")]

    def used() -> int:
        return sum(key_width(key, compact) for key in [*shown, *palette])

    while shown and used() >= width:
        droppable = [key for key in shown if getattr(key, "action", "") not in KEPT]
        if droppable:
            shown.remove(droppable[-1])
        elif palette:
            palette = []
        else:
            shown.pop()
    if palette and used() >= width:
        palette = []
    return [key for key in keys if key in shown or key in palette]


class KeyFooter(Footer):
    """Textual's footer, showing only the keys that fit (the rest are in the help screen)."""

    def compose(self) -> ComposeResult:
        """The footer's keys, less the ones its width has no room for."""
        widgets = list(super().compose())
        if not widgets or not all(is_key(widget) for widget in widgets) or not self.size.width:
            yield from widgets  # grouped keys (none of the app's): as Textual lays them out
            return
        yield from fitting(widgets, self.size.width, self.compact)

    shown: tuple[object, ...] | None = None
    """What the footer last showed: each key shown, its description and whether it is on."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Lay the keys out again when they changed, not each time the app looks at them (a key
        press, a focus change, a list filled): Textual's footer builds every key again, some
        30 ms of the key's time and the whole line written to the terminal again."""
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self.shown and self.is_attached and screen is self.screen:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.shown = shown
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        """Choose the keys again for the new width."""
        self.call_after_refresh(self.recompose)
