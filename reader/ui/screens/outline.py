"""The outline: the article's section headings, to jump to one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.text.i18n import _
from reader.text.sanitize import sanitize_line
from reader.ui.commands import OUTLINE_BINDINGS


class OutlineScreen(ModalScreen[int | None]):
    """A short list of headings; Enter jumps to one, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = list(OUTLINE_BINDINGS)

    def __init__(self, headings: list[tuple[int, str, int]]) -> None:
        super().__init__()
        self.headings = headings

    def compose(self) -> ComposeResult:
        """One option per heading, indented by level."""
        top = min(heading[0] for heading in self.headings)
        options = [
            Option(Content("  " * (level - top) + sanitize_line(text)))
            for level, text, _index in self.headings
        ]
        outline = OptionList(*options, id="outline")
        outline.border_title = _("Outline")
        yield outline

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen heading's line."""
        line = self.headings[event.option_index][2]
        self.dismiss(line)

    def action_close(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
