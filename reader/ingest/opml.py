"""OPML subscription lists: folders of feeds, read leniently.

Real lists are often not well-formed XML (a bare `&` in an attribute, folders never closed), so
the document is not handed to an XML parser: `<outline>` tags are read one by one with their
attributes, and nesting is tracked by hand. An outline with a feed address is a subscription; one
without is a folder whose name becomes a category. Only http(s) feed addresses are accepted:
`exec:`, `file:`, `javascript:` and the like are refused, each with a reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from reader.ingest.decode import decode_document
from reader.ingest.errors import ParseError
from reader.text.sanitize import sanitize_line
from reader.text.urls import is_web_url

NAME_LENGTH = 80
MAX_DEPTH = 16

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"<(/?)\s*outline\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))""")
_HEAD_TITLE = re.compile(r"<head\b.*?<title\b[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_FEED_KEYS = ("xmlurl", "url", "rssurl")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed of the list: its address, its name, and the folders it sits in."""

    url: str
    title: str
    folders: tuple[str, ...]


@dataclass(slots=True)
class Outline:
    """What an OPML list holds: its title, its feeds, and the entries refused (with reasons)."""

    title: str = ""
    feeds: list[Subscription] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    folders: list[tuple[str, ...]] = field(default_factory=list)


def looks_like_opml(text: str) -> bool:
    """True when a document's first elements say it is OPML."""
    head = _COMMENT.sub("", text[:4096]).lstrip("\ufeff \t\r\n")
    return bool(re.match(r"(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>]*>\s*)?<opml\b", head, re.I))


def read_opml(data: bytes) -> Outline:
    """Parse an OPML list; raises ParseError when the bytes hold no outline at all."""
    text = decode_document(data).text
    if "<opml" not in text[:65536].lower():
        raise ParseError("not an OPML list (no <opml> element)")
    text = _COMMENT.sub("", text)
    outline = Outline()
    found = _HEAD_TITLE.search(text[:65536])
    if found:
        outline.title = _name(found.group(1))
    # Folder names; None marks a feed written with a close tag (`<outline ...></outline>`).
    stack: list[str | None] = []
    seen: set[str] = set()
    any_outline = False
    for match in _TAG.finditer(text):
        closing, body = match.group(1), match.group(2)
        if closing:
            if stack:
                stack.pop()
            continue
        any_outline = True
        attributes = _attributes(body)
        self_closing = body.rstrip().endswith("/")
        feed = next((attributes[k] for k in _FEED_KEYS if attributes.get(k)), "")
        name = _name(attributes.get("title") or attributes.get("text") or "")
        folders = tuple(s for s in stack if s is not None)
        if feed:
            _add_feed(outline, feed.strip(), name, folders, seen)
            if not self_closing:
                stack.append(None)
            continue
        if self_closing:
            continue
        if len(folders) >= MAX_DEPTH:
            raise ParseError(f"folders nested more than {MAX_DEPTH} deep")
        stack.append(name or "Untitled")
        path = (*folders, name or "Untitled")
        if path not in outline.folders:
            outline.folders.append(path)
    if not any_outline:
        raise ParseError("not an OPML list (no <outline> entries)")
    return outline


def _add_feed(
    outline: Outline, url: str, name: str, folders: tuple[str, ...], seen: set[str]
) -> None:
    shown = sanitize_line(url)[:200]
    if not is_web_url(url):
        outline.refused.append((shown, "refused: only http and https feed addresses are fetched"))
        return
    if url in seen:
        return
    seen.add(url)
    outline.feeds.append(Subscription(sanitize_line(url), name, folders))


def _attributes(body: str) -> dict[str, str]:
    """Attribute names (lower-case) and values, entities decoded; a bare `&` is kept as is."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(body):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value is None:
            value = match.group(4) or ""
        found.setdefault(match.group(1).lower(), html.unescape(value))
    return found


def _name(text: str) -> str:
    """A category name: one clean line, no `/` (it separates names on the command line)."""
    name = sanitize_line(html.unescape(text)).replace("/", "／")
    return name[:NAME_LENGTH].strip()
