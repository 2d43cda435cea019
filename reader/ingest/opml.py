"""OPML subscription lists: folders of feeds, read leniently and in time linear in their size.

A list that is well-formed XML is read by lxml, streaming, with no DTD, no entity declarations
(a list that declares any is read as malformed), nothing fetched and lxml's size limits on. Real
lists often are not well-formed (a bare `&` in an attribute, quotes inside quoted values, folders
never closed), and lxml's recovery drops the rest of an element at the first such fault, its feed
address included; those lists are read by a tokenizer instead: `<outline>` tags one by one with
their attributes, nesting tracked by hand. Each of its patterns consumes what it scans, so no
input (tags never closed, unbalanced quotes, a million siblings) makes it scan text twice.

An outline with a feed address is a subscription; one without that holds other outlines is a
folder whose name becomes a category. Only http(s) feed addresses are accepted: `exec:`, `file:`,
`javascript:` and the like are refused, each with a reason.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field

import lxml.etree

from reader.ingest import notes
from reader.ingest.decode import decode_document
from reader.ingest.errors import ParseError
from reader.text.sanitize import sanitize_line
from reader.text.urls import is_web_url

NAME_LENGTH = 80
MAX_DEPTH = 16
_HEAD = 65536
"""The list's title is looked for in its first 64 KB."""

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# Possessive repeats and an optional `>`: a tag never closed ends at the next `<` instead of
# making the search try again from every later `<outline`; a quoted value may hold `<` and `>`.
_TAG = re.compile(
    r"""<(/?)\s*+outline\b((?:[^<>"']|"[^"]*+"|'[^']*+'|["'])*+)(>?)""", re.IGNORECASE
)
# The look-behind keeps a long run of name characters with no `=` from being tried again from
# each of its characters.
_ATTRIBUTE = re.compile(
    r"""(?<![\w:.-])([A-Za-z_:][\w:.-]*+)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'>/]++))"""
)
_HEAD_START = re.compile(r"<head\b", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^<>]*+>([^<]*+)", re.IGNORECASE)
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
    if "<opml" not in text[:_HEAD].lower():
        raise ParseError("not an OPML list (no <opml> element)")
    reader = _Reader()
    if "<!ENTITY" in text or not reader.read_xml(text):
        reader = _Reader()
        reader.read_tags(text)
    if not reader.any_outline:
        raise ParseError("not an OPML list (no <outline> entries)")
    return reader.outline


class _Reader:
    """Builds an `Outline` from outlines met in document order, whichever parser finds them."""

    def __init__(self) -> None:
        self.outline = Outline()
        self.any_outline = False
        self._seen: set[str] = set()
        self._folders: set[tuple[str, ...]] = set()

    def read_xml(self, text: str) -> bool:
        """Read a well-formed list with lxml; False (and nothing kept) when it is not one."""
        stack: list[tuple[str, ...]] = []
        parents: list[str] = []
        events = lxml.etree.iterparse(
            io.BytesIO(text.encode("utf-8", "replace")),
            events=("start", "end"),
            encoding="utf-8",
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for event, element in events:
                name = lxml.etree.QName(element).localname.lower()
                if event == "start":
                    if name == "outline":
                        attributes = {
                            lxml.etree.QName(key).localname.lower(): value
                            for key, value in reversed(element.attrib.items())
                        }
                        stack.append(self.open(attributes, stack[-1] if stack else ()))
                    parents.append(name)
                    continue
                parents.pop()
                if name == "outline":
                    stack.pop()
                elif name == "title" and parents[-1:] == ["head"] and not self.outline.title:
                    self.outline.title = _name(element.text or "")
                element.clear()
        except lxml.etree.XMLSyntaxError:
            return False
        return True

    def read_tags(self, text: str) -> None:
        """Read any list, well-formed or not, tag by tag."""
        text = _COMMENT.sub("", text)
        head = _HEAD_START.search(text, 0, _HEAD)
        if head:
            title = _TITLE.search(text, head.end(), _HEAD)
            if title:
                self.outline.title = _name(title.group(1))
        # The folders each open outline sits in (a feed written with a close tag adds none).
        stack: list[tuple[str, ...]] = []
        for match in _TAG.finditer(text):
            closing, body = match.group(1), match.group(2)
            if closing:
                if stack:
                    stack.pop()
                continue
            opened = self.open(_attributes(body), stack[-1] if stack else ())
            if not body.rstrip().endswith("/"):
                stack.append(opened)

    def open(self, attributes: dict[str, str], folders: tuple[str, ...]) -> tuple[str, ...]:
        """Take in one outline met inside `folders`; returns the folders its children are in."""
        self.any_outline = True
        if folders and folders not in self._folders:  # a folder is one that holds outlines
            self._folders.add(folders)
            self.outline.folders.append(folders)
        feed = next((attributes[k] for k in _FEED_KEYS if attributes.get(k)), "")
        name = _name(attributes.get("title") or attributes.get("text") or "")
        if feed:
            self._add_feed(feed.strip(), name, folders)
            return folders
        if len(folders) >= MAX_DEPTH:  # folders never closed nest ever deeper
            notes.warn(f"folders nested more than {MAX_DEPTH} deep were merged into the one above")
            return folders
        return (*folders, name or "Untitled")

    def _add_feed(self, url: str, name: str, folders: tuple[str, ...]) -> None:
        shown = sanitize_line(url)[:200]
        if not is_web_url(url):
            self.outline.refused.append(
                (shown, "refused: only http and https feed addresses are fetched")
            )
            return
        if url in self._seen:
            return
        self._seen.add(url)
        self.outline.feeds.append(Subscription(sanitize_line(url), name, folders))


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
