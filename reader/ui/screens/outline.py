"""The outline: the section headings of the whole article (every part of a long one), to jump
to one."""

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

    def __init__(self, headings: list[tuple[int, str]], current: int = -1) -> None:
        """`headings`: (level, text) of each; `current`: the one the reader is in (-1: none)."""
        super().__init__()
        self.headings = headings
        self.current = current

    def compose(self) -> ComposeResult:
        """One option per heading, indented by level; the cursor on the reader's section."""
        top = min(level for level, _text in self.headings)
        options = [
            Option(Content("  " * (level - top) + sanitize_line(text)))
            for level, text in self.headings
        ]
        outline = OptionList(*options, id="outline")
        outline.border_title = _("Outline")
        if 0 <= self.current < len(options):
            outline.highlighted = self.current
        yield outline

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the chosen heading (its index in the outline)."""
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        """Close without jumping."""
        self.dismiss(None)
