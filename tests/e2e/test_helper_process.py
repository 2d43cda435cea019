"""The read-ahead helper (`reader.ingest.ahead`) never outlives its import, nor hangs it.

The sources are large (three JSON Lines files of about 10 MB), so that the import really reads
ahead in its helper process. Killed while the helper runs, the import leaves no process behind
a few seconds later, and a consistent library; the helper killed on its own, even in the middle
of sending a source back, leaves the import to finish in the calling process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.crash import wait_until

from reader.store import Library

FILES = 3
FILE_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def big_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three JSON Lines files of about 10 MB each (some 2,000 articles of 5 KB per file)."""
    folder = tmp_path_factory.mktemp("big")
    number = 0
    for index in range(FILES):
        with (folder / f"{index:02d}.jsonl").open("w", encoding="utf-8") as out:
            while out.tell() < FILE_BYTES:
                body = "".join(chr(0x4E00 + (number * 7919 + k * k) % 3000) for k in range(1_600))
                item = {"title": f"大文件 {number}", "body": body, "url": f"https://e.org/{number}"}
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                number += 1
    return folder


def _parent_of(pid: int) -> int | None:
    """The parent of a live process, or None when it is gone (or a zombie, dead already)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, parent = stat.rsplit(")", 1)[1].split()[:2]
    return None if state in ("Z", "X") else int(parent)


def cpu_seconds(pid: int) -> float:
    """The processor time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (children, their children, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture(scope="module")
def big_feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One plain RSS file of 6,000 entries (about 12 MB), whose entries are converted in a
    helper process (`feeds.AHEAD_ENTRIES`)."""
    path = tmp_path_factory.mktemp("feed") / "big.rss"
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>')
        out.write("<title>大</title><link>https://e.org/</link>")
        for number in range(6_000):
            # Many short paragraphs: converting them is most of the work.
            words = (chr(0x4E00 + (number * 7919 + k * k) % 3000) * 4 for k in range(60))
            body = "".join(f"&lt;p&gt;{word}&lt;/p&gt;" for word in words)
            out.write(
                f"<item><title>条目 {number}</title><link>https://e.org/{number}</link>"
                f"<description>{body}</description></item>\n"
            )
        out.write("</channel></rss>")
    return path


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ahead on Linux only")
@pytest.mark.parametrize(
    "stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: str(s.name)
)
def test_killing_an_import_ends_its_helper(
    big_sources: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    _kill_while_helping(big_sources, tmp_path, stop)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="converts ahead on Linux only")
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: str(s.name))
def test_killing_an_import_ends_the_helper_converting_a_feed(
    big_feed: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    _kill_while_helping(big_feed, tmp_path, stop)


def test_a_feed_converted_in_a_helper_is_the_feed_converted_here(
    big_feed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.ingest import feeds

    data = big_feed.read_bytes()
    helped = feeds.read_feed(data, str(big_feed), ahead=True)
    assert not helped.drafts
    monkeypatch.setattr(feeds, "AHEAD_ENTRIES", 10**9)
    here = feeds.read_feed(data, str(big_feed), ahead=True)
    assert list(helped.later) == here.drafts


def _kill_while_helping(source: Path, tmp_path: Path, stop: signal.Signals) -> None:
    db = tmp_path / "library.db"
    command = [sys.executable, "-c", "from reader.cli import main; main()", "import"]
    process = subprocess.Popen(
        [*command, "--db", str(db), str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until(lambda: bool(descendants(process.pid)), 60, "the read-ahead helper to start")
        started = descendants(process.pid)
        # Well into its work: reading the second file while the first is being saved.
        wait_until(lambda: any(cpu_seconds(pid) > 0.5 for pid in started), 60, "the helper to read")
        assert process.poll() is None, "the import ended before it could be stopped"
        process.send_signal(stop)
        process.wait(timeout=60)
        wait_until(
            lambda: not any(_parent_of(pid) is not None for pid in started),
            5,
            f"every process the import started to end after {stop.name}",
        )
        _out, err = process.communicate(timeout=10)  # a live helper would hold the pipes open
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if stop == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + stop, err
        assert err.strip().splitlines() == [f"reader: stopped by {stop.name}"]
    if db.exists():
        with Library(db) as library:
            assert library.check() == []


def _sending(pid: int) -> bool:
    """True while a process waits for room in a pipe (the helper sending a source back)."""
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads ahead on Linux only")
def test_a_helper_killed_while_sending_leaves_the_import_to_its_caller(
    big_sources: Path, tmp_path: Path
) -> None:
    db = tmp_path / "library.db"
    command = [sys.executable, "-c", "from reader.cli import main; main()", "import", "--json"]
    process = subprocess.Popen(
        [*command, "--db", str(db), str(big_sources)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: bool(descendants(process.pid)), 60, "the read-ahead helper to start")
        (helper,) = descendants(process.pid)
        wait_until(lambda: _sending(helper), 120, "the helper to send a source back")
        os.kill(helper, signal.SIGKILL)  # half a source is left in the pipe
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    articles = sum(1 for path in big_sources.iterdir() for _line in path.open("rb"))
    report = json.loads(out)
    assert (report["added"], report["failed"]) == (articles, 0)
    with Library(db) as library:
        assert library.counts()[0] == articles
        assert library.check() == []
