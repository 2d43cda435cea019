"""`reader import` as a real process, on one huge article of every kind and on values no type
holds: memory stays bounded by the limits of one article, and one bad source spoils nothing.

The peak is measured from outside: a small parent process runs `reader import` and reports the
largest resident size among its children (the import and any helper it starts). The files are
made here, at the sizes an attacker would use: one article of 100 MB and one of 250 MB (the
largest file accepted is 256 MB), one line or many paragraphs; feeds and pages at their 20 MB cap, and a feed of one 100 MB entry.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MB = 1024 * 1024
PEAK_LIMIT_MB = 1024
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"peak_mb": peak, "code": done.returncode, "out": done.stdout,
                  "err": done.stderr}))
"""


def _import(db: Path, *sources: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `reader import` in a fresh parent process; its exit code, output and peak memory."""
    command = [sys.executable, "-m", "reader", "import", "--db", str(db), *map(str, sources)]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _paragraphs(megabytes: int, *, one_line: bool = False) -> Iterator[str]:
    """About `megabytes` MB of distinct Chinese paragraphs (with an emoji, so that a string
    holding them takes four bytes a character), as pieces to write."""
    written, number = 0, 0
    while written < megabytes * MB:
        piece = f"第{number}段：这是一段很长的中文文字，用来测试很大的文章。" * 8 + "😀"
        piece += " " if one_line else "\n\n"
        written += len(piece.encode())
        number += 1
        yield piece


def _write(path: Path, head: str, pieces: Iterator[str], tail: str = "") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for piece in pieces:
            out.write(piece)
        out.write(tail)
    return path


def _escaped(pieces: Iterator[str]) -> Iterator[str]:
    for piece in pieces:
        yield json.dumps(piece, ensure_ascii=False)[1:-1]


def _big_files(folder: Path, megabytes: int) -> dict[str, Path]:
    """One file of each local kind holding one article of about `megabytes` MB."""
    one_line = megabytes > 200
    small = '{"title": "小文章", "body": "正文"}'
    return {
        "jsonl": _write(
            folder / f"big{megabytes}.jsonl",
            '{"title": "大文章", "body": "',
            _escaped(_paragraphs(megabytes, one_line=one_line)),
            '"}\n' + small + "\n",
        ),
        "json array": _write(
            folder / f"big{megabytes}.json",
            '[{"title": "大文章", "body": "',
            _escaped(_paragraphs(megabytes, one_line=one_line)),
            '"},\n' + small + "]\n",
        ),
        "markdown": _write(
            folder / f"big{megabytes}.md",
            "---\ntitle: 大文章\n---\n\n",
            _paragraphs(megabytes, one_line=one_line),
        ),
        "page text": _write(
            folder / f"big{megabytes}.txt",
            "大文章\n\n",
            _paragraphs(megabytes, one_line=one_line),
        ),
    }


def _feed(path: Path, megabytes: int) -> Path:
    from xml.sax.saxutils import escape

    paragraphs = (f"&lt;p&gt;{escape(p.strip())}&lt;/p&gt;" for p in _paragraphs(megabytes))
    return _write(
        path,
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>大站</title>'
        "<item><title>大条目</title><link>https://example.org/big</link><description>",
        paragraphs,
        "</description></item><item><title>小条目</title><link>https://example.org/small"
        "</link><description>正文</description></item></channel></rss>",
    )


def _page(path: Path, megabytes: int) -> Path:
    paragraphs = (f"<p>{p.strip()}</p>\n" for p in _paragraphs(megabytes))
    return _write(
        path,
        '<!doctype html><html><head><meta charset="utf-8"><title>大页面</title></head>'
        "<body><article><h1>大页面</h1>",
        paragraphs,
        "</article></body></html>",
    )


@pytest.mark.slow
@pytest.mark.parametrize("megabytes", [100, 250])
def test_one_huge_article_of_every_kind_stays_under_a_gigabyte(
    megabytes: int, tmp_path: Path
) -> None:
    for kind, path in _big_files(tmp_path, megabytes).items():
        db = tmp_path / f"{path.name}.db"
        result = _import(db, path)
        assert result["code"] == 0, (kind, result)
        assert result["peak_mb"] < PEAK_LIMIT_MB, (kind, result["peak_mb"])
        [warning] = [line for line in result["out"].splitlines() if "warning:" in line]
        assert "大文章" in warning, (kind, warning)
        if kind.startswith("json"):  # the record is skipped, the small article saved
            assert "1 added" in result["out"] and "was skipped" in warning, (kind, warning)
        else:  # the one article is read as far as an article goes
            assert "1 added" in result["out"] and "only its first 4 MB were read" in warning
        path.unlink()


@pytest.mark.slow
def test_a_feed_and_a_page_at_their_cap_stay_under_a_gigabyte(tmp_path: Path) -> None:
    for path, added in (
        (_feed(tmp_path / "big.xml", 19), "2 added"),
        (_page(tmp_path / "big.html", 19), "1 added"),
    ):
        result = _import(tmp_path / f"{path.name}.db", path)
        assert result["code"] == 0 and added in result["out"], result
        assert "was cut" in result["out"] and "the first 4 MB were kept" in result["out"]
        assert result["peak_mb"] < PEAK_LIMIT_MB, (path.name, result["peak_mb"])
    result = _import(tmp_path / "refused.db", _page(tmp_path / "huge.html", 100))
    assert result["code"] == 1 and re.search(r"too large \(10\d MB; at most 20 MB\)", result["out"])
    assert result["peak_mb"] < 200, result["peak_mb"]
    # A feed over the cap is read an entry at a time: its one entry of 100 MB is passed over.
    result = _import(tmp_path / "passed.db", _feed(tmp_path / "huge.rss", 100))
    assert "an entry of over" in result["out"] and "was skipped" in result["out"], result
    assert result["peak_mb"] < 300, result["peak_mb"]


def test_one_bad_value_spoils_no_import(tmp_path: Path) -> None:
    late = {"title": "很晚", "body": "正文", "published": "9999-12-31T23:00:00-05:00"}
    (tmp_path / "a-late.jsonl").write_text(json.dumps(late) + "\n", encoding="utf-8")
    early = {"title": "很早", "body": "正文", "published": "0001-01-01T00:00:00+05:00"}
    (tmp_path / "b-early.jsonl").write_text(json.dumps(early) + "\n", encoding="utf-8")
    lone = {"title": "半个\ud800字", "body": "正文"}
    (tmp_path / "c-lone.jsonl").write_text(json.dumps(lone) + "\n", encoding="utf-8")
    (tmp_path / "d-zero.md").write_text("---\ndate: 0000-01-01\n---\n# 零年\n\n正文\n")
    (tmp_path / "e-views.jsonl").write_text('{"title": "大", "views": 1' + "0" * 5000 + "}\n")
    (tmp_path / "f-good.txt").write_text("好文章\n\n正文第一段。\n", encoding="utf-8")
    result = _import(tmp_path / "lib.db", tmp_path, env={"TZ": "UTC"})
    assert result["err"] == "", result["err"]
    lines = result["out"].splitlines()
    assert lines[0] == "6 sources: 5 added, 0 updated, 0 unchanged, 1 failed", lines
    [failed] = [line for line in lines if line.startswith("  failed: ")]
    assert "e-views.jsonl: line 1: 'views' is out of range" in failed
    [warning] = [line for line in lines if line.startswith("  warning: ")]
    assert "d-zero.md: front matter 'date' is not a date; ignored" in warning
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--db", str(tmp_path / "lib.db"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    titles = sorted(a["title"] for a in json.loads(listed.stdout))
    assert titles == sorted(["很晚", "很早", "半个\ufffd字", "零年", "好文章"])


def test_a_source_too_large_to_hold_is_left_to_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source read ahead comes back whole, so one larger than the helper may hold is declined
    (its articles would be held twice) and read by the writer as it saves it: same outcome."""
    from reader.ingest import ahead, runner
    from reader.ingest.jobs import Job
    from reader.ingest.runner import import_sources
    from reader.store import Library

    folder = tmp_path / "sources"
    folder.mkdir()
    for name, count in (("a", 3), ("b", 300), ("c", 3)):
        lines = [json.dumps({"title": f"{name}{n}", "body": "正文" * 20}) for n in range(count)]
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(runner, "AHEAD_CHARS", 20_000)
    declined = runner.read_ahead(Job(str(folder / "b.jsonl"), "jsonl"))
    kept = runner.read_ahead(Job(str(folder / "c.jsonl"), "jsonl"))
    assert not isinstance(declined, str) and declined.declined and not declined.drafts
    assert not isinstance(kept, str) and not kept.declined and len(list(kept.drafts)) == 3

    outcomes = []
    for read_ahead_bytes in (0, 1 << 62):  # through the helper, then without one
        monkeypatch.setattr(ahead, "MIN_BYTES", read_ahead_bytes)
        with Library(tmp_path / f"{read_ahead_bytes}.db") as library:
            report = import_sources(library, [str(folder)])
            outcomes.append([(o.added, o.error, o.warnings) for o in report.outcomes])
            assert library.counts()[0] == 306
    assert outcomes[0] == outcomes[1] == [(3, "", []), (300, "", []), (3, "", [])]
