"""Import sources into a library: find them, pick a parser, save each in one transaction.

A source is a file, a folder (read recursively) or an http(s) URL. One bad source is reported
with its reason and skipped; every other source is still imported.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.models import ArticleDraft
from reader.store import Library, LibraryError

MAX_FILE_BYTES = 256 * 1024 * 1024

# File endings and the parser module for each kind of source.
KINDS_BY_SUFFIX: dict[str, str] = {
    ".txt": "pagetext",
    ".text": "pagetext",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
PARSER_MODULES: dict[str, str] = {
    "pagetext": "reader.ingest.pagetext",
    "markdown": "reader.ingest.markdown",
    "jsonl": "reader.ingest.jsonl",
}


# Kinds holding one article per file: without a URL or GUID, the file itself is its identity, so
# an edited file updates its article instead of adding a second one.
SINGLE_ARTICLE_KINDS = frozenset({"pagetext", "markdown", "html"})


class Parser(Protocol):
    """What every source kind's module provides."""

    def __call__(self, data: bytes, location: str) -> Iterable[ArticleDraft]: ...


@dataclass(slots=True)
class SourceOutcome:
    """What happened to one source."""

    location: str
    kind: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when nothing of this source was imported."""
        return bool(self.error)


@dataclass(slots=True)
class ImportReport:
    """The outcome of every source of one import."""

    outcomes: list[SourceOutcome] = field(default_factory=list)

    def total(self, name: str) -> int:
        """Sum of `added`, `updated` or `unchanged` over all sources."""
        return sum(getattr(o, name) for o in self.outcomes)

    @property
    def failed(self) -> list[SourceOutcome]:
        """The sources that could not be imported."""
        return [o for o in self.outcomes if o.failed]


def is_url(source: str) -> bool:
    """True for an http(s) URL given as a source."""
    return source.lower().startswith(("http://", "https://"))


def kind_of(path: Path) -> str | None:
    """The kind of source a file holds, judged by its name, or None if not importable."""
    return KINDS_BY_SUFFIX.get(path.suffix.lower())


def expand(sources: Sequence[str]) -> Iterator[tuple[str, str | None]]:
    """Yield (location, kind) for each source; folders are walked recursively, sorted.

    Files given by name are always yielded (an unknown kind is then an error for that file);
    files found in folders are yielded only when their kind is known. Hidden files are skipped.
    """
    for source in sources:
        if is_url(source):
            yield source, "url"
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    child = Path(root) / name
                    kind = kind_of(child)
                    if kind:
                        yield str(child), kind
        else:
            yield source, kind_of(path)


def parser_for(kind: str) -> Parser:
    """The parse function of a kind's module."""
    module = importlib.import_module(PARSER_MODULES[kind])
    parse: Parser = module.parse
    return parse


def read_source(location: str) -> bytes:
    """The bytes of a local file, with a one-line error for every way that can fail."""
    path = Path(location).expanduser()
    if not path.exists():
        raise ParseError("no such file or folder")
    if not path.is_file():
        raise ParseError("not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ParseError(f"file too large ({size // (1024 * 1024)} MB)")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ParseError(error.strerror or str(error)) from None


def import_one(
    library: Library,
    location: str,
    kind: str | None,
    category: Sequence[str],
    *,
    root: str | None = None,
) -> SourceOutcome:
    """Import one source in one transaction; never raises for a bad source.

    `root` is the file or folder named on the command line that `location` was found in: a
    Markdown file without a category takes the folders between it and the file as its path.
    """
    outcome = SourceOutcome(location, kind or "")
    with notes.collect() as warnings:
        try:
            if kind is None:
                raise ParseError("unsupported kind of file (expected .txt, .md, .jsonl ...)")
            if kind == "url":
                raise ParseError("importing from URLs is not supported yet")
            data = read_source(location)
            drafts: Iterable[ArticleDraft]
            if kind == "markdown":
                from reader.ingest.markdown import parse as parse_markdown

                drafts = parse_markdown(data, location, root=root)
            else:
                drafts = parser_for(kind)(data, location)
            if kind in SINGLE_ARTICLE_KINDS:
                drafts = _keyed_by_file(drafts, location)
            result = library.save(drafts, source=_source_name(location), category=category)
            if not result.article_ids:
                raise ParseError("no articles found")
            outcome.added, outcome.updated, outcome.unchanged = (
                result.added,
                result.updated,
                result.unchanged,
            )
        except ParseError as error:
            outcome.error = str(error) or "could not be read"
        except LibraryError as error:
            if _fatal(error):
                raise
            outcome.error = str(error)
        except (ValueError, TypeError, UnicodeError, RecursionError, MemoryError) as error:
            outcome.error = f"could not be read ({type(error).__name__}: {error})"
    outcome.warnings = list(warnings)
    return outcome


def import_sources(
    library: Library,
    sources: Sequence[str],
    *,
    category: Sequence[str] = (),
    on_source: Callable[[SourceOutcome], None] | None = None,
) -> ImportReport:
    """Import every source; call `on_source` after each one (for progress)."""
    report = ImportReport()
    for source in sources:
        for location, kind in expand([source]):
            outcome = import_one(library, location, kind, category, root=source)
            report.outcomes.append(outcome)
            if on_source:
                on_source(outcome)
    return report


def _keyed_by_file(drafts: Iterable[ArticleDraft], location: str) -> Iterator[ArticleDraft]:
    for draft in drafts:
        if not draft.guid and not draft.url:
            draft.guid = "file:" + _source_name(location)
        yield draft


def _source_name(location: str) -> str:
    if is_url(location):
        return location
    return str(Path(location).expanduser().resolve())


def _fatal(error: LibraryError) -> bool:
    """Errors about the library itself stop the import: no later source could be saved."""
    from reader.store import LibraryBusy, LibraryReadOnly, LibraryUnavailable

    return isinstance(error, LibraryReadOnly | LibraryBusy | LibraryUnavailable)
