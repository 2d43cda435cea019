"""JSON Feed (versions 1 and 1.1) read by hand: feedparser does not know the format.

https://www.jsonfeed.org/version/1.1/ — a JSON object with `version`, `title`, `home_page_url`
and `items`, each item with `id`, `url`, `title`, `content_html`/`content_text`, dates in RFC 3339,
`authors` (1.1) or `author` (1.0) and `tags`.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import unescape
from typing import Any

from reader.ingest.errors import ParseError
from reader.ingest.htmlmd import drop_control_references, html_to_markdown, safe_link
from reader.ingest.jsonstream import DECODER
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize, sanitize_line

VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def looks_like_json_feed(text: str) -> bool:
    """True when `text` starts like a JSON object that names a JSON Feed version."""
    head = text.lstrip()[:2048]
    return head.startswith("{") and "jsonfeed.org/version" in head.replace("\\/", "/")


def read_json_feed(text: str) -> tuple[str, str, list[tuple[dict[str, Any], ArticleDraft]]]:
    """(title, home page link, [(item, draft)]) of a JSON Feed; ParseError if it is not one."""
    try:
        document = DECODER.decode(text)
    except (ValueError, RecursionError) as error:
        raise ParseError(f"not a feed (invalid JSON: {error})") from None
    if not isinstance(document, dict):
        raise ParseError("not a feed (JSON, but not a JSON Feed object)")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIXES):
        raise ParseError("not a feed (JSON without a JSON Feed version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError("not a JSON Feed: `items` is missing or not a list")
    base = _text(document.get("feed_url")) or _text(document.get("home_page_url"))
    home = safe_link(_text(document.get("home_page_url")))
    drafts = [(item, _draft(item, base)) for item in items if isinstance(item, dict)]
    return sanitize_line(_text(document.get("title"))), home, drafts


def _draft(item: dict[str, Any], base: str) -> ArticleDraft:
    url = safe_link(_text(item.get("url")), base) or safe_link(
        _text(item.get("external_url")), base
    )
    html = _text(item.get("content_html"))
    if html:
        body = html_to_markdown(html, url or base)
    else:
        body = sanitize(_text(item.get("content_text")) or _text(item.get("summary")))
    tags = item.get("tags")
    return ArticleDraft(
        # Plain text by the spec (`<b>` is four characters), though feeds in the wild escape
        # `&` as `&amp;`: entities are decoded, angle brackets kept.
        title=sanitize_line(unescape(drop_control_references(_text(item.get("title"))))),
        body=body,
        published=_date(item.get("date_published")) or _date(item.get("date_modified")),
        author=_author(item),
        url=url,
        guid=sanitize_line(_text(item.get("id"))),
        tags=tuple(sanitize_line(t) for t in tags if isinstance(t, str))
        if isinstance(tags, list)
        else (),
    )


def _author(item: dict[str, Any]) -> str:
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    names = [sanitize_line(_text(p.get("name"))) for p in people if isinstance(p, dict)]
    return ", ".join(n for n in names if n)


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        return None


def _text(value: Any) -> str:
    """A string field, or "" for anything else (numbers are allowed as ids; an infinite one, as
    an integer of thousands of digits is read, names nothing)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return str(value)
    return ""
