"""Store benchmark: import rate, size, paging, the category tree, random reading, and the views,
tags and related articles (`bench.store_views`) by size.

For each size a synthetic library (`bench.generate`) is imported through the real import path
and cached under `bench/data/` (see `bench.store_library`). Every read is timed through `Library`
and, as the floor, the same SQL on a plain `sqlite3` connection; each figure is a median with
min-max. Results go to `bench/results/store-<size>.json` and `.md`.

    python -m bench.store_bench [--quick] [--sizes 10000,100000,1000000] [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench import store_changes, store_views
from bench.store_library import (
    DATA,
    IMPORT_PATHS,
    RESULTS,
    build_library,
    label,
    reader_commit,
    write_results,
)
from bench.store_report import markdown, table
from reader.models import ROOT_SCOPE, Category
from reader.store.library import Library
from reader.store.listing import SORT_IN_PLACE, SORTS

SIZES = (10_000, 100_000, 1_000_000)
PAGE = 50
GOALS_MS = {
    "first page": 10.0,
    "next page": 10.0,
    "category tree": 50.0,
    "random": 5.0,
    "tree with views and tags": 50.0,
    "related articles (5)": 50.0,
    "related articles (5), the first after start": 50.0,
}
GOAL_IMPORT_RATE = 1_000.0
_WATCHED_TABLES = ("articles", "article_scopes", "bodies", "a ", "s ", "b ")


def timed(call: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Milliseconds taken by each of `runs` calls, after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        began = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - began) / 1e6)
    return times


def stats(times: list[float]) -> dict[str, float]:
    """Median, min and max of a list of milliseconds."""
    return {
        "median_ms": round(statistics.median(times), 4),
        "min_ms": round(min(times), 4),
        "max_ms": round(max(times), 4),
    }


def traced_selects(lib: Library, call: Callable[[], object]) -> list[str]:
    """The SELECT statements `call` runs on the library's connections (reads go through its
    read connection, `Transactions.reader`), parameters inlined."""
    seen: list[str] = []
    # Reads run on the library's read connection, writes (and reads inside them) on the other.
    connections = (lib.db.conn, lib._tx.reader)
    for conn in connections:
        conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        for conn in connections:
            conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def replay(conn: sqlite3.Connection, statements: list[str]) -> Callable[[], None]:
    """A call running `statements` on a plain connection and fetching every row."""

    def run() -> None:
        for sql in statements:
            conn.execute(sql).fetchall()

    return run


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The EXPLAIN QUERY PLAN lines of `sql`."""
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def plan_warnings(lines: list[str]) -> list[str]:
    """Plan lines that mean a sort or a scan of a large table."""
    bad = []
    for line in lines:
        scan = line.startswith("SCAN") and any(f"SCAN {t}" in f"{line} " for t in _WATCHED_TABLES)
        if scan or "TEMP B-TREE" in line:
            bad.append(line)
    return bad


