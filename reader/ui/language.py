"""The app's keys in the interface's language (`reader.text.i18n`).

The binding tables (`reader.ui.commands`) are written in English once, when the modules load;
what the footer, the help screen and the command palette show is translated when it is shown,
through `translated()`. Screens with a footer take `TranslatedBindings`, whose
`active_bindings` (what Textual's footer reads) carries the translated bindings.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from textual.binding import ActiveBinding, Binding

from reader.text.i18n import ENGLISH, N_, _, language

NUMBERED: dict[str, tuple[str, int]] = {}
"""Numbered texts (`Random 3`) and the message they are made from (`Random {n}`, 3)."""


def translate(text: str) -> str:
    """A binding's English description or tooltip in the interface's language."""
    numbered = NUMBERED.get(text)
    if numbered is not None:
        return _(numbered[0]).format(n=numbered[1])
    return _(text)


@cache
def _translated(binding: Binding, lang: str) -> Binding:
    return replace(
        binding,
        description=translate(binding.description),
        tooltip=translate(binding.tooltip),
    )


def translated(binding: Binding) -> Binding:
    """The binding with its description and tooltip in the interface's language."""
    lang = language()
    return binding if lang == ENGLISH else _translated(binding, lang)


class TranslatedBindings:
    """For a Screen: the active bindings (the footer's) in the interface's language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's active bindings, translated."""
        found: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        if language() == ENGLISH:
            return found
        return {
            key: ActiveBinding(
                active.node,
                shown := translated(active.binding),
                active.enabled,
                shown.tooltip if active.tooltip == active.binding.tooltip else active.tooltip,
            )
            for key, active in found.items()
        }


TEXTUAL_TEXTS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
    N_("palette"),
    N_("Open the command palette"),
    N_("Search for commands…"),
)
"""Textual's own texts the app shows (its palette commands), translated with `_()` too."""
