"""One source's bytes to what the runner saves: drafts, the source's record, and more sources.

The runner fetches or reads the bytes; this module decides what they are (a feed, an OPML list,
an HTML page, page text, Markdown, JSON Lines) and parses them. Nothing here touches the store.
"""

from __future__ import annotations

import importlib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from reader.ingest.errors import ParseError
from reader.ingest.mapped import Data
from reader.models import ArticleDraft

# File endings and the kind of source each holds. "xml" is a feed or an OPML list and "json" a
# JSON Feed or what `reader list/show --json` print, told apart by their content; "url" is
# decided once the answer is in.
KINDS_BY_SUFFIX: dict[str, str] = {
    ".txt": "pagetext",
    ".text": "pagetext",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "xml",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".json": "json",
    ".opml": "opml",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
PARSER_MODULES: dict[str, str] = {
    "pagetext": "reader.ingest.pagetext",
    "markdown": "reader.ingest.markdown",
    "jsonl": "reader.ingest.jsonl",
}
# Kinds whose sources are remembered so that `refresh` can fetch them again.
FEED = "feed"
_FEED_ROOT = re.compile(r"<(?:[\w-]+:)?(?:rss|feed|RDF|channel)\b", re.IGNORECASE)
_MB = 1024 * 1024
_FEED_TYPES = ("rss", "atom", "rdf", "feed+json", "/json", "/xml")


@dataclass(slots=True)
class Loaded:
    """What one source yielded.

    `drafts` may be a generator that parses as it goes (a parse error then surfaces while the
    drafts are saved, and the source's transaction is rolled back); `category` is where the
    drafts go, relative to the job's prefix (a feed's own name);
    `record` says whether to remember the source (kind, title, encoding, warning);
    `children` are further sources to import (the feeds of an OPML list).
    """

    kind: str
    drafts: Iterable[ArticleDraft] = ()
    category: tuple[str, ...] = ()
    record: bool = False
    title: str = ""
    encoding: str = ""
    warning: str = ""
    children: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def sniff(data: bytes, content_type: str = "") -> str:
    """The kind of a document judged by its content (and media type): opml, feed or html."""
    from reader.ingest.decode import decode_document
    from reader.ingest.jsonfeed import looks_like_json_feed
    from reader.ingest.opml import looks_like_opml
    from reader.ingest.webpage import looks_like_html

    head = decode_document(data[:8192], content_type).text
    if looks_like_opml(head):
        return "opml"
    if looks_like_json_feed(head) or _FEED_ROOT.search(head[:4096]):
        return FEED
    if looks_like_html(head):
        return "html"
    media = content_type.split(";")[0].strip().lower()
    if any(t in media for t in _FEED_TYPES):
        return FEED
    if "html" in media:
        return "html"
    return FEED


def load(
    kind: str,
    data: Data,
    location: str,
    *,
    headers: Mapping[str, str] | None = None,
    base: str = "",
    name: str = "",
    root: str | None = None,
) -> Loaded:
    """Parse `data` as `kind` ("xml", "json" and "url" are decided here by content).

    `location` names the source in messages and GUIDs; `base` is the address it was fetched from
    (relative links); `name` is the category name an OPML list gave a feed; `root` is the file
    or folder named on the command line (a Markdown file's folders below it are its category).
    A mapped file (too large to be read whole, `files.is_large`) is read as it is parsed when
    it is an RSS or Atom feed or JSON, and else refused or read whole as a smaller file is.
    """
    content_type = (headers or {}).get("content-type", "")
    if kind in ("xml", "url"):
        kind = sniff(bytes(data[:8192]), content_type)
    elif kind == "json":
        from reader.ingest.decode import decode_bytes
        from reader.ingest.jsonfeed import looks_like_json_feed

        kind = FEED if looks_like_json_feed(decode_bytes(bytes(data[:4096])).text) else "jsonl"
    if not isinstance(data, bytes):  # a mapped file
        if kind == FEED:
            return _large_feed(data, location, name)
        if kind == "jsonl":
            from reader.ingest.jsonl import parse as parse_jsonl

            return Loaded(kind, parse_jsonl(data, location))  # parsed as it is read
        data = _whole(data, kind)
    if kind == FEED:
        return _feed(data, location, headers, base, name)
    if kind == "opml":
        return _opml(data)
    if kind == "html":
        from reader.ingest.webpage import read_page

        page = read_page(data, location, headers=headers, base=base)
        return Loaded(
            "html", [page.draft], record=True, encoding=page.encoding, warning=page.warning
        )
    if kind == "markdown":
        from reader.ingest.markdown import parse as parse_markdown

        return Loaded(kind, parse_markdown(data, location, root=root))
    if kind in PARSER_MODULES:
        parse = importlib.import_module(PARSER_MODULES[kind]).parse
        return Loaded(kind, parse(data, location))  # parsed as it is read
    raise ParseError(f"unsupported kind of source ({kind})")


def _feed(
    data: bytes,
    location: str,
    headers: Mapping[str, str] | None,
    base: str,
    name: str,
) -> Loaded:
    from reader.ingest.feeds import feed_name, read_feed

    feed = read_feed(data, base or location, headers=headers, ahead=True)
    for draft in feed.drafts:
        draft.category = ()
    return Loaded(
        FEED,
        itertools.chain(feed.drafts, feed.later) if feed.later else feed.drafts,
        category=(name or feed_name(feed, location),),
        record=True,
        title=feed.title,
        encoding=feed.encoding,
    )


def _large_feed(data: Data, location: str, name: str) -> Loaded:
    """A local RSS or Atom file too large to be read whole, read a group of entries at a time."""
    from reader.ingest.feeds import feed_name
    from reader.ingest.feedstream import read_stream
    from reader.ingest.jsonfeed import looks_like_json_feed

    if looks_like_json_feed(data[:4096].decode("utf-8", "replace")):
        raise ParseError(f"JSON Feed too large ({len(data) // _MB} MB; at most 20 MB)")
    feed, drafts = read_stream(data, location)

    def uncategorised() -> Iterator[ArticleDraft]:
        for draft in drafts:
            draft.category = ()
            yield draft

    return Loaded(
        FEED,
        uncategorised(),
        category=(name or feed_name(feed, location),),
        record=True,
        title=feed.title,
        encoding=feed.encoding,
    )


def _whole(data: Data, kind: str) -> bytes:
    """A mapped file of a kind only read whole, as bytes, if it is no larger than any such."""
    from reader.ingest.limits import MAX_FILE_BYTES

    if len(data) > MAX_FILE_BYTES:
        what = {"opml": "OPML list", "html": "page"}.get(kind, "file")
        raise ParseError(
            f"{what} too large ({len(data) // _MB} MB; at most {MAX_FILE_BYTES // _MB} MB)"
        )
    return bytes(data)


def _opml(data: bytes) -> Loaded:
    from reader.ingest.opml import read_opml

    outline = read_opml(data)
    loaded = Loaded("opml", title=outline.title, refused=list(outline.refused))
    loaded.children = [(f.url, f.folders, f.title) for f in outline.feeds]
    if not outline.feeds and not outline.refused:
        raise ParseError("the OPML list holds no feeds")
    return loaded
