"""File and folder names that every common file system accepts, made from titles and category
names.

A name never holds `/`, `\\`, `:`, `*`, `?`, `"`, `<`, `>`, `|` (each becomes its full-width
form, so `Python: 入门` stays readable as `Python： 入门`) nor a control character; it never
starts with a dot (hidden, and `..` would climb out of the export) nor ends with a dot or a space
(Windows drops them); Windows' reserved device names (`CON`, `nul.txt`, `COM1`, ...) get a `_`
in front; and it is cut to a number of bytes of UTF-8, well inside the 255 bytes of ext4 and
APFS and the 255 UTF-16 units of NTFS, even once macOS decomposes it. Names are compared for
uniqueness as a case-insensitive file system does (case folded, Unicode normalised).
"""

from __future__ import annotations

import re
import unicodedata

from reader.text.sanitize import sanitize_line

MAX_NAME_BYTES = 120
"""Bytes of UTF-8 for the part of a name made from a title or category name."""

_FULL_WIDTH = str.maketrans(
    {
        "/": "／",
        "\\": "＼",
        ":": "：",
        "*": "＊",
        "?": "？",
        '"': "＂",
        "<": "＜",
        ">": "＞",
        "|": "｜",
    }
)
# Control characters (sanitising keeps tab and newline), surrogates, and the two noncharacters
# U+FFFE and U+FFFF that some tools cannot store.
_UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$", re.IGNORECASE)


def safe_name(text: str, *, fallback: str = "untitled", max_bytes: int = MAX_NAME_BYTES) -> str:
    """`text` as a name fit for any file system (see the module's notes); `fallback` when
    nothing of it is left."""
    name = unicodedata.normalize("NFC", sanitize_line(text)).translate(_FULL_WIDTH)
    name = " ".join(_UNWANTED.sub("", name).split())
    name = _cut(name.lstrip(". "), max_bytes).rstrip(". ")
    if not name:
        name = fallback
    if _RESERVED.match(name):
        name = "_" + name
    return name


def name_key(name: str) -> str:
    """What two names must differ in to be two files on a case-insensitive file system."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def _cut(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")
