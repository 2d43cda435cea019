"""JSON documents read from bytes a piece at a time, in memory bounded by the largest record.

`reader list --json` prints one array of every article, and JSON tools write documents one after
another: such a file may be 256 MB, and decoding it whole makes a string of up to four times that
(one emoji makes every character of a string four bytes wide). Here the bytes are decoded a
megabyte at a time, a top-level array is read one element at a time, and a record larger than
`limits.MAX_RECORD_BYTES` is passed over without being parsed (it comes out as `Oversized`), so
the rest of the file is still read. Passing over is linear: regular expressions and C loops go
through strings, the text between them and runs of brackets, so Python takes one step per run,
not per character.
"""

from __future__ import annotations

import codecs
import json
import operator
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NoReturn

from reader.ingest.errors import ParseError
from reader.ingest.limits import text_bytes
from reader.ingest.mapped import Data, Releaser
from reader.text.sanitize import sanitize_line

CHUNK = 1024 * 1024
"""Bytes decoded at a time."""
MAX_DIGITS = 4000
"""Digits of a JSON integer read as an int; a longer one is a float (infinite): Python refuses
to read integers of more than 4,300 digits, and no field of an article needs one."""

_SPACE = re.compile(r"[ \t\r\n]*")
# Strings and anything but brackets, quotes and backslashes, as far as they go.
_RUN = re.compile(r'(?:[^"\[\]{}\\]++|"(?:[^"\\]++|\\[\s\S])*+")*+')
_STRING_REST = re.compile(r'(?:[^"\\]++|\\[\s\S])*+')
_BRACKETS = re.compile(r"[\[\]{}]++")
_SCALAR = re.compile(r"[^\s,\[\]{}\"]*")
_TITLE = re.compile(r'"title"\s*:\s*("(?:[^"\\]|\\.){0,400}")')
_DELTAS = bytearray(256)
_DELTAS[ord("[")] = _DELTAS[ord("{")] = 1
_DELTAS[ord("]")] = _DELTAS[ord("}")] = 255  # -1 as a signed byte


class Truncated(ParseError):
    """The data ends inside a value: the file was cut short (the values before it are whole)."""


@dataclass(frozen=True, slots=True)
class Oversized:
    """A record too large to be read: its size in bytes (at least) and its title if seen."""

    size: int
    title: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A top-level JSON value, or one element of a top-level array.

    `where` names it in messages (`line 3`, `line 1, item 2`); `value` is what it decoded to,
    or `Oversized`; `text` is its JSON text (for a top-level value; "" for an array element).
    """

    where: str
    value: Any
    text: str
    item: bool


def number(text: str) -> int | float:
    """A JSON integer as Python can hold it (see `MAX_DIGITS`)."""
    return int(text) if len(text) <= MAX_DIGITS else float(text)


DECODER = json.JSONDecoder(parse_int=number)
"""The JSON decoder every importer uses: an integer of any length is read without an error."""


def is_utf8(data: Data, start: int = 0) -> bool:
    """True when `data` from `start` on is UTF-8 (checked a piece at a time)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    releaser = Releaser(data)
    try:
        for offset in range(start, len(data), CHUNK):
            decoder.decode(data[offset : offset + CHUNK])
            releaser.reached(offset)
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def pieces(data: Data, start: int, first_line: int, codec: str, limit: int) -> Iterator[Piece]:
    """The JSON values of `data` from byte `start` (on line `first_line`), decoded with `codec`:
    each top-level value, except that a top-level array gives its elements one by one.

    A value or element over `limit` bytes comes out as `Oversized`. Invalid JSON raises
    `ParseError` naming its line and column.
    """
    window = _Window(data, start, first_line, codec)
    while True:
        char = window.skip_space()
        if not char:
            return
        line, _ = window.line_column(window.pos)
        if char != "[":
            value, text = _value(window, limit, keep=True)
            yield Piece(f"line {line}", value, text, item=False)
            continue
        window.pos += 1
        index = 0
        while True:
            char = window.skip_space()
            if char == "]" and index == 0:
                window.pos += 1
                break
            if not char:
                window.truncated()
            if char in ",]":
                window.fail("Expecting value")
            index += 1
            value, _ = _value(window, limit, keep=False)
            yield Piece(f"line {line}, item {index}", value, "", item=True)
            char = window.skip_space()
            if char == "]":
                window.pos += 1
                break
            if not char:
                window.truncated()
            if char != ",":
                window.fail("Expecting ',' delimiter")
            window.pos += 1


