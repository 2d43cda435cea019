"""The help screen, generated from the live bindings of every pane."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text.i18n import N_, _
from reader.ui.commands import HELP_BINDINGS, Section, live_key
from reader.ui.language import translate

INTRO = N_(
    "reader: a category tree, an article list and a reading pane. Tab moves between panes; "
    "Ctrl+P lists every command. Counts in the tree are unread/total articles."
)


def help_content(sections: list[Section], keymap: dict[str, str]) -> Content:
    """The help text: for each pane its short description, then each key and what it does."""
    keys = {
        id(binding): live_key(binding, keymap)
        for section in sections
        for binding in section.bindings
    }
    width = max((len(k) for k in keys.values()), default=8) + 2
    lines: list[Content] = [Content(_(INTRO)), Content()]
    for section in sections:
        lines.append(Content.styled(_(section.title), "bold"))
        about = getattr(section.node, "HELP", "")
        if about:
            lines.append(Content.styled(_(about), "italic"))
        for binding in section.bindings:
            lines.append(
                Content.assemble(
                    (f"  {keys[id(binding)]:<{width}}", "bold"), translate(binding.tooltip)
                )
            )
        lines.append(Content())
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Every key of every pane, as bound now."""

    BINDINGS: ClassVar[list[BindingType]] = list(HELP_BINDINGS)

    def __init__(self, sections: list[Section], keymap: dict[str, str]) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        """A scrolling page of keys."""
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = _("Keys")
            yield Static(help_content(self.sections, self.keymap))

    def action_close(self) -> None:
        """Back to where the help was opened."""
        self.dismiss(None)
