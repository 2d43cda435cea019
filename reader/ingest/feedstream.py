"""A local RSS or Atom file too large to be read whole (over `feeds.MAX_FEED_BYTES`), read a few
hundred entries at a time.

feedparser reads a whole document, and holds several times its size while it does. Here the file
(mapped, `reader.ingest.mapped`) is decoded a megabyte at a time and cut between entries: each
group of up to `GROUP_ENTRIES` entries (or `GROUP_CHARS` characters) becomes a small document of
its own, the feed's head (everything before its first entry: the channel's title and link) plus
the entries plus the end tags of the elements the head left open, which `feeds.read_xml` reads
exactly as it reads a small feed. Entries come out with the same fields, sanitised the same way.

The cuts are found by looking for `<item>`/`<entry>` start and end tags outside CDATA sections and
comments. As in a small feed, the head's internal DTD subset (where entity bombs are declared) is
dropped before anything parses it. An entry larger than `limits.MAX_RECORD_BYTES` is skipped with
a warning naming its place; a file that breaks off inside an entry yields the entries before it,
with a warning. Channel elements after the first entry are not seen (feeds put them first), and
entries that share a link without a GUID are told apart within their group only.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from reader.ingest import notes
from reader.ingest.decode import declared_in_document, decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.feeds import Feed, read_xml
from reader.ingest.limits import MAX_RECORD_BYTES
from reader.ingest.mapped import Data, Releaser, head
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize_line

BLOCK = 1024 * 1024
"""Bytes decoded at a time."""
HEAD_CHARS = 4 * 1024 * 1024
"""Characters before the first entry, at most (a feed's head is a few hundred)."""
GROUP_ENTRIES = 500
GROUP_CHARS = 2 * 1024 * 1024
"""Entries, and characters of them, that feedparser reads at a time."""

_TOKEN = re.compile(
    r"<!\[CDATA\[|<!--|<(?:[\w.-]+:)?(?:item|entry)(?=[\s/>])|</(?:[\w.-]+:)?(?:item|entry)\s*>",
    re.IGNORECASE,
)
_ENTRY_END = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([\w.:-]+)[^<>]*?(/?)>")
_HIDDEN = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>",
                     re.DOTALL | re.IGNORECASE)  # fmt: skip
_SUBSET = re.compile(r"(<!DOCTYPE[^\[<>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(?:<!\[CDATA\[)?([^<]{1,200})", re.IGNORECASE)
_MB = 1024 * 1024
_TOKEN_ROOM = 64
"""Characters a token may need past the text decoded so far (`<![CDATA[`, a prefixed end tag)."""


class _Text:
    """The file's text decoded a block at a time; `text` is what is kept of it so far."""

    def __init__(self, data: Data, codec: str) -> None:
        self.data = data
        self.offset = 0
        self.text = ""
        self.done = False
        self._decoder = codecs.getincrementaldecoder(codec)("replace")
        self._releaser = Releaser(data)

    def more(self) -> bool:
        """Decode the next block onto `text`; False at the end of the file."""
        if self.done:
            return False
        block = self.data[self.offset : self.offset + BLOCK]
        self.offset += len(block)
        self.done = self.offset >= len(self.data)
        self.text += self._decoder.decode(block, self.done)
        self._releaser.reached(self.offset - BLOCK)
        return True

    def drop(self, upto: int) -> None:
        """Forget the text before `upto`."""
        self.text = self.text[upto:]


def read_stream(data: Data, location: str) -> tuple[Feed, Iterator[ArticleDraft]]:
    """The feed's head as a `Feed` (title, link, version, encoding) and its entries as drafts,
    read as they are asked for; raises ParseError when the file holds no feed."""
    decoded = decode_bytes(_sample(data), declared_in_document(head(data, 4096)))
    if decoded.warning:
        notes.warn(decoded.warning)
    groups = _groups(_Text(data, decoded.encoding))
    head_text = next(groups)
    closing = _closing(head_text)
    head_text = _SUBSET.sub(r"\1>", head_text)
    first = next(groups, "")
    feed = read_xml(head_text + first + closing, decoded.encoding, "", {}, location)
    drafts = feed.drafts
    feed.drafts = []

    def entries() -> Iterator[ArticleDraft]:
        yield from drafts
        drafts.clear()
        for group in groups:
            yield from read_xml(
                head_text + group + closing, decoded.encoding, "", {}, location
            ).drafts

    return feed, entries()


