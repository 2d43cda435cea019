"""Local files too large to be read whole: mapped into memory and read from front to back.

A JSON Lines file of a gigabyte, or a feed of 128 MB, is not read into one `bytes`: it is mapped
(`mmap`), and the parsers that read it from front to back (`jsonl`, `jsonstream`, `feedstream`)
call `release` as they go, so that the pages behind them leave the process's memory (they stay
in the system's file cache, which any other use of memory reclaims). Memory is then bounded by
what a parser holds at a time, not by the file.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import BinaryIO, TypeAlias

Data: TypeAlias = bytes | bytearray | mmap.mmap
"""What the parsers that read from front to back accept: bytes, or a mapped file."""

RELEASE_STEP = 16 * 1024 * 1024
"""Bytes read past the last release before the next (each costs a system call)."""


def open_mapped(path: Path) -> mmap.mmap:
    """The file at `path`, mapped read-only (raises OSError like `open`)."""
    with path.open("rb") as file:
        return map_file(file)


def map_file(file: BinaryIO) -> mmap.mmap:
    """An open file, mapped read-only (the mapping outlives the file object)."""
    mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_SEQUENTIAL"):
        mapped.madvise(mmap.MADV_SEQUENTIAL)
    return mapped


def is_mapped(data: object) -> bool:
    """True for a mapped file (a source too large to be read whole)."""
    return isinstance(data, mmap.mmap)


class Releaser:
    """Releases the pages of a mapped file behind a reader, every `RELEASE_STEP` bytes."""

    __slots__ = ("_data", "_done")

    def __init__(self, data: Data) -> None:
        self._data = data if isinstance(data, mmap.mmap) else None
        self._done = 0

    def reached(self, offset: int) -> None:
        """Everything before byte `offset` has been read and will not be read again."""
        if self._data is None or offset - self._done < RELEASE_STEP:
            return
        end = offset - offset % mmap.ALLOCATIONGRANULARITY
        if end > self._done:
            if hasattr(mmap, "MADV_DONTNEED"):
                self._data.madvise(mmap.MADV_DONTNEED, 0, end)
            self._done = end


def contains(data: Data, byte: bytes) -> bool:
    """True when `data` holds `byte`, looked for a piece at a time (a mapped file's pages are
    released behind the search)."""
    if not isinstance(data, mmap.mmap):
        return byte in data
    releaser = Releaser(data)
    step = RELEASE_STEP
    for offset in range(0, len(data), step):
        if data.find(byte, offset, offset + step) >= 0:
            return True
        releaser.reached(offset + step)
    return False


def head(data: Data, size: int) -> bytes:
    """The first `size` bytes of `data`, as bytes."""
    return bytes(data[:size])
