"""Articles as JSON Lines: one object a line, in the shape `reader show --json` prints.

The shape: id, title, category (names, outermost first), published, views, url, author, tags,
with `--with-state` the reader's read, starred and progress, then body, related, and guid when
the article is known by one. `headings` is left out: it is read from the body, and computing it
would take most of an export's time. `reader import` reads every field back (the marks only
with `--with-state`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from reader.models import Article
from reader.text.sanitize import sanitize, sanitize_line


def record(article: Article, *, with_state: bool) -> dict[str, Any]:
    """The JSON object of one exported article, every string sanitised again (whatever wrote
    the library, nothing in an export can drive a terminal that shows it)."""
    data: dict[str, Any] = {
        "id": article.id,
        "title": sanitize_line(article.title),
        "category": [sanitize_line(name) for name in article.category],
        "published": sanitize_line(article.published),
        "views": article.views,
        "url": sanitize_line(article.url),
        "author": sanitize_line(article.author),
        "tags": [sanitize_line(tag) for tag in article.tags],
    }
    if with_state:
        data["read"] = article.read
        data["starred"] = article.starred
        data["progress"] = article.progress
    data["body"] = sanitize(article.body)
    data["related"] = [sanitize_line(title) for title in article.related]
    if article.guid:
        data["guid"] = sanitize_line(article.guid)
    return data


def line(article: Article, *, with_state: bool) -> bytes:
    """One article as a line of JSON Lines (UTF-8, ending in a newline)."""
    text = json.dumps(record(article, with_state=with_state), ensure_ascii=False)
    # A lone surrogate cannot be written as UTF-8: it becomes U+FFFD, like any bad code point.
    return text.encode("utf-8", "replace") + b"\n"


def write_jsonl(
    articles: Iterable[Article],
    out: IO[bytes],
    *,
    with_state: bool,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write `articles` to `out` as JSON Lines, one at a time; return how many were written.

    `progress` is told how many more were written, every few hundred articles and at the end.
    """
    count = told = 0
    for article in articles:
        out.write(line(article, with_state=with_state))
        count += 1
        if progress is not None and count - told >= 250:
            progress(count - told)
            told = count
    if progress is not None and count > told:
        progress(count - told)
    return count
