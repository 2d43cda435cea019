"""Line breaking for mixed Chinese and Latin text, measured in terminal cells.

Textual's own wrapper breaks at spaces only, so a Chinese sentence with one Latin name in it jumps
whole to the next line and leaves a ragged gap. Here a line may break between any two wide (CJK)
characters and at spaces elsewhere; closing punctuation is kept off the start of a line and opening
punctuation off its end, as Chinese typesetting expects.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

# Characters that are two cells wide in every terminal: CJK ideographs and punctuation, kana,
# Hangul, full-width forms, and the supplementary ideograph planes.
_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
_TOKENS = re.compile(rf"([{_WIDE}]+)|(\n)|([^\S\n]+)|([^\s{_WIDE}]+)")

_CLOSING = set("，。、；：？！）」』”’》〉】〕〗〙〛…—·,.;:?!)]}%")
_OPENING = set("（「『“‘《〈【〔〖〘〚([{")


def wrap_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of the lines `text` wraps into at `width` cells.

    A newline in `text` always ends a line. Spaces at a break are dropped (they fall between two
    ranges); a word wider than the whole line is folded.
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    start = 0
    col = 0
    for match in _TOKENS.finditer(text):
        begin, end = match.span()
        wide, newline, space, word = match.groups()
        if newline is not None:
            lines.append((start, begin))
            start, col = end, 0
        elif space is not None:
            cells = len(space.expandtabs(4))
            if col + cells <= width:
                col += cells
            else:
                lines.append((start, begin))
                start, col = end, 0
        elif word is not None:
            cells = cell_len(word)
            if col + cells <= width:
                col += cells
                continue
            if cells <= width:
                if col:
                    lines.append((start, begin))
                start, col = begin, cells
                continue
            start, col = _fold(text, begin, end, width, start, col, lines)
        else:
            assert wide is not None
            start, col = _place_wide(text, begin, end, width, start, col, lines)
    lines.append((start, len(text)))
    return lines


def _fold(
    text: str, begin: int, end: int, width: int, start: int, col: int, lines: list[tuple[int, int]]
) -> tuple[int, int]:
    """Fold a word wider than a line: fill the line, then whole lines, character by character."""
    for index in range(begin, end):
        cells = get_character_cell_size(text[index])
        if col + cells > width:
            lines.append((start, index))
            start, col = index, 0
        col += cells
    return start, col


def _place_wide(
    text: str, begin: int, end: int, width: int, start: int, col: int, lines: list[tuple[int, int]]
) -> tuple[int, int]:
    """Lay out a run of two-cell characters, breaking between any two of them."""
    if cell_len(text[begin:end]) != 2 * (end - begin):  # unexpected widths: measure each one
        return _fold(text, begin, end, width, start, col, lines)
    index = begin
    while index < end:
        room = (width - col) // 2
        if room <= 0:
            lines.append((start, index))
            start, col = index, 0
            continue
        cut = min(end, index + room)
        if cut < end:
            # Keep closing punctuation with the character before it, opening with the one after.
            if cut - 1 > start and cut < len(text) and text[cut] in _CLOSING:
                cut -= 1
            if cut - 1 > start and text[cut - 1] in _OPENING:
                cut -= 1
        if cut <= index:  # nothing fits on this line any more
            lines.append((start, index))
            start, col = index, 0
            continue
        col += 2 * (cut - index)
        index = cut
        if index < end:
            lines.append((start, index))
            start, col = index, 0
    return start, col