class _Window:
    """The decoded text of `data`, kept from the value being read on, with its line count."""

    def __init__(self, data: Data, start: int, first_line: int, codec: str) -> None:
        self._data = data
        self._offset = start
        self._decoder = codecs.getincrementaldecoder(codec)("replace")
        self._releaser = Releaser(data)
        # Line and column (from 1) of text[mark]: lines are counted from there on, so that
        # naming the line of each value costs the text since the last one only.
        self._mark, self._line, self._column = 0, first_line, 1
        self.text = ""
        self.pos = 0
        self.done = False

    def more(self) -> bool:
        """Decode the next piece onto the text; False when everything was decoded."""
        if self.done:
            return False
        chunk = self._data[self._offset : self._offset + CHUNK]
        self._offset += len(chunk)
        self.done = self._offset >= len(self._data)
        self.text += self._decoder.decode(chunk, self.done)
        self._releaser.reached(self._offset - CHUNK)
        return True

    def forget(self) -> None:
        """Drop the text before `pos`."""
        if not self.pos:
            return
        self._line, self._column = self.line_column(self.pos)
        self.text = self.text[self.pos :]
        self._mark = self.pos = 0

    def line_column(self, index: int) -> tuple[int, int]:
        """The line and column (from 1) of `text[index]`."""
        if index < self._mark:  # not asked for in practice: messages go forwards
            return self._line, self._column
        newlines = self.text.count("\n", self._mark, index)
        if newlines:
            line, column = self._line + newlines, index - self.text.rfind("\n", self._mark, index)
        else:
            line, column = self._line, self._column + index - self._mark
        self._mark, self._line, self._column = index, line, column
        return line, column

    def skip_space(self) -> str:
        """Move past whitespace; the next character, or "" at the end."""
        while True:
            self.pos = _end(_SPACE, self.text, self.pos)
            if self.pos < len(self.text):
                return self.text[self.pos]
            self.forget()
            if not self.more():
                return ""

    def truncated(self) -> NoReturn:
        """Raise `Truncated` for data that ends inside the value at `pos`."""
        line, _ = self.line_column(self.pos)
        raise Truncated(f"the file ends inside the record on line {line}")

    def fail(self, problem: str, index: int | None = None) -> NoReturn:
        """Raise the `ParseError` for invalid JSON at `index` (default: `pos`)."""
        line, column = self.line_column(self.pos if index is None else index)
        raise ParseError(f"line {line}, column {column}: invalid JSON: {problem}")


def _value(window: _Window, limit: int, *, keep: bool) -> tuple[Any, str]:
    """Decode the value at `window.pos`, reading on as far as it goes; `Oversized` past `limit`.
    With `keep`, its JSON text too (else "")."""
    while True:
        text, start = window.text, window.pos
        try:
            value, end = DECODER.raw_decode(text, start)
        except json.JSONDecodeError as error:
            if window.done and (
                error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
            ):
                window.truncated()
            if window.done or not _cut_short(error, text):
                window.fail(error.msg, error.pos)
        except RecursionError:
            line, _ = window.line_column(start)
            raise ParseError(f"line {line}: JSON nested too deeply") from None
        else:
            if window.done or not _may_go_on(value, text, end):
                window.pos = end
                span = end - start
                size = text_bytes(text[start:end], limit) if span > limit // 4 else span
                if size > limit:
                    return Oversized(size, record_title(text[start : start + 65536])), ""
                return value, text[start:end] if keep else ""
        # The value goes on past the text read so far: read on until the text doubles (linear
        # however large the value), or pass over it once it is too large to read.
        window.forget()
        if len(window.text) > limit:
            return _pass_over(window), ""
        wanted = min(2 * len(window.text), limit + 1)
        while len(window.text) < wanted and window.more():
            pass


