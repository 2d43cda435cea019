"""Export benchmark: `reader export` (JSON Lines to a file and to a folder, Markdown files) and
`reader list/search --all --jsonl` on the synthetic libraries, time and peak memory.

Each command is the real `reader` run as a process on the cached library of `bench.store_library`
(built on first use); its peak memory is the resident set `wait4` reports (as `/usr/bin/time`
does), taken by `bench.peak` so that this process's own size does not count. Output goes to a
temporary folder beside the library and is removed afterwards; what the listings print is
counted and thrown away. Results go to `bench/results/export-<size>.json` and `.md`.

    python -m bench.export_bench [--quick] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.store_library import DATA, ROOT, build_library, label, reader_commit, write_results

SIZES = (10_000, 100_000, 1_000_000)
GOAL_PEAK_MB = 200.0
SEARCHED = "经济"
"""A common word (in about two articles of five): `search --all` returns a large share."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["READER_SQLITE_WARNING"] = "0"
    return env


def run(args: list[str]) -> dict[str, Any]:
    """Run `reader ARGS`; return its seconds, peak memory in MB and the bytes and lines it
    printed (read as they come, so a listing is never held)."""
    command = [sys.executable, "-m", "bench.peak", sys.executable, "-m", "reader", *args]
    began = time.perf_counter()
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    printed = lines = 0
    while chunk := process.stdout.read(1 << 20):
        printed += len(chunk)
        lines += chunk.count(b"\n")
    errors = process.stderr.read().decode(errors="replace")
    code = process.wait()
    took = time.perf_counter() - began
    process.stdout.close()
    process.stderr.close()
    if code != 0:
        raise RuntimeError(f"reader {' '.join(args)} failed ({code}): {errors[-2000:]}")
    peak_kb = int(errors.rstrip().rsplit("peak-kb ", 1)[1])
    return {
        "seconds": round(took, 2),
        "peak_mb": round(peak_kb / 1024, 1),
        "printed_bytes": printed,
        "lines": lines,
    }


def _size(path: Path) -> tuple[int, int]:
    """Bytes and files under `path` (a file or a folder; its hidden marker file left out)."""
    if path.is_file():
        return path.stat().st_size, 1
    total = files = 0
    for root, _, names in os.walk(path):
        for name in names:
            if name.startswith("."):
                continue
            total += (Path(root) / name).stat().st_size
            files += 1
    return total, files


def measure(size: int, db: Path) -> list[dict[str, Any]]:
    """Every command's figures on one library."""
    work = DATA / f"export-{label(size)}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results = []
    cases = [
        ("export, JSON Lines to one file", ["--format", "jsonl", "-o", str(work / "a.jsonl")]),
        ("export, JSON Lines to a folder", ["--format", "jsonl", "-o", str(work / "split") + "/"]),
        ("export, Markdown files", ["--format", "markdown", "-o", str(work / "md")]),
    ]
    try:
        for name, args in cases:
            print(f"  {name}", file=sys.stderr, flush=True)
            entry = {"name": name, **run(["export", "--db", str(db), *args])}
            written, files = _size(Path(args[-1].rstrip("/")))
            entry |= {"articles": size, "written_bytes": written, "files": files}
            results.append(entry)
            shutil.rmtree(Path(args[-1].rstrip("/")), ignore_errors=True)
            Path(args[-1]).unlink(missing_ok=True)
        for name, args in (
            ("list --all --jsonl", ["list", "--db", str(db), "--all", "--jsonl"]),
            (
                f"search --all --jsonl {SEARCHED}",
                ["search", "--db", str(db), "--all", "--jsonl", SEARCHED],
            ),
        ):
            print(f"  {name}", file=sys.stderr, flush=True)
            entry = {"name": name, **run(args)}
            entry["articles"] = entry["lines"]
            results.append(entry)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for entry in results:
        entry["articles_per_s"] = round(entry["articles"] / max(entry["seconds"], 1e-6), 1)
    return results


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report of one size."""
    lines = [
        f"# Export benchmark, {result['label']} articles",
        "",
        f"{result['date']}, reader {result['reader_commit']}, Python {result['machine']['python']},"
        f" SQLite {result['machine']['sqlite']}, {result['machine']['cpus']} CPUs. Each command is"
        " `reader` run as a process on the benchmark library (start-up included); peak memory is"
        " its resident set (`wait4`, from a small parent: `bench.peak`).",
        "",
        "| command | articles | seconds | articles/s | peak memory | written |",
        "|---|---|---|---|---|---|",
    ]
    for e in result["commands"]:
        written = (
            f"{e['written_bytes'] / 1e6:,.0f} MB in {e['files']:,} files"
            if "written_bytes" in e
            else f"{e['printed_bytes'] / 1e6:,.0f} MB printed"
        )
        lines.append(
            f"| `{e['name']}` | {e['articles']:,} | {e['seconds']:,.1f} |"
            f" {e['articles_per_s']:,.0f} | {e['peak_mb']:,.0f} MB | {written} |"
        )
    lines += [
        "",
        "## Goals",
        "",
        *(
            f"- {g['goal']}: {g['value']:,} ({'met' if g['met'] else 'MISSED'})"
            for g in result["goals"]
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the export benchmark for each size; print a table and write the result files."""
    parser = argparse.ArgumentParser(prog="python -m bench.export_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="10k articles only")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        print(f"export: {label(size)} articles", file=sys.stderr, flush=True)
        built = build_library(size, seed=args.seed)
        commands = measure(size, Path(built["db"]))
        result = {
            "size": size,
            "label": label(size),
            "date": datetime.now().replace(microsecond=0).isoformat(),
            "machine": {
                "python": platform.python_version(),
                "sqlite": sqlite3.sqlite_version,
                "cpus": os.cpu_count() or 0,
                "platform": platform.platform(),
            },
            "reader_commit": reader_commit(),
            "commands": commands,
            "goals": [
                {
                    "goal": f"{c['name']}: peak memory < {GOAL_PEAK_MB:.0f} MB",
                    "value": c["peak_mb"],
                    "met": c["peak_mb"] < GOAL_PEAK_MB,
                }
                for c in commands
            ],
        }
        report = markdown(result)
        write_results(f"export-{label(size)}", result, report)
        print(report, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
