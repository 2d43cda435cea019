"""Big-sources benchmark: `reader import` of one file larger than what is read whole, into an
empty library, with its time, articles/s and peak memory.

Three files, made here from the synthetic articles of `bench.generate` (about 5 KB each): an RSS
2.0 feed of 128 MB (the articles' bodies as HTML), a JSON Lines file of 1 GB (the records
`reader export --format jsonl` writes), and a JSON array of the largest size's articles (what
`reader list --all --json` prints: 1,000,000 by default, some 5 GB). Each is imported by the real
`reader` as a process, its peak memory taken by `bench.peak` (`wait4`, as `/usr/bin/time` does).
The goal is a peak under 1 GB for each. Files and libraries go to a temporary folder under
`bench/data` and are removed afterwards. Results go to `bench/results/big-sources.json`/`.md`.

    python -m bench.big_sources [--quick] [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from bench.export_bench import run
from bench.generate import articles
from bench.store_library import DATA, reader_commit, write_results

MB = 1024 * 1024
GOAL_PEAK_MB = 1024.0
FEED_MB, JSONL_MB = 128, 1024
QUICK = {"feed": 26, "jsonl": 300, "array": 20_000}


def write_feed(path: Path, megabytes: int) -> int:
    """An RSS 2.0 file of at least `megabytes` MB; the number of its items."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                  "<title>基准订阅源</title><link>https://bench.example/</link>\n")  # fmt: skip
        for article in _endless():
            if out.tell() >= megabytes * MB:
                break
            html = "".join(f"<p>{escape(p)}</p>" for p in article["body"].split("\n\n"))
            out.write(
                f"<item><title>{escape(article['title'])}</title>"
                f"<link>{article['url']}</link><guid>{article['url']}</guid>"
                f"<author>{escape(article['author'])}</author>"
                f"<description><![CDATA[{html}]]></description></item>\n"
            )
            count += 1
        out.write("</channel></rss>\n")
    return count


def write_jsonl(path: Path, megabytes: int) -> int:
    """A JSON Lines file of at least `megabytes` MB; the number of its records."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for article in _endless():
            if out.tell() >= megabytes * MB:
                break
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_array(path: Path, count: int) -> int:
    """A JSON array of `count` articles, as `reader list --all --json` prints it."""
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for number, article in enumerate(articles(count)):
            out.write(("," if number else "") + "\n  " + json.dumps(article, ensure_ascii=False))
        out.write("\n]\n")
    return count


def _endless() -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        yield from articles(100_000, start=start)
        start += 100_000


def measure(name: str, path: Path, count: int, work: Path) -> dict[str, Any]:
    """Import `path` into an empty library; its figures."""
    db = work / f"{path.stem}.db"
    began = time.perf_counter()
    result = run(["import", "--db", str(db), str(path)])
    took = time.perf_counter() - began
    size = path.stat().st_size
    print(f"{name}: {size / MB:,.0f} MB, {count:,} articles, {took:,.0f} s,"
          f" {count / took:,.0f}/s, peak {result['peak_mb']:,.0f} MB", flush=True)  # fmt: skip
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    path.unlink()
    return {
        "name": name,
        "file_mb": round(size / MB, 1),
        "articles": count,
        "seconds": round(took, 1),
        "articles_per_s": round(count / took),
        "mb_per_s": round(size / MB / took, 2),
        "peak_mb": result["peak_mb"],
    }


def report(result: dict[str, Any]) -> str:
    """The Markdown report of a run."""
    lines = [
        "# Big sources",
        "",
        f"{result['when']}, reader {result['commit']}, {result['machine']}.",
        "",
        "`reader import` of one large file into an empty library, as a process; peak memory is",
        "its resident set (`wait4`, from a small parent: `bench.peak`). Goal: under 1 GB each.",
        "",
        "| source | file | articles | seconds | articles/s | MB/s | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in result["cases"]:
        lines.append(
            f"| {case['name']} | {case['file_mb']:,.0f} MB | {case['articles']:,} |"
            f" {case['seconds']:,.0f} | {case['articles_per_s']:,} | {case['mb_per_s']:.1f} |"
            f" {case['peak_mb']:,.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Make the files, import each, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller files (a minute or two)")
    parser.add_argument("--sizes", default="1000000", help="the largest is the array's articles")
    parser.add_argument("--only", default="feed,jsonl,array", help="which files to import")
    args = parser.parse_args(argv)
    largest = max(int(s) for s in args.sizes.split(","))
    feed_mb, jsonl_mb, array_n = (
        (QUICK["feed"], QUICK["jsonl"], QUICK["array"])
        if args.quick
        else (FEED_MB, JSONL_MB, largest)
    )
    only = set(args.only.split(","))
    DATA.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="big-sources-", dir=DATA))
    cases = []
    try:
        if "feed" in only:
            path = work / "big.rss"
            cases.append(measure(f"RSS feed, {feed_mb} MB", path, write_feed(path, feed_mb), work))
        if "jsonl" in only:
            path = work / "big.jsonl"
            count = write_jsonl(path, jsonl_mb)
            cases.append(measure(f"JSON Lines, {jsonl_mb:,} MB", path, count, work))
        if "array" in only:
            path = work / "list.json"
            count = write_array(path, array_n)
            cases.append(measure(f"JSON array of {array_n:,} articles", path, count, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": reader_commit(),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "cases": cases,
        "goals": [
            {
                "goal": f"{c['name']}: peak memory < {GOAL_PEAK_MB:.0f} MB",
                "value": c["peak_mb"],
                "met": c["peak_mb"] < GOAL_PEAK_MB,
            }
            for c in cases
        ],
    }
    write_results("big-sources", result, report(result))
    return 0 if all(g["met"] for g in result["goals"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
