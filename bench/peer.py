"""reader against newsboat (issue 12): the same feeds, the same terminal, taken in turn.

The synthetic library is written as RSS feeds (`bench.feeds`: one feed per top-level category,
twelve feeds, the biggest with ~38 % of the items). reader imports each feed whole, one file a
feed (`reader import` reads a local feed of any size), the same bytes newsboat fetches from a
local HTTP server with `newsboat -x reload` into its own SQLite cache. Both imports are timed
(taken in turn, a fresh database each time), then the two programs are driven through the same
session in tmux at 120x40, in turn (reader, newsboat, reader...), after one untimed warm-up
session each:

start to a filled screen; open the biggest feed; open an article (Enter to the body's first
words shown: the first after start, then five more, each the next row); five random articles of
the biggest feed (reader `r`; newsboat Ctrl+K, random-unread, and Enter); `/` to the search
prompt (five times); a search (the word and Enter to the results listed); peak memory (VmHWM).

newsboat is installed with `apt-get install -y newsboat` when missing (as root); when it cannot
be, the benchmark says so in one line and is skipped. Nothing of newsboat's goes outside
`bench/data/peer-<size>/` (ignored by git).

    python -m bench.peer [--quick] [--sizes 10000,100000] [--sessions 5] [--import-runs N]
                         [--import-only]

`--import-runs 0` times the sessions again on the library and cache of the last run (whose
import figures the report then repeats, with their date). `--import-only` times the imports and
prints them, and writes no results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import feeds
from bench.peer_drivers import Driver, NewsboatDriver, ReaderDriver, Target, first_words
from bench.peer_report import markdown, stats, table
from bench.store_library import DATA, label, reader_commit, write_results
from bench.tmux_control import Tmux
from reader.store.library import Library

SIZES = (10_000, 100_000, 1_000_000)
QUERY = "乡村"
"""A common word (in about 30 % of the articles)."""
OPENS = 5
RANDOMS = 5
SLASHES = 5
NEWSBOAT_CONFIG = """\
auto-reload no
show-read-feeds yes
show-read-articles yes
confirm-exit no
cleanup-on-quit no
"""


def ensure_newsboat() -> tuple[str | None, str]:
    """newsboat's version line, installing it with apt when missing; else None and why."""
    if shutil.which("newsboat") is None:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            return None, "newsboat is not installed (and apt-get as root is not available)"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "newsboat"]
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0 or shutil.which("newsboat") is None:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"newsboat could not be installed with apt-get ({last})"
    shown = subprocess.run(["newsboat", "--version"], capture_output=True, text=True)
    return shown.stdout.splitlines()[0] if shown.stdout else "newsboat", ""


def reader_program() -> str:
    """The installed `reader` console script beside this Python, else `python -m reader`."""
    script = Path(sys.executable).with_name("reader")
    return str(script) if script.exists() else f"{sys.executable} -m reader"


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _run_with_peak(args: list[str], env: dict[str, str] | None, cwd: Path) -> tuple[float, float]:
    """Run a command; wall seconds and the peak resident MB of it (from `wait4`)."""
    began = time.perf_counter()
    process = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)
    took = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        text = errors.decode(errors="replace").strip()[-800:]
        raise RuntimeError(f"{Path(args[0]).name} failed ({process.returncode}): {text}")
    return took, usage.ru_maxrss / 1024


