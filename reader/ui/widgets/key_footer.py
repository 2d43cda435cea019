"""The footer: the keys that matter now, as many as fit its width, whole, changed in place.

Textual's footer lays every key out in a row and lets the ones past the edge scroll under the
command palette's key, which leaves half-drawn words (`^p palettep`). This one drops the keys
that do not fit, last first; the help key always stays, and the help screen lists them all.

Textual's footer also builds all its keys again each time the bindings change (the focus moved
to another pane, a search box opened): some 10-15 ms of removing and mounting widgets, then the
whole screen laid out again. This one keeps its keys and changes their labels in place, hiding
the ones it has no use for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

KEPT = frozenset({"app.help", "help"})
"""The actions whose keys are shown whatever the width (the way to all the others)."""


@dataclass(frozen=True, slots=True)
class Shown:
    """One key as the footer shows it."""

    key: str
    key_display: str
    description: str
    action: str
    offered: bool
    tooltip: str = ""
    palette: bool = False
    """The command palette's key (drawn at the right edge)."""


def key_width(key: Shown, compact: bool) -> int:
    """Cells a key takes in the footer, its margin included (see Textual's footer styles)."""
    label = cell_len(key.key_display)
    if key.description:
        label += cell_len(key.description) + (1 if compact else 3)
    else:
        label += 0 if compact else 2
    if key.palette:
        return label + 1 + (0 if compact else 1)  # its left border, its right padding
    return label + (1 if compact else 0)


def fitting(keys: list[Shown], width: int, compact: bool) -> list[Shown]:
    """The keys to show in `width` cells, in their order: the last ones go first, except the
    help key; the command palette's key goes when even the help key alone does not fit. A cell
    stays free between the keys and the palette's key."""
    palette = [key for key in keys if key.palette]
    shown = [key for key in keys if not key.palette]

    def used() -> int:
        return sum(key_width(key, compact) for key in [*shown, *palette])

    while shown and used() >= width:
        droppable = [key for key in shown if key.action not in KEPT]
        if droppable:
            shown.remove(droppable[-1])
        elif palette:
            palette = []
        else:
            shown.pop()
    if palette and used() >= width:
        palette = []
    return [key for key in keys if key in shown or key in palette]


class FooterKey(Widget):
    """One key of the footer, drawn as Textual's footer draws its keys (it has their name, so
    the footer's styles apply to it), its label changed in place by `show`."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer-key--key", "footer-key--description"}
    DEFAULT_CSS = """
    FooterKey {
        width: auto;
        height: 1;
        text-wrap: nowrap;
        background: $footer-item-background;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
            padding: 0 1;
        }
        .footer-key--description {
            padding: 0 1 0 0;
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        &:hover {
            pointer: pointer;
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        &.-disabled {
            text-style: dim;
        }
        &.-compact {
            .footer-key--key {
                padding: 0;
            }
            .footer-key--description {
                padding: 0 0 0 1;
            }
        }
    }
    """

    def __init__(self, shown: Shown, *, compact: bool) -> None:
        classes = "-command-palette" if shown.palette else ""
        super().__init__(classes=classes)
        self.set_class(compact, "-compact")
        self.shown = shown
        self.set_class(not shown.offered, "-disabled")
        self.tooltip = shown.tooltip or None

    @property
    def key(self) -> str:
        """The key pressed by a click."""
        return self.shown.key

    @property
    def key_display(self) -> str:
        """The key as shown."""
        return self.shown.key_display

    @property
    def description(self) -> str:
        """What the key does."""
        return self.shown.description

    @property
    def action(self) -> str:
        """The action the key runs."""
        return self.shown.action

    def show(self, shown: Shown) -> None:
        """Show another key here; the footer is laid out again only if the width changed."""
        if shown == self.shown and self.display:
            return
        wider = (shown.key_display, shown.description) != (self.key_display, self.description)
        self.shown = shown
        self.set_class(not shown.offered, "-disabled")
        self.tooltip = shown.tooltip or None
        self.display = True
        self.refresh(layout=wider)

    def render(self) -> Text:
        """The key, then what it does, in the footer's styles."""
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        key_padding = self.get_component_styles("footer-key--key").padding
        description_padding = self.get_component_styles("footer-key--description").padding
        if self.description:
            label = Text.assemble(
                (" " * key_padding.left + self.key_display + " " * key_padding.right, key_style),
                (
                    " " * description_padding.left
                    + self.description
                    + " " * description_padding.right,
                    description_style,
                ),
            )
        else:
            label = Text.assemble((self.key_display, key_style))
        label.stylize_before(self.rich_style)
        return label

    def on_mouse_down(self) -> None:
        """A click presses the key (a key not offered now rings the bell)."""
        if self.shown.offered:
            self.app.simulate_key(self.key)
        else:
            self.app.bell()


class KeyFooter(Footer):
    """Textual's footer, showing only the keys that fit (the rest are in the help screen)."""

    def compose(self) -> ComposeResult:
        """No keys until the screen's bindings are known (`bindings_changed`)."""
        return iter(())

    shown: tuple[Shown, ...] | None = None
    """The keys the bindings offered when last shown (fitting ones or not)."""

    def wanted(self, screen: Screen[object]) -> list[Shown]:
        """The keys the screen's bindings offer now, one per action, as Textual's footer
        lists them (the palette's key last)."""
        keys: dict[str, Shown] = {}
        app = screen.app
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in keys:
                display = app.get_key_display(binding)
                keys[binding.action] = Shown(
                    binding.key, display, binding.description, binding.action, enabled, tooltip
                )
        found = list(keys.values())
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, _tooltip = palette
                found.append(
                    Shown(
                        binding.key,
                        app.get_key_display(binding),
                        binding.description,
                        binding.action,
                        enabled,
                        binding.tooltip or binding.description,
                        palette=True,
                    )
                )
        return found

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Show the keys again when they changed, not each time the app looks at them (a key
        press, a focus change, a list filled); after the frame that shows what the key did."""
        if not self.is_attached or screen is not self.screen or not screen.app.app_focus:
            return
        wanted = tuple(self.wanted(screen))
        if wanted == self.shown:
            return
        self.shown = wanted
        self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        wanted = list(self.shown or ())
        width = self.size.width
        keys = fitting(wanted, width, self.compact) if width else wanted
        have = list(self.query_children(FooterKey))
        plain = [key for key in have if not key.has_class("-command-palette")]
        palettes = [key for key in have if key.has_class("-command-palette")]
        new: list[FooterKey] = []
        for slots, shown in ((plain, [k for k in keys if not k.palette]),
                             (palettes, [k for k in keys if k.palette])):  # fmt: skip
            for slot, key in zip(slots, shown, strict=False):
                slot.show(key)
            for slot in slots[len(shown) :]:
                slot.display = False
            new += [FooterKey(key, compact=self.compact) for key in shown[len(slots) :]]
        if new:
            self.mount(*new, before=palettes[0] if palettes else None)

    def watch_compact(self, compact: bool) -> None:
        """Keys drawn with less room around them, or more."""
        for key in self.query_children(FooterKey):
            key.set_class(compact, "-compact")

    def on_resize(self, event: events.Resize) -> None:
        """Choose the keys again for the new width."""
        self._show_keys()
