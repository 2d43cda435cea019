"""Helpers for the tests that run `reader` as real processes: sources, waiting, and checks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reader.store import integrity

ARTICLES_PER_FILE = 15


def reader_process(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    """Start `python -m reader ARGS` with its output captured."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "reader", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail the test naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.002)


def write_source(path: Path, name: str, version: int, count: int = ARTICLES_PER_FILE) -> None:
    """A JSON Lines file of `count` articles, each title and body marked with `version`.

    The GUIDs depend only on `name`, so writing a new version makes a re-import update every
    article of the file.
    """
    lines = []
    for n in range(count):
        item = {
            "title": f"{name} 第{n}篇 v{version}",
            "guid": f"crash:{name}:{n}",
            "category": ["崩溃测试", f"组{n % 3}"],
            "published": f"2024-{1 + n % 12:02}-{1 + n % 28:02}T08:00:00",
            "body": f"版本 v{version} 的正文。\n\n" + "这是一段用来占地方的文字。" * 40,
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_feed(path: Path, name: str, version: int, count: int = ARTICLES_PER_FILE) -> None:
    """An RSS 2.0 file like `write_source`'s (a source that the library also records)."""
    items = "".join(
        f"<item><title>{name} 第{n}篇 v{version}</title><guid>crash:{name}:{n}</guid>"
        f"<pubDate>Mon, {1 + n % 28:02} Jan 2024 08:00:00 GMT</pubDate>"
        f"<description>版本 v{version} 的正文。{'这是一段用来占地方的文字。' * 40}</description>"
        "</item>"
        for n in range(count)
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://example.com/{name}</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def recorded_sources(db: Path) -> set[str]:
    """The file names of the sources the library has recorded (feeds and pages)."""
    conn = sqlite3.connect(db)
    try:
        return {Path(row[0]).name for row in conn.execute("SELECT location FROM sources")}
    finally:
        conn.close()


def versions_by_source(db: Path) -> dict[str, list[int]]:
    """For each source file stored in the library, the version of each of its articles."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT source, title FROM articles WHERE source != ?", ("",)
        ).fetchall()
    finally:
        conn.close()
    found: dict[str, list[int]] = {}
    for source, title in rows:
        found.setdefault(Path(source).name, []).append(int(title.rsplit(" v", 1)[1]))
    return found


def library_problems(db: Path) -> list[str]:
    """SQLite's integrity check and the store's invariants, read through a plain connection."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        return integrity.problems(conn)
    finally:
        conn.close()


def wal_path(db: Path) -> Path:
    """The write-ahead log beside a library."""
    return db.with_name(db.name + "-wal")


def leftover_files(folder: Path) -> list[str]:
    """Names in `folder`, sorted (to see what a command left behind)."""
    return sorted(os.listdir(folder))


TESTS = Path(__file__).resolve().parents[1]


def python_process(code: str, *args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    """Run `code` in a new interpreter that can import this module; `args` are its sys.argv[1:]."""
    prelude = f"import sys; sys.path.insert(0, {str(TESTS)!r}); "
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", prelude + code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def wait_for_file(path: Path, timeout: float = 60.0) -> None:
    """Block until `path` exists (a start signal shared by processes)."""
    wait_until(path.exists, timeout, f"{path.name} to appear")


def app_worker(db: str, name: str, rounds: int, go: str) -> None:
    """What an app does to a library, `rounds` times: count views, save state, read pages.

    Started as its own process by the concurrency tests; waits for the file `go` so that every
    process starts at once, then prints one JSON line of what it did.
    """
    from reader.store import Library

    wait_for_file(Path(go))
    views: dict[int, int] = {}
    with Library(db, create=False) as library:
        ids = [a.id for a in library.page(limit=20).items]
        for n in range(rounds):
            article_id = ids[n % len(ids)]
            library.count_view(article_id, mark_read=n % 2 == 0)
            views[article_id] = views.get(article_id, 0) + 1
            library.set_state(f"worker:{name}", n)
            library.page(sort="views", limit=30)
            library.get(article_id)
            library.counts()
    print(json.dumps({str(k): v for k, v in views.items()}))


def run_reader(*args: str, timeout: float = 120) -> tuple[int, str, str]:
    """Run `python -m reader ARGS` to the end; return (exit code, stdout, stderr)."""
    process = reader_process(*args)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out.decode(), err.decode()


def disk_full_scenario(mount: str, sources: str, size: str, filler_bytes: int) -> None:
    """Inside a private mount namespace: import onto a small tmpfs until it is full, then again
    after freeing space. Prints one JSON object of what happened (or of why it could not run).
    """
    folder = Path(mount)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(json.dumps({"skip": f"cannot mount a tmpfs: {done.stderr.strip()[:200]}"}))
        return
    db = folder / "library.db"
    filler = folder / "filler"
    filler.write_bytes(b"\0" * filler_bytes)
    result: dict[str, object] = {}
    for attempt in ("full", "freed"):
        code, out, err = run_reader("import", "--db", str(db), sources)
        result[attempt] = {
            "code": code,
            "out": out,
            "err": err,
            "problems": library_problems(db),
            "stored": {k: len(v) for k, v in versions_by_source(db).items()},
        }
        filler.unlink(missing_ok=True)
    print(json.dumps(result, ensure_ascii=False))
