"""Bytes to text for sources in any encoding Chinese sites use.

Order of trust: a byte-order mark, then strict UTF-8, then the declared charsets (HTTP header
first, then the XML declaration or `<meta>`), then detection on the whole document. The
gb2312/gbk family is always decoded as gb18030, its superset, because pages declared gb2312
routinely hold GBK-only characters. A result full of Private Use Area characters or replacement
characters is what a wrong codec produces (Big5 bytes read as GBK decode "successfully" into PUA
garbage), so such a decode is retried with other codecs and, if still doubtful, kept with a
warning.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# `<?` or `<` followed by a letter, in UTF-16/32 without a byte-order mark (XML 1.0 appendix F).
_BOMLESS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "gb_2312-80", "euc-cn", "csgb2312"}
# Declared charsets whose real-world bytes often use a vendor superset of the named codec.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "big5": ("big5", "cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "shift_jis": ("shift_jis", "cp932"),
    "euc_jp": ("euc_jp", "cp932"),
    "euc_kr": ("euc_kr", "cp949"),
    "latin-1": ("cp1252", "latin-1"),
    "iso8859-1": ("cp1252", "latin-1"),
    "ascii": ("cp1252", "latin-1"),
}
_CHINESE_ORDER = ("big5", "gb18030")
_CHINESE = frozenset({"gb18030", "big5", "cp950", "big5hkscs"})
# Codecs tried when neither the declaration nor detection gives a clean result.
_RETRY = ("gb18030", "big5hkscs", "utf-8", "shift_jis", "euc_kr")

_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']?([A-Za-z0-9._:-]+)""")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_DOUBTFUL = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff]")
# How far into a document an in-document charset declaration is looked for.
SNIFF_BYTES = 4096


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


def charset_from_content_type(value: str | None) -> str | None:
    """The `charset` parameter of an HTTP Content-Type header value, if any."""
    if not value:
        return None
    found = _CONTENT_TYPE_CHARSET.search(value)
    return found.group(1) if found else None


def declared_in_document(data: bytes) -> str | None:
    """The charset a document declares about itself: its XML declaration, else a `<meta>`."""
    head = data[:SNIFF_BYTES]
    found = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def badness(text: str) -> int:
    """How many replacement and Private Use Area characters a decode produced."""
    return len(_DOUBTFUL.findall(text))


def is_doubtful(text: str) -> bool:
    """True when `text` looks like the output of a wrong codec.

    A few PUA characters are legitimate (GB18030-2000 maps some rare characters there), so the
    test is a share of the non-ASCII text, not a single occurrence.
    """
    bad = badness(text)
    if not bad:
        return False
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    return bad >= 16 or bad > wide * 0.01


def decode_bytes(
    data: bytes,
    declared: str | Sequence[str | None] | None = None,
    *,
    assumed: str | None = None,
) -> Decoded:
    """Decode `data`: BOM, strict UTF-8, the declared charsets in order, then detection.

    `declared` is one charset name or several, most trusted first (the HTTP header before the
    document's own declaration). `assumed` is the charset a kind of file usually has when it
    declares none (tried after the declared ones). Never raises: the last resort decodes with
    replacement characters and says so in `warning`.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _lenient(data, codec)
    for prefix, codec in _BOMLESS:
        if data.startswith(prefix):
            return _lenient(data, codec)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    names = [declared] if isinstance(declared, str) or declared is None else list(declared)
    exact = _expand([canonical_codec(n) for n in [*names, assumed]], variants=False)
    shown = next((n for n in names if canonical_codec(n)), None)
    for codec in exact:
        text = _strict(data, codec)
        if text is not None and not is_doubtful(text):
            return Decoded(text, codec)
    detected = _detect(data)
    # The declared codec's vendor supersets come after detection: a superset that accepts the
    # bytes (big5hkscs accepts much GBK) is weaker evidence than a detector reading the whole text.
    expected = _family(exact)
    order = [detected, *exact]
    if expected & _CHINESE and detected not in _CHINESE:
        # A Chinese site that declares the wrong Chinese codec still writes Chinese: Big5 bytes
        # declared gb2312 are Big5, not the Korean johab a detector may read in them.
        order = [*exact, *_CHINESE_ORDER, detected]
    for codec in _expand(order):
        text = _strict(data, codec)
        if text is not None and not is_doubtful(text):
            surprise = codec not in expected
            return Decoded(text, codec, _surprise(codec, shown, assumed) if surprise else "")
    return _best_effort(data, exact, detected, declared_name=shown, assumed=assumed)


def _surprise(codec: str, declared: str | None, assumed: str | None) -> str:
    """The warning for text decoded with a codec other than the one declared or assumed."""
    if declared:
        return f"declared {declared} but decoded as {codec}"
    if assumed:
        return f"neither UTF-8 nor {assumed.upper()}: decoded as {codec}"
    return ""


def decode_document(data: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched or saved document using its HTTP charset, then its own declaration."""
    return decode_bytes(data, [charset_from_content_type(content_type), declared_in_document(data)])


def _lenient(data: bytes, codec: str) -> Decoded:
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    if bad:
        return Decoded(text, codec, f"{bad} characters could not be decoded as {codec}")
    return Decoded(text, codec)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _expand(codecs_: Sequence[str | None], *, variants: bool = True) -> list[str]:
    """Each codec (followed by its vendor supersets), without repeats or unknowns."""
    found: list[str] = []
    for codec in codecs_:
        family = _VARIANTS.get(codec or "", (codec,)) if variants else (codec,)
        for variant in family:
            if variant and variant not in found:
                found.append(variant)
    return found


def _family(codecs_: Sequence[str]) -> set[str]:
    """The codecs and their vendor supersets: decoding with any of them is no surprise."""
    return set(_expand(codecs_))


def _detect(data: bytes) -> str | None:
    """The codec charset-normalizer picks for the whole document, gb2312/gbk mapped to gb18030."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return canonical_codec(best.encoding)


def _best_effort(
    data: bytes,
    wanted: list[str],
    detected: str | None,
    *,
    declared_name: str | None,
    assumed: str | None,
) -> Decoded:
    """Decode with every plausible codec and keep the least damaged result, with a warning."""
    candidates = _expand([*wanted, detected, *_RETRY])
    scored: list[tuple[int, int, str, str]] = []
    for rank, codec in enumerate(candidates):
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            continue
        scored.append((badness(text), rank, codec, text))
    bad, _rank, codec, text = min(scored)
    if bad == 0:
        surprise = bool(declared_name) or codec not in _family(wanted)
        return Decoded(text, codec, _surprise(codec, declared_name, assumed) if surprise else "")
    return Decoded(
        text,
        codec,
        f"doubtful decoding: {bad} characters could not be decoded as {codec}"
        + (f" (declared {declared_name})" if declared_name else ""),
    )
