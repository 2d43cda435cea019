"""Bytes on the wire (issue 13): what reader and newsboat write to the terminal per action.

Each program runs on a pseudo-terminal of this process's own, 120x40, `TERM=xterm-256color`
(what an SSH session usually passes on; without `COLORTERM`, so 256 colours, and once more for
reader with `COLORTERM=truecolor`). A reader thread drains the terminal all the time, noting when
each byte came. An action is: note the count, send the keys, wait until the output has been
quiet for `QUIET_S` (or `LIMIT_S` passed), and count the bytes written since, whatever they are
(text, cursor moves, colours, what a background redraw added).

Actions, on the biggest feed's list (the peer benchmark's feeds and libraries, `bench.peer`):
the first screen after start, a cursor move (Down), a page down (PageDown), opening an article
(Enter on a row), a resize (to 119x40 and back to 120x40: the second is counted) and a full
redraw (newsboat's redraw key, Ctrl+L; reader has none, and repaints every cell after a resize,
so its figure is the resize's). Goals: a cursor move under 2 KB and a page down under one screen's
worth (120x40 = 4,800 cells).

    python -m bench.wire [--quick] [--sizes 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.peer import Peer, ensure_newsboat, reader_program
from bench.store_library import label, reader_commit, write_results
from bench.ui_terminal import views_above
from bench.wire_report import markdown, table

WIDTH, HEIGHT = 120, 40
QUIET_S = 0.6
"""An action is over once nothing was written for this long."""
SETTLE_S = 1.0
"""Before an action, the program must have been quiet this long (its last action's late
redraws, a footer rebuilt after the bindings changed, are not counted twice)."""
LIMIT_S = 10.0
START_LIMIT_S = 300.0
GOAL_CURSOR = 2_000
GOAL_PAGE = WIDTH * HEIGHT
KEYS = {"PageDown": b"\x1b[6~", "Enter": b"\r", "Escape": b"\x1b", "q": b"q", "g": b"g", "j": b"j"}
ARROWS = {"Down": b"B", "Up": b"A"}
"""Cursor keys: CSI B, or SS3 B once the program asked for application cursor keys (DECCKM),
as a real terminal sends them."""
_DECCKM_ON, _DECCKM_OFF = b"\x1b[?1h", b"\x1b[?1l"


class Terminal:
    """A program on a pseudo-terminal of ours, its output drained and counted."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = os.openpty()
        self._size(slave, WIDTH, HEIGHT)
        self.master = master
        self.process = subprocess.Popen(
            args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.total = 0
        self.last = time.monotonic()
        self.application_keys = False
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    @staticmethod
    def _size(fd: int, width: int, height: int) -> None:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.total += len(chunk)
                self.last = time.monotonic()
                on, off = chunk.rfind(_DECCKM_ON), chunk.rfind(_DECCKM_OFF)
                if on != off:
                    self.application_keys = on > off

    def quiet(self, window: float = QUIET_S, limit: float = LIMIT_S) -> None:
        """Wait until nothing was written for `window` seconds (at most `limit` seconds)."""
        began = time.monotonic()
        while time.monotonic() - began < limit:
            with self._lock:
                idle = time.monotonic() - self.last
            if idle >= window:
                return
            time.sleep(0.02)

    def action(self, send: bytes | None = None, size: tuple[int, int] | None = None) -> int:
        """Bytes written in answer to `send` (keys) or a resize to `size`, once quiet."""
        self.quiet(SETTLE_S)
        with self._lock:
            before = self.total
            self.last = time.monotonic()
        if send is not None:
            os.write(self.master, send)
        if size is not None:
            self._size(self.master, *size)
            os.killpg(self.process.pid, signal.SIGWINCH)
        time.sleep(QUIET_S / 2)
        self.quiet()
        with self._lock:
            return self.total - before

    def key(self, name: str) -> bytes:
        """The bytes a terminal sends for key `name`."""
        if name in ARROWS:
            return (b"\x1bO" if self.application_keys else b"\x1b[") + ARROWS[name]
        return KEYS.get(name, name.encode())

    def keys(self, *names: str) -> None:
        """Untimed keys, each followed by quiet."""
        for name in names:
            os.write(self.master, self.key(name))
            time.sleep(0.35 if name == "Escape" else 0.05)
            self.quiet(SETTLE_S)

    def close(self, quit_keys: tuple[str, ...]) -> None:
        """Quit with `quit_keys`; terminate the program if it does not exit."""
        for name in quit_keys:
            os.write(self.master, self.key(name))
            time.sleep(0.3)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(timeout=10)
        os.close(self.master)
        self._reader.join(timeout=5)


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "TMUX", "NO_COLOR")}
    env.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, **extra)
    return env


