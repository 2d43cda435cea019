"""Local sources: the files a source names (folders walked recursively), and their bytes.

A file is read within the limits before anything parses it. A feed over `feeds.MAX_FEED_BYTES`
or a JSON Lines or JSON file over `MAX_FILE_BYTES` is a large file: it is mapped rather than read
(`reader.ingest.mapped`), parsed from front to back in bounded memory whatever its size, and
saved in batches (`runner.BATCH_ARTICLES`). Any other file over `MAX_FILE_BYTES`, or a page over
its own cap, is refused unread; a file holding one article (page text, Markdown) is read only as
far as an article may go (`limits.MAX_BODY_BYTES`), so that a 250 MB text file costs 4 MB. Every
way reading can fail is one line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from reader.ingest.errors import ParseError
from reader.ingest.jobs import is_url
from reader.ingest.limits import MAX_BODY_BYTES, MAX_FILE_BYTES, cut_bytes
from reader.ingest.load import KINDS_BY_SUFFIX
from reader.ingest.mapped import Data, open_mapped
from reader.text.sanitize import without_surrogates

# Kinds read from front to back when large: feeds (RSS, Atom) and JSON Lines or JSON arrays.
LARGE_KINDS = frozenset({"feed", "xml", "jsonl", "json"})
# Kinds holding one article per file: only the start an article may fill is read.
PREFIX_KINDS = frozenset({"pagetext", "markdown"})
_MB = 1024 * 1024


def local_path(source: str) -> Path:
    """The path a source names, `~` expanded (a `~name` of no known user is kept as written)."""
    try:
        return Path(source).expanduser()
    except RuntimeError:
        return Path(source)


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
        path = local_path(source)
        if _is_dir(path):
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


def is_large(kind: str | None, size: int) -> bool:
    """True when a local file of `kind` and `size` bytes is too large to be read whole: it is
    then mapped, parsed as it is saved, and saved in batches."""
    if kind not in LARGE_KINDS:
        return False
    if kind in ("feed", "xml"):
        from reader.ingest.feeds import MAX_FEED_BYTES

        return size > MAX_FEED_BYTES
    return size > MAX_FILE_BYTES


def large_file(location: str, kind: str | None) -> bool:
    """True when the local file at `location` is a large file (`is_large`)."""
    try:
        return is_large(kind, local_path(location).stat().st_size)
    except (OSError, ValueError):
        return False


def read_file(location: str, kind: str | None = None) -> tuple[Data, int]:
    """The bytes of a local file to parse as `kind` (a large file mapped, `is_large`), and the
    file's size (larger than the bytes when only the start of a single-article file was read);
    a one-line error for every way that can fail."""
    path = local_path(location)
    try:
        if not path.exists():
            raise ParseError("no such file or folder")
        if not path.is_file():
            raise ParseError("not a regular file")
        size = path.stat().st_size
        if is_large(kind, size):
            return open_mapped(path), size
        if size > MAX_FILE_BYTES:
            raise ParseError(
                f"file too large ({size // _MB} MB; at most {MAX_FILE_BYTES // _MB} MB)"
            )
        what, cap = _kind_cap(kind)
        if cap and size > cap:
            raise ParseError(f"{what} too large ({size // _MB} MB; at most {cap // _MB} MB)")
        with path.open("rb") as file:
            if kind in PREFIX_KINDS and size > MAX_BODY_BYTES:
                return cut_bytes(file.read(MAX_BODY_BYTES + 1), MAX_BODY_BYTES), size
            data = file.read()
    except OSError as error:
        raise ParseError(error.strerror or str(error)) from None
    return data, len(data)


def source_name(location: str) -> str:
    """The name a source is recorded by: its URL, or its file's absolute path; bytes of a file
    name that are not UTF-8 become U+FFFD (a library stores text)."""
    if is_url(location):
        return without_surrogates(location)
    return without_surrogates(str(local_path(location).resolve()))


def _kind_cap(kind: str | None) -> tuple[str, int]:
    """What a kind known by its name is called, and its own smaller cap (0: none)."""
    if kind == "html":
        from reader.ingest.webpage import MAX_PAGE_BYTES

        return "page", MAX_PAGE_BYTES
    return "", 0


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False  # read as a file: reading it then says what is wrong
