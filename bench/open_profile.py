"""Where the time goes between a key and the frame that shows its result (issue 12).

The app runs headless (`App.run_test`, 120x40) on a benchmark library, as `bench.ui_inproc`
drives it: a key event is posted as a terminal driver posts it and the clock stops at the first
frame that shows the result. Around that, this tool wraps the functions on the way (only in this
process, by name) so that each step leaves a timeline: when each function began and ended, in
which thread, relative to the key. Steps:

- open the 5 KB article of `bench/sizes` with Enter in the list: the first open of the process
  (whatever the start left to import or warm up) and later ones;
- `/` to the search box shown with the cursor in it.

With `--cprofile`, each step also runs under cProfile in the UI thread and in the worker
threads (`load_article`, `with_extras`, `build_page`), and the functions that took most are listed.

    python -m bench.open_profile [--size 10000] [--runs 10] [--cprofile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import inspect
import io
import os
import pstats
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.store_library import build_library, label, reader_commit, write_results
from bench.ui_articles import ensure_sized_articles, sizes_scope
from bench.ui_inproc import FrameProbe, Session, UpdateClock
from bench.what_if import WHAT_IF
from reader.store.library import Library
from reader.ui.app import ReaderApp

Event = tuple[str, str, float, str]
"""(probe, "b" or "e", perf_counter, thread name)."""

PROBES = [
    ("reader.ui.widgets.article_list", "ArticleList", "action_open", "list: Enter handler"),
    ("reader.ui.screens.main", "MainScreen", "_article_chosen", "screen: Opened handler"),
    ("reader.ui.screens.opening", "OpeningScreen", "_save_progress", "screen: save progress"),
    ("reader.ui.workers", None, "load_article", "worker: load_article"),
    ("reader.ui.workers", None, "with_extras", "worker: related and random (after)"),
    ("reader.store.library", "Library", "count_view", "worker: count_view (write)"),
    ("reader.store.library", "Library", "get", "worker: get article"),
    ("reader.store.library", "Library", "random_sample", "worker: random_sample"),
    ("reader.ui.screens.opening", None, "build_page", "worker: build_page (Markdown)"),
    ("reader.ui.screens.opening", "OpeningScreen", "on_main_screen_ready", "screen: Ready handler"),
    ("reader.ui.widgets.reading_pane", "ReadingPane", "show", "pane: show"),
    ("reader.ui.widgets.reading_pane", "ReadingPane", "_relayout", "pane: layout (wrap)"),
    ("reader.ui.widgets.article_list", "ArticleList", "patch", "list: patch row"),
    ("reader.ui.workers", None, "load_start", "worker: recount (load_start)"),
    ("reader.ui.screens.main", "MainScreen", "on_main_screen_recounted", "screen: recounted"),
    ("reader.ui.screens.searching", "SearchMixin", "action_search", "screen: action_search"),
    ("reader.ui.widgets.search_bar", "SearchBar", "open", "search bar: open"),
    ("textual.widget", "Widget", "focus", "textual: focus"),
    ("textual.screen", "Screen", "_update_focus_styles", "textual: restyle for the focus"),
    ("textual.app", "App", "update_styles", "textual: restyle for a class"),
    ("textual.css.stylesheet", "Stylesheet", "update_nodes", "textual: CSS applied"),
    ("textual.screen", "Screen", "refresh_bindings", "textual: refresh bindings"),
    ("textual.widgets._footer", "Footer", "bindings_changed", "textual: footer told"),
    ("textual.widget", "Widget", "recompose", "textual: recompose (footer keys)"),
    ("textual.screen", "Screen", "_on_timer_update", "textual: screen update"),
    ("textual.screen", "Screen", "_refresh_layout", "textual: layout"),
]


class Recorder:
    """Collects probe events while armed; profiles worker calls when asked."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.armed = False
        self.profile = False
        self.profiles: list[cProfile.Profile] = []
        self.missing: list[str] = []
        self._lock = threading.Lock()

    def note(self, probe: str, edge: str) -> None:
        """Record one edge of a probe (when armed)."""
        if self.armed:
            with self._lock:
                self.events.append(
                    (probe, edge, time.perf_counter(), threading.current_thread().name)
                )

    def wrap(self, function: Callable[..., Any], probe: str, profiled: bool) -> Callable[..., Any]:
        """`function`, noting its start and end (and profiling it in worker threads)."""
        recorder = self
        if inspect.iscoroutinefunction(function):

            async def awaited(*args: Any, **kwargs: Any) -> Any:
                recorder.note(probe, "b")
                try:
                    return await function(*args, **kwargs)
                finally:
                    recorder.note(probe, "e")

            awaited.__name__ = function.__name__
            awaited.__qualname__ = function.__qualname__
            return awaited

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            recorder.note(probe, "b")
            try:
                if profiled and recorder.armed and recorder.profile:
                    profiler = cProfile.Profile()
                    result = profiler.runcall(function, *args, **kwargs)
                    with recorder._lock:
                        recorder.profiles.append(profiler)
                    return result
                return function(*args, **kwargs)
            finally:
                recorder.note(probe, "e")

        wrapped.__name__ = getattr(function, "__name__", probe)
        wrapped.__qualname__ = getattr(function, "__qualname__", probe)
        wrapped.__doc__ = function.__doc__
        return wrapped

    def install(self) -> None:
        """Wrap every probe that exists (the names are the app's as of this commit)."""
        for module_name, owner, name, probe in PROBES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                self.missing.append(probe)
                continue
            holder: Any = getattr(module, owner, None) if owner else module
            original = getattr(holder, name, None) if holder is not None else None
            if original is None or (owner and name not in vars(holder)):
                self.missing.append(probe)
                continue
            profiled = name in ("load_article", "with_extras", "build_page")
            setattr(holder, name, self.wrap(original, probe, profiled))


