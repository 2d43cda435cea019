"""Reading local sources ahead in a helper process while the library is being written.

Saving a source is SQLite's work, which leaves a second core idle; reading, parsing, sanitising
and building the search terms of the next sources is Python's, which in a thread would contend
with the writer for the interpreter lock. A large import of several local files therefore reads
up to `DEPTH` of them ahead in one helper process; the writer saves them in the order given, as
before. Small imports, URLs and OPML lists are read in the calling thread: starting a process
costs more than it saves there.

The helper (`reader.ingest.helper`) is forked, never outlives the import, and where it cannot
run (not Linux) sources are read in the calling thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from reader.ingest.helper import Helper, can_help, kill_helpers
from reader.ingest.jobs import Job, Ready

__all__ = ["DEPTH", "MIN_BYTES", "ReadAhead", "kill_helpers", "take"]

MIN_BYTES = 8 * 1024 * 1024
"""Local sources must add up to at least this much for a helper process to pay off."""
DEPTH = 2
"""Sources read ahead of the one being saved (each is held in memory until saved)."""
_AHEAD_KINDS = frozenset({"jsonl", "json", "markdown", "pagetext", "html", "feed", "xml"})


class _Slot(Protocol):
    """A job waiting its turn in the runner (`runner._Pending`)."""

    job: Job
    ready: Future[Ready | str] | None


class ReadAhead(Helper):
    """One helper process that reads local sources ahead; see the module's description."""

    def __init__(self, read: Callable[[Job], Ready | str]) -> None:
        super().__init__()
        self._read = read
        self._first = True

    @classmethod
    def for_jobs(cls, jobs: Iterable[Job], read: Callable[[Job], Ready | str]) -> ReadAhead | None:
        """A read-ahead for these jobs if it is worth one, else None; `read` reads one source
        in the helper (`runner.read_ahead`: the source, or why it failed)."""
        if not can_help():
            return None
        local = [job for job in jobs if _readable_ahead(job)]
        if len(local) < 2:
            return None
        total = 0
        for job in local:
            try:
                total += os.stat(job.location).st_size
            except OSError:
                continue
            if total >= MIN_BYTES:
                return cls(read)
        return None

    def fill(self, waiting: Iterable[_Slot]) -> None:
        """Start reading the first `DEPTH` local sources among `waiting` not started yet."""
        slots = iter(waiting)
        if self._first:  # the first source is read here, while the helper reads the next
            self._first = False
            next(slots, None)
        started = 0
        for slot in slots:
            if started >= DEPTH:
                return
            if not _readable_ahead(slot.job):
                continue
            if slot.ready is None:
                slot.ready = self.submit(self._read, slot.job)
                if slot.ready is None:  # the helper died: read in the calling thread from now on
                    return
            started += 1


def take(ready: Future[Ready | str]) -> Ready | str | None:
    """A source read ahead (or why it failed); None if the helper could not read it."""
    try:
        return ready.result()
    except (BrokenProcessPool, OSError, EOFError):
        return None


def _readable_ahead(job: Job) -> bool:
    return not job.remote and job.kind in _AHEAD_KINDS
