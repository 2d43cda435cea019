"""UI benchmark (issues 3 and 15): start-up, category and view switch, the tree's recount, cursor,
paging, opening articles, random, memory, on the synthetic libraries of the store benchmark.

For each size the cached library (`bench.store_library.build_library`) gets two fixed-size
articles in `bench/sizes` (5 KB and 50 KB, saved once through `Library.save`), then:

- interactions are timed inside the process (`bench.ui_inproc`): a key event is posted as a
  terminal driver posts it and the clock stops at the first frame that shows the result;
- start-up and memory are measured on the real app in tmux, from outside (`bench.ui_terminal`).

Results go to `bench/results/ui-<size>.json` and `.md`; each figure is a median with min-max.

    python -m bench.ui_bench [--quick] [--sizes 10000,100000,1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import textual

from bench import store_views, ui_inproc, ui_terminal
from bench.generate import GENERATOR_VERSION
from bench.store_library import DATA, RESULTS, build_library, label, reader_commit, write_results
from bench.ui_articles import ensure_sized_articles, sizes_scope
from bench.ui_report import markdown, table
from reader.store.library import Library

SIZES = (10_000, 100_000, 1_000_000)
GOAL_START_MS = 1_000.0
GOAL_START_RATIO = 1.2
GOALS_MS = {
    "category switch": 50.0,
    "view switch": 50.0,
    "tree recount after a read mark": 50.0,
    "cursor move": 16.0,
    "page down": 16.0,
    "open 5 KB article": 100.0,
    "open 50 KB article": 250.0,
    "random article": 100.0,
    "random article in a category": 100.0,
}
GOAL_PEAK_MB = 120.0
WAIT_S = 3 * 3600

METHOD = [
    "Interactions: `ReaderApp` under `App.run_test` (headless, 160x48). A key event is posted as"
    " Textual's terminal drivers post it (`driver.process_message`); the clock stops when the"
    " screen produces the first frame on which the result shows (the app's `_display` is"
    " wrapped; the headless driver's skipped step of turning the frame into terminal bytes is"
    " done there too, so it is inside the figure). No sleeps are timed: the wait is an"
    " `asyncio` future resolved by that frame. Between steps, untimed, the workers are awaited"
    " and the screen settles, so one step's background work does not land in the next.",
    "A figure therefore holds the key's handlers, the thread workers and their SQLite reads"
    " and writes, the wait for Textual's screen-update timer (at most 60 frames a second) and"
    " the frame's layout, rendering and encoding. 'Drawing' is the last part alone.",
    "Category switch: the tree's cursor moves down, then up, over the top-level categories;"
    " the clock stops when the list shows the new category with its visible rows loaded."
    " View switch: the same over the views (Unread, Starred and ten saved searches of common"
    " words, `bench.store_views`). Tree recount: `m` on a row, until the tree's counts change."
    " Page down: until the visible rows of the new page are loaded and drawn (a page that"
    " needs a new block of rows takes two frames: placeholders, then rows).",
    "Opening an article: Enter on its row in `bench/sizes` (it counts a view and marks it"
    " read, as in normal use); the clock stops at the frame showing the new page.",
    "Start-up: `reader --db PATH` spawned in a new tmux session on a private server; the"
    " clock starts just before the spawn and stops at the first `capture-pane` (taken every"
    " ~5 ms) on which the tree shows its counts, the list its dated rows and the reading pane"
    " the article the previous session left open (at 80x24 the reading pane is hidden until"
    " an article is opened). One untimed warm-up run first (cold file cache).",
    "Memory: the real app in tmux driven by `tmux send-keys` through a browsing script (category"
    " switches, 300 page downs, last row, 10 next articles, 30 random articles, the 50 KB"
    " article scrolled); peak = VmHWM of the process from /proc at the end.",
    "Start-up ratio between sizes: start-ups of the 10k library and of this one taken in turn"
    " (10k, this, 10k, this...), the median of the per-pair ratios, so that the machine's load,"
    " which changes from minute to minute, cancels out.",
    "Goals are judged on the wall-clock median. On a loaded machine compare the CPU columns too:"
    " they count the app's own work.",
]


def library_path(size: int, seed: int) -> Path:
    """Where `build_library` keeps the library of `size` articles."""
    return DATA / f"library-v{GENERATOR_VERSION}-s{seed}-{label(size)}.db"


def wait_for_library(size: int, seed: int) -> None:
    """Wait while another process is still building this library (never touch its files)."""
    db = library_path(size, seed)
    building = db.with_name(db.name + ".building")
    began = time.monotonic()
    while building.exists() and not (db.exists() and db.with_suffix(".json").exists()):
        if time.monotonic() - began > WAIT_S:
            raise RuntimeError(f"{building} is still being built")
        print(f"  waiting for {building.name} to be finished", file=sys.stderr, flush=True)
        time.sleep(30)


def goals(result: dict[str, Any], baseline: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each goal of the issue with the measured median and whether it is met."""
    found: list[dict[str, Any]] = []

    def add(goal: str, value: float, met: bool) -> None:
        found.append({"goal": goal, "value": value, "met": met})

    for start in result["terminal"]["start"]:
        if "all" in start:
            value = start["all"]["median_ms"]
            add(f"start to panes filled, {start['terminal']} < 1 s", value, value < GOAL_START_MS)
    paired = result["terminal"].get("paired_start")
    if paired and paired["ratio"] is not None:
        ratio = paired["ratio"]
        add(
            f"start at {result['label']} / start at {label(SIZES[0])} <= {GOAL_START_RATIO}"
            " (taken in turn)",
            ratio,
            ratio <= GOAL_START_RATIO,
        )
    elif baseline is not None:
        mine = result["terminal"]["start"][0]["all"]["median_ms"]
        theirs = baseline["terminal"]["start"][0]["all"]["median_ms"]
        ratio = round(mine / theirs, 2)
        add(
            f"start at {result['label']} / start at {baseline['label']} <= {GOAL_START_RATIO}"
            " (separate runs)",
            ratio,
            ratio <= GOAL_START_RATIO,
        )
    for op in result["in_process"]["operations"]:
        limit = GOALS_MS.get(op["name"])
        if limit is not None:
            add(f"{op['name']} < {limit:g} ms", op["median_ms"], op["median_ms"] < limit)
    peak = result["terminal"]["memory"]["peak_mb"]
    add(f"peak memory while browsing < {GOAL_PEAK_MB:g} MB", peak, peak < GOAL_PEAK_MB)
    return found


