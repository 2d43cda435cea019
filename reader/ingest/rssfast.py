"""A plain RSS 2.0 document read with lxml into the entries feedparser would have made of it.

feedparser reads a document an element at a time through Python handlers, several times slower
than the rest of an import. Most local feeds are plain RSS 2.0: a channel of items holding a
title, a link, a GUID, a date, an author, categories and an HTML description or
`content:encoded`. `read_plain_rss` reads such a document with lxml and builds, for each item,
the fields `feeds` reads from feedparser's entries, the same values by the same rules
(`feedparser.mixin._FeedParserMixin.pop`: stripped; UTF-8 mis-read as Latin-1 repaired;
Windows-1252 code points mapped; links and permalink GUIDs joined as feedparser joins them;
titles holding markup typed as HTML; authors split from their e-mail; dates by feedparser's own
parser; categories with the same de-duplication and bound).

Anything else gives None, and feedparser reads the document as before: a parse error, a DOCTYPE
(where entities are declared), `xml:base`, an element or attribute outside the few above, an
element holding elements, an item without exactly one non-empty link, or a field given twice.
It is only used without a base URL (local files): feedparser would resolve relative links
inside the HTML against one, and does nothing with them without one.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import lxml.etree

_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Item children feedparser keeps nothing of that `feeds` reads (when the item has a link).
_ITEM_IGNORED = frozenset(
    {
        "comments",
        "enclosure",
        "{http://wellformedweb.org/CommentAPI/}commentRss",
        "{http://purl.org/rss/1.0/modules/slash/}comments",
    }
)
_ITEM_SINGLE = frozenset(
    {"title", "link", "guid", "pubDate", "description", "author", _DC + "creator", _DC + "date",
     _CONTENT}
)  # fmt: skip
# Channel children that set nothing of the feed's title and link.
_CHANNEL_IGNORED = frozenset(
    {"description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
     "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image", "rating",
     "skipHours", "skipDays", "{http://purl.org/rss/1.0/modules/syndication/}updatePeriod",
     "{http://purl.org/rss/1.0/modules/syndication/}updateFrequency"}
)  # fmt: skip
MAX_PARSED_TAGS = 1000
"""Tags of an entry read from a feed (an article keeps fewer: `limits.MAX_TAGS`)."""
_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)
_WINDOWS = re.compile("[\x80-\x9f]")
_LINK_REFERENCE = re.compile("&([A-Za-z0-9_]+);")


class _NotPlain(Exception):
    """The document is not one `read_plain_rss` reads: feedparser reads it."""


def read_plain_rss(document: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The feed's own fields and its entries, as feedparser's `feed` and `entries` would hold
    them for what `feeds` reads; None when the document is not plain RSS 2.0."""
    if b"<!DOCTYPE" in document[:4096] or b"xml:base" in document:
        return None
    try:
        root = lxml.etree.fromstring(document, _PARSER)
        if root.tag != "rss" or root.get("version") != "2.0" or len(root) != 1:
            return None
        channel = root[0]
        if channel.tag != "channel" or channel.attrib:
            return None
        meta: dict[str, Any] = {}
        entries: list[dict[str, Any]] = []
        for child in channel:
            tag = child.tag
            if tag == "item":
                entries.append(_entry(child))
            elif tag == "title":
                _plain_element(child)
                if not meta.get("title"):
                    _titled(meta, "title", child.text)
            elif tag == "link":
                _plain_element(child)
                link = _join(_value(child.text, strip_only=True))
                meta["link"] = _LINK_REFERENCE.sub(r"&\g<1>", _repair(link))
            elif tag == _ATOM_LINK:
                if child.get("rel") in (None, "alternate") or len(child):
                    return None
            elif tag not in _CHANNEL_IGNORED:
                return None
    except (lxml.etree.XMLSyntaxError, _NotPlain, ValueError):
        return None
    return meta, entries


