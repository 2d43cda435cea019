"""Link hints in the reading pane: `f` (open) or `F` (copy) labels each web link on screen, and
typing a label acts on that link; Esc, or a key no label begins with, takes the labels away.

The pane draws each line through `labelled_line`; the labels and the link targets come from
`reader.ui.hints`. Opening goes through the app, which copies instead on a restricted server.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.scroll_view import ScrollView

from reader.text.i18n import _
from reader.ui import hints
from reader.ui.layout import Line


class LinkHinting(ScrollView, can_focus=True, inherit_bindings=False):
    """A scroll view of laid-out `lines` whose links can wear labels."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self._hints: list[hints.Hint] = []
        self._typed = ""
        self._copying = False

    @property
    def hints_shown(self) -> list[hints.Hint]:
        """The labelled links, while they wear labels."""
        return list(self._hints)

    def labelled_line(self, number: int) -> Content | None:
        """Line `number` with the labels of the links starting on it; None if it has none."""
        shown = [hint for hint in self._hints if hint.line == number]
        if not shown:
            return None
        return hints.labelled(self.lines[number].content, shown, self._typed)

    @property
    def hinting(self) -> bool:
        """Whether the links on screen wear labels, waiting for one to be typed."""
        return bool(self._hints)

    def action_hint_open(self) -> None:
        """Label each link on screen; typing a label opens that link."""
        self._start_hints(copying=False)

    def action_hint_copy(self) -> None:
        """Label each link on screen; typing a label copies that link."""
        self._start_hints(copying=True)

    def _start_hints(self, *, copying: bool) -> None:
        top = round(self.scroll_y)
        shown = self.lines[top : top + self.scrollable_content_region.height]
        found = hints.hints([line.content for line in shown], top)
        if not found:
            self.notify(_("No web links on screen."), timeout=2)
            return
        self._hints, self._typed, self._copying = found, "", copying
        self.border_subtitle = (
            _("Type a label to copy its link · Esc cancels")
            if copying
            else _("Type a label to open its link · Esc cancels")
        )
        self.refresh()

    def cancel_hints(self) -> None:
        """Take the labels away."""
        if self._hints:
            self._hints, self._typed = [], ""
            self.border_subtitle = ""
            self.refresh()

    def on_key(self, event: events.Key) -> None:
        """While links wear labels, letters choose one and any other key cancels."""
        if not self._hints:
            return
        event.stop()
        event.prevent_default()
        typed = self._typed + (event.character or "")
        if event.key == "escape" or not event.is_printable:
            self.cancel_hints()
            return
        matching = [hint for hint in self._hints if hint.label.startswith(typed)]
        if not matching:
            self.cancel_hints()
            self.notify(
                _("No link is labelled {label}.").format(label=typed), markup=False, timeout=2
            )
            return
        if len(matching) == 1 and matching[0].label == typed:
            url, copying = matching[0].url, self._copying
            self.cancel_hints()
            if copying:
                self.app.copy_to_clipboard(url)
                self.notify(_("Copied {url}").format(url=url), markup=False, timeout=3)
            else:
                self.app.open_url(url)
            return
        self._typed = typed
        self.refresh()

    def on_blur(self) -> None:
        """Labels go when the pane loses focus."""
        self.cancel_hints()
