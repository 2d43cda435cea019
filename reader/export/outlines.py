"""Subscriptions as an OPML 2.0 list, the form feed readers (newsboat, NetNewsWire, ...) import.

Each feed is an `<outline type="rss">` with `xmlUrl`, `text` and `title`, inside nested folder
outlines for the categories above its own: a feed filed in `科技/博客/阮一峰` sits in the folders
`科技` › `博客` and is named `阮一峰`, so `reader import` files it back into the same category.
The document is built by an XML library, so every `&`, `<`, quote and line break in a name or an
address is escaped; characters XML cannot hold at all are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

from reader.text.sanitize import sanitize_line

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed to list: its address, its title, and the category path it is filed in."""

    url: str
    title: str
    category: tuple[str, ...]


def opml_document(
    subscriptions: Iterable[Subscription], *, title: str, created: datetime | None = None
) -> bytes:
    """The OPML list of `subscriptions` (UTF-8), folders in the order first met."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = _clean(title)
    moment = (created or datetime.now()).astimezone()
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(moment)
    body = ElementTree.SubElement(root, "body")
    folders: dict[tuple[str, ...], ElementTree.Element] = {(): body}
    for feed in subscriptions:
        names = tuple(_clean(name) for name in feed.category)
        parent = _folder(folders, names[:-1])
        name = names[-1] if names else (_clean(feed.title) or _host(feed.url))
        ElementTree.SubElement(
            parent,
            "outline",
            {
                "type": "rss",
                "text": name,
                "title": name,
                "xmlUrl": _clean(feed.url),
            },
        )
    ElementTree.indent(root, space="  ")
    text = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _folder(
    folders: dict[tuple[str, ...], ElementTree.Element], path: tuple[str, ...]
) -> ElementTree.Element:
    """The folder outline for `path`, made (with its parents) when first needed."""
    if path not in folders:
        parent = _folder(folders, path[:-1])
        folders[path] = ElementTree.SubElement(
            parent, "outline", {"text": path[-1], "title": path[-1]}
        )
    return folders[path]


def _clean(text: str) -> str:
    return _NOT_XML.sub("", sanitize_line(text))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
