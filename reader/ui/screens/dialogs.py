"""Small dialogs over the main screen: a one-line prompt and a yes/no question.

Both are modal screens that answer through `dismiss` (the caller's callback gets the typed text, or
None when the reader backed out; True or False). What they show may quote article text (a tag, a
saved search's name), so it is sanitised and passed as `Content`, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input

from reader.text.i18n import _
from reader.text.sanitize import sanitize_line
from reader.ui.commands import CONFIRM_BINDINGS, PROMPT_BINDINGS
from reader.ui.widgets.wrapped import Wrapped


class Prompt(ModalScreen[str | None]):
    """Asks for one line of text: Enter answers it, Escape backs out."""

    BINDINGS: ClassVar[list[BindingType]] = list(PROMPT_BINDINGS)

    def __init__(self, title: str, value: str = "", *, hint: str = "") -> None:
        """`title` names what is asked; `value` is prefilled; `hint` is a line under the box."""
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        """A box titled with the question, and the hint under it."""
        with Vertical(id="prompt", classes="dialog") as box:
            box.border_title = Content(sanitize_line(self.title_text))
            yield Input(sanitize_line(self.value), id="prompt-input", select_on_focus=False)
            if self.hint:
                yield Wrapped(Content.styled(sanitize_line(self.hint), "dim"), id="prompt-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: answer with what was typed."""
        event.stop()
        self.dismiss(event.value)

    def action_submit(self) -> None:
        """Enter while the box does not have the focus yet (typed right after the key that
        opened the prompt): answer with what it holds."""
        self.dismiss(self.query_one(Input).value)

    def action_cancel(self) -> None:
        """Back out without an answer."""
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """Asks a yes/no question: `y` or Enter says yes, `n` or Escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = list(CONFIRM_BINDINGS)

    def __init__(self, question: Content) -> None:
        """`question` is already sanitised `Content` (it may quote a name)."""
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical(id="confirm", classes="dialog") as box:
            box.border_title = _("Confirm")
            yield Wrapped(self.question, id="confirm-question")
            yield Wrapped(Content.styled(_("y / Enter: yes   n / Esc: no"), "dim"))

    def action_yes(self) -> None:
        """Yes."""
        self.dismiss(True)

    def action_no(self) -> None:
        """No."""
        self.dismiss(False)
