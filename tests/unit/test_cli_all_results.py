"""`reader list` and `reader search` with `--all` (every match, a page at a time) and `--jsonl`
(one object a line, printed as they come)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.library import make_drafts, run_cli

from reader.cli import streams
from reader.store import Library

COUNT = 1_203


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("all") / "library.db"
    with Library(db) as lib:
        lib.save(make_drafts(COUNT - 3, category=("国际", "亚洲")))
        lib.save(make_drafts(3, category=("科技",), start=COUNT - 3))
    return db


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 50 rows, so that every listing here takes many of them."""
    monkeypatch.setattr(streams, "PAGE", 50)


def test_list_all_as_json_lines_array_and_text(
    big: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["list", "--db", str(big), "--all", "--jsonl"], capsys)
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == COUNT and len({r["id"] for r in rows}) == COUNT
    published = [r["published"] for r in rows]
    assert published == sorted(published, reverse=True)
    assert {"id", "title", "category", "published", "views", "url", "author", "tags"} <= set(
        rows[0]
    )
    code, out, _ = run_cli(["list", "--db", str(big), "--all", "--json"], capsys)
    assert json.loads(out) == rows
    code, out, _ = run_cli(["list", "--db", str(big), "--all"], capsys)
    assert len(out.splitlines()) == COUNT
    code, out, _ = run_cli(["list", "--db", str(big), "--limit", "120", "--jsonl"], capsys)
    assert [json.loads(line) for line in out.splitlines()] == rows[:120]


def test_list_json_is_printed_as_before(big: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The streamed array is the very text one `json.dumps(..., indent=2)` prints."""
    code, out, _ = run_cli(["list", "--db", str(big), "--limit", "3", "--json"], capsys)
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"
    code, out, _ = run_cli(["list", "--db", str(big), "--category", "科技", "--unread"], capsys)
    assert len(out.splitlines()) == 3
    code, out, _ = run_cli(
        ["search", "--db", str(big), "--json", "--category", "科技", "没有这个词"], capsys
    )
    assert (code, out) == (0, "[]\n")


@pytest.mark.parametrize("order", ["newest", "best"])
def test_search_all_finds_every_match(
    big: Path, capsys: pytest.CaptureFixture[str], order: str
) -> None:
    args = ["search", "--db", str(big), "--all", "--order", order]
    code, out, err = run_cli([*args, "--jsonl", "正文"], capsys)
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == COUNT and len({r["id"] for r in rows}) == COUNT
    assert all("正文" in r["snippet"] for r in rows)
    code, out, _ = run_cli([*args, "--json", "正文"], capsys)
    assert json.loads(out) == rows
    code, out, _ = run_cli([*args, "第1200篇"], capsys)
    assert len(out.splitlines()) == 2  # the row and its excerpt


def test_json_and_jsonl_together_is_a_usage_error(
    big: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["list", "--db", str(big), "--json", "--jsonl"], capsys)
    assert (code, out, err) == (2, "", "reader: give --json or --jsonl, not both\n")


def test_a_reader_that_stops_early_ends_it_quietly(big: Path) -> None:
    """`reader search --all --jsonl ... | head -1`: the closed pipe ends the command, exit 0."""
    command = [sys.executable, "-m", "reader", "search", "--db", str(big), "--all", "--jsonl"]
    with subprocess.Popen(
        [*command, "正文"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        code = process.wait(timeout=60)
    assert json.loads(first)["title"]
    assert (code, errors) == (0, b"")
