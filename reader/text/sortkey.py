"""Sort keys for names and titles: Chinese in pinyin order, Latin letters without case.

`sort_key` spells each run of Han characters in pinyin without tones, one syllable a word (the
reading of a character in a phrase comes from pypinyin's phrase tables: 重庆 is `chong qing`,
银行 `yin hang`), folds the rest with Unicode NFKC and case folding (full-width `Ａ` is `a`),
turns punctuation into spaces and keeps one space between words. So 阿里 < Apple < 北京 <
Beijing < 中国, as a Chinese dictionary and index order them, and a title in quotes or book
marks (《三体》) sorts by its words. A key holds at most `MAX_KEY` characters.

Keys are stored with every article (the title order is an index over them), so the key is part
of the library's format: a change here, or another version of pypinyin's tables (which is why
it is pinned), comes with a migration that computes the stored keys again.

A typical 20-character title takes about 30 µs: the pinyin of each word is remembered.
pypinyin's tables take a few hundred milliseconds to load, so they are loaded the first time a
text holds a Han character, never for a text without one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_KEY = 120
"""The longest key kept, in characters: titles that agree that far sort by their id."""

_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]+")


def sort_key(text: str) -> str:
    """The key that orders `text` among other titles or names (see the module)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words: list[str] = []
    start = 0
    for match in _HAN.finditer(folded):
        words.append(_plain(folded[start : match.start()]))
        words.extend(_pinyin(match.group()))
        start = match.end()
    words.append(_plain(folded[start:]))
    key = " ".join(" ".join(words).split())
    return (key or folded.strip())[:MAX_KEY]


def _plain(text: str) -> str:
    """`text` with each punctuation mark made a space."""
    if text.isalnum():
        return text
    return "".join(" " if unicodedata.category(c)[0] == "P" else c for c in text)


def _pinyin(run: str) -> list[str]:
    """The pinyin of a run of Han characters, word by word (pypinyin's segmentation)."""
    from pypinyin.seg.mmseg import seg

    return [_syllables(word) for word in seg.cut(run)]


@lru_cache(maxsize=65_536)
def _syllables(word: str) -> str:
    """The pinyin of a word of Han characters, without tones, a space between syllables."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))
