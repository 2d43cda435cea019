"""Where lines of mixed Chinese and Latin text may break, measured in terminal cells.

A line may break at spaces (never at a no-break space), between any two wide (CJK) characters,
and where CJK meets Latin without a space (`Python入门`); Latin words, numbers (`3.11`) and tags
(`#问答`, also right after a word: `Python#问答`) are never broken unless one is wider than the
whole line. The rules of Chinese typesetting (kinsoku) hold at every break: closing punctuation
(，。、；：？！）」』】》〉…) never starts a line and opening punctuation (（「『【《〈) never ends
one; the character before is carried to the next line instead, and closing punctuation in front
of a word (`，…Python`) stays on the line it closes. Where such a run is wider than the line, a
Latin word in it is broken (a tag only where CJK meets Latin in it) so that the rules still hold;
only a line too narrow for both the punctuation and its neighbour breaks them. Spaces at the end
of a line never make a line of their own. Cells are counted as the terminal draws them: CJK and
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
GLUE = frozenset("\u00a0\u2007\u202f")
"""Spaces that never break a line (no-break, figure and narrow no-break spaces): they join what
is on either side into one word, as in a tag with a space in it (`#getting\u00a0started`)."""
_PUNCTUATION = re.escape("".join(sorted(CLOSING | OPENING)))
_GLUE = "".join(sorted(GLUE))
# A word runs up to a breaking space or a wide character, except that a tag in it (`#` and what
# follows up to a space or punctuation, `#问答`, `Python#问答`) runs on through wide characters.
_TOKENS = re.compile(
    rf"(\n)|((?:(?![{_GLUE}])[^\S\n])+)|([{_WIDE}]+)"
    rf"|((?:#(?:[{_GLUE}]|[^\s#{_PUNCTUATION}])+|[{_GLUE}]|[^\s{_WIDE}])+)"
)

_ANY_WIDE = re.compile(f"[{_WIDE}]")

Break = tuple[int, int, int]
"""A place a line may end: (end of this line, start of the next, cells up to the next's start)."""


def wrap_ranges(text: str, width: int) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of the lines `text` wraps into at `width` cells.

    A newline in `text` always ends a line. Spaces at a break are dropped (they fall between two
    ranges), and so are spaces that overflow the end of a line before a newline or the end of
    `text`; a word wider than the whole line is folded.
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    breaks: list[Break] = []  # where the current line may end, in order
    start = col = 0
    before = ""  # the last character of the content before, "" after a space or a line's start
    overflow: int | None = None  # where spaces that overflow the line began, if they came last
    for match in _TOKENS.finditer(text):
        begin, end = match.span()
        newline, space, wide, _word = match.groups()
        if newline is not None:
            lines.append((start, begin if overflow is None else overflow))
            start, col, breaks, before, overflow = end, 0, [], "", None
            continue
        if space is not None:
            # A break, even where the spaces overflow the line: what follows decides whether the
            # line ends here (closing punctuation may not start the next one).
            col += len(space.expandtabs(4))
            if before not in OPENING:
                breaks.append((begin, end, col))
            before, overflow = "", begin if col > width else None
            continue
        overflow = None
        if text[begin] in CLOSING:  # never after a break: not even at the space before it
            breaks = [b for b in breaks if b[1] != begin]
        elif before and before not in OPENING:
            breaks.append((begin, begin, col))
        place = _place_wide if wide is not None else _place_word
        start, col, breaks = place(text, begin, end, width, start, col, breaks, lines)
        before = text[end - 1]
    lines.append((start, len(text) if overflow is None else overflow))
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
        split = begin
        while split < end and text[split] in CLOSING:
            split += 1
        if begin < split < end and col + cell_len(text[begin:split]) <= width:
            # Closing punctuation in front of a word (`…Python`) stays on the line it closes.
            lines.append((start, split))
            return split, cells - cell_len(text[begin:split]), []
        if text[begin] in CLOSING or text[begin - 1] in OPENING:  # the line is one unbreakable run
            start, col = _fold(text, begin, end, width, start, col, lines)
            return start, col, []
        lines.append((start, begin))
        return begin, cells, []
    start, col = _fold(text, begin, end, width, start, col, lines)
    return start, col, []


def _fold(
    text: str, begin: int, end: int, width: int, start: int, col: int, lines: list[tuple[int, int]]
) -> tuple[int, int]:
    """Fold a word wider than a line: fill the line, then whole lines, character by character,
    carrying the character before closing punctuation (or after opening) to the next line."""
    for index in range(begin, end):
        cells = get_character_cell_size(text[index])
        if col + cells > width:
            cut = _carry(text, start, index)
            lines.append((start, cut))
            start, col = cut, cell_len(text[cut:index])
        col += cells
    return start, col


def _carry(text: str, start: int, index: int) -> int:
    """Where a line from `start` that must end by `index` ends: before `index`, or before what
    kinsoku carries with it (the character before closing punctuation) as long as that splits
    no combining mark from its letter, and a tag only where CJK meets Latin in it; `index` if
    all of the line would go."""
    cut = index
    while cut > start and (
        text[cut] in CLOSING
        or text[cut - 1] in OPENING
        or get_character_cell_size(text[cut]) == 0
        or _splits_tag(text, cut, start)
    ):
        cut -= 1
    return cut if cut > start else index


def _splits_tag(text: str, index: int, start: int) -> bool:
    """Whether a break at `index` would split a tag other than where CJK meets Latin in it (a
    tag begun before the line's `start` is split already: only the line is looked at, so that
    folding a word of a million characters stays linear)."""
    if not _is_tag_character(text[index]):
        return False
    lowest = max(0, start - 1)
    hash_at = index - 1
    while hash_at >= lowest and _is_tag_character(text[hash_at]):
        hash_at -= 1
    if hash_at < lowest or text[hash_at] != "#":
        return False
    return hash_at == index - 1 or holds_wide(text[index - 1]) == holds_wide(text[index])


def _is_tag_character(char: str) -> bool:
    """Whether `char` may follow the `#` of a tag."""
    return (
        (char in GLUE or not char.isspace())
        and char != "#"
        and char not in CLOSING
        and char not in OPENING
    )


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
        else:  # nothing before the run may end the line: carry what kinsoku asks from it
            cut = _carry(text, start, index)
            lines.append((start, cut))
            start, col = cut, cell_len(text[cut:index])


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
