"""One helper process that works beside the writer, and the rule that none outlives its parent.

Saving is SQLite's work, which leaves the second core idle; parsing, converting and preparing
articles is Python's, which in a thread would contend with the writer for the interpreter lock.
A `Helper` is one forked process that runs such work (`ahead.ReadAhead` reads whole sources
ahead with one; `in_order` converts a large feed's entries a few hundred at a time with one).

The helper is forked: it needs nothing from the calling process but the work, and a forked
process neither imports the program's main module again (as spawned ones do, running any
unguarded script a second time) nor pays for importing the parsers. Where forking is not safe
(macOS, Windows) the work is done in the calling thread. A helper starts no helper of its own.

A helper never outlives its work: `close()` ends it, and should the calling process be killed
first (SIGKILL leaves it no time to), the kernel ends the helper too (Linux's parent-death
signal, asked for before the helper does anything else).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import TypeVar

AHEAD = 2
"""Items `in_order` has the helper work ahead of the one the caller is using."""
_PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when the thread that started it ends."""
_in_helper = False
"""True in a helper process."""
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def can_help() -> bool:
    """Whether a helper process can be started here (Linux, and not in a helper already)."""
    return sys.platform.startswith("linux") and not _in_helper


class Helper:
    """One helper process, started by the first `submit`."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_helper,
            initargs=(os.getpid(),),
        )
        self._helpers: tuple[BaseProcess, ...] = ()
        with _open_lock:
            _open.add(self)

    def submit(self, work: Callable[[_Item], _Result], item: _Item) -> Future[_Result] | None:
        """Run `work(item)` in the helper; None when it cannot (it died, or is closed)."""
        if self._pool is None:
            return None
        try:
            future = self._pool.submit(work, item)
        except (BrokenProcessPool, RuntimeError):
            self.close()  # the helper died: the caller works on its own from now on
            return None
        if not self._helpers:  # started by the first submit
            self._helpers = tuple(_processes(self._pool))
            _close_result_writer(self._pool)
        return future

    def kill(self) -> None:
        """End the helper at once; safe from any thread (a command stopped by a signal, whose
        calling thread may be busy in SQLite for a while before it can `close()`)."""
        for process in self._helpers:
            process.kill()  # a no-op once the process has ended and been waited for

    def close(self) -> None:
        """Stop the helper (work not done yet is done in the calling thread)."""
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


def in_order(items: Iterable[_Item], work: Callable[[_Item], _Result]) -> Iterator[_Result]:
    """`work(item)` for each item, in order, done up to `AHEAD` items ahead in a helper process
    while the caller uses the results before; in the calling process where no helper can run
    (`can_help`) or once the helper has died. `work` and the items must pickle; what `work`
    raises is raised here."""
    helper = Helper() if can_help() else None
    waiting: deque[tuple[_Item, Future[_Result] | None]] = deque()
    try:
        for item in items:
            waiting.append((item, helper.submit(work, item) if helper is not None else None))
            if len(waiting) > AHEAD:
                yield _result(*waiting.popleft(), work)
        while waiting:
            yield _result(*waiting.popleft(), work)
    finally:
        if helper is not None:
            helper.close()


def _result(
    item: _Item, future: Future[_Result] | None, work: Callable[[_Item], _Result]
) -> _Result:
    if future is not None:
        try:
            return future.result()
        except (BrokenProcessPool, OSError, EOFError):
            pass  # the helper died: the item is worked on here
    return work(item)


_open: set[Helper] = set()
_open_lock = threading.Lock()


def kill_helpers() -> None:
    """End every helper of this process at once, from any thread."""
    with _open_lock:
        running = list(_open)
    for helper in running:
        helper.kill()


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    # The pool does not list its processes publicly.
    return list((getattr(pool, "_processes", None) or {}).values())


def _close_result_writer(pool: ProcessPoolExecutor) -> None:
    """Close this process's copy of the pipe the helper sends its results through.

    Only the helper writes to it. A helper that dies in the middle of sending a result (killed,
    or out of memory) leaves half a message in the pipe, and the pool's thread waits for the
    rest for ever while a writer is still open: this process's copy must not be that writer,
    so that the helper's death ends the wait and breaks the pool (the work is then done
    here). The pool keeps the pipe where its public API does not reach.
    """
    queue = getattr(pool, "_result_queue", None)
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        writer.close()


def _start_helper(parent: int) -> None:
    """First thing in the helper: die with the process that started it, leave Ctrl+C to it."""
    global _in_helper
    _in_helper = True
    # The helper is forked by the thread running the import, which waits in `close()` for it:
    # the kernel's signal on that thread's end is the signal on the import's end.
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        os._exit(1)  # the caller then does every piece of work itself
    if os.getppid() != parent:  # the import was killed before the signal was asked for
        os._exit(1)
    # Ctrl+C reaches the whole process group: the import stops in the calling process, which
    # then ends the helper; the helper must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the calling process does on other signals (stop cleanly, `reader.cli.stopping`) is
    # its own: `close()` ends the helper with SIGTERM, which must end it at once.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
