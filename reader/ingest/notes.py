"""Warnings a parser raises about one source without failing it (doubtful decoding, truncation).

The runner opens a collection around each source; parsers call `warn()` wherever they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[list[str] | None] = ContextVar("reader_ingest_warnings", default=None)


@contextmanager
def collect() -> Iterator[list[str]]:
    """Collect the warnings raised inside the block into the yielded list."""
    found: list[str] = []
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)


def warn(message: str) -> None:
    """Record a one-line warning about the source being read (ignored outside `collect`)."""
    found = _current.get()
    if found is not None and message not in found:
        found.append(message)