class Peer:
    """One size: its feeds, reader's library and newsboat's cache, and the measurements."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.index = feeds.write_feeds(size, seed)
        self.work = DATA / f"peer-{label(size)}"
        self.db = self.work / "reader.db"
        self.home = self.work / "newsboat"
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "config").write_text(NEWSBOAT_CONFIG, encoding="utf-8")
        sizes = feeds.feed_sizes(self.index)
        titles = feeds.feed_titles(seed)
        self.big_number = max(sizes, key=lambda n: (sizes[n], -n))
        self.big = titles[self.big_number]
        self.big_items = sizes[self.big_number]
        self.feeds = len(sizes)

    def whole_feeds(self) -> list[Path]:
        """Each feed as one file, `feedNN.xml` under the work folder: the bytes newsboat is
        served (the head, the items of every part, the tail), written when missing."""
        out = self.work / "feeds"
        out.mkdir(parents=True, exist_ok=True)
        parts: dict[int, list[dict[str, Any]]] = {}
        for entry in self.index:
            parts.setdefault(entry["feed"], []).append(entry)
        titles = feeds.feed_titles(self.seed)
        paths = []
        for number, entries in sorted(parts.items()):
            path = out / f"feed{number:02d}.xml"
            head = feeds.feed_head(number, titles[number]).encode()
            tail = feeds.FEED_TAIL.encode()
            size = len(head) + sum(e["end"] - e["start"] for e in entries) + len(tail)
            if not path.exists() or path.stat().st_size != size:
                with path.open("wb") as whole:
                    whole.write(head)
                    for entry in entries:
                        with (feeds.folder(self.seed) / entry["path"]).open("rb") as part:
                            part.seek(entry["start"])
                            whole.write(part.read(entry["end"] - entry["start"]))
                    whole.write(tail)
            paths.append(path)
        return paths

    def import_reader(self) -> dict[str, float]:
        """`reader import` of every feed, each one file, into a new library."""
        _remove_db(self.db)
        program = reader_program().split()
        args = [*program, "import", "--db", str(self.db), *map(str, self.whole_feeds())]
        took, peak = _run_with_peak(args, None, self.work)
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        if count != self.size:
            raise RuntimeError(f"reader imported {count:,} of {self.size:,} items")
        return {"seconds": took, "peak_mb": peak, "items_per_s": self.size / took}

    def import_newsboat(self) -> dict[str, float]:
        """`newsboat -x reload` of every feed, served whole, into a new cache."""
        cache = self.home / "cache.db"
        _remove_db(cache)
        h = str(self.home)
        env = {**os.environ, "HOME": h, "XDG_CONFIG_HOME": h, "XDG_DATA_HOME": h}
        with feeds.serve(self.index, self.seed) as urls:
            (self.home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
            args = ["newsboat", "-C", f"{h}/config", "-u", f"{h}/urls", "-c", str(cache)]
            took, peak = _run_with_peak([*args, "-x", "reload"], env, self.home)
        with sqlite3.connect(f"file:{cache}?mode=ro", uri=True) as conn:
            count = conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
        if count != self.size:
            raise RuntimeError(f"newsboat imported {count:,} of {self.size:,} items")
        return {"seconds": took, "peak_mb": peak, "items_per_s": self.size / took}

    def targets(self, count: int) -> list[Target]:
        """The newest `count` articles of the biggest feed, as both programs list them."""
        with Library(self.db, create=False) as lib:
            found = lib.find_category((self.big,))
            assert found is not None
            page = lib.page(found.id, limit=count)
            return [self._target(lib, s.id) for s in page.items]

    @staticmethod
    def _target(lib: Library, article_id: int) -> Target:
        article = lib.get(article_id)
        assert article is not None
        return Target(article.title, first_words(article.body))


def session(driver: Driver, peer: Peer, expect: bool) -> dict[str, Any]:
    """One session of `driver`; the seconds of each step (None: missed) and peak MB."""
    out: dict[str, list[float | None]] = {}

    def add(name: str, value: float | None) -> None:
        out.setdefault(name, []).append(value)

    targets = peer.targets(OPENS + 1)
    try:
        add("start", driver.start(expect))
        add("biggest", driver.open_biggest(targets[0]))
        for number, target in enumerate(targets):
            add("first open" if number == 0 else "open", driver.open_article(target, number == 0))
        for _ in range(RANDOMS):
            add("random", driver.random())
        driver.to_top()
        for _ in range(SLASHES):
            add("slash", driver.slash())
        add("search", driver.search())
        add("peak_mb", driver.finish())
    except RuntimeError as error:
        print(f"  peer: {driver.name} session broke off: {error}", file=sys.stderr)
        add("broken", None)
    finally:
        driver.quit(())
    return out


def measure_imports(size: int, seed: int, runs: int) -> None:
    """Time the two imports only, in turn, and print them with the load average."""
    peer = Peer(size, seed)
    for run in range(1, runs + 1):
        for name, timed in (("reader", peer.import_reader), ("newsboat", peer.import_newsboat)):
            load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
            got = timed()
            print(
                f"{label(size)} import {run}/{runs} {name}: {got['items_per_s']:,.0f} items/s,"
                f" {got['seconds']:.2f} s, peak {got['peak_mb']:.0f} MB (load before: {load})",
                flush=True,
            )


def measure(size: int, seed: int, sessions: int, import_runs: int, version: str) -> dict[str, Any]:
    """Every figure of one size."""
    load_before = list(os.getloadavg())

    def progress(step: str) -> None:
        print(f"  peer {label(size)}: {step}", file=sys.stderr, flush=True)

    progress("feeds")
    peer = Peer(size, seed)
    saved = peer.work / "imports.json"
    if import_runs == 0 and saved.exists() and peer.db.exists():
        progress(f"imports kept from an earlier run ({saved})")
        imports = json.loads(saved.read_text(encoding="utf-8"))
    else:
        imports = {"reader": [], "newsboat": [], "date": datetime.now().isoformat()[:19]}
        for run in range(1, max(1, import_runs) + 1):
            progress(f"import {run}/{max(1, import_runs)}: reader import")
            imports["reader"].append(peer.import_reader())
            progress(f"import {run}/{max(1, import_runs)}: newsboat -x reload")
            imports["newsboat"].append(peer.import_newsboat())
        saved.write_text(json.dumps(imports), encoding="utf-8")
    found: dict[str, dict[str, list[float | None]]] = {"reader": {}, "newsboat": {}}
    with Tmux() as tmux:
        drivers: dict[str, Callable[[int], Driver]] = {
            "reader": lambda n: ReaderDriver(
                tmux, f"reader-{n}", peer.big, QUERY, reader_program(), peer.db
            ),
            "newsboat": lambda n: NewsboatDriver(
                tmux, f"newsboat-{n}", peer.big, QUERY, peer.home, peer.feeds
            ),
        }
        for run in range(sessions + 1):
            for name, make in drivers.items():
                progress(f"session {run}/{sessions}: {name}" + (" (warm-up)" if not run else ""))
                got = session(make(run), peer, expect=run > 0)
                if run:
                    for step, values in got.items():
                        found[name].setdefault(step, []).extend(values)
    return {
        "size": size,
        "label": label(size),
        "date": datetime.now().replace(microsecond=0).isoformat(),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count() or 0,
            "platform": platform.platform(),
        },
        "reader_commit": reader_commit(),
        "newsboat": version,
        "load": {"before": load_before, "after": list(os.getloadavg())},
        "feeds": {
            "feeds": peer.feeds,
            "parts": len(peer.index),
            "files": len(peer.whole_feeds()),
            "items": size,
            "bytes": sum(p.stat().st_size for p in peer.whole_feeds()),
            "biggest": {"title": peer.big, "items": peer.big_items},
        },
        "query": QUERY,
        "terminal": "120x40",
        "sessions": sessions,
        "imports": imports,
        "steps": summarise(found),
    }


def summarise(found: dict[str, dict[str, list[float | None]]]) -> dict[str, Any]:
    """Per step and program: median, min, max (ms, or MB for memory) and the misses."""
    result: dict[str, Any] = {}
    for name, steps in found.items():
        for step, values in steps.items():
            got = [v for v in values if v is not None]
            scale = 1.0 if step == "peak_mb" else 1000.0
            entry = stats([v * scale for v in got]) if got else {"runs": 0}
            entry["missed"] = len(values) - len(got)
            result.setdefault(step, {})[name] = entry
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure each size; print a table and write `results/peer-<size>.json` and `.md`."""
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--quick", action="store_true", help="10k, two sessions, one import")
    parser.add_argument("--sessions", type=int, default=5, help="timed sessions per program")
    parser.add_argument(
        "--import-runs", type=int, default=-1,
        help="imports per program (default 3 at 10k, 2 at 100k, 1 above; 0 keeps the last"
        " run's library, cache and figures when there are some)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--import-only", action="store_true", help="time the imports only; write no results"
    )
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("peer: skipped, tmux is not installed", file=sys.stderr)
        return 0
    version, why = ensure_newsboat()
    if version is None:
        print(f"peer: skipped, {why}", file=sys.stderr)
        return 0
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    sessions = 2 if args.quick else args.sessions
    for size in sorted(sizes):
        runs = args.import_runs
        if runs < 0:
            runs = 1 if args.quick or size >= 1_000_000 else 3 - (size > 10_000)
        if args.import_only:
            measure_imports(size, args.seed, max(1, runs))
            continue
        result = measure(size, args.seed, sessions, runs, version)
        write_results(f"peer-{label(size)}", result, markdown(result))
        print(table(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
