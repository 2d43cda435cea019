"""Where an export is written: files replaced whole and folders claimed with care.

A file is written under a temporary hidden name beside it and renamed into place once complete,
so nobody (an import running at the same time, a sync tool) sees half of it, an export that fails
leaves any earlier file of that name as it was, and a symbolic link of that name is replaced
rather than written through. An export folder must be new, empty, or an earlier export of the
same kind (a hidden marker file says which): other people's folders are never written into.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

MARKER = ".reader-export"
"""The hidden file that marks a folder as an export (of the kind it names)."""


class ExportError(Exception):
    """The export cannot be written where it was asked to be; the message says why."""


def claim_folder(root: Path, kind: str) -> None:
    """Make sure `root` may hold an export of `kind` (`markdown`, `jsonl`): a new or empty
    folder (then made and marked) or an earlier export of that kind; else `ExportError`."""
    if root.is_symlink():
        raise ExportError(f"{root} is a symbolic link; give a folder")
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} is a file; give a folder")
    marker = root / MARKER
    if root.is_dir() and any(root.iterdir()):
        earlier = marker.read_text(errors="replace").strip() if marker.is_file() else None
        if earlier is None:
            raise ExportError(
                f"{root} is not empty and holds no earlier export; give a new or empty folder"
            )
        if earlier.split()[0:1] != [kind]:
            raise ExportError(f"{root} holds an export of another kind; give another folder")
    root.mkdir(parents=True, exist_ok=True)
    replace_file(marker, f"{kind} files written by `reader export`\n".encode())


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` as the whole of `path` (see the module's notes)."""
    with replacing(path) as out:
        out.write(data)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A file to write `path`'s new content into, put in its place when the block ends
    without an error (and removed when it ends with one)."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb", buffering=1 << 20) as out:
            yield out
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's file creation mask (files get the permissions any new file would)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
