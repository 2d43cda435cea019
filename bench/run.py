"""Every benchmark in one run (what `make bench` calls), then a summary.

Runs the store benchmark and, when present, `bench.search_bench`, `bench.ui_bench`,
`bench.export_bench`, `bench.ssh_sessions` (ten SSH sessions on one library; a line saying why
when no sshd can be started), `bench.peer` (reader against newsboat), `bench.wire` (bytes
written to the terminal per action), `bench.big_sources` (one large feed, JSON Lines file and
JSON array imported) and `bench.floor_keys` (the peer bench's two quickest keys in raw Python
and in a bare Textual app), each through its `main(argv)` with the same `--quick` / `--sizes`
options.

    python -m bench.run [--quick] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
import traceback

from bench.store_library import RESULTS, label

BENCHES = (
    "bench.store_bench",
    "bench.search_bench",
    "bench.ui_bench",
    "bench.export_bench",
    "bench.ssh_sessions",
    "bench.peer",
    "bench.wire",
    "bench.big_sources",
    "bench.floor_keys",
)


def _store_summary(sizes: list[int]) -> list[str]:
    """One line per size from the store result files written by this run."""
    lines = []
    for size in sizes:
        path = RESULTS / f"store-{label(size)}.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        ops = {op["name"]: op["median_ms"] for op in result["operations"]}
        missed = [g["goal"] for g in result["goals"] if not g["met"]]
        lines.append(
            f"  store {result['label']:>4}: import {result['import']['articles_per_s']:,.0f}/s,"
            f" db {result['db_bytes'] / 1e9:.2f} GB, first page {ops['first page']:.2f} ms,"
            f" next {ops['next page']:.2f} ms, tree {ops['category tree']:.2f} ms,"
            f" random {ops['random']:.2f} / {ops['random in largest']:.2f} ms"
            + (f"; MISSED: {', '.join(missed)}" if missed else "")
        )
        if "changes" in result:
            changes, looking = result["changes"], result["looking"]
            lines.append(
                f"  store {result['label']:>4}: {changes['articles']:,} articles marked read in"
                f" {changes['mark_read']['median_ms']:,.0f} ms, deleted in"
                f" {changes['delete']['median_ms']:,.0f} ms; the look for changes"
                f" {looking['check']['median_ms'] * 1000:,.0f} µs"
            )
    return lines


def _export_summary(sizes: list[int]) -> list[str]:
    """One line per size from the export result files written by this run."""
    lines = []
    for size in sizes:
        path = RESULTS / f"export-{label(size)}.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        lines.append(
            f"  export {result['label']:>4}: "
            + ", ".join(
                f"{c['name']} {c['seconds']:,.0f} s / {c['peak_mb']:,.0f} MB"
                for c in result["commands"]
            )
        )
    return lines


def _peer_summary(sizes: list[int]) -> list[str]:
    """One line per size from the peer and wire result files: reader's time, newsboat's."""
    lines = []
    for size in sizes:
        path = RESULTS / f"peer-{label(size)}.json"
        if not path.exists():
            continue
        steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
        shown = []
        for key in ("start", "open", "slash", "search"):
            pair = steps.get(key, {})
            if pair.get("reader", {}).get("runs") and pair.get("newsboat", {}).get("runs"):
                shown.append(
                    f"{key} {pair['reader']['median']:,.0f}/{pair['newsboat']['median']:,.0f}"
                )
        lines.append(f"  peer  {label(size):>4} (reader/newsboat ms): " + ", ".join(shown))
    for path in sorted(RESULTS.glob("wire-*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        cells = []
        for program in result["programs"]:
            move, page = program.get("cursor move"), program.get("page down")
            if move and page:
                cells.append(f"{program['program']} {move['median']:,}/{page['median']:,}")
        lines.append(
            f"  wire  {result['label']:>4} (bytes, cursor move/page down): " + "; ".join(cells)
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run each benchmark that exists; return non-zero if any of them failed."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10k articles only (a smoke test)")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args(argv)
    forwarded = ["--quick"] if args.quick else ["--sizes", args.sizes]
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    outcomes: list[tuple[str, str, float]] = []
    for name in BENCHES:
        if importlib.util.find_spec(name) is None:
            outcomes.append((name, "absent", 0.0))
            continue
        began = time.perf_counter()
        try:
            code = importlib.import_module(name).main(forwarded)
            status = "ok" if code == 0 else f"exit {code}"
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            status = "error"
        outcomes.append((name, status, time.perf_counter() - began))
    print("\nbenchmark summary")
    for name, status, took in outcomes:
        print(f"  {name}: {status}" + (f" ({took:,.0f} s)" if status != "absent" else ""))
    print("\n".join(_store_summary(sizes) + _export_summary(sizes) + _peer_summary(sizes)))
    return 0 if all(s in ("ok", "absent") for _, s, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
