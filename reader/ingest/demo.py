"""The demo library: a few dozen short articles shipped inside the package.

The articles live in `reader/ingest/demo_data/` as Markdown files with YAML front matter, one file
per article, and are read through `importlib.resources` so they are found from an installed wheel
as well as from a source checkout. The app writes them into an empty default library on first
start; `reader demo --db PATH` writes them anywhere.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from reader.models import ArticleDraft, SaveResult
from reader.store.library import Library

DEMO_SOURCE = "demo"
"""The `source` recorded on every demo article."""

DEMO_VERSION = 1
"""Bumped when the demo articles change in a way an existing library should learn about."""

_DATA_PACKAGE = "reader.ingest"
_DATA_FOLDER = "demo_data"
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


class DemoDataError(ValueError):
    """A packaged demo file is malformed (a packaging or editing mistake, never user input)."""


def demo_files() -> list[Traversable]:
    """The packaged demo article files, sorted by name (which is also the tree's order)."""
    folder = files(_DATA_PACKAGE).joinpath(_DATA_FOLDER)
    return sorted(
        (entry for entry in folder.iterdir() if entry.is_file() and entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )


def demo_drafts() -> list[ArticleDraft]:
    """Parse every packaged demo file into an `ArticleDraft`, in file-name order."""
    return [_draft(entry.name, entry.read_text(encoding="utf-8")) for entry in demo_files()]


def write_demo(library: Library) -> SaveResult:
    """Save the demo articles into `library` in one transaction and record the demo's version.

    Writing again is harmless: every article carries a stable GUID, so unchanged articles are left
    alone and edited ones are updated in place.
    """
    result = library.save(demo_drafts(), source=DEMO_SOURCE)
    library.set_library_state("demo", {"version": DEMO_VERSION})
    return result


def _draft(name: str, text: str) -> ArticleDraft:
    meta, body = _split_front_matter(name, text)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise DemoDataError(f"{name}: the front matter has no title")
    stem = name.removesuffix(".md")
    return ArticleDraft(
        title=title.strip(),
        body=body.strip("\n"),
        category=tuple(str(c) for c in _as_list(meta.get("categories"))),
        published=_parse_date(name, meta.get("date")),
        views=int(meta.get("views") or 0),
        author=str(meta.get("author") or ""),
        url=str(meta.get("url") or ""),
        guid=f"reader-demo:{stem}",
        tags=tuple(str(t) for t in _as_list(meta.get("tags"))),
    )


def _split_front_matter(name: str, text: str) -> tuple[dict[str, Any], str]:
    """Split `---`-fenced YAML front matter from the Markdown body."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise DemoDataError(f"{name}: no front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise DemoDataError(f"{name}: the front matter is not closed") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        raise DemoDataError(f"{name}: bad front matter: {error}") from None
    if not isinstance(meta, dict):
        raise DemoDataError(f"{name}: the front matter is not a mapping")
    return meta, "\n".join(lines[end + 1 :])


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [v for v in value if v is not None and str(v).strip()]
    return [value]


def _parse_date(name: str, value: Any) -> datetime | None:
    """Accept `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (quoted or not)."""
    if value is None or value == "":
        return None
    # YAML turns unquoted timestamps into datetime or date objects itself.
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise DemoDataError(f"{name}: cannot read the date {text!r}")
