"""Bytes on the wire: the results as Markdown and as a short terminal table."""

from __future__ import annotations

from typing import Any

ACTIONS = ("start", "cursor move", "page down", "open an article", "resize", "full redraw")
NAMES = {
    "start": "first screen after start",
    "cursor move": "cursor move (Down in the list)",
    "page down": "page down (PageDown in the list)",
    "open an article": "open an article (Enter in the list)",
    "resize": "resize (119x40, then back to 120x40: the second)",
    "full redraw": "full redraw (newsboat: Ctrl+L; reader: a resize)",
}
METHOD = [
    "Each program runs on a pseudo-terminal owned by the benchmark, 120x40,"
    " `TERM=xterm-256color`, `LANG=C.UTF-8`; reader once without `COLORTERM` (256 colours, what"
    " an SSH session passes on by default) and once with `COLORTERM=truecolor`.",
    "A thread reads everything the program writes. For an action, once the program has been"
    " quiet for {settle} s, the byte count is noted, the keys are written (or the window resized"
    " and SIGWINCH sent), and the count is read again once the output has been quiet for"
    " {quiet} s: every byte the action caused, later background redraws included. Cursor keys"
    " are sent as a terminal sends them (SS3 form once a program turns on application cursor"
    " keys).",
    "The list is the biggest feed's (the peer benchmark's feeds: reader's category, newsboat's"
    " item list). After each opened article the program goes back to the list (Escape / q) and"
    " one row down, untimed.",
    "Figures are medians (min-max) over the runs, in bytes. Goals: a cursor move under"
    " {cursor:,} bytes and a page down under {page:,} (one byte per cell of a 120x40 screen).",
]


def _cell(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "-"
    if entry["min"] == entry["max"]:
        return f"{entry['median']:,}"
    return f"{entry['median']:,} ({entry['min']:,}-{entry['max']:,})"


def _goal(action: str, result: dict[str, Any], entry: dict[str, Any] | None) -> str:
    limit = result["goals"].get(action)
    if limit is None or entry is None:
        return ""
    return "met" if entry["median"] < limit else "**MISSED**"


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report."""
    programs = result["programs"]
    reader = programs[0]
    head = " | ".join(p["program"] for p in programs)
    lines = [
        f"# Bytes written to the terminal per action, {result['label']} items",
        "",
        f"{result['date']}, reader {result['reader_commit']},"
        f" {result['newsboat'] or 'no newsboat'};"
        f" terminal {result['terminal']}; load average"
        f" {' / '.join(f'{x:.2f}' for x in result['load'])}.",
        "",
        f"| action | {head} | reader's goal |",
        "|---|" + "---|" * len(programs) + "---|",
    ]
    for action in ACTIONS:
        cells = " | ".join(_cell(p.get(action)) for p in programs)
        lines.append(f"| {NAMES[action]} | {cells} | {_goal(action, result, reader.get(action))} |")
    goals = result["goals"]
    lines += [
        "",
        "## Method",
        "",
        *(
            "- "
            + line.format(
                quiet=result["quiet_s"],
                settle=result["settle_s"],
                cursor=goals["cursor move"],
                page=goals["page down"],
            )
            for line in METHOD
        ),
    ]
    return "\n".join(lines) + "\n"


def table(result: dict[str, Any]) -> str:
    """A short plain-text table."""
    programs = result["programs"]
    rows = [f"wire {result['label']}: bytes, " + " | ".join(p["program"] for p in programs)]
    for action in ACTIONS:
        cells = " ".join(f"{_cell(p.get(action)):>24}" for p in programs)
        rows.append(f"  {action:18} {cells}")
    return "\n".join(rows)
