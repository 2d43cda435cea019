"""Import benchmark: `reader import` of new JSON Lines articles into a copy of a large library.

The library of the store benchmark (`bench.store_library`, built once and cached) is copied, and
`count` articles it does not hold are imported into the copy through the command line, as a
user would: articles numbered from the library's size on, of the same seed (`bench.generate`
numbers every article, so these are new ones, not ones the library already has). The JSON Lines
files are cached under `bench/data/`; the copy is deleted afterwards unless `--keep`.

The figure is articles/s of the whole command (start, reading, saving, the final checkpoint),
with the machine's load average before and after, since on a shared machine that decides much
of it. Results go to `bench/results/import-<size>.json` and `.md`.

    python -m bench.import_bench [--size 1000000] [--count 50000] [--tmp DIR] [--keep]
        [--library PATH] [--db COPY --start N]

`--library` copies that file instead of the cached one; `--db` imports into a copy made before
(kept, not copied again), where `--start` must then name articles it does not hold yet.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.generate import GENERATOR_VERSION, _write_file
from bench.store_library import (
    DATA,
    PER_FILE,
    build_library,
    import_cli,
    label,
    reader_commit,
    write_results,
)

GOAL_RATE = 3_000.0
"""Articles/s wanted of an import into a library of a million articles."""


def new_files(first: int, count: int, seed: int) -> list[Path]:
    """JSON Lines files of articles `first` to `first + count - 1` (generated once)."""
    folder = DATA / f"jsonl-v{GENERATOR_VERSION}-s{seed}-extra"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for start in range(first, first + count, PER_FILE):
        n = min(PER_FILE, first + count - start)
        path = folder / f"articles-{start // PER_FILE:05d}-{n}.jsonl"
        if not path.exists():
            partial = path.with_suffix(".part")
            _write_file(partial, start, n, seed)
            partial.rename(path)
        files.append(path)
    return files


def _index_bytes(db: Path) -> tuple[int, int]:
    """Bytes of the search index's segments and of the articles' text (titles and bodies)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        index = sum(
            conn.execute(f"SELECT ifnull(sum(length(block)), 0) FROM {t}_data").fetchone()[0]
            for t in ("search_index", "search_titles")
        )
        text = conn.execute(
            "SELECT (SELECT sum(length(CAST(body AS BLOB))) FROM bodies)"
            " + (SELECT sum(length(CAST(title AS BLOB))) FROM articles)"
        ).fetchone()[0]
    return int(index), int(text or 0)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Copy the library, import `count` new articles into it; the figures."""
    size, count, seed, keep = args.size, args.count, args.seed, args.keep
    files = new_files(size if args.start is None else args.start, count, seed)
    if args.db is not None:
        db, keep = args.db, True
    else:
        source = args.library or Path(build_library(size, seed=seed)["db"])
        args.tmp.mkdir(parents=True, exist_ok=True)
        db = args.tmp / f"import-bench-{label(size)}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print(f"copying {source} to {db}", file=sys.stderr, flush=True)
        shutil.copyfile(source, db)
    try:
        load_before = os.getloadavg()
        began = time.perf_counter()
        added, peak_mb, cpu_s = import_cli(db, files)
        took = time.perf_counter() - began
        load_after = os.getloadavg()
        index, text = (0, 0) if args.no_sizes else _index_bytes(db)
    finally:
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    if added != count:
        raise RuntimeError(f"added {added:,} of {count:,} articles (were they new?)")
    return {
        "size": size,
        "count": count,
        "seed": seed,
        "files": len(files),
        "jsonl_bytes": sum(p.stat().st_size for p in files),
        "seconds": round(took, 2),
        "articles_per_s": round(count / took, 1),
        "peak_mb": round(peak_mb),
        "cpu_s": round(cpu_s, 1),
        "cpu_ms_per_article": round(cpu_s * 1000 / count, 3),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "index_bytes": index,
        "text_bytes": text,
        "when": datetime.now().replace(microsecond=0).isoformat(),
        "reader": reader_commit(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
    }


def report(result: dict[str, Any]) -> str:
    """The Markdown report of one run."""
    size, count = label(result["size"]), result["count"]
    rate = result["articles_per_s"]
    met = "met" if result["size"] >= 1_000_000 and rate >= GOAL_RATE else "MISSED"
    lines = [
        f"# Import benchmark, {count:,} new articles into {size}",
        "",
        f"{result['when']}, reader {result['reader']}, Python {result['python']}, "
        f"SQLite {result['sqlite']}, {result['cpus']} CPUs.",
        "",
        f"`reader import` of {result['files']} JSON Lines files "
        f"({result['jsonl_bytes'] / 1e6:,.0f} MB) into a copy of the {size} library: "
        f"{result['seconds']:,.1f} s, **{rate:,.0f} articles/s**, peak memory "
        f"{result['peak_mb']:,} MB; {result['cpu_s']:,.1f} s of CPU (the command and its "
        f"read-ahead helper: {result['cpu_ms_per_article']:.2f} ms an article, a figure the "
        "machine's other work changes less than the rate).",
        "",
        f"Load average (1, 5, 15 min) before: {', '.join(map(str, result['load_before']))}; "
        f"after: {', '.join(map(str, result['load_after']))}.",
    ]
    if result["text_bytes"]:
        lines += [
            "",
            f"Search index: {result['index_bytes'] / 1e6:,.0f} MB for "
            f"{result['text_bytes'] / 1e6:,.0f} MB of titles and bodies "
            f"({result['index_bytes'] / result['text_bytes']:.2f}x).",
        ]
    lines += [
        "",
        f"Goal at 1M: >= {GOAL_RATE:,.0f} articles/s: {rate:,.0f} ({met}).",
        "",
        f"Reproduce: `python -m bench.import_bench --size {result['size']} --count {count}`",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000, help="articles in the library")
    parser.add_argument("--count", type=int, default=50_000, help="new articles to import")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--tmp", type=Path, default=Path(tempfile.gettempdir()), help="where the copy goes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the copy afterwards")
    parser.add_argument("--library", type=Path, help="the library to copy (default: cached)")
    parser.add_argument("--db", type=Path, help="import into this copy, made before")
    parser.add_argument("--start", type=int, help="number of the first article (default: size)")
    parser.add_argument(
        "--no-sizes", action="store_true", help="skip measuring the index against the text"
    )
    args = parser.parse_args(argv)
    result = run(args)
    stem = write_results(f"import-{label(args.size)}", result, report(result))
    print(json.dumps(result, indent=1))
    print(f"written: {stem}.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
