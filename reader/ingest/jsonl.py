"""JSON Lines: one article object a line, with the fields `reader list/show --json` print.

Read: title, category (a list of names or an `a/b` string), published (ISO 8601), views, url,
author, tags, body, related, guid. Ignored: id, headings, snippet, read, starred and anything
else. Lines are read one at a time and drafts handed out as they are made, so a large file never
holds all its articles in memory. As a convenience a file whose first character is `[` is read as
one JSON array of such objects.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from reader.ingest.dates import parse_datetime
from reader.ingest.decode import decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.notes import warn
from reader.ingest.pagetext import parse_count
from reader.models import ArticleDraft
from reader.sanitize import sanitize

MAX_VIEWS = 2**63 - 1
_ARRAY_START = re.compile(rb"\s*\[")
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parse(data: bytes, location: str, *, root: str | None = None) -> Iterator[ArticleDraft]:
    """Yield one draft per non-blank line of `data`.

    `location` names the file in messages; `root` is accepted like the other importers' and
    unused. A line that is not a JSON object with a title raises `ParseError("line N: ...")`
    when it is reached: the runner then rolls back the whole file.
    """
    if data.startswith(_WIDE_BOMS):
        data = decode_bytes(data).text.encode("utf-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if _ARRAY_START.match(data):
        yield from _array(data)
        return
    for number, raw in enumerate(_lines(data), start=1):
        if not raw.strip():
            continue
        where = f"line {number}"
        yield draft_from_json(_load(_decode(raw, where), where), where)


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
        if isinstance(value, float) and value.is_integer():
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


def _lines(data: bytes) -> Iterator[bytes]:
    """The lines of `data` one at a time, without CR; old Mac files (CR only) too."""
    separator = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    start = 0
    while start < len(data):
        end = data.find(separator, start)
        if end == -1:
            end = len(data)
        yield data[start:end].rstrip(b"\r")
        start = end + 1


def _decode(raw: bytes, where: str) -> str:
    """A line as text: UTF-8 as JSON requires, else GB18030 with a warning."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(raw)
        warn(f"{where} is not UTF-8; read as {decoded.encoding}")
        return decoded.text


def _load(text: str, where: str) -> Any:
    """Parse one JSON document, with a one-line error for every way that fails."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        place = f"{where}, column {error.colno}" if error.lineno == 1 else f"line {error.lineno}"
        raise ParseError(f"{place}: invalid JSON: {error.msg}") from None
    except RecursionError:
        raise ParseError(f"{where}: JSON nested too deeply") from None


def _array(data: bytes) -> Iterator[ArticleDraft]:
    """Drafts from a file holding one JSON array of article objects."""
    items = _load(decode_bytes(data).text, "line 1")
    if not isinstance(items, list):
        raise ParseError("line 1: expected a JSON array of articles")
    for index, item in enumerate(items, start=1):
        yield draft_from_json(item, f"item {index}")


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
