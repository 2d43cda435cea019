"""Changing a library from the app, timed: marking a category of about 100k articles read and
unread, deleting its articles and taking that back, moving them and taking that back (each with
its longest write transaction, which another program waits for), and the app's look for changes made
elsewhere (the check every second, and what it reads when something changed).

The changes run on a copy of the cached library (SQLite's backup, a consistent snapshot), so the
cache is never changed; the look for changes runs on the cached library itself, read only.

    python -m bench.store_changes [--sizes 100000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.models import ROOT_SCOPE
from reader.store import Library
from reader.ui import reloading, workers
from reader.ui.state import Listing, Reload

CATEGORY_SIZE = 100_000
"""The size of the category whose articles are marked and deleted (the nearest there is)."""
CHECKS = 2_000
ROUNDS = 3


def _seconds(call: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    value = call()
    return time.perf_counter() - began, value


def _ms(times: list[float]) -> dict[str, float]:
    ms = [t * 1000 for t in times]
    return {
        "median_ms": round(statistics.median(ms), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
        "runs": len(ms),
    }


def scope_near(library: Library, size: int) -> tuple[int, str, int]:
    """The category (or the whole library) with the article count nearest `size`."""
    total = library.counts()[0]
    best = (ROOT_SCOPE, "All articles", total)
    for category in library.categories():
        if abs(category.total - size) < abs(best[2] - size):
            best = (category.id, "/".join(category.path), category.total)
    return best


def changes(db: Path, data: Path) -> dict[str, Any]:
    """Mark read, mark unread, delete and undo the delete of ~100k articles, on a copy."""
    with tempfile.TemporaryDirectory(dir=data) as folder:
        copy = Path(folder) / "changes.db"
        began = time.perf_counter()
        source = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = WAL")
        finally:
            target.close()
            source.close()
        copied_s = time.perf_counter() - began
        with Library(copy, create=False) as library:
            scope, name, size = scope_near(library, CATEGORY_SIZE)
            marks: dict[str, list[float]] = {"read": [], "unread": [], "undo": []}
            for _ in range(ROUNDS):
                began = time.perf_counter()
                change = library.mark_read(scope=scope)
                marks["read"].append(time.perf_counter() - began)
                began = time.perf_counter()
                library.undo(change)
                marks["undo"].append(time.perf_counter() - began)
                library.mark_read(scope=scope)
                began = time.perf_counter()
                library.mark_read(scope=scope, read=False)
                marks["unread"].append(time.perf_counter() - began)
            ids = _ids(library, scope)
            other = min((c for c in library.categories() if c.id != scope), key=lambda c: c.total)
            longest = _longest_writes(library)
            timed: dict[str, float] = {}
            for name_, call in (
                ("delete", lambda: library.delete(ids)),
                ("undo_delete", None),
                ("move", lambda: library.move_articles(ids, other.id)),
                ("undo_move", None),
            ):
                longest.clear()
                began = time.perf_counter()
                change = call() if call else library.undo(change)
                timed[name_] = time.perf_counter() - began
                timed[f"{name_}_longest_write"] = max(longest, default=0.0)
            problems = library.check()
    return {
        "scope": name,
        "articles": size,
        "copy_s": round(copied_s, 1),
        "mark_read": _ms(marks["read"]),
        "undo_mark_read": _ms(marks["undo"]),
        "mark_unread": _ms(marks["unread"]),
        **{key: _ms([seconds]) for key, seconds in timed.items()},
        "consistent_after": not problems,
    }


def _longest_writes(library: Library) -> list[float]:
    """A list that gets the length in seconds of each write transaction `library` makes."""
    seen: list[float] = []
    write = library._tx.write

    @contextmanager
    def timed(*args: Any, **kwargs: Any) -> Iterator[sqlite3.Connection]:
        began = time.perf_counter()
        with write(*args, **kwargs) as conn:
            yield conn
        seen.append(time.perf_counter() - began)

    library._tx.write = timed  # type: ignore[method-assign]
    return seen


def _ids(library: Library, scope: int) -> list[int]:
    found: list[int] = []
    page = library.page(scope, limit=5_000)
    found += [s.id for s in page.items]
    while page.next is not None:
        page = library.page(scope, after=page.next, limit=5_000)
        found += [s.id for s in page.items]
    return found


def looking(db: Path) -> dict[str, Any]:
    """The app's look for changes: the marker (every second), and, when it moved, the tree and
    the list's rows read again (a cursor 1,000 articles down the whole library)."""
    with Library(db, create=False) as library:
        library.change_marker()
        checks = []
        for _ in range(CHECKS):
            took, _ = _seconds(library.change_marker)
            checks.append(took)
        cursor = library.page(ROOT_SCOPE, offset=1_000, limit=1).items[0].id
        request = Reload(1, Listing(), 1_000, cursor, (), known=library.counts()[0])
        trees, rows = [], []
        for _ in range(20):
            took, _ = _seconds(lambda: workers.load_shelves(library))
            trees.append(took)
            took, found = _seconds(lambda: reloading.reload_rows(library, request))
            rows.append(took)
        assert found.cursor == 1_000  # type: ignore[attr-defined]
    return {
        "check": _ms(checks),
        "tree": _ms(trees),
        "rows": _ms(rows),
    }


def main(argv: list[str] | None = None) -> int:
    """Time the changes and the look for changes on the cached libraries of the given sizes."""
    from bench.store_library import DATA, build_library

    parser = argparse.ArgumentParser(prog="python -m bench.store_changes", description=__doc__)
    parser.add_argument("--sizes", default="100000")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        db = Path(build_library(size)["db"])
        print(size, looking(db), changes(db, DATA), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
