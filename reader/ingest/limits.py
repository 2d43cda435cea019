"""How large one article may be, and what happens to a larger one: it is cut, with a warning.

An import's memory grows with its largest article, not with its file: the search index terms of a
text take 10 to 80 times its size while they are built and written. So every article, whatever
its source, is held to these limits before it is saved: a longer body keeps its first
`MAX_BODY_BYTES` (cut at a paragraph or line end), a longer title or name is cut, and tags,
related titles and category levels past their number are dropped. Each article cut gets one
warning line naming it and what was cut; past a few in one source, the rest are counted.

Parsers use `cut_text` and `cut_bytes` to stop early: a single-article file is read only as far
as `MAX_BODY_BYTES`, and a JSON Lines record larger than `MAX_RECORD_BYTES` is skipped unread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from reader.ingest.notes import warn
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize_line

MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest local file read whole; a larger feed or JSON file is read as it is parsed
(`files.is_large`), anything else is refused."""
MAX_BODY_BYTES = 4 * 1024 * 1024
"""An article's text, in bytes of UTF-8 (a long novel fits; a dump of a whole site does not)."""
MAX_RECORD_BYTES = 4 * MAX_BODY_BYTES
"""One JSON record (escapes such as `\\u4e2d` take six bytes for a character of three)."""
MAX_TITLE = 500
"""Characters of a title."""
MAX_NAME = 200
"""Characters of an author, a tag, a category name or a related title."""
MAX_TAGS = 100
MAX_RELATED = 50
MAX_DEPTH = 16
"""Levels of a category path."""
MAX_LINK = 8192
"""Characters of a URL; a longer one is dropped (a cut address would lead elsewhere)."""
MAX_GUID = 1024
"""Characters of a GUID; a longer one is replaced by its hash, which identifies it as well."""
NAMED_CUTS = 3
"""Articles named in a warning each, per source; the others cut are counted in one more line."""

_MB = 1024 * 1024


def capped(drafts: Iterable[ArticleDraft], *, file_bytes: int = 0) -> Iterator[ArticleDraft]:
    """Each draft held to the limits (see `cap`); `file_bytes` is the size of a single-article
    file of which only the first `MAX_BODY_BYTES` were read (0 when it was read whole)."""
    cut = 0
    for draft in drafts:
        cuts = cap(draft)
        if file_bytes:
            cuts.insert(0, f"only its first {_size(MAX_BODY_BYTES)} were read (the file is "
                        f"{_size(file_bytes)})")  # fmt: skip
            file_bytes = 0
        if cuts:
            cut += 1
            if cut <= NAMED_CUTS:
                warn(f"article {_name(draft.title)} was cut: {'; '.join(cuts)}")
        yield draft
    if cut > NAMED_CUTS:
        warn(f"{cut - NAMED_CUTS} more articles were cut to the limits of an article")


def cap(draft: ArticleDraft) -> list[str]:
    """Hold `draft` to the limits, in place; what was cut, one phrase each (empty if nothing)."""
    cuts: list[str] = []
    size = text_bytes(draft.body, MAX_BODY_BYTES)
    if size > MAX_BODY_BYTES:
        draft.body = cut_text(draft.body, MAX_BODY_BYTES)
        cuts.append(
            f"its text is {_size(size)}, of which the first {_size(MAX_BODY_BYTES)} were kept"
        )
    if len(draft.title) > MAX_TITLE:
        cuts.append(f"its title of {len(draft.title):,} characters was cut to {MAX_TITLE}")
        draft.title = _cut_line(draft.title, MAX_TITLE)
    if len(draft.author) > MAX_NAME:
        cuts.append(f"its author of {len(draft.author):,} characters was cut to {MAX_NAME}")
        draft.author = _cut_line(draft.author, MAX_NAME)
    draft.tags, phrase = _names(draft.tags, MAX_TAGS, "tags")
    cuts += phrase
    draft.related, phrase = _names(draft.related, MAX_RELATED, "related titles")
    cuts += phrase
    draft.category, phrase = _names(draft.category, MAX_DEPTH, "category levels")
    cuts += phrase
    if len(draft.url) > MAX_LINK:
        cuts.append(f"its link of {len(draft.url):,} characters was dropped")
        draft.url = ""
    if len(draft.guid) > MAX_GUID:
        # A GUID only identifies: its hash does so as well, and stays the same on re-import.
        digest = hashlib.sha256(draft.guid.encode("utf-8", "surrogatepass")).hexdigest()
        draft.guid = "sha256:" + digest
    return cuts


def text_bytes(text: str, enough: int) -> int:
    """The size of `text` in bytes of UTF-8: exact when it exceeds `enough`, else a figure that
    does not (a short text is not encoded just to be measured)."""
    if len(text) * 4 <= enough:
        return len(text)
    step = 1024 * 1024  # in pieces: a text of 250 MB is never encoded whole at once
    pieces = (text[i : i + step] for i in range(0, len(text), step))
    return sum(len(piece.encode("utf-8", "replace")) for piece in pieces)


def cut_text(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` bytes of UTF-8, ending at a paragraph end (or
    else a line end) when there is one in its last quarter."""
    head = text[:limit].encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")
    floor = len(head) * 3 // 4
    for mark in ("\n\n", "\n"):
        end = head.rfind(mark, floor)
        if end > 0:
            return head[:end]
    return head


def cut_bytes(data: bytes, limit: int) -> bytes:
    """The start of `data` within `limit` bytes, ending at a line end when there is one in its
    last quarter, else never inside a UTF-8 character."""
    if len(data) <= limit:
        return data
    end = data.rfind(b"\n", limit * 3 // 4, limit)
    if end > 0:
        return data[: end + 1]
    end = limit
    while end > limit - 4 and data[end] & 0xC0 == 0x80:
        end -= 1
    return data[:end]


def _names(names: tuple[str, ...], most: int, what: str) -> tuple[tuple[str, ...], list[str]]:
    """At most `most` names, each at most `MAX_NAME` characters; what was cut."""
    cuts: list[str] = []
    if len(names) > most:
        cuts.append(f"{len(names):,} {what}, of which the first {most} were kept")
        names = names[:most]
    if any(len(n) > MAX_NAME for n in names):
        cuts.append(f"{what} longer than {MAX_NAME} characters were cut")
        names = tuple(_cut_line(n, MAX_NAME) for n in names)
    return names, cuts


def _cut_line(text: str, most: int) -> str:
    return text[: most - 1].rstrip() + "…" if len(text) > most else text


def _name(title: str) -> str:
    """A short, safe quotation of a title for a warning."""
    shown = sanitize_line(title[:200])
    return repr(shown if len(shown) <= 60 else shown[:59] + "…")


def _size(count: int) -> str:
    """A size for people: `4 MB`, `250 MB`, `1.5 MB`."""
    megabytes = count / _MB
    if megabytes >= 10 or megabytes.is_integer():
        return f"{megabytes:.0f} MB"
    return f"{megabytes:.1f} MB"