def _entry(item: Any) -> dict[str, Any]:
    if item.attrib:
        raise _NotPlain
    entry: dict[str, Any] = {}
    tags: list[dict[str, Any]] = []
    seen: set[str] = set()
    for child in item:
        tag = child.tag
        if tag in _ITEM_IGNORED:
            continue
        if tag == "category":
            _category(child, tags)
            continue
        if tag not in _ITEM_SINGLE or tag in seen:
            raise _NotPlain
        seen.add(tag)
        _plain_element(child, allowed=("isPermaLink",) if tag == "guid" else ())
        if tag == "title":
            _titled(entry, "title", child.text)
        elif tag == "link":
            link = _repair(_join(_value(child.text, strip_only=True)))
            link = _LINK_REFERENCE.sub(r"&\g<1>", link.replace("&amp;", "&"))
            if not link:
                raise _NotPlain
            entry["link"] = link
        elif tag == "guid":
            value = _value(child.text, strip_only=True)
            if child.get("isPermaLink", "true") == "true" and value:
                value = _join(value)
            entry["id"] = _repair(value)
        elif tag == "pubDate":
            entry["published_parsed"] = _date(_value(child.text))
        elif tag == _DC + "date":
            entry["updated_parsed"] = _date(_value(child.text))
        elif tag in ("author", _DC + "creator"):
            _author(entry, _value(child.text))
        elif tag == "description":
            value = _value(child.text)
            entry["summary"] = value
            entry["summary_detail"] = {"type": "text/html", "value": value}
        else:  # content:encoded
            entry["content"] = [{"type": "text/html", "value": _value(child.text)}]
    if "link" not in entry:
        raise _NotPlain
    if entry.get("content") and "summary" not in entry:
        entry["summary"] = entry["content"][0]["value"]  # feedparser copies it over
    if tags:
        entry["tags"] = tags
    return entry


def _plain_element(element: Any, allowed: tuple[str, ...] = ()) -> None:
    """Refuse an element holding elements (or comments), or with attributes not `allowed`."""
    if len(element) or any(name not in allowed for name in element.attrib):
        raise _NotPlain


def _value(text: str | None, *, strip_only: bool = False) -> str:
    """An element's text as feedparser's `pop` leaves it (links are repaired after joining)."""
    value = (text or "").strip()
    return value if strip_only else _repair(value)


def _repair(value: str) -> str:
    """UTF-8 read as Latin-1 decoded again, Windows-1252 code points mapped (as feedparser)."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    if _WINDOWS.search(value):
        from feedparser.html import _cp1252

        value = value.translate(_cp1252)
    return value


def _join(uri: str) -> str:
    from feedparser.urls import _urljoin

    return str(_urljoin("", uri))


def _titled(container: dict[str, Any], key: str, text: str | None) -> None:
    """A title, typed as HTML when it looks like HTML before it is repaired (as feedparser)."""
    from feedparser.mixin import _FeedParserMixin

    value = _value(text, strip_only=True)
    kind = "text/html" if _FeedParserMixin.looks_like_html(value) else "text/plain"
    value = _repair(value)
    container[key] = value
    container[f"{key}_detail"] = {"type": kind, "value": value}


def _date(value: str) -> Any:
    from feedparser.datetimes import _parse_date

    return _parse_date(value)


_EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def _author(entry: dict[str, Any], author: str) -> None:
    """feedparser's `_sync_author_detail` for an author given as text."""
    entry["author"] = author
    if not author:
        return
    email = None
    found = _EMAIL.search(author)
    if found:
        email = found.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    detail: dict[str, str] = {}
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email
    entry["author_detail"] = detail


def _category(element: Any, tags: list[dict[str, Any]]) -> None:
    """feedparser's `_start_category` and `_end_category` for one `<category>`."""
    if len(element) or any(name != "domain" for name in element.attrib):
        raise _NotPlain

    def add(term: str | None, scheme: str | None) -> None:
        value = {"term": term, "scheme": scheme, "label": None}
        if (term or scheme) and len(tags) < MAX_PARSED_TAGS and value not in tags:
            tags.append(value)

    add(None, element.get("domain"))
    value = _value(element.text)
    if not value:
        return
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        add(value, None)
