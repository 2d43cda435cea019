"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF and JSON Feed documents to article drafts.

The bytes are decoded here, not by feedparser (which mis-decodes GB18030 with a few bad bytes as
ISO-8859-9, HOSTILE.md E): the text is re-encoded as UTF-8 with the XML declaration rewritten to
say so, and handed to feedparser as a stream (a bytes string would be taken as a file name).
feedparser strips entity declarations and never fetches external ones, so XXE and entity bombs
are not expanded. A document feedparser finds no feed in (an HTML page, an empty file) is "not a
feed"; a truncated one yields its complete entries and a warning.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

from reader.ingest import notes
from reader.ingest.decode import charset_from_content_type, declared_in_document, decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.helper import can_help, in_order
from reader.ingest.htmlmd import html_to_markdown, html_to_text, safe_link
from reader.ingest.jsonfeed import looks_like_json_feed, read_json_feed
from reader.ingest.rssfast import MAX_PARSED_TAGS, read_plain_rss
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize, sanitize_line
from reader.text.urls import is_web_url, normalize_url

MAX_FEED_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 10_000
# Converting entries is the slow part of a huge feed; past this, the rest is skipped with a warning.
CONVERT_SECONDS = 60.0
NAME_LENGTH = 80
AHEAD_ENTRIES = 1000
"""A local feed of more entries is converted `GROUP_ENTRIES` at a time in a helper process
(`helper.in_order`) while the writer saves the groups before (`Feed.later`)."""
GROUP_ENTRIES = 250

