"""Choosing from the keyboard: a short menu answered by one key, and a category picked by typing
part of its path.

Both are modal screens that answer through `dismiss` (the key of the choice, or a category id;
None when the reader backed out). Names of categories are article text: sanitised `Content`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from reader.text.i18n import _
from reader.text.sanitize import sanitize_line
from reader.ui.commands import CHOOSE_BINDINGS, PICKER_BINDINGS
from reader.ui.widgets.wrapped import Wrapped

SHOWN = 300
"""At most this many categories are listed at once; typing narrows the rest down."""
TOP_LEVEL = 0
"""What `CategoryPicker` answers for "the top level"."""


@dataclass(frozen=True, slots=True)
class Choice:
    """One line of a `Choose` menu: the key that picks it and what it does."""

    key: str
    label: Content


class Choose(ModalScreen[str | None]):
    """A titled menu: its keys (or the arrows and Enter) choose, Escape backs out."""

    BINDINGS: ClassVar[list[BindingType]] = list(CHOOSE_BINDINGS)

    def __init__(self, title: Content, choices: Sequence[Choice], *, note: str = "") -> None:
        """`title` is sanitised `Content`; `note` is a line under the choices."""
        super().__init__()
        self.title_content = title
        self.choices = list(choices)
        self.note = note

    def compose(self) -> ComposeResult:
        """The choices, each with its key."""
        with Vertical(id="choose", classes="dialog") as box:
            box.border_title = self.title_content
            yield OptionList(
                *(
                    Option(Content.assemble((f"{c.key}  ", "bold"), c.label), id=c.key)
                    for c in self.choices
                ),
                id="choices",
            )
            if self.note:
                yield Wrapped(Content.styled(self.note, "dim"), id="choose-note")

    def on_key(self, event: events.Key) -> None:
        """A choice's key chooses it."""
        if any(c.key == event.character for c in self.choices):
            event.stop()
            self.dismiss(event.character)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Back out without choosing."""
        self.dismiss(None)


class CategoryPicker(ModalScreen[int | None]):
    """Pick a category: type part of its path to narrow the list, Enter takes the one lit."""

    BINDINGS: ClassVar[list[BindingType]] = list(PICKER_BINDINGS)

    def __init__(
        self,
        title: Content,
        categories: Sequence[tuple[int, tuple[str, ...]]],
        *,
        top_level: bool = False,
    ) -> None:
        """`categories` are (id, path) pairs in tree order; with `top_level`, "the top level"
        is offered first (answered as `TOP_LEVEL`)."""
        super().__init__()
        self.title_content = title
        self.paths = [(cid, " › ".join(sanitize_line(n) for n in path)) for cid, path in categories]
        self.top_level = top_level

    def compose(self) -> ComposeResult:
        """The filter box over the list of paths."""
        with Vertical(id="picker", classes="dialog") as box:
            box.border_title = self.title_content
            yield Input(placeholder=_("type part of a name to narrow the list"), id="picker-input")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        """List every category."""
        self._narrow("")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._narrow(event.value)

    def _narrow(self, text: str) -> None:
        wanted = text.strip().casefold()
        found = [(cid, shown) for cid, shown in self.paths if wanted in shown.casefold()]
        options: list[Option] = []
        top = _("the top level")
        if self.top_level and (not wanted or wanted in top.casefold()):
            options.append(Option(Content.styled(f"({top})", "italic"), id="0"))
        options += [Option(Content(shown), id=str(cid)) for cid, shown in found[:SHOWN]]
        if len(found) > SHOWN:
            more = _("… {count} more: type to narrow the list").format(
                count=f"{len(found) - SHOWN:,}"
            )
            options.append(Option(Content.styled(more, "dim"), disabled=True))
        if not options:
            options.append(
                Option(Content.styled(_("no category has that in its name"), "dim"), disabled=True)
            )
        listing = self.query_one(OptionList)
        listing.set_options(options)
        listing.highlighted = 0 if not options[0].disabled else None

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_choose(self) -> None:
        """Take the category lit in the list."""
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return
        option = listing.get_option_at_index(listing.highlighted)
        if option.id is not None and not option.disabled:
            self.dismiss(int(option.id))

    def action_down(self) -> None:
        """Light the next category."""
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        """Light the previous category."""
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        """Back out without picking."""
        self.dismiss(None)