def measure_program(
    name: str, args: list[str], env: dict[str, str], cwd: Path, to_feed: tuple[str, ...],
    back: tuple[str, ...], quit_keys: tuple[str, ...], runs: int, redraw_key: bytes | None,
) -> dict[str, Any]:  # fmt: skip
    """Bytes per action of one program: start, then `runs` of each action on the feed's list.

    A full redraw is `redraw_key` when the program has one (newsboat's Ctrl+L), else a resize
    (reader repaints every cell after one)."""
    term = Terminal(args, env, cwd)
    try:
        began = time.monotonic()
        while term.total == 0 and time.monotonic() - began < START_LIMIT_S:
            time.sleep(0.05)
        term.quiet(2 * SETTLE_S, START_LIMIT_S)  # a slow first screen may pause mid-way
        found: dict[str, list[int]] = {"start": [term.total]}
        term.keys(*to_feed)
        for _ in range(runs):
            found.setdefault("cursor move", []).append(term.action(term.key("Down")))
        for _ in range(runs):
            found.setdefault("page down", []).append(term.action(term.key("PageDown")))
        for _ in range(runs):
            found.setdefault("open an article", []).append(term.action(term.key("Enter")))
            term.keys(*back, "Down")
        for _ in range(runs):
            term.action(size=(WIDTH - 1, HEIGHT))
            found.setdefault("resize", []).append(term.action(size=(WIDTH, HEIGHT)))
        for _ in range(runs):
            if redraw_key is None:
                term.action(size=(WIDTH - 1, HEIGHT))
                found.setdefault("full redraw", []).append(term.action(size=(WIDTH, HEIGHT)))
            else:
                found.setdefault("full redraw", []).append(term.action(redraw_key))
    finally:
        term.close(quit_keys)
    return {"program": name, **{k: _stats(v) for k, v in found.items()}}


def _stats(values: list[int]) -> dict[str, Any]:
    return {
        "values": values,
        "runs": len(values),
        "median": int(statistics.median(values)),
        "min": min(values),
        "max": max(values),
    }


def measure(size: int, seed: int, runs: int, version: str | None) -> dict[str, Any]:
    """Bytes per action at one size, for reader (256 colours and truecolor) and newsboat
    (unless `version` is None: newsboat is missing)."""
    peer = Peer(size, seed)
    if not peer.db.exists():
        print(f"  wire {label(size)}: importing the feeds (reader)", file=sys.stderr, flush=True)
        peer.import_reader()
    if version is not None and not (peer.home / "cache.db").exists():
        print(f"  wire {label(size)}: importing the feeds (newsboat)", file=sys.stderr)
        peer.import_newsboat()
    reader = [*reader_program().split(), "--db", str(peer.db)]
    h = str(peer.home)
    newsboat = ["newsboat", "-C", f"{h}/config", "-u", f"{h}/urls", "-c", f"{h}/cache.db"]
    nb_env = _env({"HOME": h, "XDG_CONFIG_HOME": h, "XDG_DATA_HOME": h})
    programs = []
    to_biggest = ("Escape", "g", *["j"] * (views_above(peer.db) + 1), "Enter")
    for name, args, env, to_feed, back, quit_keys, redraw in (
        ("reader", reader, _env({}), to_biggest, ("Escape",), ("q",), None),
        ("reader, truecolor", reader, _env({"COLORTERM": "truecolor"}),
         to_biggest, ("Escape",), ("q",), None),
        ("newsboat", newsboat, nb_env, ("Enter",), ("q",), ("q", "q"), b"\x0c"),
    ):  # fmt: skip
        if name == "newsboat" and version is None:
            continue
        print(f"  wire {label(size)}: {name}", file=sys.stderr, flush=True)
        cwd = peer.home if name == "newsboat" else peer.work
        programs.append(
            measure_program(name, args, env, cwd, to_feed, back, quit_keys, runs, redraw)
        )
    return {
        "size": size,
        "label": label(size),
        "date": datetime.now().replace(microsecond=0).isoformat(),
        "reader_commit": reader_commit(),
        "newsboat": version or "",
        "load": list(os.getloadavg()),
        "terminal": f"{WIDTH}x{HEIGHT}, TERM=xterm-256color",
        "quiet_s": QUIET_S,
        "settle_s": SETTLE_S,
        "goals": {"cursor move": GOAL_CURSOR, "page down": GOAL_PAGE},
        "programs": programs,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure; print a table and write `results/wire-<size>.json` and `.md`."""
    parser = argparse.ArgumentParser(prog="python -m bench.wire", description=__doc__)
    parser.add_argument("--sizes", default="10000", help="the smallest is measured")
    parser.add_argument("--quick", action="store_true", help="10k, three runs of each action")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    version, why = ensure_newsboat()
    if version is None:
        print(f"wire: newsboat left out, {why}", file=sys.stderr)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    # What one key writes depends on the screen, not on the library's size: one size is enough.
    size = min(sizes)
    result = measure(size, args.seed, 3 if args.quick else args.runs, version)
    write_results(f"wire-{label(size)}", result, markdown(result))
    print(table(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