def timeline(events: list[Event], began: float) -> list[dict[str, Any]]:
    """Pair begin/end events into spans (ms from `began`), in order of start."""
    open_: dict[tuple[str, str], list[float]] = {}
    spans = []
    for probe, edge, at, thread in events:
        key = (probe, thread)
        if edge == "b":
            open_.setdefault(key, []).append(at)
        elif open_.get(key):
            start = open_[key].pop()
            spans.append(
                {
                    "probe": probe,
                    "thread": "ui" if thread == "MainThread" else "worker",
                    "start_ms": round((start - began) * 1000, 2),
                    "ms": round((at - start) * 1000, 2),
                }
            )
    return sorted(spans, key=lambda s: s["start_ms"])


async def _step(
    s: Session, rec: Recorder, key: str, shown: Callable[[], bool], linger: float
) -> dict[str, Any]:
    """Time one key; the timeline up to `linger` seconds after its frame."""
    rec.events.clear()
    rec.profiles.clear()
    rec.armed = True
    main_profile = cProfile.Profile() if rec.profile else None
    began = time.perf_counter()
    if main_profile is not None:
        main_profile.enable()
    took = await s.key(key, shown)
    if main_profile is not None:
        main_profile.disable()
    await asyncio.sleep(linger)
    rec.armed = False
    spans = timeline(rec.events, began)
    return {
        "ms": took,
        "busy_ms": max((x["start_ms"] + x["ms"] for x in spans), default=0.0),
        "spans": spans,
        "profiles": ([main_profile] if main_profile else []) + list(rec.profiles),
    }


async def _measure(db: Path, runs: int, profile: bool) -> dict[str, Any]:
    rec = Recorder()
    rec.profile = profile
    rec.install()
    UpdateClock.install()
    sized = ensure_sized_articles(db)
    scope = sizes_scope(db)
    article = next(a for a in sized if a.name == "5 KB")
    library = Library(db, create=False)
    app = ReaderApp(library, seed=1)
    opens: list[dict[str, Any]] = []
    slashes: list[dict[str, Any]] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            s = Session(app, pilot, FrameProbe(app))
            while not (app.screen_stack and getattr(app.screen, "started", False)):
                await asyncio.sleep(0.01)
            await s.show_query(scope)
            lst, pane = s.articles, s.screen.pane
            index = next(i for i in range(lst.total) if (r := lst.row(i)) and r.id == article.id)
            for _ in range(runs):
                lst.focus()
                lst.cursor = index
                await s.settle()
                before = pane.page

                def opened(before: object = before) -> bool:
                    view = pane.view
                    return (
                        pane.page is not before
                        and view is not None
                        and (view.article.id == article.id)
                    )

                opens.append(await _step(s, rec, "enter", opened, 0.3))
                await s.settle()
            bar = s.screen.search_bar
            for _ in range(runs):
                lst.focus()
                await s.settle()
                slashes.append(await _step(s, rec, "slash", lambda: app.focused is bar.input, 0.2))
                s.screen.action_close_search()
                await s.settle()
            await app.action_quit()
    finally:
        library.close()
        UpdateClock.remove()
    return {"opens": opens, "slashes": slashes, "missing": rec.missing}


