"""Reading local sources ahead in a helper process (`reader.ingest.ahead`).

An import read ahead must end exactly as one read in turn: the same articles, categories,
search index, outcomes, failures and warnings. A helper that dies leaves the import to the
calling process, and the command line stays quiet when it ends or is interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.ingest import ahead, runner
from reader.ingest.runner import Job, Ready, import_sources
from reader.store import Library, LibraryError

_PIDS: Path | None = None
"""Where the spy below records the process each source was read in (set by a test)."""
_DIE_ON = ""
"""A file name the spy dies on, as a helper killed by the system would."""
_real_read_ahead = runner.read_ahead


def _spy(job: Job) -> Ready | str:
    """`read_ahead` that records its process and can die (inherited by the forked helper)."""
    if _DIE_ON and job.location.endswith(_DIE_ON):
        os._exit(9)
    if _PIDS is not None:
        with _PIDS.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {Path(job.location).name}\n")
    return _real_read_ahead(job)


def _jsonl(path: Path, start: int, count: int) -> None:
    lines = [
        json.dumps(
            {
                "title": f"预读文章 {n}",
                "body": f"第{n}篇的正文，讲预读和写入。\n\n## 为什么要预读？\n\nParagraph {n}.",
                "category": ["预读", f"组{n % 3}"],
                "published": f"2024-03-{1 + n % 28:02d}T08:{n % 60:02d}:00",
                "views": n,
                "url": f"https://example.org/ahead/{n}",
            },
            ensure_ascii=False,
        )
        for n in range(start, start + count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A folder of several kinds of sources, one of them broken."""
    folder = tmp_path / "sources"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", 0, 40)
    _jsonl(folder / "b.jsonl", 40, 40)
    (folder / "c.jsonl").write_text('{"title": "半行\n', encoding="utf-8")
    (folder / "d.md").write_text(
        "---\ntitle: 一篇笔记\ndate: 2024-02-03\n---\n笔记的正文。\n", encoding="utf-8"
    )
    page = "首页 > 科技 > 旧网页\n旧网页的标题\n• 科技\n• 2023-05-06 07:08:09\n• 12\n\n正文一段。\n"
    (folder / "e.txt").write_bytes(page.encode("gb18030"))
    _jsonl(folder / "f.jsonl", 80, 40)
    return folder


def _import(db: Path, folder: Path) -> list[tuple[Any, ...]]:
    with Library(db) as library:
        report = import_sources(library, [str(folder)])
    return [
        (Path(o.location).name, o.kind, o.added, o.updated, o.unchanged, o.error, o.warnings)
        for o in report.outcomes
    ]


def _contents(db: Path) -> dict[str, Any]:
    with Library(db) as library:
        page = library.page(limit=1000)
        articles = [library.get(s.id) for s in page.items]
        return {
            "articles": sorted(
                (a.title, a.category, a.published, a.views, a.url, a.body)
                for a in articles
                if a is not None
            ),
            "categories": sorted((c.path, c.total) for c in library.categories()),
            "search": sorted(
                (h.summary.title for h in library.search("预读", limit=1000)), key=str
            ),
            "check": library.check(),
        }


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Read ahead for any size of import, through `_spy`; returns the file of its records."""
    global _PIDS
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(runner, "read_ahead", _spy)
    _PIDS = tmp_path / "pids.txt"
    yield _PIDS
    _PIDS = None


def test_reading_ahead_imports_what_reading_in_turn_does(
    sources: Path, tmp_path: Path, spy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ahead_outcomes = _import(tmp_path / "ahead.db", sources)
    read = spy.read_text(encoding="utf-8").split()
    pids, names = set(read[0::2]), read[1::2]
    # The first source is read by the importing process while the helper reads the next ones.
    assert names == ["b.jsonl", "c.jsonl", "d.md", "e.txt", "f.jsonl"]
    assert len(pids) == 1 and str(os.getpid()) not in pids  # one helper, not this process

    monkeypatch.setattr(ahead, "MIN_BYTES", 1 << 62)
    spy.unlink()
    in_turn_outcomes = _import(tmp_path / "in-turn.db", sources)
    assert not spy.exists()  # nothing read ahead this time
    assert ahead_outcomes == in_turn_outcomes
    failed = [o for o in ahead_outcomes if o[5]]
    assert [o[0] for o in failed] == ["c.jsonl"]
    assert sum(o[2] for o in ahead_outcomes) == 40 * 3 + 2
    assert _contents(tmp_path / "ahead.db") == _contents(tmp_path / "in-turn.db")

    again = _import(tmp_path / "ahead.db", sources)  # re-import read ahead: nothing new
    assert sum(o[2] for o in again) == 0 and sum(o[4] for o in again) == 40 * 3 + 2


def test_a_helper_that_dies_leaves_the_import_to_the_caller(
    sources: Path, tmp_path: Path, spy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "_DIE_ON", "b.jsonl")
    outcomes = _import(tmp_path / "ahead.db", sources)
    assert [o[0] for o in outcomes if o[5]] == ["c.jsonl"]
    assert sum(o[2] for o in outcomes) == 40 * 3 + 2
    contents = _contents(tmp_path / "ahead.db")
    assert len(contents["articles"]) == 40 * 3 + 2 and contents["check"] == []


def _big_folder(folder: Path, files: int, per_file: int = 0) -> Path:
    """Enough JSON Lines for `reader import` to read ahead (`ahead.MIN_BYTES` in all)."""
    folder.mkdir()
    per_file = per_file or ahead.MIN_BYTES // files // 5_000 + 50

    def body(n: int) -> str:  # about 5 KB of text varied enough to index like real text
        return "".join(chr(0x4E00 + (n * 7919 + k * k) % 3000) for k in range(1_600))

    for number in range(files):
        with (folder / f"{number:02d}.jsonl").open("w", encoding="utf-8") as out:
            for n in range(number * per_file, (number + 1) * per_file):
                out.write(
                    json.dumps(
                        {
                            "title": f"大文章 {n}",
                            "body": body(n),
                            "url": f"https://example.org/{n}",
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    assert sum(p.stat().st_size for p in folder.iterdir()) >= ahead.MIN_BYTES
    return folder


def _reader(*args: str) -> list[str]:
    return [sys.executable, "-c", "from reader.cli import main; main()", *args]


@pytest.mark.slow
def test_the_command_line_reads_ahead_and_ends_quietly(tmp_path: Path) -> None:
    folder = _big_folder(tmp_path / "big", 3)
    db = tmp_path / "big.db"
    done = subprocess.run(
        _reader("import", "--json", "--db", str(db), str(folder)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert report["failed"] == 0 and report["added"] > 1_500


@pytest.mark.slow
def test_interrupting_an_import_read_ahead_prints_one_line(tmp_path: Path) -> None:
    folder = _big_folder(tmp_path / "big", 40, per_file=300)  # many seconds of importing
    db = tmp_path / "big.db"
    process = subprocess.Popen(
        _reader("import", "--db", str(db), str(folder)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not _saved_some(db) and time.monotonic() < deadline:  # well into it: a file saved
        time.sleep(0.05)
    assert _saved_some(db), "no source was saved within a minute"
    assert process.poll() is None, "the import ended before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C reaches the helper too
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert err.strip().splitlines() in (["reader: aborted"], ["reader: interrupted"]), err
    with Library(db) as library:
        assert library.check() == []


def _saved_some(db: Path) -> bool:
    """True once an import into `db` has committed its first source (the helper is reading)."""
    if not db.exists():
        return False
    try:
        with Library(db, create=False) as library:
            return library.counts()[0] > 0
    except LibraryError:  # still being created
        return False
