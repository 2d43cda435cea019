"""reader against newsboat: the results as Markdown and as a short terminal table."""

from __future__ import annotations

import statistics
from typing import Any

STEPS = {
    "start": "start to a filled screen",
    "biggest": "open the biggest feed",
    "first open": "open an article, the first after start: Enter to body shown",
    "open": "open an article, later ones: Enter to body shown",
    "random": "random article of the biggest feed",
    "slash": "`/` to the search prompt",
    "search": "search {query}: the word and Enter to results",
}
METHOD = [
    "Feeds: the synthetic library (`bench.generate`) as RSS 2.0, one feed per top-level"
    " category (bodies as `<p>`/`<h2>` HTML). reader imports each feed whole, one file a feed"
    " (`reader import` of the twelve files: a local feed of any size is read, one over 20 MB"
    " as it is saved); newsboat fetches the same bytes, each feed whole, from a local HTTP"
    " server on 127.0.0.1 (`newsboat -x reload`, its default single reload thread). Each import"
    " starts from an empty database; the two are taken in turn. (Before 2026-12-05 13:00 reader"
    " imported part files of at most 2,000 items each.)",
    "Sessions: each program in its own tmux session at 120x40, started fresh; reader and"
    " newsboat take turns, after one untimed warm-up session each (the file cache is warm; reader"
    " reopens the article its last session left open). A step's clock starts just before its"
    " keys are sent (through one tmux control-mode client) and stops at the first"
    " `capture-pane` (taken about every millisecond) that shows the step's result.",
    "What shows each result: the feed list with every feed (newsboat) or the tree with counts,"
    " the list and the reopened article (reader); the biggest feed's newest title at the top of"
    " its list; the opened article's first body words; the search prompt (newsboat's `Search"
    " for:`, reader's search box); the results listed with their count.",
    "Opening: the newest article of the biggest feed first (the first open after start), then"
    " the next five rows (newsboat: q, Down, Enter; reader: Escape, Down, Enter; only Enter is"
    " timed). Random: reader's `r` in the biggest category (until the reading pane shows"
    " another article); newsboat's Ctrl+K (random-unread, which moves the cursor to a random"
    " unread article of the feed) and Enter, from the feed's list (until an article shows).",
    "Peak memory: VmHWM of the program at the end of a session. Import memory: the peak"
    " resident set of the importing process (wait4).",
    "Ratios are newsboat's median over reader's: above 1, reader is faster (or smaller).",
]


def stats(values: list[float]) -> dict[str, Any]:
    """Median, min and max, rounded."""
    return {
        "runs": len(values),
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def cell(entry: dict[str, Any] | None, unit: str = "") -> str:
    """`stats` as a table cell: median (min-max), with `unit` after the median."""
    if not entry or not entry.get("runs"):
        return "-"
    text = f"{entry['median']:,.1f}{unit} ({entry['min']:,.1f}-{entry['max']:,.1f})"
    if entry.get("missed"):
        text += f", {entry['missed']} missed"
    return text


def _ratio(reader: dict[str, Any] | None, newsboat: dict[str, Any] | None) -> str:
    if not reader or not newsboat or not reader.get("runs") or not newsboat.get("runs"):
        return "-"
    if not reader["median"]:
        return "-"
    return f"{newsboat['median'] / reader['median']:.2f}"


def import_stats(runs: list[dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Seconds, items/s and peak MB over the import runs of one program."""
    return {key: stats([r[key] for r in runs]) for key in ("seconds", "items_per_s", "peak_mb")}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(step, reader, newsboat, newsboat / reader) for every figure."""
    steps = result["steps"]
    found = []
    for key, name in STEPS.items():
        entry = steps.get(key, {})
        found.append(
            (
                name.format(query=result["query"]),
                cell(entry.get("reader"), " ms"),
                cell(entry.get("newsboat"), " ms"),
                _ratio(entry.get("reader"), entry.get("newsboat")),
            )
        )
    memory = steps.get("peak_mb", {})
    found.append(
        (
            "peak memory of the session",
            cell(memory.get("reader"), " MB"),
            cell(memory.get("newsboat"), " MB"),
            _ratio(memory.get("reader"), memory.get("newsboat")),
        )
    )
    imports = {name: import_stats(result["imports"][name]) for name in ("reader", "newsboat")}
    reader, newsboat = imports["reader"], imports["newsboat"]
    found.append(
        (
            "import the same feeds, items/s",
            cell(reader["items_per_s"]),
            cell(newsboat["items_per_s"]),
            _ratio(newsboat["items_per_s"], reader["items_per_s"]),
        )
    )
    found.append(
        (
            "import the same feeds, seconds",
            cell(reader["seconds"], " s"),
            cell(newsboat["seconds"], " s"),
            _ratio(reader["seconds"], newsboat["seconds"]),
        )
    )
    found.append(
        (
            "import, peak memory",
            cell(reader["peak_mb"], " MB"),
            cell(newsboat["peak_mb"], " MB"),
            _ratio(reader["peak_mb"], newsboat["peak_mb"]),
        )
    )
    return found


def load_text(load: list[float]) -> str:
    """The load averages as `1.00 / 0.50 / 0.25`."""
    return " / ".join(f"{x:.2f}" for x in load)


def markdown(result: dict[str, Any]) -> str:
    """The Markdown report of one size."""
    f = result["feeds"]
    lines = [
        f"# reader and newsboat, {result['label']} items",
        "",
        f"{result['date']}, reader {result['reader_commit']}, {result['newsboat']}, Python"
        f" {result['machine']['python']}, {result['machine']['cpus']} CPUs shared with other"
        f" work (load average 1/5/15 min: {load_text(result['load']['before'])} before,"
        f" {load_text(result['load']['after'])} after). {f['items']:,} items in {f['feeds']} feeds"
        f" ({f['bytes'] / 1e6:,.0f} MB of RSS in {f.get('files', f['parts'])} files); the"
        " biggest feed,"
        f" {f['biggest']['title']}, has {f['biggest']['items']:,}. Terminal {result['terminal']};"
        f" {result['sessions']} sessions each, taken in turn;"
        f" {len(result['imports']['reader'])} import(s) each"
        f" ({result['imports'].get('date', result['date'])}).",
        "",
        "Each figure: median (min-max). The ratio is newsboat / reader (for items/s, reader /"
        " newsboat): above 1, reader is faster (or smaller).",
        "",
        "| step | reader | newsboat | newsboat / reader |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(result)),
        "",
        "## Method",
        "",
        *(f"- {line}" for line in METHOD),
    ]
    return "\n".join(lines) + "\n"


def table(result: dict[str, Any]) -> str:
    """A short plain-text table for the terminal."""
    found = [f"peer {result['label']}: reader | newsboat | newsboat/reader"]
    for name, reader, newsboat, ratio in rows(result):
        found.append(f"  {name[:44]:44} {reader:>26} {newsboat:>26} {ratio:>6}")
    return "\n".join(found)
