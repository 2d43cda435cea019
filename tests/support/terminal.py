"""Running a command with its stderr on a pseudo-terminal, to see what it draws there."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from collections.abc import Sequence


def run_with_terminal_stderr(args: Sequence[str], *, timeout: float = 60) -> tuple[int, str, str]:
    """Run `args` with stderr on a pseudo-terminal and stdout on a pipe; return (exit code,
    stdout, everything written to the terminal)."""
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        list(args), stdout=subprocess.PIPE, stderr=secondary, stdin=subprocess.DEVNULL, env=env
    )
    os.close(secondary)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([primary], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    process.stdout.close()
    return process.wait(timeout=timeout), out, b"".join(chunks).decode(errors="replace")
