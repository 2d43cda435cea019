"""Where lines of mixed Chinese and Latin text may break, measured in terminal cells.

A line may break at spaces, between any two wide (CJK) characters, and where CJK meets Latin
without a space (`Python入门`); Latin words, numbers (`3.11`) and tags (`#问答`) are never broken
unless one is wider than the whole line. The rules of Chinese typesetting (kinsoku) hold at every
break: closing punctuation (，。、；：？！）」』】》〉…) never starts a line and opening punctuation
(（「『【《〈) never ends one; the character before is carried to the next line instead (only a
line too narrow for both breaks them). Cells are counted as the terminal draws them: CJK and
most emoji take two, combining marks none.

Plain text only, so that the command line's help (`reader.cli.language`) breaks lines without
loading Textual; `reader.ui.wrapping` applies the same breaks to styled `Content`.
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
CLOSING = frozenset("，。、；：？！）」』”’》〉】〕〗〙〛…—·‥,.;:?!)]}%")
"""Characters that never start a line."""
OPENING = frozenset("（「『“‘《〈【〔〖〘〚([{")
"""Characters that never end a line."""
_PUNCTUATION = re.escape("".join(sorted(CLOSING | OPENING)))
_TOKENS = re.compile(
    r"(\n)|([^\S\n]+)"
    rf"|((?<![0-9A-Za-z_\u00c0-\u024f])#[^\s#{_PUNCTUATION}]+)"
    rf"|([{_WIDE}]+)|([^\s{_WIDE}]+)"
)

_ANY_WIDE = re.compile(f"[{_WIDE}]")

Break = tuple[int, int, int]
"""A place a line may end: (end of this line, start of the next, cells up to the next's start)."""


def wrap_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of the lines `text` wraps into at `width` cells.

    A newline in `text` always ends a line. Spaces at a break are dropped (they fall between two
    ranges); a word wider than the whole line is folded.
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    breaks: list[Break] = []  # where the current line may end, in order
    start = col = 0
    before = ""  # the last character of the content before, "" after a space or a line's start
    for match in _TOKENS.finditer(text):
        begin, end = match.span()
        newline, space, _tag, wide, _word = match.groups()
        if newline is not None:
            lines.append((start, begin))
            start, col, breaks, before = end, 0, [], ""
            continue
        if space is not None:
            cells = len(space.expandtabs(4))
            if col + cells <= width:
                col += cells
                breaks.append((begin, end, col))
            else:
                lines.append((start, begin))
                start, col, breaks = end, 0, []
            before = ""
            continue
        if text[begin] in CLOSING:  # never after a break: not even at the space before it
            breaks = [b for b in breaks if b[1] != begin]
        elif before and before not in OPENING:
            breaks.append((begin, begin, col))
        place = _place_wide if wide is not None else _place_word
        start, col, breaks = place(text, begin, end, width, start, col, breaks, lines)
        before = text[end - 1]
    lines.append((start, len(text)))
    return lines


def holds_wide(text: str) -> bool:
    """Whether `text` holds a wide (CJK) character, which only these rules break well."""
    return _ANY_WIDE.search(text) is not None


def _take(
    breaks: list[Break], start: int, col: int, lines: list[tuple[int, int]]
) -> tuple[int, int]:
    """End the line at the last place it may end; the new line's (start, cells so far)."""
    end, resume, at = breaks.pop()
    lines.append((start, end))
    return resume, col - at


def _place_word(
    text: str,
    begin: int,
    end: int,
    width: int,
    start: int,
    col: int,
    breaks: list[Break],
    lines: list[tuple[int, int]],
) -> tuple[int, int, list[Break]]:
    """Lay out a word or tag that is never broken unless wider than a line."""
    cells = cell_len(text[begin:end])
    while col + cells > width and breaks:
        start, col = _take(breaks, start, col, lines)
        breaks = []
    if col + cells <= width:
        return start, col + cells, breaks
    if cells <= width:  # no place to break before it: it starts a line whatever it is
        lines.append((start, begin))
        return begin, cells, []
    start, col = _fold(text, begin, end, width, start, col, lines)
    return start, col, []


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
    text: str,
    begin: int,
    end: int,
    width: int,
    start: int,
    col: int,
    breaks: list[Break],
    lines: list[tuple[int, int]],
) -> tuple[int, int, list[Break]]:
    """Lay out a run of two-cell characters, breaking between any two of them that kinsoku
    allows; the line ends before the run instead where nothing of it may end the line."""
    if cell_len(text[begin:end]) != 2 * (end - begin):  # unexpected widths: measure each one
        start, col = _fold(text, begin, end, width, start, col, lines)
        return start, col, []
    index = begin
    while True:
        room = (width - col) // 2
        if end - index <= room:
            col += 2 * (end - index)
            # Its last characters may still be carried to the next line with what follows.
            for last in range(end - 1, max(begin, start), -1):
                if text[last] not in CLOSING and text[last - 1] not in OPENING:
                    breaks.append((last, last, col - 2 * (end - last)))
                    break
            return start, col, breaks
        cut = index + max(room, 0)
        while cut > index and (text[cut] in CLOSING or text[cut - 1] in OPENING):
            cut -= 1
        if cut > index:
            lines.append((start, cut))
            start, col, breaks, index = cut, 0, [], cut
        elif breaks:
            start, col = _take(breaks, start, col, lines)
            breaks = []
        elif col == 0:  # a whole line of punctuation that kinsoku cannot place: cut anyway
            cut = index + max(room, 1)
            lines.append((start, cut))
            start, index = cut, cut
        else:
            lines.append((start, index))
            start, col = index, 0


def fit(text: str, width: int) -> str:
    """Cut `text` to `width` cells (ending in an ellipsis) and pad it to exactly that width: a
    column of such texts lines up whatever mix of CJK, emoji and combining marks it holds."""
    if width <= 0:
        return ""
    cells = cell_len(text)
    if cells <= width:
        return text + " " * (width - cells)
    kept: list[str] = []
    used = 0
    for char in text:
        size = get_character_cell_size(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    head = "".join(kept).rstrip()
    return head + "…" + " " * (width - 1 - cell_len(head))
