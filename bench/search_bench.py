"""Search benchmark: import with indexing, index size, and query times against a brute-force scan.

For each size it uses the store benchmark's library (`bench.store_library`: the synthetic JSON
Lines imported through `reader import`, which writes the search index as it imports), so the
import rate reported is the rate of an import with indexing. Each query is timed through
`Library.search` (first page of 50, newest first and best match) and compared with a brute-force
scan of the same library in SQL (`instr` over titles and bodies folded as search folds them, by
`reader.text.fold.fold` as an SQL function; walking the articles newest first and stopping at 50;
for best match, a full scan sorted title matches first). The ratio is brute force / search. The
first page of each query is also checked against the brute force's ids.

    python -m bench.search_bench [--quick] [--sizes 10000,100000,1000000] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.store_bench import stats, timed
from bench.store_library import (
    RESULTS,
    build_library,
    label,
    reader_commit,
    write_results,
)
from reader.models import ROOT_SCOPE
from reader.store.library import Library
from reader.text.fold import fold
from reader.text.query import parse_query

SIZES = (10_000, 100_000, 1_000_000)
_BEST_BRUTE_AT_1M = ("2 chars, very common", "2 chars, rare", "English phrase")
PAGE = 50
GOAL_NEWEST_MS = 50.0
GOAL_BEST_MS = 200.0
GOAL_SIZE_RATIO = 1.5
GOAL_IMPORT_RATE = 1_000.0

# (name, query): 1-, 2-, 4-character Chinese terms common and rare, Latin, phrases, mixtures,
# and spellings that fold to one of them (the Traditional `經濟` finds what `经济` finds).
QUERIES: tuple[tuple[str, str], ...] = (
    ("1 char, very common", "的"),
    ("1 char, rare", "切"),
    ("1 char, absent", "鲜"),
    ("2 chars, very common", "中国"),
    ("2 chars, common", "经济"),
    ("2 chars, rare", "动爱"),
    ("2 chars, absent", "朝鲜"),
    ("4 chars", "人工智能"),
    ("4 chars, rare", "企业隐私"),
    ("English word", "Python"),
    ("Latin substring", "earn"),
    ("English phrase", '"machine learning"'),
    ("mixed words", "中国 Python"),
    ("with exclusion", "经济 -中国"),
    ("Traditional spelling", "經濟"),
    ("full-width Latin", "Ｐｙｔｈｏｎ"),
)


def build(size: int, *, rebuild: bool = False) -> dict[str, Any]:
    """The library of `size` articles, as the store benchmark imports it (with its index).

    Every import writes the search index, so the store benchmark's import is the import with
    indexing; its rate is reported here too.
    """
    record = build_library(size, seed=1, rebuild=rebuild)
    rates = [batch["articles_per_s"] for batch in record.get("batches", [])]
    return {**record, "rate_per_batch": rates or [record["articles_per_s"]]}


def sizes_on_disk(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes of indexed text (titles and bodies, UTF-8) and of the search tables."""
    text = conn.execute(
        "SELECT (SELECT sum(length(CAST(title AS BLOB))) FROM articles)"
        " + (SELECT sum(length(CAST(body AS BLOB))) FROM bodies)"
    ).fetchone()[0]
    index = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'").fetchone()[0]
    return {"text_bytes": int(text or 0), "index_bytes": int(index or 0)}


def plain_connection(db: Path) -> sqlite3.Connection:
    """A connection of plain `sqlite3` with `fold` (search's folding) as an SQL function."""
    conn = sqlite3.connect(db)
    conn.create_function("fold", 1, fold, deterministic=True)
    return conn


