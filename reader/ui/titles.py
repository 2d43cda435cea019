"""Pane titles, set only when they change: Textual draws a pane again, every row of it written
to the terminal, whenever its title or subtitle is set, even to the one it already shows (and
the list's are set again each time its rows are read, as after every change to the library)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.content import Content
from textual.widget import Widget

_TITLES: WeakKeyDictionary[Widget, Content] = WeakKeyDictionary()
_SUBTITLES: WeakKeyDictionary[Widget, Content] = WeakKeyDictionary()


def set_title(widget: Widget, title: Content) -> None:
    """Show `title` above `widget`, unless it shows it already."""
    if _TITLES.get(widget) != title:
        _TITLES[widget] = title
        widget.border_title = title


def set_subtitle(widget: Widget, subtitle: Content) -> None:
    """Show `subtitle` below `widget`, unless it shows it already."""
    if _SUBTITLES.get(widget) != subtitle:
        _SUBTITLES[widget] = subtitle
        widget.border_subtitle = subtitle