def _summary(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each probe's time over the later steps, and the first step's own."""

    def per_probe(group: list[dict[str, Any]]) -> dict[str, float]:
        found: dict[str, list[float]] = {}
        for step in group:
            totals: dict[str, float] = {}
            for span in step["spans"]:
                totals[span["probe"]] = totals.get(span["probe"], 0.0) + span["ms"]
            for probe, ms in totals.items():
                found.setdefault(probe, []).append(ms)
        return {p: round(statistics.median(v), 2) for p, v in found.items()}

    later = steps[1:] or steps
    times = [s["ms"] for s in later if s["ms"] is not None]
    busy = [s["busy_ms"] for s in later]
    return {
        "first_ms": steps[0]["ms"],
        "later_busy_median_ms": round(statistics.median(busy), 2),
        "later_median_ms": round(statistics.median(times), 2) if times else None,
        "later_min_ms": round(min(times), 2) if times else None,
        "first": steps[0]["spans"],
        "later_probes": per_probe(later),
        "later_example": later[len(later) // 2]["spans"],
    }


def _profile_text(steps: list[dict[str, Any]], limit: int = 25) -> str:
    profiles = [p for step in steps for p in step["profiles"]]
    if not profiles:
        return ""
    out = io.StringIO()
    merged = pstats.Stats(profiles[0], stream=out)
    for extra in profiles[1:]:
        merged.add(extra)
    merged.strip_dirs().sort_stats("cumulative").print_stats(limit)
    merged.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def markdown(result: dict[str, Any]) -> str:
    """The report: per step, the timeline of the first and of a typical later key."""
    lines = [
        f"# Where the time goes, {result['label']} library (headless, 120x40)",
        "",
        f"{result['date']}, reader {result['reader_commit']}; {result['runs']} runs of each"
        f" step in one process; load average {' / '.join(f'{x:.2f}' for x in result['load'])}.",
        "",
        *(
            [f"What if (the app changed in this process only): {', '.join(result['what_if'])}.", ""]
            if result.get("what_if")
            else []
        ),
    ]
    for name, summary in (("Open the 5 KB article (Enter)", result["open"]),
                          ("`/` to the search box", result["slash"])):  # fmt: skip
        lines += [
            f"## {name}",
            "",
            f"Key to frame: first {summary['first_ms']:.1f} ms; later runs median"
            f" {summary['later_median_ms']:.1f} ms (min {summary['later_min_ms']:.1f}); the UI"
            f" thread busy with it for {summary['later_busy_median_ms']:.1f} ms (median: the end"
            " of the last probe within the step's window).",
            "",
            "Median ms per probe over the later runs (a probe inside another is counted in both):",
            "",
            "| probe | ms |",
            "|---|---|",
            *(f"| {p} | {ms} |" for p, ms in summary["later_probes"].items()),
            "",
            "A typical later run, ms from the key:",
            "",
            "| starts at | takes | thread | probe |",
            "|---|---|---|---|",
            *(
                f"| {s['start_ms']} | {s['ms']} | {s['thread']} | {s['probe']} |"
                for s in summary["later_example"]
            ),
            "",
            "The first run of the process:",
            "",
            "| starts at | takes | thread | probe |",
            "|---|---|---|---|",
            *(
                f"| {s['start_ms']} | {s['ms']} | {s['thread']} | {s['probe']} |"
                for s in summary["first"]
            ),
            "",
        ]
        if summary.get("profile"):
            lines += ["cProfile of the later runs:", "", "```", summary["profile"], "```", ""]
    if result["missing"]:
        lines += [f"Probes not found (renamed?): {', '.join(result['missing'])}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Profile the steps on the benchmark library of `--size` articles."""
    parser = argparse.ArgumentParser(prog="python -m bench.open_profile", description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--what-if", action="append", default=[], choices=sorted(WHAT_IF),
        help="change the app in this process only, to weigh a fix",
    )  # fmt: skip
    args = parser.parse_args(argv)
    for name in args.what_if:
        WHAT_IF[name]()
    db = Path(build_library(args.size, seed=args.seed)["db"])
    found = asyncio.run(_measure(db, args.runs, args.cprofile))
    result = {
        "size": args.size,
        "label": label(args.size),
        "date": datetime.now().replace(microsecond=0).isoformat(),
        "reader_commit": reader_commit(),
        "runs": args.runs,
        "load": list(os.getloadavg()),
        "open": _summary(found["opens"]),
        "slash": _summary(found["slashes"]),
        "missing": found["missing"],
    }
    result["open"]["profile"] = _profile_text(found["opens"][1:])
    result["slash"]["profile"] = _profile_text(found["slashes"][1:])
    result["what_if"] = args.what_if
    suffix = "".join(f"-{name}" for name in args.what_if)
    write_results(f"open-profile-{label(args.size)}{suffix}", result, markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
