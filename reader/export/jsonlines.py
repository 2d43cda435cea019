"""Articles as JSON Lines: one object a line, in the shape `reader show --json` prints.

The shape: id, title, category (names, outermost first), published, views, url, author, tags,
with `--with-state` the reader's read, starred and progress, then body, related, and guid when
the article is known by one. `headings` is left out: it is read from the body, and computing it
would take most of an export's time. `reader import` reads every field back (the marks only
with `--with-state`).

Written into a folder, an export is split into numbered files (`articles-000001.jsonl`, ...) of at
most `PER_FILE` articles and `MAX_FILE_BYTES` each: well inside what `reader import` reads from
one file, and read ahead in parallel when the folder is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from reader.export.place import claim_folder, replacing
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


PER_FILE = 10_000
"""Articles per file of an export split into a folder."""
MAX_FILE_BYTES = 128 * 1024 * 1024
"""A file of a split export ends once it passes this size (files easy to move and look at;
an import reads a file of any size)."""
_PART = re.compile(r"^articles-[0-9]{6}\.jsonl$")


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


def write_jsonl_folder(
    articles: Iterable[Article],
    folder: Path,
    *,
    with_state: bool,
    progress: Callable[[int], None] | None = None,
    per_file: int | None = None,
    max_bytes: int | None = None,
) -> int:
    """Write `articles` into `folder` (new, empty, or an earlier JSON Lines export) as numbered
    files; return how many were written. Files of an earlier export past the last one written
    now are removed, so importing the folder gives this export's articles and no others."""
    claim_folder(folder, "jsonl")
    per_file = per_file or PER_FILE
    max_bytes = max_bytes or MAX_FILE_BYTES
    count = told = number = 0
    source = iter(articles)
    pending = next(source, None)
    while pending is not None:
        number += 1
        with replacing(folder / f"articles-{number:06d}.jsonl") as out:
            size = in_file = 0
            while pending is not None and in_file < per_file and size < max_bytes:
                data = line(pending, with_state=with_state)
                out.write(data)
                size += len(data)
                in_file += 1
                count += 1
                pending = next(source, None)
                if progress is not None and count - told >= 250:
                    progress(count - told)
                    told = count
    for old in folder.iterdir():
        if _PART.match(old.name) and int(old.name[9:15]) > number:
            old.unlink()
    if progress is not None and count > told:
        progress(count - told)
    return count
