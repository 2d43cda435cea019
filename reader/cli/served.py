"""The app as one browser session of `reader serve`: it ends when the server does.

The server names itself in `READER_SERVED_BY` (its process id) for the apps it starts. An app
that finds it asks the kernel for SIGTERM when its parent dies (Linux), or watches for that
elsewhere, so that a server killed outright (SIGKILL, a crash) leaves no app holding the library
open; SIGTERM makes the app quit as `q` does, saving its state.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

SERVED_BY_ENV = "READER_SERVED_BY"
_PR_SET_PDEATHSIG = 1
_WATCH_EVERY = 1.0


def served_by() -> int | None:
    """The process id of the `reader serve` that started this app, if one did (read once: the
    variable is removed, so nothing this app starts inherits it)."""
    value = os.environ.pop(SERVED_BY_ENV, None)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def follow_server(server: int) -> bool:
    """Tie this app's life to the server's; False when that server has already gone (the app
    should not start), else True."""
    if not _die_with_parent():
        threading.Thread(target=_watch, args=(server,), name="served-by", daemon=True).start()
    return os.getppid() == server


def _die_with_parent() -> bool:
    """Ask Linux for SIGTERM when the parent ends; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(server: int) -> None:
    stop = threading.Event()
    while not stop.wait(_WATCH_EVERY):
        if os.getppid() != server:
            os.kill(os.getpid(), signal.SIGTERM)
            return