_XML_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?)\bencoding\s*=\s*([\"'])[^\"']*\2", re.IGNORECASE)
# An internal DTD subset: where entity bombs are declared. Nothing in a real feed needs one.
# Its start and its end are looked for apart, each once: one pattern for both would look for
# the end again from every `<!DOCTYPE [` of a document that has none.
_SUBSET_START = re.compile(r"<!DOCTYPE[^\[<>]*\[", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_ITEM_END = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


@dataclass(slots=True)
class Feed:
    """A parsed feed: its own title and link, its entries as drafts, and how it was decoded."""

    title: str
    link: str
    drafts: list[ArticleDraft] = field(default_factory=list)
    encoding: str = "utf-8"
    version: str = ""
    later: Iterable[ArticleDraft] = ()
    """The entries after `drafts`, converted as they are asked for (`ahead`)."""


def read_feed(
    data: bytes, location: str, *, headers: Mapping[str, str] | None = None, ahead: bool = False
) -> Feed:
    """Parse a feed document; raises ParseError("not a feed ...") when it holds none.

    `location` is where the bytes came from (a URL resolves relative links); `headers` are the
    HTTP response headers, whose charset outranks the document's own declaration. With `ahead`,
    the entries of a large plain local feed are left in `Feed.later`, converted in a helper
    process as they are asked for.
    """
    if len(data) > MAX_FEED_BYTES:
        raise ParseError(f"feed too large ({len(data) // (1024 * 1024)} MB)")
    if not data.strip():
        raise ParseError("not a feed (empty)")
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    decoded = decode_bytes(
        data, [charset_from_content_type(lowered.get("content-type")), declared_in_document(data)]
    )
    if decoded.warning:
        notes.warn(decoded.warning)
    base = _base(location, lowered.get("content-location"))
    if looks_like_json_feed(decoded.text):
        title, link, items = read_json_feed(decoded.text)
        feed = Feed(title, link, encoding=decoded.encoding, version="json")
        feed.drafts = _finish([d for _item, d in items], feed, location)
        return feed
    return read_xml(decoded.text, decoded.encoding, base, lowered, location, ahead=ahead)


def feed_name(feed: Feed, location: str) -> str:
    """The category name for a feed: its title, else its site's host, else the file's name."""
    name = feed.title
    if not name:
        for url in (feed.link, location):
            if is_web_url(url):
                host = (urlsplit(url).hostname or "").lower()
                name = host.removeprefix("www.")
                break
    if not name:
        name = PurePath(location).stem
    # A `/` would split the name when the category path is typed on the command line.
    name = sanitize_line(name).replace("/", "／")
    return name[:NAME_LENGTH].strip() or "Feed"


def parse(data: bytes, location: str) -> list[ArticleDraft]:
    """The entries of a feed file as drafts in a category named after the feed."""
    feed = read_feed(data, location)
    name = feed_name(feed, location)
    for draft in feed.drafts:
        draft.category = (name,)
    return feed.drafts


def _base(location: str, content_location: str | None) -> str:
    """The URL relative links are resolved against: Content-Location, else the document's URL."""
    if not is_web_url(location):
        return content_location if content_location and is_web_url(content_location) else ""
    if content_location:
        joined = urljoin(location, content_location)
        return joined if is_web_url(joined) else location
    return location


def read_xml(
    text: str,
    encoding: str,
    base: str,
    headers: Mapping[str, str],
    location: str,
    *,
    ahead: bool = False,
) -> Feed:
    """An RSS or Atom document, decoded, as a feed (`feedstream` reads a large one through this
    a few hundred entries at a time)."""
    import feedparser

    _bound_tags(feedparser)

    text = _without_internal_subset(text)
    utf8 = _XML_DECLARATION.sub(r"\1encoding=\2utf-8\2", text, count=1).encode("utf-8")
    response = {"content-type": "application/xml; charset=utf-8"}
    if base:
        response["content-location"] = base
    if headers.get("content-language"):
        response["content-language"] = headers["content-language"]
    plain = None if base else read_plain_rss(utf8)
    if plain is not None:
        meta, entries = plain
        return _feed_of(meta, entries, "rss20", encoding, base, location, ahead=ahead)
    # feedparser's own HTML sanitizer is quadratic in unclosed comments (`<!--` a few thousand
    # times takes minutes); `htmlmd` cleans what is kept anyway, in time linear in its size.
    result = feedparser.parse(io.BytesIO(utf8), response_headers=response, sanitize_html=False)
    entries = list(result.get("entries") or [])
    version = result.get("version") or ""
    if not version and not entries:
        what = "an HTML page" if re.search(r"<html[\s>]", text[:4096], re.I) else "no RSS or Atom"
        raise ParseError(f"not a feed ({what})")
    if result.get("bozo"):
        entries = _complete_entries(result.get("bozo_exception"), entries, text)
    return _feed_of(result.get("feed") or {}, entries, version, encoding, base, location)


def _feed_of(
    meta: Mapping[str, Any],
    entries: list[Any],
    version: str,
    encoding: str,
    base: str,
    location: str,
    *,
    ahead: bool = False,
) -> Feed:
    """The feed of feedparser's (or `rssfast`'s) feed fields and entries."""
    feed = Feed(
        title=_plain(meta, "title"),
        link=safe_link(meta.get("link")),
        encoding=encoding,
        version=version,
    )
    if len(entries) > MAX_ENTRIES:
        notes.warn(f"the feed has {len(entries)} entries; only the first {MAX_ENTRIES} were read")
        entries = entries[:MAX_ENTRIES]
    if ahead and len(entries) > AHEAD_ENTRIES and can_help():
        feed.later = _converted(entries, feed, base, location)
        return feed
    deadline = time.monotonic() + CONVERT_SECONDS
    drafts: list[ArticleDraft] = []
    for index, entry in enumerate(entries):
        if time.monotonic() > deadline:
            notes.warn(f"converting entries took too long; {len(entries) - index} were skipped")
            break
        drafts.append(_entry_draft(entry, base))
    feed.drafts = _finish(drafts, feed, location)
    return feed


def _bound_tags(feedparser: Any) -> None:
    """Make feedparser keep at most `MAX_PARSED_TAGS` tags per entry, in linear time.

    feedparser (6.0) compares each new tag of an entry with every tag before it
    (`_FeedParserMixin._add_tag`), so an entry of thousands of `<category>` elements, or one
    `<itunes:keywords>` of thousands of words, takes time quadratic in their number (20,000 took
    40 s; a 20 MB feed of them, hours). Past the bound, further tags are not even compared. A
    feedparser without that method is left as it is.
    """
    mixin: Any = getattr(getattr(feedparser, "mixin", None), "_FeedParserMixin", None)
    original = getattr(mixin, "_add_tag", None)
    if original is None or getattr(original, "bounded", False):
        return

    def add_tag(parser: Any, term: Any, scheme: Any, label: Any) -> None:
        tags = parser._get_context().get("tags")
        if tags is None or len(tags) < MAX_PARSED_TAGS:
            original(parser, term, scheme, label)

    add_tag.bounded = True  # type: ignore[attr-defined]
    mixin._add_tag = add_tag


def _without_internal_subset(text: str) -> str:
    """Drop a DOCTYPE's internal subset, so that no declared entity is ever expanded."""
    head = text[:65536]
    start = _SUBSET_START.search(head)
    end = _SUBSET_END.search(head, start.end()) if start else None
    if start is None or end is None:
        return text
    return head[: start.start()] + head[end.end() :] + text[65536:]


def _complete_entries(error: Any, entries: list[Any], text: str) -> list[Any]:
    """Keep the entries a malformed or truncated document closed before it broke off."""
    if not isinstance(error, SAXParseException):
        return entries
    line = error.getLineNumber() or 0
    message = error.getMessage()
    at_end = line >= text.rstrip().count("\n") + 1 or message == "no element found"
    if at_end:
        closed = len(_ITEM_END.findall(text))
        if closed < len(entries):
            entries = entries[:closed]
        notes.warn(f"the feed ends early ({message}); {len(entries)} complete entries imported")
    else:
        notes.warn(f"the feed is malformed (line {line}: {message}); read leniently")
    return entries


def _converted(entries: list[Any], feed: Feed, base: str, location: str) -> Iterator[ArticleDraft]:
    """The entries converted a group at a time in a helper process, as `_finish` would leave
    them (the links that entries without GUIDs share are found first)."""
    shared = Counter(
        normalize_url(link)
        for link, entry in ((_entry_link(e, base), e) for e in entries)
        if link and not sanitize_line(entry.get("id") or "")
    )
    repeated = frozenset(url for url, count in shared.items() if count > 1)
    head = Feed(feed.title, feed.link)
    groups = (
        _Group(entries[start : start + GROUP_ENTRIES], head, base, location, repeated)
        for start in range(0, len(entries), GROUP_ENTRIES)
    )
    deadline = time.monotonic() + CONVERT_SECONDS
    done = 0
    for warnings, drafts in in_order(groups, _convert_group):
        for warning in warnings:
            notes.warn(warning)
        yield from drafts
        done += len(drafts)
        if time.monotonic() > deadline and done < len(entries):
            notes.warn(f"converting entries took too long; {len(entries) - done} were skipped")
            return


class _Group(NamedTuple):
    entries: list[Any]
    feed: Feed
    base: str
    location: str
    repeated: frozenset[str]


def _convert_group(group: _Group) -> tuple[list[str], list[ArticleDraft]]:
    """One group of entries as drafts (in the helper), and the warnings on the way."""
    with notes.collect() as warnings:
        drafts = [_entry_draft(entry, group.base) for entry in group.entries]
        _finish(drafts, group.feed, group.location, group.repeated)
    return warnings, drafts


def _entry_link(entry: Mapping[str, Any], base: str) -> str:
    link = safe_link(entry.get("link"), base)
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate":
                link = safe_link(candidate.get("href"), base)
                if link:
                    break
    return link


def _entry_draft(entry: Mapping[str, Any], base: str) -> ArticleDraft:
    link = _entry_link(entry, base)
    return ArticleDraft(
        title=_plain(entry, "title"),
        body=_body(entry, link or base),
        published=_moment(entry),
        author=_author(entry),
        url=link,
        guid=sanitize_line(entry.get("id") or ""),
        tags=tuple(
            t
            for t in (
                sanitize_line(tag.get("term") or tag.get("label"))
                for tag in entry.get("tags") or []
            )
            if t
        ),
    )


def _plain(container: Mapping[str, Any], key: str) -> str:
    """A text construct (title) as plain text, whatever markup type it was given in."""
    value = container.get(key) or ""
    kind = (container.get(f"{key}_detail") or {}).get("type") or "text/plain"
    # Other types (base64 `application/octet-stream`) carry whatever the publisher put in them.
    if kind in _HTML_TYPES or (kind != "text/plain" and re.search(r"<[A-Za-z/]", value)):
        return html_to_text(value)
    return sanitize_line(value)


def _body(entry: Mapping[str, Any], base: str) -> str:
    """The fullest content of an entry (content, else summary) as Markdown."""
    chosen: Mapping[str, Any] | None = None
    for content in entry.get("content") or []:
        if content.get("value") and (chosen is None or content.get("type") in _HTML_TYPES):
            chosen = content
    if chosen is None and entry.get("summary"):
        chosen = entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"}
    if not chosen:
        return ""
    value = chosen.get("value") or ""
    if chosen.get("type") in _HTML_TYPES:
        return html_to_markdown(value, base)
    return sanitize(value).strip()


def _moment(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: feedparser's own lookup maps `published_parsed` to `updated_parsed` with a
        # DeprecationWarning; the order here already does that.
        parsed = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _author(entry: Mapping[str, Any]) -> str:
    detail = entry.get("author_detail") or {}
    return sanitize_line(detail.get("name") or entry.get("author") or "")


def _finish(
    drafts: list[ArticleDraft],
    feed: Feed,
    location: str,
    repeated: Container[str] | None = None,
) -> list[ArticleDraft]:
    """Give every draft a title and a GUID that cannot collide with another feed's.

    `repeated`: the links more than one entry without a GUID has (of these drafts, if not given).
    """
    scope = feed.link or location
    # Old blog engines link entries as fragments of one archive page (`archive.html#123`); the
    # store's URL key drops fragments, so such entries are told apart by their full link.
    if repeated is None:
        shared = Counter(normalize_url(d.url) for d in drafts if d.url and not d.guid)
        repeated = {url for url, count in shared.items() if count > 1}
    for draft in drafts:
        if not draft.guid and draft.url and normalize_url(draft.url) in repeated:
            draft.guid = draft.url
        if draft.guid and ":" not in draft.guid:
            # Bare ids ("42") are unique only within their feed.
            draft.guid = f"{scope}#{draft.guid}"
        if not draft.title:
            draft.title = _fallback_title(draft, feed)
    return drafts


def _fallback_title(draft: ArticleDraft, feed: Feed) -> str:
    for line in draft.body.splitlines():
        text = sanitize_line(re.sub(r"[#>*_`\[\]()!|-]+", " ", line))
        if text:
            return text[:60] + ("…" if len(text) > 60 else "")
    if draft.url:
        return draft.url
    when = f" {draft.published:%Y-%m-%d}" if draft.published else ""
    return f"{feed.title or 'Untitled'}{when}"
