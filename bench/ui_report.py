"""UI benchmark results as Markdown (for the results folder) and as a short terminal table."""

from __future__ import annotations

from typing import Any


def _ms(entry: dict[str, Any]) -> str:
    return f"{entry['median_ms']:,.1f} ({entry['min_ms']:,.1f}-{entry['max_ms']:,.1f})"


def _load(load: list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


def _imports(floor: dict[str, Any]) -> str:
    return "; ".join(
        f"`{name}` {_ms(entry)} ms" for name, entry in floor.items() if name.startswith("import")
    )


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report of one size."""
    machine, inproc, term = result["machine"], result["in_process"], result["terminal"]
    lines = [
        f"# UI benchmark, {result['label']} articles",
        "",
        f"{result['date']}, reader {result['reader_commit']}, Python {machine['python']},"
        f" Textual {machine['textual']}, {machine['cpus']} CPUs shared with other work"
        f" (load average 1/5/15 min: {_load(result['load']['before'])} before,"
        f" {_load(result['load']['after'])} after). Library: {result['db_bytes'] / 1e9:,.2f} GB,"
        f" {result['articles']:,} articles.",
        "",
        "## Goals",
        "",
        "| goal | measured (median) | |",
        "|---|---|---|",
        *(
            f"| {g['goal']} | {g['value']} | {'met' if g['met'] else '**MISSED**'} |"
            for g in result["goals"]
        ),
        "",
        "## Start-up in a real terminal (tmux), spawn to panes filled",
        "",
        "| terminal | tree, ms | list, ms | reading pane, ms | all filled, ms | app CPU, ms"
        " | runs |",
        "|---|---|---|---|---|---|---|",
    ]
    for start in term["start"]:
        keys = ("tree", "list", "reading", "all", "cpu")
        cells = [_ms(start[k]) if k in start else "-" for k in keys]
        lines.append(f"| {start['terminal']} | {' | '.join(cells)} | {start['all']['runs']} |")
    paired = term.get("paired_start")
    if paired and paired["ratio"] is not None:
        lines += [
            "",
            f"Taken in turn with the {paired['base_db']} library ({paired['terminal']},"
            f" {paired['this']['runs']} pairs): this library {_ms(paired['this'])} ms, the small"
            f" one {_ms(paired['base'])} ms; median ratio of the pairs **{paired['ratio']}**.",
        ]
    floor = term["import_floor"]
    lines += [
        "",
        f"Floor: `python -c pass` {_ms(floor['python'])} ms; {_imports(floor)} (each a new"
        " process).",
        "",
        f"## Interactions in the process ({inproc['terminal']}), key event to frame",
        "",
        "| operation | ms: median (min-max) | p90 | drawing, ms | CPU, ms | runs | how |",
        "|---|---|---|---|---|---|---|",
    ]
    for op in inproc["operations"]:
        lines.append(
            f"| {op['name']} | {_ms(op)} | {op['p90_ms']:,.1f} |"
            f" {op.get('drawing_median_ms', '-')} | {op.get('cpu_median_ms', '-')} | {op['runs']} |"
            f" {op['how']} |"
        )
    memory = term["memory"]
    lines += [
        "",
        "Drawing: the median time from the start of the screen update that drew the frame to the"
        " frame's bytes; the rest of a figure is handlers, workers, store reads and the wait for"
        " Textual's frame timer. CPU: the process's CPU time (all threads) over the step, the"
        " work itself, less sensitive than wall time to other programs on the machine.",
        "",
        f"## Memory while browsing ({memory['terminal']})",
        "",
        f"Resident after start {memory['start_rss_mb']} MB; peak (VmHWM) **{memory['peak_mb']}"
        f" MB**; at the end {memory['end_rss_mb']} MB. The script ended on the 50 KB article:"
        f" {'yes' if memory['ended_on_50kb_article'] else 'no'}.",
        "",
        "| step | VmRSS, MB | VmHWM, MB |",
        "|---|---|---|",
        *(f"| {s['step']} | {s['VmRSS']} | {s['VmHWM']} |" for s in memory["steps"]),
        "",
        "## Method",
        "",
        *(f"- {line}" for line in result["method"]),
    ]
    return "\n".join(lines) + "\n"


def table(result: dict[str, Any]) -> str:
    """A short plain-text table of one size for the terminal."""
    rows = [f"ui {result['label']}: median ms (min-max)"]
    for start in result["terminal"]["start"]:
        rows.append(f"  {'start ' + start['terminal']:32} {_ms(start['all']):>26}")
    for op in result["in_process"]["operations"]:
        rows.append(f"  {op['name']:32} {_ms(op):>26}")
    rows.append(f"  {'peak memory, MB':32} {result['terminal']['memory']['peak_mb']:>26}")
    missed = [g["goal"] for g in result["goals"] if not g["met"]]
    if missed:
        rows.append("  MISSED: " + "; ".join(missed))
    return "\n".join(rows)