def _may_go_on(value: Any, text: str, end: int) -> bool:
    """True when a number ends where the text read so far does (`-2.` may be `-2.5`)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return len(text) - end <= 2 and all(char in "0123456789.eE+-" for char in text[end:])


def _cut_short(error: json.JSONDecodeError, text: str) -> bool:
    """True when decoding failed only because the text read so far ends inside the value."""
    return error.pos >= len(text) - 16 or error.msg.startswith("Unterminated string")


def record_title(text: str) -> str:
    """The title of a record that will not be read, if its start (`text`) names one."""
    found = _TITLE.search(text, 0, 65536)
    if not found:
        return ""
    try:
        title = json.loads(found.group(1))  # a short string
    except ValueError:
        return ""
    return sanitize_line(title) if isinstance(title, str) else ""


def _pass_over(window: _Window) -> Oversized:
    """Move past the value at `window.pos` without decoding it; its size in bytes."""
    title = record_title(window.text[window.pos : window.pos + 65536])
    passed = 0  # bytes of the value already dropped from the window
    depth = 0
    in_string = False
    first = window.text[window.pos]
    if first == '"':
        in_string = True
        window.pos += 1
    elif first not in "[{":  # a bare number or word
        while True:
            window.pos = _end(_SCALAR, window.text, window.pos)
            if window.pos < len(window.text):
                return Oversized(passed + text_bytes(window.text[: window.pos], 0), title)
            passed += text_bytes(window.text, 0)
            if not _carry_on(window):
                return Oversized(passed, title)
    while True:
        text, pos = window.text, window.pos
        if in_string:
            pos = _end(_STRING_REST, text, pos)
            if pos < len(text) and text[pos] == '"':
                in_string = False
                pos += 1
                if depth == 0:
                    window.pos = pos
                    return Oversized(passed + text_bytes(text[:pos], 0), title)
                window.pos = pos
                continue
        else:
            pos = _end(_RUN, text, pos)
            if pos < len(text):
                if text[pos] == '"':  # a string that goes on past the text read so far
                    in_string = True
                    pos += 1
                elif text[pos] == "\\":  # not JSON; passed over all the same
                    pos += 1
                else:
                    brackets = _BRACKETS.match(text, pos)
                    assert brackets is not None
                    depth, end = _close(brackets.group(), depth)
                    if end >= 0:
                        window.pos = pos + end
                        return Oversized(passed + text_bytes(text[: window.pos], 0), title)
                    pos = brackets.end()
                window.pos = pos
                continue
        # The text read so far ends inside the value (perhaps at a backslash): read on.
        window.pos = pos
        passed += text_bytes(text[:pos], 0)
        if not _carry_on(window):
            window.truncated()


def _end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a match of `pattern` (which may match nothing) at `pos` ends."""
    found = pattern.match(text, pos)
    return found.end() if found else pos


def _carry_on(window: _Window) -> bool:
    """Forget what was passed over and decode more; False at the end of the data."""
    window.forget()
    return window.more()


def _close(brackets: str, depth: int) -> tuple[int, int]:
    """The depth after a run of brackets, and the offset just past the bracket that closes the
    value (-1 if none does)."""
    closes = brackets.count("]") + brackets.count("}")
    if closes < depth:  # cannot reach the bottom: counted, not walked
        return depth + len(brackets) - 2 * closes, -1
    steps = array("b", brackets.encode("ascii").translate(_DELTAS))
    try:
        index = operator.indexOf(accumulate(steps), -depth)
    except ValueError:
        return depth + sum(steps), -1
    return 0, index + 1
