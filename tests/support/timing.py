"""Timing work against a limit without waiting for ever when the work is much slower.

The work runs in a forked child that is killed at the limit: a parser that turned quadratic
fails its test in seconds instead of running for hours. Bounds are taken relative to a smaller
input timed the same way, so that a busy machine slows both alike.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable


def seconds_within(work: Callable[[], object], limit: float) -> float:
    """How many seconds `work()` took; fails the test when it takes longer than `limit`.

    An exception in `work` fails the test with its message.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        started = time.perf_counter()
        try:
            work()
        except BaseException as error:  # reported to the parent, which fails the test
            send.send(("error", f"{type(error).__name__}: {error}"))
            return
        send.send(("ok", time.perf_counter() - started))

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()  # so that a child that dies is seen as the end of the pipe
    try:
        if not receive.poll(limit):
            raise AssertionError(f"took longer than {limit:.1f} s")
        try:
            outcome, value = receive.recv()
        except EOFError:
            raise AssertionError(f"the work died (exit code {process.exitcode})") from None
        if outcome == "error":
            raise AssertionError(str(value))
        return float(value)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def linear_limit(small: float, ratio: float, slack: float = 5.0) -> float:
    """The time allowed for an input `ratio` times larger than one that took `small` seconds:
    twice what linear growth predicts, plus `slack` seconds for a busy machine."""
    return 2 * ratio * small + slack
