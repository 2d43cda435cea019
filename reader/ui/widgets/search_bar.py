"""The search bar: a one-line box over the panes' top line, and the search's scope and order.

It only announces intent: `Changed` once typing pauses (so a fast typist starts one search,
not ten), `Submitted` on Enter. Escape is the screen's: it closes the search. The screen runs
the search, owns the state, and binds the status shown beside the box.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Input, Static

from reader.text.i18n import N_, _

DEBOUNCE_S = 0.15
"""How long typing must pause before a search starts."""


class SearchBar(Horizontal):
    """`/` opens it; the results fill the article list as you type."""

    HELP = N_(
        "Any text from one character up; several words must all occur; "
        '"quoted words" as written; -word excludes; tag:NAME keeps articles with that tag. '
        "Ctrl+S saves the search under a name."
    )

    status: var[tuple[Content, ...]] = var(tuple)
    """Scope, order and counts (or a problem), shown beside the box: the first of these forms
    (fullest first) that fits, so the end of a status is never cut off."""

    @dataclass
    class Changed(Message):
        """The text settled: search for it (an empty text ends the results)."""

        text: str

    class Submitted(Message):
        """Enter: go to the results."""

    def __init__(self, *, debounce: float = DEBOUNCE_S, id: str | None = None) -> None:
        """`debounce`: seconds typing must pause before `Changed` (0: at every keystroke)."""
        super().__init__(id=id)
        self.debounce = debounce
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """The input and a status line (scope, order, how many results)."""
        yield Static(Content("/"), id="search-mark")
        yield Input(
            placeholder=_('茶, 人工智能, "exact phrase", -exclude, tag:NAME'),
            id="search-input",
            compact=True,
        )
        yield Static(Content(""), id="search-status")

    @property
    def input(self) -> Input:
        """The text box."""
        return self.query_one(Input)

    @property
    def text(self) -> str:
        """What is typed now."""
        return self.input.value

    def open(self, text: str | None = None) -> None:
        """Show the bar and put the cursor in the box."""
        if text is not None:
            self.input.value = text
        self.display = True
        # Focus now, not after a refresh: keys typed right after `/` belong to the box.
        self.screen.set_focus(self.input)

    def close(self) -> None:
        """Hide the bar (the text stays for the next `/`)."""
        if self._timer is not None:
            self._timer.stop()
        self.display = False

    def watch_status(self) -> None:
        """Show the new status beside the box."""
        self._fit_status()

    def on_resize(self) -> None:
        """Show as much of the status as the new width has room for."""
        self._fit_status()

    def _fit_status(self) -> None:
        # The status takes at most half the bar (styles/reader.tcss), less its padding.
        room = max(0, self.size.width // 2 - 2)
        forms = self.status or (Content(),)
        shown = next((form for form in forms if form.cell_length <= room), None)
        if shown is None:
            shown = forms[-1].truncate(room, ellipsis=True)
        self.query_one("#search-status", Static).update(shown)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Restart the pause timer on every keystroke."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        value = event.value
        if self.debounce <= 0:
            self.post_message(self.Changed(value))
            return
        self._timer = self.set_timer(self.debounce, lambda: self.post_message(self.Changed(value)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search now (no waiting for the pause) and move to the results."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self.post_message(self.Changed(event.value))
        self.post_message(self.Submitted())