def measure(size: int, seed: int, runs: int, start_runs: int) -> dict[str, Any]:
    """Every UI figure of one library."""
    load_before = list(os.getloadavg())
    wait_for_library(size, seed)
    db = Path(build_library(size, seed=seed)["db"])
    with Library(db, create=False) as library:
        store_views.ensure_saved_searches(library)
    sized = ensure_sized_articles(db)
    scope = sizes_scope(db)

    def progress(step: str) -> None:
        print(f"  ui {label(size)}: {step}", file=sys.stderr, flush=True)

    progress("interactions in the process")
    inproc = ui_inproc.measure(db, sized, scope, runs)
    base = library_path(SIZES[0], seed)
    paired = base if size != SIZES[0] and base.exists() else None
    terminal = ui_terminal.measure(db, start_runs, progress, paired)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return {
        "size": size,
        "label": label(size),
        "date": datetime.now().replace(microsecond=0).isoformat(),
        "machine": {
            "python": platform.python_version(),
            "textual": textual.__version__,
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count() or 0,
            "platform": platform.platform(),
        },
        "reader_commit": reader_commit(),
        "db": db.name,
        "db_bytes": db.stat().st_size,
        "articles": articles,
        "load": {"before": load_before, "after": list(os.getloadavg())},
        "sized_articles": [
            {"name": a.name, "id": a.id, "bytes": a.body_bytes, "characters": a.body_chars}
            for a in sized
        ],
        "in_process": inproc,
        "terminal": terminal,
        "method": METHOD,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the UI benchmark for each size; print a table and write the result files."""
    parser = argparse.ArgumentParser(prog="python -m bench.ui_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="10k articles only")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per interaction")
    parser.add_argument("--start-runs", type=int, default=7, help="timed start-ups per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not ui_terminal.have_tmux():
        print("ui_bench: tmux is needed for the start-up and memory figures", file=sys.stderr)
        return 2
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    for size in sorted(sizes):
        print(f"ui: {label(size)} articles", file=sys.stderr, flush=True)
        result = measure(size, args.seed, args.runs, args.start_runs)
        base_path = RESULTS / f"ui-{label(SIZES[0])}.json"
        baseline = None
        if size != SIZES[0] and base_path.exists():
            baseline = json.loads(base_path.read_text(encoding="utf-8"))
        result["goals"] = goals(result, baseline)
        write_results(f"ui-{label(size)}", result, markdown(result))
        print(table(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
