"""Another program writing to a library for a long time: a process that holds its write lock."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Holds `BEGIN IMMEDIATE` with a change not yet committed, like an import in the middle of a
# long source, until its standard input is closed (so it never outlives the test), then rolls
# the change back. A cap keeps a forgotten holder from waiting for ever.
_HOLD = """
import select, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute('BEGIN IMMEDIATE')
if sys.argv[2]:
    conn.execute(sys.argv[2])
print('locked', flush=True)
select.select([sys.stdin], [], [], float(sys.argv[3]))
conn.execute('ROLLBACK')
conn.close()
print('released', flush=True)
"""


@contextmanager
def write_lock_held(db: Path, change: str = "", *, longest: float = 120.0) -> Iterator[float]:
    """Another process holds the library's write lock (and `change`, uncommitted) for the
    block; yields the moment it took the lock (`time.monotonic`). Released on leaving."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db), change, str(longest)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        line = holder.stdout.readline()
        assert line == b"locked\n", (line, holder.stderr.read() if holder.stderr else b"")
        taken = time.monotonic()
        yield taken
        assert holder.poll() is None, "the lock was let go before the test ended"
        holder.stdin.close()
        assert holder.stdout.readline() == b"released\n"
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout, holder.stderr):
            if stream is not None:
                stream.close()