def brute_force(
    conn: sqlite3.Connection, query: str, scope: int, best: bool, limit: int = PAGE
) -> list[int]:
    """The first page by scanning every article's folded title and body with `instr`."""
    parsed = parse_query(query)
    where = ["s.scope_id = ?"]
    params: list[object] = [scope]
    has = "(instr(fold(a.title), ?) > 0 OR instr(fold(b.body), ?) > 0)"
    for term in parsed.include:
        where.append(has)
        params += [term, term]
    for term in parsed.exclude:
        where.append("NOT " + has)
        params += [term, term]
    order = "s.published DESC, s.article_id DESC"
    if best:
        titles = " AND ".join("instr(fold(a.title), ?) > 0" for _ in parsed.include)
        order = f"({titles}) DESC, {order}"
        params += list(parsed.include)
    sql = (
        "SELECT s.article_id FROM article_scopes s JOIN articles a ON a.id = s.article_id"
        f" JOIN bodies b ON b.id = s.article_id WHERE {' AND '.join(where)}"
        f" ORDER BY {order} LIMIT {int(limit)}"
    )
    return [r[0] for r in conn.execute(sql, params)]


def measure(size: int, runs: int, *, rebuild: bool = False) -> dict[str, Any]:
    """Every figure for one size; written to bench/results/search-<size>.json and .md."""
    record = build(size, rebuild=rebuild)
    db = Path(record["db"])
    lib = Library(db, create=False)
    plain = plain_connection(db)
    disk = sizes_on_disk(plain)
    tops = [c for c in lib.categories() if c.depth == 0]
    largest = max(tops, key=lambda c: c.total)
    smallest = min((c for c in lib.categories() if c.total > 0), key=lambda c: c.total)
    brute_runs = 1 if size >= 1_000_000 else 3
    cases = [(name, q, ROOT_SCOPE, "all") for name, q in QUERIES]
    cases.append(("2 chars, largest category", "经济", largest.id, "/".join(largest.path)))
    cases.append(("2 chars, smallest category", "经济", smallest.id, "/".join(smallest.path)))
    rows: list[dict[str, Any]] = []
    for name, q, scope, where in cases:
        row: dict[str, Any] = {"name": name, "query": q, "scope": where}
        for order in ("newest", "best"):
            hits = lib.search(q, scope, order=order, limit=PAGE)  # type: ignore[arg-type]
            ours = stats(timed(lambda: lib.search(q, scope, order=order, limit=PAGE), runs, 2))  # noqa: B023
            if order == "best" and size >= 1_000_000 and name not in _BEST_BRUTE_AT_1M:
                row[order] = {**ours, "hits": len(hits), "brute_ms": None, "ratio": None,
                              "same_as_brute": None}  # fmt: skip
                continue  # a full scan each: a few of them make the point at a million
            began = time.perf_counter()
            expected = brute_force(plain, q, scope, order == "best")
            brute_ms = (time.perf_counter() - began) * 1e3
            if brute_runs > 1:
                brute_ms = statistics.median(
                    timed(lambda: brute_force(plain, q, scope, order == "best"), brute_runs, 0)  # noqa: B023
                )
            row[order] = {
                **ours,
                "hits": len(hits),
                "brute_ms": round(brute_ms, 1),
                "ratio": round(brute_ms / max(ours["median_ms"], 1e-6), 3),
                "same_as_brute": [h.summary.id for h in hits] == expected,
            }
        rows.append(row)
        print(
            f"  {label(size)} {name}: newest {row['newest']['median_ms']:.2f} ms"
            f" (brute {_ms(row['newest']['brute_ms'])} ms), best {row['best']['median_ms']:.2f} ms"
            f" (brute {_ms(row['best']['brute_ms'])} ms)",
            flush=True,
        )
    page = lib.search_page("中国", limit=PAGE)
    next_page = stats(timed(lambda: lib.search_page("中国", limit=PAGE, after=page.next), runs, 2))
    lib.close()
    plain.close()
    result = {
        "size": size,
        "label": label(size),
        "when": datetime.now().replace(microsecond=0).isoformat(),
        "commit": reader_commit(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "sqlite": sqlite3.sqlite_version,
        "import": {k: v for k, v in record.items() if k != "db"},
        **disk,
        "index_ratio": round(disk["index_bytes"] / max(1, disk["text_bytes"]), 3),
        "queries": rows,
        "next_page_ms": next_page,
    }
    result["goals"] = _goals(result)
    write_results(f"search-{label(size)}", result, markdown(result))
    return result


def _goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    newest = max(q["newest"]["median_ms"] for q in result["queries"])
    best = max(q["best"]["median_ms"] for q in result["queries"])
    same = all(
        q[o]["same_as_brute"] is not False for q in result["queries"] for o in ("newest", "best")
    )
    rate = result["import"]["articles_per_s"]
    return [
        {"goal": f"newest first page < {GOAL_NEWEST_MS:g} ms", "value": newest,
         "met": newest < GOAL_NEWEST_MS},
        {"goal": f"best match first page < {GOAL_BEST_MS:g} ms", "value": best,
         "met": best < GOAL_BEST_MS},
        {"goal": f"index <= {GOAL_SIZE_RATIO}x text", "value": result["index_ratio"],
         "met": result["index_ratio"] <= GOAL_SIZE_RATIO},
        {"goal": f"import >= {GOAL_IMPORT_RATE:g} articles/s", "value": rate,
         "met": rate >= GOAL_IMPORT_RATE},
        {"goal": "first pages equal brute force", "value": same, "met": same},
    ]  # fmt: skip


def markdown(result: dict[str, Any]) -> str:
    """The result as a Markdown report."""
    imp = result["import"]
    lines = [
        f"# Search benchmark, {result['label']} articles",
        "",
        f"{result['when']}, reader {result['commit']}, Python {result['python']},"
        f" SQLite {result['sqlite']}; load average {result['load_average']} on"
        f" {os.cpu_count()} CPUs (other work was running).",
        "",
        f"Import with indexing ({imp['import_path']}): {imp['articles_per_s']:,.0f} articles/s"
        + f"; rate per batch {', '.join(f'{r:,.0f}' for r in imp['rate_per_batch'])}.",
        "",
        f"Index: {result['index_bytes'] / 1e6:,.1f} MB for {result['text_bytes'] / 1e6:,.1f} MB"
        f" of text: **{result['index_ratio']:.2f}x**.",
        "",
        "First page of 50, median (min-max) ms; brute force = SQL `instr` over the folded titles"
        " and bodies (`fold` as an SQL function) of the same library (newest first: walks the"
        " articles newest first and stops at 50"
        " hits, so it is quick for a word in most articles; best match: a full scan); ratio ="
        " brute force / search; = brute: the same 50 articles in the same order.",
        "",
        "| query | scope | newest first | brute | ratio | best match | brute | ratio | = brute |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for q in result["queries"]:
        n, b = q["newest"], q["best"]
        same = n["same_as_brute"] is not False and b["same_as_brute"] is not False
        lines.append(
            f"| {q['name']}: `{q['query']}` | {q['scope']} | {n['median_ms']:.2f}"
            f" ({n['min_ms']:.2f}-{n['max_ms']:.2f}), {n['hits']} hits | {_ms(n['brute_ms'])}"
            f" | {_ratio(n)} | {b['median_ms']:.2f} ({b['min_ms']:.2f}-{b['max_ms']:.2f})"
            f" | {_ms(b['brute_ms'])} | {_ratio(b)} | {'yes' if same else 'NO'} |"
        )
    nxt = result["next_page_ms"]
    lines += [
        "",
        f"Next page by cursor (`中国`): {nxt['median_ms']:.2f} ms.",
        "",
        "## Goals",
        "",
    ]
    for goal in result["goals"]:
        lines.append(f"- {goal['goal']}: {goal['value']} ({'met' if goal['met'] else 'MISSED'})")
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _ratio(figure: dict[str, Any]) -> str:
    if figure["brute_ms"] is None:
        return "-"
    value = figure["brute_ms"] / max(figure["median_ms"], 1e-6)
    return f"{value:,.0f}x" if value >= 10 else f"{value:.2g}x"


def render(size: int) -> None:
    """Write the Markdown report again from the JSON result of `size`."""
    base = RESULTS / f"search-{label(size)}"
    result = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
    base.with_suffix(".md").write_text(markdown(result), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the search benchmark for each size; non-zero if a goal was missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10k articles only")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="import again even if cached")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    missed = 0
    for size in sizes:
        result = measure(size, args.runs, rebuild=args.rebuild)
        for goal in result["goals"]:
            print(f"  search {label(size)}: {goal['goal']}: {goal['value']}"
                  f" ({'met' if goal['met'] else 'MISSED'})")  # fmt: skip
            missed += not goal["met"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
