"""Stopping a long command on SIGTERM or SIGHUP as on Ctrl+C: at once, cleanly, with one line.

By default either signal ends Python at once with no `finally` run: the source being saved is
rolled back by SQLite all the same, but nothing the command started is ended by it. Turned into
an exception, the signal unwinds the command as Ctrl+C does: the transaction is rolled back, the
read-ahead helper ended, and `main` says why.

Python runs a signal's handler only between two steps of Python code, and saving a large source
spends many seconds in one SQLite statement. So the signal also wakes a watcher thread (through
`signal.set_wakeup_fd`, written at once by the interpreter's own low-level handler) that calls
`on_stop`: the command interrupts its SQLite statement there, and the handler runs right after.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that stop a command cleanly (Windows has no SIGHUP)."""


class Stopped(BaseException):
    """The command was asked to stop by a signal (a BaseException, like KeyboardInterrupt, so
    that no handler of ordinary errors takes it for a bad source)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number

    @property
    def name(self) -> str:
        """The signal's name (`SIGTERM`)."""
        return signal.Signals(self.number).name


def _raise(number: int, _frame: FrameType | None) -> None:
    raise Stopped(number)


@contextlib.contextmanager
def stopped_by_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP call `on_stop` at once (in another thread) and then
    raise `Stopped` in the main thread.

    Only the main thread can set signal handlers: a command run in another one keeps Python's
    default, which ends the process at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    watcher = threading.Thread(
        target=_watch, args=(wake_read, on_stop), name="reader-stop", daemon=True
    )
    watcher.start()
    previous_fd = signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    previous = {number: signal.signal(number, _raise) for number in SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        with contextlib.suppress(OSError):
            os.write(wake_write, b"\0")  # the block is over: the watcher ends
        watcher.join()
        os.close(wake_read)
        os.close(wake_write)


def _watch(wake: int, on_stop: Callable[[], None]) -> None:
    """Wait for a signal byte; on SIGTERM or SIGHUP call `on_stop`; end on a zero byte."""
    while True:
        try:
            received = os.read(wake, 64)
        except InterruptedError:
            continue
        if not received or 0 in received:
            return
        if any(number in SIGNALS for number in received):
            on_stop()
            return
