"""Articles as a folder tree of Markdown files: a folder per category, a file per article with
YAML front matter, which `reader import FOLDER` reads back.

Front matter: title, date, category (the path, outermost first), tags, author, url, views, guid
(when the article is known by one), related, and with `--with-state` the reader's read, starred
and progress. Values are written as JSON scalars and lists, which YAML reads as they are, so a
title such as `yes`, `2024`, `---` or `a: b` comes back as the same text.

A file is named `TITLE-ID.md` and a folder after its category (see `filenames`): unique in their
folder whatever the file system's case rules, and the same on every export of a library, so
exporting again into the same folder replaces each article's file. Nothing is written outside the
folder: names never hold a separator or start with a dot, folders that are symbolic links are
refused, and every file is written under a temporary hidden name and renamed into place, which
replaces a link of that name rather than writing through it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.export.filenames import name_key, safe_name
from reader.export.place import ExportError, claim_folder, replace_file
from reader.models import Article, Category
from reader.text.sanitize import sanitize, sanitize_line

# What `reader import` takes for a first-level heading that repeats the title (and drops).
_H1 = re.compile(r"^\s{0,3}#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
# JSON escapes every control character; YAML also refuses these two noncharacters raw.
_YAML_UNSAFE = re.compile("[\ufffe\uffff]")


def folder_names(categories: Sequence[Category]) -> dict[int, Path]:
    """Each category's folder, relative to the export: its parent's folder and a name made from
    its own, unique among its siblings (a later sibling by id gets ` (2)`, ` (3)`, ...)."""
    folders: dict[int, Path] = {}
    taken: dict[int | None, set[str]] = {}
    for category in sorted(categories, key=lambda c: (c.depth, c.id)):
        parent = Path() if category.parent_id is None else folders.get(category.parent_id)
        if parent is None:  # a category whose parent is not in the list: at the top
            parent = Path()
        used = taken.setdefault(category.parent_id, set())
        base = safe_name(category.name, fallback="category")
        name, number = base, 1
        while name_key(name) in used:
            number += 1
            name = f"{base} ({number})"
        used.add(name_key(name))
        folders[category.id] = parent / name
    return folders


def file_name(article: Article) -> str:
    """The article's file name: its title made safe, then its id (unique, and stable)."""
    return f"{safe_name(article.title)}-{article.id}.md"


def document(article: Article, *, with_state: bool) -> str:
    """The whole Markdown file of one article: front matter, then the body."""
    title = sanitize_line(article.title)
    fields: list[tuple[str, Any]] = [
        ("title", title),
        ("date", _date(article.published)),
        ("category", [sanitize_line(name) for name in article.category]),
        ("tags", [sanitize_line(tag) for tag in article.tags]),
        ("author", sanitize_line(article.author)),
        ("url", sanitize_line(article.url)),
        ("views", article.views),
        ("guid", sanitize_line(article.guid)),
        ("related", [sanitize_line(item) for item in article.related]),
    ]
    if with_state:
        fields += [
            ("read", article.read),
            ("starred", article.starred),
            ("progress", article.progress),
        ]
    lines = ["---"]
    for key, value in fields:
        if value == "" or value == []:
            continue
        lines.append(f"{key}: {_json(value)}")
    lines.append("---")
    body = sanitize(article.body)
    if _starts_with_title(body, title):
        # The importer drops a first heading that repeats the title: this one, not the body's.
        lines += ["", f"# {title}"]
    return "\n".join(lines) + "\n\n" + body + "\n"


class MarkdownTree:
    """Writes articles into a folder tree under `root`, one file each."""

    def __init__(self, root: Path, categories: Sequence[Category], *, with_state: bool) -> None:
        """Prepare `root` (made if missing): it must be empty or an earlier Markdown export.

        Raises `ExportError` when it is a file, a link, or a folder holding other things.
        """
        self.root = root
        self.with_state = with_state
        self._folders = folder_names(categories)
        self._made: set[Path] = set()
        claim_folder(root, "markdown")

    def write(self, article: Article) -> Path:
        """Write one article's file (replacing the one an earlier export wrote); return it."""
        relative = self._folders.get(article.category_id)
        if relative is None:  # a category made while exporting
            relative = Path(safe_name(article.category[-1] if article.category else ""))
        folder = self._folder(relative)
        path = folder / file_name(article)
        replace_file(path, document(article, with_state=self.with_state).encode("utf-8", "replace"))
        return path

    def write_all(
        self, articles: Iterable[Article], progress: Callable[[int], None] | None = None
    ) -> int:
        """Write every article; tell `progress` (if given) how many more, now and then."""
        count = told = 0
        for article in articles:
            self.write(article)
            count += 1
            if progress is not None and count - told >= 100:
                progress(count - told)
                told = count
        if progress is not None and count > told:
            progress(count - told)
        return count

    def _folder(self, relative: Path) -> Path:
        """The folder at `relative` under the root, made (with its parents) if needed; a link
        or a file in the way is an error, never followed."""
        folder = self.root / relative
        if relative in self._made:
            return folder
        current = self.root
        for part in relative.parts:
            current = current / part
            if current.is_symlink():
                raise ExportError(f"{current} is a symbolic link; not writing through it")
            if not current.exists():
                current.mkdir()
            elif not current.is_dir():
                raise ExportError(f"{current} is in the way of a category's folder")
        self._made.add(relative)
        return folder


def _json(value: Any) -> str:
    """A value as YAML that reads back as the same value: JSON, which YAML 1.2 contains and
    PyYAML reads, with the characters YAML refuses raw written as escapes."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _date(published: str) -> datetime | str:
    """The publication time as a YAML timestamp (read back as a time), or the text if it is
    not one."""
    try:
        return datetime.fromisoformat(published)
    except ValueError:
        return sanitize_line(published)


def _starts_with_title(body: str, title: str) -> bool:
    """True when the body's first line that is not blank is a `# ` heading saying the title."""
    for text in body.split("\n", 20):
        if text.strip():
            match = _H1.match(text)
            return match is not None and match["text"].strip().casefold() == title.casefold()
    return False
