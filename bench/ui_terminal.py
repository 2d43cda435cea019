"""The real app in a real terminal (tmux), watched from outside: start-up time and memory.

Start-up: the clock starts just before `tmux new-session` spawns `reader --db PATH` and stops at
the first `capture-pane` that shows the panes filled: the tree with its counts, the list with
dated rows and, at 160 columns, the reading pane with the article the last session left open.
The screen is captured about every 5 ms, so a figure is late by up to one capture.

Memory: the app is driven through a browsing script with `tmux send-keys` (category switches,
hundreds of page downs, the last row, opening articles, random articles, the 50 KB article and
scrolling it) and the process's peak resident size (VmHWM in /proc/PID/status) is read at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import get_character_cell_size

from bench.ui_articles import CATEGORY
from reader.store.library import Library

SOCKET = f"reader-ui-bench-{os.getpid()}"
POLL_S = 0.005
TIMEOUT_S = 30.0
WIDE = 120
"""From this width on the main screen shows the reading pane beside the list."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COUNT = re.compile(r"\d[\d,]*")


def tmux(*args: str) -> str:
    """Run a tmux command on the benchmark's own server; return its output."""
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False
    )
    return done.stdout


def have_tmux() -> bool:
    """Whether tmux is installed."""
    return shutil.which("tmux") is not None


def reader_command(db: Path) -> str:
    """The shell command that opens the app on `db` (the installed console script)."""
    script = Path(sys.executable).with_name("reader")
    program = str(script) if script.exists() else f"{sys.executable} -m reader"
    return f"exec {program} --db {db}"


class Server:
    """A private tmux server kept alive by an idle session, so no run pays for starting it."""

    def __enter__(self) -> Server:
        tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 100000")
        return self

    def __exit__(self, *exc: object) -> None:
        tmux("kill-server")


def cells(line: str) -> list[str]:
    """A captured line as terminal cells: a wide (CJK) character fills two, the second empty."""
    found: list[str] = []
    for ch in line:
        found.append(ch)
        if get_character_cell_size(ch) == 2:
            found.append("")
    return found


def _columns(top: list[str]) -> list[tuple[int, int]]:
    """The (start, end) columns of each box on the screen's first line."""
    starts = [i for i, ch in enumerate(top) if ch == "╭"]
    ends = [i for i, ch in enumerate(top) if ch == "╮"]
    return list(zip(starts, ends, strict=False))


def panes(screen: list[str], wide: bool) -> dict[str, bool]:
    """Which panes look filled on a captured screen (a narrow one hides the reading pane)."""
    state = {"tree": False, "list": False, "reading": not wide}
    if not screen:
        return state
    grid = [cells(line) for line in screen]
    boxes = _columns(grid[0])
    inner = [["".join(line[a + 1 : b]) for line in grid[1:-2]] for a, b in boxes]
    if boxes:
        counted = [row for row in inner[0] if _COUNT.search(row)]
        state["tree"] = len(counted) >= 2
    if len(boxes) >= 2:
        state["list"] = any(_DATE.search(row) for row in inner[1])
    if len(boxes) >= 3:
        state["reading"] = sum(1 for row in inner[2] if row.strip()) >= 5
    return state


def capture(session: str) -> list[str]:
    """The screen of `session`, one string per line."""
    return tmux("capture-pane", "-p", "-t", session).splitlines()


def _pid(session: str) -> int | None:
    text = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
    return int(text) if text.isdigit() else None


