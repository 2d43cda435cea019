"""Bytes to text for sources in any encoding Chinese sites use.

Order of trust: a byte-order mark, then strict UTF-8, then the declared charset, then detection
on the whole document. The gb2312/gbk family is always decoded as gb18030, its superset, because
pages declared gb2312 routinely hold GBK-only characters.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "gb_2312-80", "euc-cn", "csgb2312"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, and a warning when the result is doubtful."""

    text: str
    encoding: str
    warning: str = ""


def canonical_codec(name: str | None) -> str | None:
    """The Python codec to use for a declared charset name, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GB_FAMILY or label.startswith("gb2312"):
        return "gb18030"
    try:
        found = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if found in _GB_FAMILY else found


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data`: BOM, strict UTF-8, the declared charset, then GB18030, with replacement."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), codec)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    codec = canonical_codec(declared)
    if codec:
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return Decoded(text, "utf-8", f"{bad} bytes could not be decoded and were replaced")
