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
import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from reader.ingest.dates import parse_datetime
from reader.ingest.decode import decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.notes import warn
from reader.ingest.pagetext import parse_count
from reader.models import ArticleDraft, Marks
from reader.text.sanitize import sanitize

MAX_VIEWS = 2**63 - 1
_ARRAY_START = re.compile(rb"\s*\[")
_JSON_SPACE = " \t\r\n"
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def parse(data: bytes, location: str, *, root: str | None = None) -> Iterator[ArticleDraft]:
    """Yield one draft per article in `data`: per non-blank line, or per JSON document.

    `location` names the file in messages; `root` is accepted like the other importers' and
    unused. Something that is not a JSON object with a title raises `ParseError("line N: ...")`
    when it is reached: the runner then rolls back the whole file.

    An article without a URL or GUID is known by its file and title (and, for a title repeated
    in the file, its rank among them), so editing its body or metadata updates it on re-import
    instead of adding a second article.
    """
    seen: Counter[str] = Counter()
    base = "file:" + os.path.abspath(location) + "#"
    for draft in _read(data):
        if not draft.guid and not draft.url:
            seen[draft.title] += 1
            rank = seen[draft.title]
            draft.guid = base + draft.title + (f"#{rank}" if rank > 1 else "")
        yield draft


def _read(data: bytes) -> Iterator[ArticleDraft]:
    """The drafts of a whole file, in order."""
    if data.startswith(_WIDE_BOMS):
        data = decode_bytes(data).text.encode("utf-8")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if _ARRAY_START.match(data):
        yield from _documents(data, 1)
        return
    for number, (start, raw) in enumerate(_lines(data), start=1):
        if not raw.strip():
            continue
        where = f"line {number}"
        text = _decode(raw, where)
        try:
            item = json.loads(text)
        except json.JSONDecodeError as error:
            if error.pos >= len(text.rstrip()) and text.lstrip().startswith(("{", "[")):
                # The line ends inside an object: a document spread over several lines.
                yield from _documents(data[start:], number)
                return
            raise ParseError(f"{where}, column {error.colno}: invalid JSON: {error.msg}") from None
        except RecursionError:
            raise ParseError(f"{where}: JSON nested too deeply") from None
        yield from _drafts(item, where, text)


def _documents(data: bytes, first_line: int) -> Iterator[ArticleDraft]:
    """Drafts from JSON documents written one after another, each possibly over many lines.

    A document is an article object or an array of them; `first_line` is the line `data`
    starts on in the file, for messages.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(data)
        warn(f"the file is not UTF-8; read as {decoded.encoding}")
        text = decoded.text
    decoder = json.JSONDecoder()
    line, counted, pos = first_line, 0, 0
    while True:
        while pos < len(text) and text[pos] in _JSON_SPACE:
            pos += 1
        if pos >= len(text):
            return
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as error:
            where = f"line {first_line + error.lineno - 1}, column {error.colno}"
            raise ParseError(f"{where}: invalid JSON: {error.msg}") from None
        except RecursionError:
            raise ParseError(f"line {line}: JSON nested too deeply") from None
        yield from _drafts(value, f"line {line}", text[pos:end])
        pos = end


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


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, line) for the lines of `data` one at a time, without CR; CR-only files too."""
    separator = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    start = 0
    while start < len(data):
        end = data.find(separator, start)
        if end == -1:
            end = len(data)
        yield start, data[start:end].rstrip(b"\r")
        start = end + 1


def _decode(raw: bytes, where: str) -> str:
    """A line as text: UTF-8 as JSON requires, else GB18030 with a warning."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(raw)
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