class Bench:
    """The measurements of one library."""

    def __init__(self, db: Path, runs: int) -> None:
        self.db = db
        self.runs = runs
        self.lib = Library(db, create=False)
        self.lib.seed_random(1)
        self.plain = sqlite3.connect(db, check_same_thread=False)
        self.rng = random.Random(1)
        self.operations: list[dict[str, Any]] = []
        tops = [c for c in self.lib.categories() if c.depth == 0]
        self.largest: Category = max(tops, key=lambda c: c.total)

    def close(self) -> None:
        """Close both connections."""
        self.lib.close()
        self.plain.close()

    def record(
        self,
        name: str,
        call: Callable[[], object],
        floor: Callable[[], object] | None,
        sql: list[str],
        runs: int | None = None,
    ) -> dict[str, Any]:
        """Time `call` and its floor, keep and return the figures."""
        runs = runs or self.runs
        entry: dict[str, Any] = {"name": name, "runs": runs, **stats(timed(call, runs))}
        if floor is not None:
            entry["floor"] = stats(timed(floor, runs))
            entry["ratio"] = round(entry["median_ms"] / max(entry["floor"]["median_ms"], 1e-6), 2)
        entry["sql"] = sql
        self.operations.append(entry)
        return entry

    def record_times(self, name: str, times: list[float], sql: list[str]) -> dict[str, Any]:
        """Keep figures timed elsewhere (a step with untimed work between runs)."""
        entry: dict[str, Any] = {"name": name, "runs": len(times), **stats(times), "sql": sql}
        self.operations.append(entry)
        return entry

    def run_all(self) -> None:
        """The operations of the report's main table."""
        lib, scope = self.lib, self.largest.id
        self.record("open library", lambda: Library(self.db, create=False).close(), None, [], 10)
        first = lib.page(scope, limit=PAGE)
        jump = min(10_000, self.largest.total // 2)
        for name, call in (
            ("first page", lambda: lib.page(scope, limit=PAGE)),
            ("next page", lambda: lib.page(scope, after=first.next, limit=PAGE)),
            (f"page at offset {jump:,}", lambda: lib.page(scope, offset=jump, limit=PAGE)),
            ("first page, all articles", lambda: lib.page(ROOT_SCOPE, limit=PAGE)),
            ("category tree", lib.categories),
        ):
            sql = traced_selects(lib, call)
            self.record(name, call, replay(self.plain, sql), sql)
        for name, where in (("random", ROOT_SCOPE), ("random in largest", scope)):
            pick = partial(lib.random_article, where)
            self.record(name, pick, self._random_floor(where), self._pick_sql())
        ids = [
            r[0] for r in self.plain.execute("SELECT id FROM articles ORDER BY random() LIMIT 1")
        ]
        sql = traced_selects(lib, lambda: lib.get(ids[0]))
        self.record("open an article (get)", lambda: lib.get(ids[0]), replay(self.plain, sql), sql)
        store_views.run(self)

    def _pick_sql(self) -> list[str]:
        return [
            "SELECT total FROM scope_counts WHERE scope_id = ?",
            "SELECT article_id FROM article_scopes WHERE scope_id = ? AND seq = ?",
            "SELECT a.id, a.title, a.category_id, a.published, a.views, m.read_at, m.starred_at"
            " FROM articles a LEFT JOIN marks m ON m.reader_id = 1 AND m.article_id = a.id"
            " WHERE a.id = ?",
        ]

    def _random_floor(self, scope: int) -> Callable[[], None]:
        """A random article of `scope` in plain SQL: a random rank, one seek, one row."""
        count_sql, pick_sql, row_sql = self._pick_sql()
        conn, rng = self.plain, self.rng

        def run() -> None:
            total = conn.execute(count_sql, (scope,)).fetchone()[0]
            found = conn.execute(pick_sql, (scope, rng.randrange(total))).fetchone()
            conn.execute(row_sql, (found[0],)).fetchall()

        return run

    def plans(self) -> list[dict[str, Any]]:
        """Plan and timing of every page variant, of random reading and of the tree."""
        lib = self.lib
        results: list[dict[str, Any]] = []
        # A category of a few thousand articles is sorted when listed by views or title (the
        # larger ones walk the whole library's order): one of each, and the whole library.
        middling = min(self.lib.categories(), key=lambda c: abs(c.total - SORT_IN_PLACE // 2))
        scopes = (
            (self.largest.id, f"largest ({self.largest.total:,})"),
            (middling.id, f"middling ({middling.total:,})"),
            (ROOT_SCOPE, "all"),
        )
        for scope, where in scopes:
            for sort in SORTS:
                first = lib.page(scope, sort=sort, limit=PAGE)
                for after in (None, first.next):
                    for unread in (False, True):
                        call = partial(
                            lib.page, scope, sort=sort, after=after, unread_only=unread, limit=PAGE
                        )
                        sql = traced_selects(lib, call)
                        times = stats(timed(call, 20))
                        results.append(
                            {
                                "query": f"page {where} sort={sort}"
                                + (" after cursor" if after else "")
                                + (" unread_only" if unread else ""),
                                **times,
                                "sql": sql,
                                "plan": [plan(self.plain, s) for s in sql],
                            }
                        )
        others: list[tuple[str, Callable[[], object]]] = [
            ("random_article", partial(lib.random_article, self.largest.id)),
            ("categories", lib.categories),
        ]
        for name, other in others:
            sql = traced_selects(lib, other)
            results.append(
                {
                    "query": name,
                    **stats(timed(other, 20)),
                    "sql": sql,
                    "plan": [plan(self.plain, s) for s in sql],
                }
            )
        for entry in results:
            entry["warnings"] = [w for p in entry["plan"] for w in plan_warnings(p)]
        return results

    def mostly_read(self) -> dict[str, Any]:
        """`unread_only` when the newest articles of the largest category are read.

        The articles are marked read inside a transaction that is rolled back, so the cached
        library is left as it was.
        """
        lib, scope = self.lib, self.largest.id
        marked = min(20_000, self.largest.total // 2)
        conn = lib.db.conn
        call = partial(lib.page, scope, unread_only=True, limit=PAGE)
        with lib._tx.lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Read marks are the reader's own (`marks`); their triggers keep the counts.
                conn.execute(
                    "INSERT INTO marks (reader_id, article_id, read_at)"
                    " SELECT ?, article_id, '2025-01-01T00:00:00' FROM article_scopes"
                    " WHERE scope_id = ? ORDER BY published DESC, article_id DESC LIMIT ?"
                    " ON CONFLICT (reader_id, article_id) DO UPDATE SET read_at = excluded.read_at",
                    (lib._writer_id(conn), scope, marked),
                )
                sql = traced_selects(lib, call)
                runs = max(5, self.runs // 5)
                library = stats(timed(call, runs))
                floor = stats(timed(replay(conn, sql), runs))
            finally:
                conn.execute("ROLLBACK")
        return {"read_articles": marked, "runs": runs, **library, "floor": floor, "sql": sql}


def measure(size: int, built: dict[str, Any], runs: int) -> dict[str, Any]:
    """Every figure of one library: import, size, reads, plans."""
    db = Path(built["db"])
    bench = Bench(db, runs)
    try:
        bench.run_all()
        plans = bench.plans()
        mostly_read = bench.mostly_read()
        largest = bench.largest
    finally:
        bench.close()
    looking = store_changes.looking(db)
    changes = store_changes.changes(db, DATA)
    db_bytes = db.stat().st_size
    return {
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
        "import": {k: v for k, v in built.items() if k != "db"},
        "db_bytes": db_bytes,
        "bytes_per_article": round(db_bytes / size),
        "largest_category": {"id": largest.id, "path": list(largest.path), "total": largest.total},
        "operations": bench.operations,
        "plans": plans,
        "mostly_read": mostly_read,
        "looking": looking,
        "changes": changes,
        "goals": goals(bench.operations, built),
    }


def goals(operations: list[dict[str, Any]], built: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal of the issue with the measured figure and whether it is met."""
    found = []
    for op in operations:
        for prefix, limit in GOALS_MS.items():
            if op["name"] == prefix or (prefix == "random" and op["name"].startswith("random")):
                found.append(
                    {
                        "goal": f"{op['name']} < {limit:g} ms",
                        "value": op["median_ms"],
                        "met": op["median_ms"] < limit,
                    }
                )
    rate = built["articles_per_s"]
    found.append(
        {
            "goal": f"import >= {GOAL_IMPORT_RATE:,.0f} articles/s",
            "value": rate,
            "met": rate >= GOAL_IMPORT_RATE,
        }
    )
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the store benchmark for each size; print a table and write the result files."""
    parser = argparse.ArgumentParser(prog="python -m bench.store_bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="10k articles only")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per operation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--import-path", choices=IMPORT_PATHS, default="auto")
    parser.add_argument("--rebuild", action="store_true", help="import again, ignore the cache")
    parser.add_argument("--jobs", type=int, default=1, help="processes generating JSON Lines")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        print(f"store: {label(size)} articles", file=sys.stderr, flush=True)
        built = build_library(
            size, seed=args.seed, how=args.import_path, rebuild=args.rebuild, jobs=args.jobs
        )
        result = measure(size, built, args.runs)
        write_results(f"store-{label(size)}", result, markdown(result))
        print(table(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
