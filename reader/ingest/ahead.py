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

The helper never outlives the import: `close()` ends it, and should the calling process be
killed first (SIGKILL leaves it no time to), the kernel ends the helper too (Linux's
parent-death signal, asked for before the helper does anything else).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Protocol

from reader.ingest.jobs import Job, Ready

MIN_BYTES = 8 * 1024 * 1024
"""Local sources must add up to at least this much for a helper process to pay off."""
DEPTH = 2
"""Sources read ahead of the one being saved (each is held in memory until saved)."""
_AHEAD_KINDS = frozenset({"jsonl", "json", "markdown", "pagetext", "html", "feed", "xml"})
_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when the thread that started it ends."""


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
            initializer=_start_helper,
            initargs=(os.getpid(),),
        )
        self._first = True
        self._helpers: tuple[BaseProcess, ...] = ()
        with _open_lock:
            _open.add(self)

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
                if not self._helpers:  # started by the first submit
                    self._helpers = tuple(_processes(self._pool))
                    _close_result_writer(self._pool)
            started += 1

    def kill(self) -> None:
        """End the helper at once; safe from any thread (a command stopped by a signal, whose
        calling thread may be busy in SQLite for a while before it can `close()`)."""
        for process in self._helpers:
            process.kill()  # a no-op once the process has ended and been waited for

    def close(self) -> None:
        """Stop the helper (sources not read yet are read in the calling thread)."""
        with _open_lock:
            _open.discard(self)
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Its work is only reading, so it is stopped rather than waited for (after Ctrl+C,
        # say); waiting for the pool to wind down keeps its exit hook quiet.
        for process in _processes(pool):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


_open: set[ReadAhead] = set()
_open_lock = threading.Lock()


def kill_helpers() -> None:
    """End every read-ahead helper of this process at once, from any thread."""
    with _open_lock:
        running = list(_open)
    for reader in running:
        reader.kill()


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    # The pool does not list its processes publicly.
    return list((getattr(pool, "_processes", None) or {}).values())


def _close_result_writer(pool: ProcessPoolExecutor) -> None:
    """Close this process's copy of the pipe the helper sends its results through.

    Only the helper writes to it. A helper that dies in the middle of sending a source (killed,
    or out of memory) leaves half a message in the pipe, and the pool's thread waits for the
    rest for ever while a writer is still open: this process's copy must not be that writer,
    so that the helper's death ends the wait and breaks the pool (the sources are then read
    here). The pool keeps the pipe where its public API does not reach.
    """
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        writer.close()


def take(ready: Future[Ready | str]) -> Ready | str | None:
    """A source read ahead (or why it failed); None if the helper could not read it."""
    try:
        return ready.result()
    except (BrokenProcessPool, OSError, EOFError):
        return None


def _readable_ahead(job: Job) -> bool:
    return not job.remote and job.kind in _AHEAD_KINDS


def _start_helper(parent: int) -> None:
    """First thing in the helper: die with the process that started it, leave Ctrl+C to it."""
    # The helper is forked by the thread running the import, which waits in `close()` for it:
    # the kernel's signal on that thread's end is the signal on the import's end.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        os._exit(1)  # the caller then reads every source itself
    if os.getppid() != parent:  # the import was killed before the signal was asked for
        os._exit(1)
    # Ctrl+C reaches the whole process group: the import stops in the calling process, which
    # then ends the helper; the helper must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the calling process does on other signals (stop cleanly, `reader.cli.stopping`) is
    # its own: `close()` ends the helper with SIGTERM, which must end it at once.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
