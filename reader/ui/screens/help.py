"""The help screen, generated from the live bindings of every pane."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen

from reader.text.i18n import N_, _
from reader.ui.commands import HELP_BINDINGS, Section, live_key
from reader.ui.language import translate
from reader.ui.widgets.wrapped import Paragraph, Wrapped

INTRO = N_(
    "reader: a category tree, an article list and a reading pane. Tab moves between panes; "
    "Ctrl+P lists every command. Counts in the tree are unread/total articles."
)


def help_content(sections: list[Section], keymap: dict[str, str]) -> list[Paragraph]:
    """The help text: for each pane its short description, then each key and what it does (the
    key a prefix, so a long description wraps under itself)."""
    keys = {
        id(binding): live_key(binding, keymap)
        for section in sections
        for binding in section.bindings
    }
    width = max((cell_len(k) for k in keys.values()), default=8) + 2
    lines: list[Paragraph] = [Content(_(INTRO)), Content()]
    for section in sections:
        lines.append(Content.styled(_(section.title), "bold"))
        about = getattr(section.node, "HELP", "")
        if about:
            lines.append(Content.styled(_(about), "italic"))
        for binding in section.bindings:
            key = keys[id(binding)]
            prefix = Content.styled(f"  {key}{' ' * (width - cell_len(key))}", "bold")
            lines.append((prefix, Content(translate(binding.tooltip))))
        lines.append(Content())
    return lines


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
            yield Wrapped(*help_content(self.sections, self.keymap), id="help-text")

    def action_close(self) -> None:
        """Back to where the help was opened."""
        self.dismiss(None)
