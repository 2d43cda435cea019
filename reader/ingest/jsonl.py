"""JSON Lines: one article object a line, with the fields `reader list/show --json` print.

Read: title, category (a list of names or an `a/b` string), published (ISO 8601), views, url,
author, tags, body, related, guid, and a reader's marks: read, starred, progress (saved only by
`reader import --with-state`). Ignored: id, headings, snippet and anything else. Lines are read
one at a time and drafts handed out as they are made, so a large file never holds all its
articles in memory.

What the command line prints is read too: a JSON array of articles (`reader list --json`), one
object spread over several lines (`reader show --json`), or several such documents one after
another (`jq` output). A JSON Feed document is read as its items.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from reader.ingest.dates import parse_datetime
from reader.ingest.decode import decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.jsonstream import (
    CHUNK,
    DECODER,
    Oversized,
    Truncated,
    is_utf8,
    pieces,
    record_title,
)
from reader.ingest.limits import MAX_BODY_BYTES, MAX_RECORD_BYTES
from reader.ingest.mapped import Data, Releaser, contains, head, is_mapped, map_file
from reader.ingest.notes import warn
from reader.ingest.pagetext import parse_count
from reader.models import ArticleDraft, Marks
from reader.text.sanitize import sanitize

MAX_VIEWS = 2**63 - 1
_ARRAY_START = re.compile(rb"\s*\[")
_JSON_SPACE = " \t\r\n"
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parse(data: Data, location: str, *, root: str | None = None) -> Iterator[ArticleDraft]:
    """Yield one draft per article in `data`: per non-blank line, or per JSON document.

    `location` names the file in messages; `root` is accepted like the other importers' and
    unused. Something that is not a JSON object with a title raises `ParseError("line N: ...")`
    when it is reached: the runner then rolls back the whole file. A record larger than
    `MAX_RECORD_BYTES` is skipped unread, with a warning naming it.

    An article without a URL or GUID is known by its file and title (and, for a title repeated
    in the file, its rank among them), so editing its body or metadata updates it on re-import
    instead of adding a second article.
    """
    seen: Counter[str] = Counter()
    base = "file:" + os.path.abspath(location) + "#"
    drafts = _read(data)
    del data  # held by the reader alone (which may hold a re-encoded copy instead)
    for draft in drafts:
        if not draft.guid and not draft.url:
            seen[draft.title] += 1
            rank = seen[draft.title]
            draft.guid = base + draft.title + (f"#{rank}" if rank > 1 else "")
        yield draft


def _read(raw_data: Data) -> Iterator[ArticleDraft]:
    """The drafts of a whole file, in order."""
    data: Data = raw_data
    if head(data, 4).startswith(_WIDE_BOMS):
        data = _as_utf8(raw_data)
    del raw_data
    start = len(codecs.BOM_UTF8) if head(data, 3) == codecs.BOM_UTF8 else 0
    if _ARRAY_START.match(data, start):
        yield from _documents(data, start, 1)
        return
    for number, (begin, end) in enumerate(_lines(data, start), start=1):
        where = f"line {number}"
        if end - begin > MAX_RECORD_BYTES:
            _skipped(where, end - begin, data[begin : begin + 65536])
            continue
        raw = data[begin:end]
        if not raw.strip():
            continue
        text = _decode(raw, where)
        try:
            item = DECODER.decode(text)
        except json.JSONDecodeError as error:
            at_end = error.pos >= len(text.rstrip()) or (
                error.msg.startswith("Unterminated string") and end + 2 >= len(data)
            )  # an unterminated string on the last line: a file cut short
            if at_end and text.lstrip().startswith(("{", "[")):
                # The line ends inside an object: a document spread over several lines.
                yield from _documents(data, begin, number)
                return
            raise ParseError(f"{where}, column {error.colno}: invalid JSON: {error.msg}") from None
        except RecursionError:
            raise ParseError(f"{where}: JSON nested too deeply") from None
        yield from _drafts(item, where, text)


def _documents(data: Data, start: int, first_line: int) -> Iterator[ArticleDraft]:
    """Drafts from JSON documents written one after another, each possibly over many lines.

    A document is an article object or an array of them, read an element at a time; `start` is
    the byte it starts at and `first_line` its line in the file, for messages.
    """
    codec = "utf-8"
    if not is_utf8(data, start):
        sample = bytes(data[start : start + 4 * CHUNK])
        codec = decode_bytes(sample[: sample.rfind(b"\n") + 1] or sample).encoding
        warn(f"the file is not UTF-8; read as {codec}")
    try:
        for piece in pieces(data, start, first_line, codec, MAX_RECORD_BYTES):
            if isinstance(piece.value, Oversized):
                _skipped(piece.where, piece.value.size, title=piece.value.title)
            elif piece.item:
                yield draft_from_json(piece.value, piece.where)
            else:
                yield from _drafts(piece.value, piece.where, piece.text)
    except Truncated as cut:
        warn(f"{cut}; the articles before it were read")


def _skipped(where: str, size: int, head: bytes | bytearray = b"", *, title: str = "") -> None:
    """Warn that the record at `where` (of `size` bytes, starting with `head`) was not read."""
    if head and not title:
        title = record_title(head.decode("utf-8", "replace"))
    named = f" ({_preview(title)})" if title else ""
    warn(
        f"{where}: an article{named} of {size / 1024 / 1024:.0f} MB was skipped: a record holds "
        f"at most {MAX_RECORD_BYTES // 1024 // 1024} MB (an article's text at most "
        f"{MAX_BODY_BYTES // 1024 // 1024} MB)"
    )


def _as_utf8(data: Data) -> Data:
    """UTF-16 or UTF-32 text (told by its byte-order mark) as UTF-8, converted a piece at a time;
    a mapped file into a mapped temporary file."""
    wide = "utf-32" if head(data, 4).startswith(_WIDE_BOMS[:2]) else "utf-16"
    decoder = codecs.getincrementaldecoder(wide)("replace")
    if not is_mapped(data):
        out = bytearray()
        for offset in range(0, len(data), CHUNK):
            out += decoder.decode(data[offset : offset + CHUNK]).encode("utf-8")
        out += decoder.decode(b"", True).encode("utf-8")
        return out  # a bytearray: copying it into bytes would hold it twice
    releaser = Releaser(data)
    with tempfile.TemporaryFile() as file:
        for offset in range(0, len(data), CHUNK):
            file.write(decoder.decode(data[offset : offset + CHUNK]).encode("utf-8"))
            releaser.reached(offset)
        file.write(decoder.decode(b"", True).encode("utf-8"))
        file.flush()
        return map_file(file)


def _drafts(item: Any, where: str, text: str) -> Iterator[ArticleDraft]:
    """The drafts of an article object, an array of them, or the items of a JSON Feed."""
    if isinstance(item, list):
        for index, element in enumerate(item, start=1):
            yield draft_from_json(element, f"{where}, item {index}")
        return
    version = item.get("version") if isinstance(item, dict) else None
    if (
        isinstance(version, str)
        and "jsonfeed.org/version/" in version
        and isinstance(item.get("items"), list)
    ):
        from reader.ingest.jsonfeed import read_json_feed

        for _, draft in read_json_feed(text)[2]:
            yield draft
        return
    yield draft_from_json(item, where)


def draft_from_json(item: Any, where: str) -> ArticleDraft:
    """Make a draft from one decoded JSON value; `where` (`line 3`) starts every error."""
    if not isinstance(item, dict):
        raise ParseError(f"{where}: expected a JSON object, found {_kind(item)}")
    fields = _Fields(item, where)
    title = fields.text("title")
    if not title.strip():
        problem = "has no 'title'" if "title" not in item else "has an empty 'title'"
        raise ParseError(f"{where}: the article {problem}")
    return ArticleDraft(
        title=title.strip(),
        body=fields.text("body"),
        category=fields.names("category", split="/"),
        published=fields.moment("published"),
        views=fields.count("views"),
        author=fields.author(),
        url=fields.text("url").strip(),
        guid=fields.text("guid").strip(),
        tags=fields.names("tags", split=","),
        related=fields.names("related"),
        marks=fields.marks(),
    )


class _Fields:
    """Typed reads of one object's fields; a wrong type is a `ParseError` naming the field."""

    def __init__(self, item: dict[str, Any], where: str) -> None:
        self._item = item
        self._where = where

    def _fail(self, key: str, problem: str) -> ParseError:
        return ParseError(f"{self._where}: '{key}' {problem}")

    def text(self, key: str) -> str:
        """A string field; absent or null is ''."""
        value = self._item.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._fail(key, f"must be text, not {_kind(value)}")
        return value

    def names(self, key: str, split: str | None = None) -> tuple[str, ...]:
        """A list of strings, or (with `split`) one string holding them."""
        value = self._item.get(key)
        if value is None or value == "":
            return ()
        if isinstance(value, str) and split:
            parts = value.replace("，", ",").split(split) if split == "," else value.split(split)
            return tuple(p.strip() for p in parts if p.strip())
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "must be a list of texts")
        return tuple(v.strip() for v in value if v.strip())

    def moment(self, key: str) -> datetime | None:
        """An ISO 8601 (or other readable) date-time; absent, null or '' is None."""
        value = self._item.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self._fail(key, f"must be a date in text, not {_kind(value)}")
        moment = parse_datetime(value)
        if moment is None:
            raise self._fail(key, f"is not a date: {_preview(value)}")
        return moment

    def count(self, key: str) -> int | None:
        """A non-negative whole number (`1,234` and `1.2万` also read from text)."""
        value = self._item.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, float):
            if not math.isfinite(value):  # NaN, Infinity, or an integer of thousands of digits
                raise self._fail(key, "is out of range")
            if value.is_integer():
                value = int(value)
        if isinstance(value, str):
            found = parse_count(value)
            if found is None:
                raise self._fail(key, f"is not a count: {_preview(value)}")
            value = found
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"must be a whole number, not {_kind(value)}")
        if not 0 <= value <= MAX_VIEWS:
            raise self._fail(key, "is out of range")
        return value

    def author(self) -> str:
        """The author as text; a list of names is joined with commas."""
        value = self._item.get("author")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ", ".join(v.strip() for v in value if v.strip())
        return self.text("author").strip()

    def marks(self) -> Marks | None:
        """`read`, `starred` and `progress` as `reader export --with-state` writes them; None
        when they mark nothing. A value of another type is ignored with a warning: marks are
        never a reason to refuse an article."""
        found = Marks(self._flag("read"), self._flag("starred"), self._fraction("progress"))
        return found or None

    def _flag(self, key: str) -> bool:
        value = self._item.get(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        warn(f"'{key}' must be true or false; ignored where it was not")
        return False

    def _fraction(self, key: str) -> float:
        value = self._item.get(key)
        if value is None:
            return 0.0
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            return float(value)
        warn(f"'{key}' must be a number from 0 to 1; ignored where it was not")
        return 0.0


def _lines(data: Data, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the lines of `data` from `start` on, without their CR; lines of
    CR-only files too. Offsets only: a line is not copied before its length is checked."""
    separator = b"\n" if contains(data, b"\n") or not contains(data, b"\r") else b"\r"
    releaser = Releaser(data)
    begin = start
    while begin < len(data):
        releaser.reached(begin)
        end = data.find(separator, begin)
        if end == -1:
            end = len(data)
        stop = end - 1 if end > begin and data[end - 1] == 0x0D else end
        yield begin, stop
        begin = end + 1


def _decode(raw: bytes | bytearray, where: str) -> str:
    """A line as text: UTF-8 as JSON requires, else GB18030 with a warning."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(bytes(raw))
        warn(f"{where} is not UTF-8; read as {decoded.encoding}")
        return decoded.text


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _preview(value: str) -> str:
    """A short, safe quotation of a bad value for a message."""
    shown = sanitize(value).replace("\n", " ")
    return repr(shown if len(shown) <= 40 else shown[:39] + "…")
