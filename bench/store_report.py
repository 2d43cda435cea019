"""Store benchmark results as Markdown (for the results folder) and as a terminal table."""

from __future__ import annotations

from typing import Any


def _ms(entry: dict[str, Any]) -> str:
    return f"{entry['median_ms']:.3f} ({entry['min_ms']:.3f}-{entry['max_ms']:.3f})"


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report of one size."""
    imp, largest = result["import"], result["largest_category"]
    rates = ", ".join(f"{b['articles_per_s']:,.0f}" for b in imp["batches"])
    lines = [
        f"# Store benchmark, {result['label']} articles",
        "",
        f"{result['date']}, reader {result['reader_commit']}, Python {result['machine']['python']},"
        f" SQLite {result['machine']['sqlite']}, {result['machine']['cpus']} CPUs."
        f" Largest category: {'/'.join(largest['path'])} ({largest['total']:,} articles).",
        "",
        f"Import ({imp['import_path']}, built {imp['built']} at {imp['built_with_commit']}):"
        f" {imp['size']:,} articles from {imp['files']} JSON Lines files"
        f" ({imp['jsonl_bytes'] / 1e6:,.0f} MB) in {imp['import_s']:,.1f} s:"
        f" **{imp['articles_per_s']:,.0f} articles/s, {imp['mb_per_s']:.1f} MB/s**."
        f" Rate per batch: {rates}.{_peak(imp)}",
        "",
        f"Database: {result['db_bytes'] / 1e6:,.1f} MB, {result['bytes_per_article']:,} bytes per"
        " article.",
        "",
        "| operation | library, ms: median (min-max) | raw SQL floor, ms | ratio |",
        "|---|---|---|---|",
    ]
    for op in result["operations"]:
        floor = _ms(op["floor"]) if "floor" in op else "-"
        lines.append(f"| {op['name']} | {_ms(op)} | {floor} | {op.get('ratio', '-')} |")
    read = result["mostly_read"]
    lines += [
        "",
        f"First unread page of the largest category when its {read['read_articles']:,} newest"
        f" articles are read: {_ms(read)} ms (raw SQL {_ms(read['floor'])} ms).",
        *_changes(result),
        "",
        "## Goals",
        "",
        *(
            f"- {g['goal']}: {g['value']:,} ({'met' if g['met'] else 'MISSED'})"
            for g in result["goals"]
        ),
        "",
        "## Query plans",
        "",
        "| query | ms: median (min-max) | plan | warning |",
        "|---|---|---|---|",
    ]
    for entry in result["plans"]:
        shown = " / ".join("; ".join(p) for p in entry["plan"])
        lines.append(
            f"| {entry['query']} | {_ms(entry)} | {shown} | {'; '.join(entry['warnings'])} |"
        )
    return "\n".join(lines) + "\n"


def _changes(result: dict[str, Any]) -> list[str]:
    """The app's changes and its look for changes made elsewhere (absent in older results)."""
    looking, changes = result.get("looking"), result.get("changes")
    if looking is None or changes is None:
        return []
    return [
        "",
        "## Changing the library, and seeing it changed",
        "",
        f"On a copy of the library, for {changes['scope']} ({changes['articles']:,} articles);"
        f" the look for changes on the library itself.",
        "",
        "| operation | ms: median (min-max) | runs |",
        "|---|---|---|",
        f"| mark read (all of it) | {_ms(changes['mark_read'])} | {changes['mark_read']['runs']} |",
        f"| undo that | {_ms(changes['undo_mark_read'])} | {changes['undo_mark_read']['runs']} |",
        f"| mark unread (all of it) | {_ms(changes['mark_unread'])} |"
        f" {changes['mark_unread']['runs']} |",
        f"| delete its articles | {_ms(changes['delete'])} | 1 |",
        f"| undo the delete | {_ms(changes['undo_delete'])} | 1 |",
        *(
            f"| {label} | {_ms(changes[key])} | 1 |"
            for key, label in (
                ("delete_longest_write", "the delete's longest write transaction"),
                ("undo_delete_longest_write", "the undo's longest write transaction"),
                ("move", "move its articles to another category"),
                ("move_longest_write", "the move's longest write transaction"),
                ("undo_move", "undo the move"),
                ("undo_move_longest_write", "the undo's longest write transaction"),
            )
            if key in changes
        ),
        f"| look for changes (every second) | {_ms(looking['check'])} |"
        f" {looking['check']['runs']:,} |",
        f"| when changed: the tree again | {_ms(looking['tree'])} | {looking['tree']['runs']} |",
        f"| when changed: the list's rows again (cursor at 1,000) | {_ms(looking['rows'])} |"
        f" {looking['rows']['runs']} |",
        "",
        f"The library passed its consistency check after the undo: "
        f"{'yes' if changes['consistent_after'] else 'NO'}.",
    ]


def table(result: dict[str, Any]) -> str:
    """A short plain-text table of one size for the terminal."""
    imp = result["import"]
    rows = [
        f"{result['label']}: import {imp['articles_per_s']:,.0f} articles/s,"
        f" {imp['mb_per_s']:.1f} MB/s ({imp['import_path']}{', cached' if imp['cached'] else ''});"
        f" db {result['db_bytes'] / 1e6:,.0f} MB ({result['bytes_per_article']:,} B/article)",
        f"  {'operation':28} {'median ms':>10} {'min-max':>18} {'floor ms':>9} {'ratio':>6}",
    ]
    for op in result["operations"]:
        floor = op.get("floor", {}).get("median_ms")
        span = f"{op['min_ms']:.3f}-{op['max_ms']:.3f}"
        rows.append(
            f"  {op['name']:28} {op['median_ms']:10.3f} {span:>18}"
            f" {'-' if floor is None else f'{floor:.3f}':>9} {op.get('ratio', '-')!s:>6}"
        )
    for entry in result["plans"]:
        if entry["warnings"]:
            rows.append(f"  plan warning: {entry['query']}: {'; '.join(entry['warnings'])}")
    return "\n".join(rows)


def _peak(imp: dict[str, Any]) -> str:
    """The import's peak memory, when it was measured (`reader import` only)."""
    if imp.get("peak_mb") is None:
        return ""
    files = -(-imp["files"] // len(imp["batches"]))  # per `reader import`, as it was run
    what = "one file" if files == 1 else f"{files} files, the next ones read ahead"
    return f" Peak memory of one `reader import` ({what}): {imp['peak_mb']:,.0f} MB."
