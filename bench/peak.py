"""Run a command and report its peak memory, measured from a small process.

Linux keeps a process's peak resident set across `exec`, and a child made by `fork` or `vfork`
starts from its parent's peak: measured from a benchmark that has grown to 200 MB, every command
it runs would seem to need 200 MB. This wrapper is a fresh, small Python that runs the command as
its own child and prints that child's peak (in KB, as `/usr/bin/time -f %M` does) on its last
line of stderr.

    python -m bench.peak COMMAND [ARG...]
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    """Run `argv` with this process's stdin, stdout and stderr; exit with its exit code."""
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    print(f"peak-kb {usage.ru_maxrss}", file=sys.stderr)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