def _wait_exit(pid: int | None, session: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while pid is not None and Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    tmux("kill-session", "-t", session)


def _cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (in clock ticks, 10 ms)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_once(db: Path, width: int, height: int, run: int) -> dict[str, float | None]:
    """Seconds from spawning the app to each pane being filled, then quit it with `q`.

    Also the app's CPU seconds when all were filled (`cpu`): its own work, whatever the load.
    """
    session = f"start-{width}x{height}-{run}"
    seen: dict[str, float | None] = {"tree": None, "list": None, "reading": None}
    began = time.perf_counter()
    tmux(
        "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), reader_command(db)
    )
    pid = _pid(session)
    while time.perf_counter() - began < TIMEOUT_S:
        now = time.perf_counter() - began
        for name, filled in panes(capture(session), width >= WIDE).items():
            if filled and seen[name] is None:
                seen[name] = now
        if all(v is not None for v in seen.values()):
            break
        time.sleep(POLL_S)
    done = [v for v in seen.values() if v is not None]
    seen["all"] = max(done) if len(done) == len(seen) else None
    seen["cpu"] = _cpu_s(pid) if seen["all"] is not None else None
    tmux("send-keys", "-t", session, "q")
    _wait_exit(pid, session)
    return seen


def _stats(values: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in values]
    return {
        "runs": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
    }


def start_times(db: Path, width: int, height: int, runs: int) -> dict[str, Any]:
    """Start-up figures over `runs` spawns (after one untimed warm-up spawn)."""
    start_once(db, width, height, 0)
    found: dict[str, list[float]] = {}
    missing = 0
    for run in range(1, runs + 1):
        seen = start_once(db, width, height, run)
        missing += seen["all"] is None
        for name, value in seen.items():
            if value is not None:
                found.setdefault(name, []).append(value)
    result: dict[str, Any] = {"terminal": f"{width}x{height}", "not_filled": missing}
    for name, values in found.items():
        result[name] = _stats(values)
    return result


def paired_starts(
    base: Path, db: Path, runs: int, width: int = 160, height: int = 48
) -> dict[str, Any]:
    """Start-ups of `base` and `db` taken in turn, so both see the same load; their ratio.

    The ratio is the median of the per-pair ratios (each pair ran within about a second).
    """
    leave_on_all(base)
    start_once(base, width, height, 0)
    start_once(db, width, height, 0)
    times: dict[str, list[float]] = {"base": [], "this": []}
    ratios = []
    for run in range(1, runs + 1):
        first = start_once(base, width, height, run)["all"]
        second = start_once(db, width, height, run)["all"]
        if first is not None and second is not None:
            times["base"].append(first)
            times["this"].append(second)
            ratios.append(second / first)
    return {
        "terminal": f"{width}x{height}",
        "base_db": base.name,
        "base": _stats(times["base"]) if ratios else None,
        "this": _stats(times["this"]) if ratios else None,
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
    }


def import_floor(runs: int) -> dict[str, Any]:
    """Seconds for a bare `python -c pass` and for importing what `reader` imports to start."""
    result = {}
    for name, code in (
        ("python", "pass"),
        ("import reader.cli, reader.ui.app", "import reader.cli, reader.ui.app"),
    ):
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - began)
        result[name] = _stats(times)
    return result


def _memory(pid: int) -> dict[str, float]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def send_keys(session: str, keys: list[str]) -> None:
    """Type `keys` one by one; after Escape wait long enough that the next key is not read as
    Alt+key (a terminal sends Alt+g as ESC g)."""
    for key in keys:
        tmux("send-keys", "-t", session, key)
        time.sleep(0.3 if key == "Escape" else 0.03)


def _wait_filled(session: str, wide: bool) -> None:
    began = time.perf_counter()
    while not all(panes(capture(session), wide).values()):
        if time.perf_counter() - began > TIMEOUT_S:
            raise RuntimeError("the app did not fill its panes")
        time.sleep(0.05)


def leave_keys(db: Path) -> list[str]:
    """From the list: to the tree, All articles (below the views), back to the list, its first
    article opened."""
    return ["Escape", "g", *["j"] * views_above(db), "Enter", "g", "Enter"]


def views_above(db: Path) -> int:
    """How many lines the views take at the top of the tree."""
    with Library(db, create=False) as lib:
        return len(lib.views(count_searches=False))