def _sample(data: Data) -> bytes:
    """The start of the file, ending at a line end, to tell its encoding by."""
    sample = head(data, 256 * 1024)
    if len(sample) < len(data):
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    return sample


def _groups(source: _Text) -> Iterator[str]:
    """The head, then the text of each group of whole entries."""
    pos = 0
    in_head = True
    opened = -1  # where the entry being read starts (-1: between entries)
    count = ended = total = 0  # entries in the group, where the last ends, entries before it
    while True:
        text = source.text
        found = _TOKEN.search(text, pos)
        whole = found is not None and (source.done or found.end() + _TOKEN_ROOM <= len(text))
        if found is not None and whole and found.group().startswith("<!"):
            close = "]]>" if found.group().startswith("<![") else "-->"
            end = text.find(close, found.end())
            if end >= 0:
                pos = end + len(close)
                continue
            whole, pos = False, found.start()  # read on until it closes
        if found is None or not whole:
            if in_head and len(text) > HEAD_CHARS:
                raise ParseError(f"not a feed (no entry in its first {HEAD_CHARS // _MB} MB)")
            if opened >= 0 and len(text) - opened > MAX_RECORD_BYTES:
                if count:
                    yield text[:ended]
                total += count
                _skip(source, opened, total)
                pos = ended = count = 0
                opened = -1
                continue
            if found is None:
                pos = max(pos, len(text) - _TOKEN_ROOM)
            if source.more():
                continue
            break
        if found.group().startswith("</"):
            pos = found.end()
            if opened < 0:
                continue  # a stray end tag
            count += 1
            ended, opened = pos, -1
            if count >= GROUP_ENTRIES or ended >= GROUP_CHARS:
                yield text[:ended]
                source.drop(ended)
                total += count
                pos = ended = count = 0
            continue
        if in_head:  # the first entry: everything before it is the head
            yield text[: found.start()]
            source.drop(found.start())
            in_head = False
            pos = found.end() - found.start()
            opened = 0
            continue
        if opened < 0:
            opened = found.start()
        pos = found.end()
    if in_head:
        if len(source.text) > HEAD_CHARS:
            raise ParseError(f"not a feed (no entry in its first {HEAD_CHARS // _MB} MB)")
        yield source.text  # no entry at all: the whole document is the head
        return
    if count:
        yield source.text[:ended]
    total += count
    if opened >= 0:
        notes.warn(f"the feed ends early (inside an entry); {total:,} complete entries imported")


def _skip(source: _Text, opened: int, before: int) -> None:
    """Pass over an entry too large to read, from `opened` to its end tag (or the file's end)."""
    source.drop(opened)
    title = _TITLE.search(source.text, 0, 65536)
    named = f" ({sanitize_line(title.group(1))[:60]!r})" if title else ""
    passed = 0
    while True:
        end = _ENTRY_END.search(source.text)
        if end is not None:
            passed += end.end()
            source.drop(end.end())
            break
        keep = min(len(source.text), _TOKEN_ROOM)
        passed += len(source.text) - keep
        source.drop(len(source.text) - keep)
        if not source.more():
            passed += len(source.text)
            source.drop(len(source.text))
            break
    notes.warn(
        f"entry {before + 1:,}{named}: an entry of over {passed // _MB} MB was skipped: an entry"
        f" holds at most {MAX_RECORD_BYTES // _MB} MB"
    )


def _closing(head_text: str) -> str:
    """The end tags of the elements the head leaves open (`</channel></rss>`), innermost first."""
    open_tags: list[str] = []
    for tag in _TAG.finditer(_HIDDEN.sub("", head_text)):
        closing, name, empty = tag.groups()
        if empty:
            continue
        if not closing:
            open_tags.append(name)
        elif name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
    return "".join(f"</{name}>" for name in reversed(open_tags))
