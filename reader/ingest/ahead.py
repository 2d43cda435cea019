"""Reading local sources ahead in a helper process while the library is being written.

Saving a source is SQLite's work, which leaves a second core idle; reading, parsing, sanitising
and building the search terms of the next sources is Python's, which in a thread would contend
with the writer for the interpreter lock. A large import of several local files therefore reads
up to `DEPTH` of them ahead in one helper process; the writer saves them in the order given, as
before. Small imports, URLs and OPML lists are read in the calling thread: starting a process
costs more than it saves there.

The helper is forked: it needs nothing from the calling process but the job, and a forked
process neither imports the program's main module again (as spawned ones do, running any
unguarded script a second time) nor pays for importing the parsers. Where forking is not safe
(macOS, Windows) sources are read in the calling thread.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from reader.ingest.jobs import Job, Ready

MIN_BYTES = 8 * 1024 * 1024
"""Local sources must add up to at least this much for a helper process to pay off."""
DEPTH = 2
"""Sources read ahead of the one being saved (each is held in memory until saved)."""
_AHEAD_KINDS = frozenset({"jsonl", "json", "markdown", "pagetext", "html", "feed", "xml"})


class _Slot(Protocol):
    """A job waiting its turn in the runner (`runner._Pending`)."""

    job: Job
    ready: Future[Ready | str] | None


class ReadAhead:
    """One helper process that reads local sources ahead; see the module's description."""

    def __init__(self, read: Callable[[Job], Ready | str]) -> None:
        self._read = read
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_quiet_child,
        )
        self._first = True

    @classmethod
    def for_jobs(cls, jobs: Iterable[Job], read: Callable[[Job], Ready | str]) -> ReadAhead | None:
        """A read-ahead for these jobs if it is worth one, else None; `read` reads one source
        in the helper (`runner.read_ahead`: the source, or why it failed)."""
        if not sys.platform.startswith("linux"):
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
        if self._pool is None:
            return
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
                try:
                    slot.ready = self._pool.submit(self._read, slot.job)
                except (BrokenProcessPool, RuntimeError):
                    self.close()  # the helper died: read in the calling thread from now on
                    return
            started += 1

    def close(self) -> None:
        """Stop the helper (sources not read yet are read in the calling thread)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Its work is only reading, so it is stopped rather than waited for (after Ctrl+C,
        # say); waiting for the pool to wind down keeps its exit hook quiet.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def take(ready: Future[Ready | str]) -> Ready | str | None:
    """A source read ahead (or why it failed); None if the helper could not read it."""
    try:
        return ready.result()
    except (BrokenProcessPool, OSError, EOFError):
        return None


def _readable_ahead(job: Job) -> bool:
    return not job.remote and job.kind in _AHEAD_KINDS


def _quiet_child() -> None:
    # Ctrl+C reaches the whole process group: the import stops in the calling process, which
    # then ends the helper; the helper must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