def leave_on_all(db: Path) -> None:
    """Open the app and leave the library on All articles with its first article open, the
    state every start-up run begins from (a session remembers the category and article)."""
    session = "reset"
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "48", reader_command(db))
    pid = _pid(session)
    began = time.perf_counter()
    while not all(v for k, v in panes(capture(session), False).items()):
        if time.perf_counter() - began > TIMEOUT_S:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    send_keys(session, leave_keys(db))
    time.sleep(0.5)
    tmux("send-keys", "-t", session, "q")
    _wait_exit(pid, session)


def _tree_steps(db: Path) -> int:
    """Key presses from the tree's first line (the views, then All articles) down to the
    top-level `bench` category."""
    with Library(db, create=False) as lib:
        tops = [c for c in lib.categories() if c.depth == 0]
    return views_above(db) + 1 + next(i for i, c in enumerate(tops) if c.path == CATEGORY[:1])


def browse(db: Path, width: int = 160, height: int = 48) -> dict[str, Any]:
    """Drive the app through a browsing script; its memory at start, peak and end (MB)."""
    session = "browse"
    tmux(
        "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), reader_command(db)
    )
    pid = _pid(session)
    assert pid is not None
    _wait_filled(session, width >= WIDE)
    time.sleep(0.5)
    at_start = _memory(pid)
    script: list[tuple[str, list[str], int]] = [
        ("switch categories", ["Escape", "g", *["j"] * 12, *["k"] * 12], 1),
        ("open the list", ["Enter"], 1),
        ("page down 300 times", ["PageDown"] * 20, 15),
        ("last row, first row", ["G", "g"], 1),
        ("open an article, next 10", ["Enter", *["J"] * 10], 1),
        ("random 20, random (all) 10", ["r"] * 20 + ["R"] * 10, 1),
        ("back to the tree", ["Escape", "Escape"], 1),
        ("the bench/sizes category", ["g", *["j"] * _tree_steps(db), "l", "l", "Enter"], 1),
        ("open the 50 KB article", ["j", "Enter"], 1),
        ("scroll it", ["PageDown"] * 20, 3),
        # Leave the library as the start-up runs expect it: All articles, its first article open.
        ("All articles, open the first", ["Escape", *leave_keys(db)], 1),
    ]
    steps = []
    shown = ""
    for name, keys, repeat in script:
        for _ in range(repeat):
            send_keys(session, keys)
            time.sleep(0.3)
        steps.append({"step": name, **_memory(pid)})
        if name == "scroll it":
            shown = "\n".join(capture(session))
    at_end = _memory(pid)
    tmux("send-keys", "-t", session, "q")
    _wait_exit(pid, session)
    return {
        "terminal": f"{width}x{height}",
        "start_rss_mb": at_start["VmRSS"],
        "peak_mb": at_end["VmHWM"],
        "end_rss_mb": at_end["VmRSS"],
        "steps": steps,
        "ended_on_50kb_article": "50 KB" in shown,
    }


def measure(
    db: Path, runs: int, on_progress: Callable[[str], None], base: Path | None = None
) -> dict[str, Any]:
    """Start-up at 160x48 and 80x24, the import floor, and memory while browsing; with `base`,
    also start-ups of `base` and `db` in turn for a ratio that the machine's load cancels out of.
    """
    found: dict[str, Any] = {}
    with Server():
        if base is not None:
            on_progress(f"start-up paired with {base.name}")
            found["paired_start"] = paired_starts(base, db, runs)
        on_progress("start-up 160x48")
        wide = start_times(db, 160, 48, runs)
        on_progress("start-up 80x24")
        narrow = start_times(db, 80, 24, runs)
        on_progress("import floor")
        floor = import_floor(max(3, runs // 2))
        on_progress("memory while browsing")
        memory = browse(db)
    return {"start": [wide, narrow], "import_floor": floor, "memory": memory, **found}
