"""Large local files (`files.is_large`), with the thresholds and the batch made small: mapped,
read from front to back, saved a batch at a time, and completed by importing them again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.ingest import batches, files
from reader.ingest.runner import import_sources
from reader.store import Library


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(batches, "BATCH_ARTICLES", 3)


def _records(count: int, bad: int = 0) -> str:
    lines = [
        json.dumps({"title": f"文章{n}", "body": f"正文{n}" * 20}, ensure_ascii=False)
        for n in range(1, count + 1)
    ]
    if bad:
        lines[bad - 1] = '{"title": 5}'
    return "\n".join(lines) + "\n"


@pytest.mark.usefixtures("small_limits")
def test_a_large_file_is_saved_in_batches_and_a_failure_keeps_the_whole_ones(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(_records(10, bad=8), encoding="utf-8")
    assert files.large_file(str(path), "jsonl")
    [outcome] = import_sources(library, [str(path)]).outcomes
    assert outcome.error == (
        "line 8: 'title' must be text, not a number"
        " (its first 6 articles were saved; importing it again goes on)"
    )
    assert outcome.added == 6 and library.counts()[0] == 6
    path.write_text(_records(10), encoding="utf-8")
    [outcome] = import_sources(library, [str(path)]).outcomes
    assert (outcome.error, outcome.added, outcome.unchanged) == ("", 4, 6)
    assert library.check() == [] and library.counts()[0] == 10


@pytest.mark.usefixtures("small_limits")
def test_a_large_utf16_file_and_a_large_array_are_read(library: Library, tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(_records(7), encoding="utf-16")
    items = [{"title": f"数组{n}", "body": "正文" * 50} for n in range(5)]
    (tmp_path / "b.json").write_text(json.dumps(items, ensure_ascii=False, indent=1), "utf-8")
    first, second = import_sources(library, [str(tmp_path)]).outcomes
    assert (first.error, first.added, second.error, second.added) == ("", 7, "", 5)


@pytest.mark.usefixtures("small_limits")
def test_a_file_of_another_kind_over_the_cap_is_still_refused(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.opml").write_text("<opml>" + " " * 2000 + "</opml>", encoding="utf-8")
    [outcome] = import_sources(library, [str(tmp_path / "a.opml")]).outcomes
    assert outcome.error == "file too large (0 MB; at most 0 MB)"
