"""Building the benchmark libraries: generate JSON Lines, import them, cache the result.

A library of a given size is imported through `reader import` (the command line, in batches so
the rate can be followed as the library grows) or, where that cannot read JSON Lines yet, through
`Library.save` one file per call. Libraries and their JSON Lines files are cached under
`bench/data/` (ignored by git), keyed by size, seed and generator version; a side file records how
the library was built, including the import figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.generate import GENERATOR_VERSION, write_jsonl
from reader.models import ArticleDraft
from reader.store.library import Library

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results"
PER_FILE = 10_000
IMPORT_PATHS = ("auto", "cli", "save")


def write_results(name: str, result: dict[str, Any], report: str) -> Path:
    """Write a benchmark's result as `results/NAME.json` and its report as `results/NAME.md`."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / name
    stem.with_suffix(".json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    return stem


def label(size: int) -> str:
    """10000 -> '10k', 1000000 -> '1M'."""
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def reader_commit() -> str:
    """The checked-out commit of the repository, with '+' when the tree has changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "reader"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return head + ("+" if dirty else "")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def cli_can_import_jsonl() -> bool:
    """True when `python -m reader import` exists and a JSON Lines parser is installed."""
    probe = subprocess.run(
        [sys.executable, "-c", "import reader.ingest.jsonl, reader.cli"],
        env=_env(),
        capture_output=True,
    )
    if probe.returncode != 0:
        return False
    shown = subprocess.run(
        [sys.executable, "-m", "reader", "import", "--help"], env=_env(), capture_output=True
    )
    return shown.returncode == 0


def jsonl_files(size: int, seed: int, jobs: int) -> tuple[list[Path], float]:
    """The JSON Lines files of a library of `size` articles (generated once), and seconds spent.

    Sizes that are multiples of PER_FILE share one folder: the first n files of a bigger library
    are the smaller library.
    """
    name = f"jsonl-v{GENERATOR_VERSION}-s{seed}"
    folder = DATA / (name if size % PER_FILE == 0 else f"{name}-{size}")
    began = time.perf_counter()
    files = write_jsonl(size, folder, per_file=PER_FILE, seed=seed, jobs=jobs)
    return files, time.perf_counter() - began


def _draft(item: dict[str, Any]) -> ArticleDraft:
    return ArticleDraft(
        title=item["title"],
        body=item["body"],
        category=tuple(item["category"]),
        published=datetime.fromisoformat(item["published"]),
        views=item["views"],
        author=item["author"],
        url=item["url"],
        tags=tuple(item["tags"]),
    )


def import_cli(db: Path, files: list[Path]) -> tuple[int, float, float]:
    """Run `reader import`; the articles added, its peak memory in MB and the CPU seconds
    (user and system) of the command and its read-ahead helper.

    The peak is the resident set of the command or of its read-ahead helper, whichever was
    larger (`wait4`, as `/usr/bin/time` reports it).
    """
    args = [sys.executable, "-m", "reader", "import", "--db", str(db), "--json", *map(str, files)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        out = process.stdout.read().decode()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"reader import failed ({process.returncode}): {text}")
    cpu = usage.ru_utime + usage.ru_stime
    return int(json.loads(out)["added"]), usage.ru_maxrss / 1024, cpu


def _import_cli(db: Path, files: list[Path]) -> tuple[int, float | None]:
    added, peak_mb, _ = import_cli(db, files)
    return added, peak_mb


def _import_save(db: Path, files: list[Path]) -> tuple[int, float | None]:
    added = 0
    with Library(db) as lib:
        for path in files:
            with path.open(encoding="utf-8") as lines:
                drafts = [_draft(json.loads(line)) for line in lines if line.strip()]
            added += lib.save(drafts, source=str(path)).added
    return added, None


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def build_library(
    size: int,
    *,
    seed: int = 1,
    how: str = "auto",
    rebuild: bool = False,
    jobs: int = 1,
    log: bool = True,
) -> dict[str, Any]:
    """The cached library of `size` articles, imported now if needed; returns its build record.

    `how` is `cli` (`reader import`), `save` (`Library.save`, one file per call) or `auto` (the
    command line when it can read JSON Lines). The record holds the database path, the import
    path used, and the import figures (seconds, articles/s, MB/s of JSON Lines, rate per batch).
    """
    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / f"library-v{GENERATOR_VERSION}-s{seed}-{label(size)}.db"
    record_path = db.with_suffix(".json")
    if db.exists() and record_path.exists() and not rebuild:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record.get("search_index"):  # built before imports wrote the index: build again
            return {**record, "db": str(db), "cached": True}
    files, generated_s = jsonl_files(size, seed, jobs)
    if how == "auto":
        how = "cli" if cli_can_import_jsonl() else "save"
    building = db.with_name(db.name + ".building")
    _remove(building)
    # At least two files per `reader import`, as a folder would be, so that it reads ahead.
    per_batch = max(2, len(files) // 10)
    batches = [files[i : i + per_batch] for i in range(0, len(files), per_batch)]
    steps: list[dict[str, Any]] = []
    added = 0
    total_s = 0.0
    for number, batch in enumerate(batches, 1):
        began = time.perf_counter()
        count, peak_mb = (_import_cli if how == "cli" else _import_save)(building, batch)
        took = time.perf_counter() - began
        total_s += took
        added += count
        step = {
            "articles": added,
            "seconds": round(took, 2),
            "articles_per_s": round(count / took, 1),
        }
        if peak_mb is not None:
            step["peak_mb"] = round(peak_mb)
        steps.append(step)
        if log:
            print(
                f"  import {label(size)} batch {number}/{len(batches)}: {added:,} articles, "
                f"{count / took:,.0f}/s",
                file=sys.stderr,
                flush=True,
            )
    if added != size:
        raise RuntimeError(f"imported {added:,} of {size:,} articles into {building}")
    jsonl_bytes = sum(p.stat().st_size for p in files)
    _remove(db)
    building.rename(db)
    _remove(building)
    record = {
        "size": size,
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "import_path": "reader import (command line)" if how == "cli" else "Library.save",
        "built": datetime.now().replace(microsecond=0).isoformat(),
        "built_with_commit": reader_commit(),
        "files": len(files),
        "jsonl_bytes": jsonl_bytes,
        "generate_s": round(generated_s, 1),
        "import_s": round(total_s, 1),
        "articles_per_s": round(size / total_s, 1),
        "mb_per_s": round(jsonl_bytes / 1e6 / total_s, 2),
        "peak_mb": max((b["peak_mb"] for b in steps if "peak_mb" in b), default=None),
        "batches": steps,
        "search_index": True,
    }
    record_path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return {**record, "db": str(db), "cached": False}
