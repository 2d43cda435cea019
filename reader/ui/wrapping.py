"""Line breaking and cutting for mixed Chinese and Latin text, measured in terminal cells.

Every place of the app where text wraps or is cut to a width goes through here: the reading
pane, the help screen, notifications, dialogs, the article list and the tree.

Textual's own wrapper breaks at spaces only, so a Chinese sentence with one Latin name in it jumps
whole to the next line and leaves a ragged gap. Here lines break where `reader.text.linebreak`
says they may (between CJK characters, never inside a Latin word, a number or a tag, never
against the rules of Chinese typesetting), with the text's styles kept.
"""

from __future__ import annotations

from textual.content import Content

from reader.text.linebreak import CLOSING, OPENING, fit, holds_wide, wrap_ranges

__all__ = ["CLOSING", "OPENING", "fit", "holds_wide", "wrap", "wrap_ranges"]


def wrap(
    content: Content, width: int, *, prefix: Content | None = None, hang: Content | None = None
) -> list[Content]:
    """`content` wrapped to `width` cells by these rules, its styles kept and no line ending in
    spaces: the first line starts with `prefix`, the others with `hang` (as many spaces as
    `prefix` is wide unless given), and the text wraps in what room they leave."""
    prefix = prefix or Content()
    hang = Content(" " * prefix.cell_length) if hang is None else hang
    room = width - max(prefix.cell_length, hang.cell_length)
    return [
        (hang if number else prefix) + content[start:end].rstrip()
        for number, (start, end) in enumerate(wrap_ranges(content.plain, room))
    ]
