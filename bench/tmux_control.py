"""A tmux server of the benchmark's own, driven through one control-mode client.

`tmux -C` reads commands on its standard input and answers each in a `%begin` ... `%end` block,
so sending a key or capturing a pane costs a write and a read on a pipe (a few hundred
microseconds) instead of starting a tmux client process (a few milliseconds): the screen can be
polled about every millisecond while a step is timed. The client is attached to an idle session
of its own, so it never changes the size of the windows it watches.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

POLL_S = 0.001
"""Pause between two captures while waiting for a screen."""


class TmuxError(RuntimeError):
    """A tmux command failed."""


def quote(word: str) -> str:
    """A word as tmux's command parser reads it back unchanged (single quotes)."""
    return "'" + word.replace("'", "'\\''") + "'"


class Tmux:
    """A private tmux server and its control client; use as a context manager."""

    def __init__(self, name: str | None = None) -> None:
        self.socket = name or f"reader-peer-{os.getpid()}"
        self._client: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Tmux:
        subprocess.run(
            ["tmux", "-L", self.socket, "new-session", "-d", "-s", "control", "-x", "80",
             "-y", "24", "sleep 1000000"],
            check=True,
        )  # fmt: skip
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach-session", "-t", "control"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._read_block("attach-session")  # the attach's own (empty) answer comes first
            self.command("refresh-client -f no-output")
        except TmuxError:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self._client is not None:
            self._client.wait(timeout=10)

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (raises TmuxError on `%error`)."""
        client = self._client
        assert client is not None and client.stdin is not None and client.stdout is not None
        client.stdin.write(line.encode() + b"\n")
        client.stdin.flush()
        return self._read_block(line)

    def _read_block(self, line: str) -> list[str]:
        client = self._client
        assert client is not None and client.stdout is not None
        out: list[str] = []
        inside = False
        while True:
            raw = client.stdout.readline()
            if not raw:
                raise TmuxError(f"tmux control client ended during: {line}")
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            if not inside:
                inside = text.startswith("%begin ")
                continue
            if text.startswith(("%end ", "%error ")):
                if text.startswith("%error "):
                    raise TmuxError(f"{line}: {' '.join(out)}")
                return out
            out.append(text)

    def spawn(self, session: str, width: int, height: int, shell_command: str) -> None:
        """Start `shell_command` in a new session of `width` x `height` cells."""
        self.command(
            f"new-session -d -s {quote(session)} -x {width} -y {height} {quote(shell_command)}"
        )

    def keys(self, session: str, *keys: str) -> None:
        """Send tmux key names (`Enter`, `Escape`, `j`...)."""
        self.command(f"send-keys -t {quote(session)} " + " ".join(quote(k) for k in keys))

    def text(self, session: str, text: str) -> None:
        """Type `text` literally."""
        self.command(f"send-keys -t {quote(session)} -l {quote(text)}")

    def screen(self, session: str) -> list[str]:
        """The visible screen, one string per line."""
        return self.command(f"capture-pane -p -t {quote(session)}")

    def pid(self, session: str) -> int | None:
        """The process id of the program in the session's pane."""
        found = self.command(f"display-message -p -t {quote(session)} '#{{pane_pid}}'")
        return int(found[0]) if found and found[0].isdigit() else None

    def kill(self, session: str) -> None:
        """End a session (and the program in it)."""
        with contextlib.suppress(TmuxError):  # already gone: the program exited
            self.command(f"kill-session -t {quote(session)}")

    def wait(
        self, session: str, shown: Callable[[list[str]], bool], timeout: float, began: float
    ) -> float | None:
        """Seconds from `began` (a `perf_counter` time) to the first capture for which `shown`
        holds, polling every `POLL_S`; None after `timeout` seconds."""
        while True:
            screen = self.screen(session)
            now = time.perf_counter()
            if shown(screen):
                return now - began
            if now - began > timeout:
                return None
            time.sleep(POLL_S)


def wait_exit(pid: int | None, timeout: float = 10.0) -> bool:
    """Wait for a process to end; whether it did."""
    deadline = time.monotonic() + timeout
    while pid is not None and Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def peak_mb(pid: int | None) -> float | None:
    """The process's peak resident set so far (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None
