"""Every article is held to the limits of one, at real sizes: a body of many MB is cut at a
paragraph end with a warning naming it, a title of 50 MB is cut, thousands of tags are not kept,
a JSON record larger than a record may be is skipped unread while the rest of its file is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.ingest import notes
from reader.ingest.limits import (
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_GUID,
    MAX_NAME,
    MAX_RECORD_BYTES,
    MAX_TAGS,
    MAX_TITLE,
    cap,
    capped,
    cut_bytes,
    cut_text,
)
from reader.ingest.runner import import_sources
from reader.models import ArticleDraft
from reader.store import Library

MB = 1024 * 1024
PARAGRAPH = "这是一段用来测试的中文文字，" * 20 + "and some English words. 😀"


def _body(megabytes: int, *, lines: bool = True) -> str:
    """About `megabytes` MB of UTF-8 text, in paragraphs (or one line)."""
    unit = PARAGRAPH + ("\n\n" if lines else " ")
    return unit * (megabytes * MB // len(unit.encode()) + 1)


def _size(text: str) -> int:
    return len(text.encode())


def test_a_long_body_is_cut_at_a_paragraph_end_with_a_warning() -> None:
    draft = ArticleDraft(title="很长的文章", body=_body(12))
    with notes.collect() as warnings:
        [kept] = list(capped([draft]))
    assert MAX_BODY_BYTES * 3 // 4 < _size(kept.body) <= MAX_BODY_BYTES
    assert kept.body.endswith(PARAGRAPH)
    [warning] = warnings
    assert "很长的文章" in warning and "12 MB" in warning and "4 MB" in warning


def test_one_line_of_100_mb_is_cut_within_the_limit_between_characters() -> None:
    body = _body(100, lines=False)
    draft = ArticleDraft(title="一行", body=body)
    cuts = cap(draft)
    assert MAX_BODY_BYTES - 4 < _size(draft.body) <= MAX_BODY_BYTES
    assert body.startswith(draft.body)
    assert any("100 MB" in cut for cut in cuts)


def test_a_title_of_50_mb_thousands_of_tags_and_deep_categories_are_cut() -> None:
    draft = ArticleDraft(
        title="标" * (50 * MB // 3),
        author="作者" * 1000,
        tags=(*(f"标签{n}" for n in range(5000)), "长" * 10_000),
        category=tuple(f"层{n}" for n in range(1000)),
        related=tuple(f"相关{n}" for n in range(1000)),
        url="https://example.org/" + "a" * 100_000,
        guid="g" * 100_000,
    )
    with notes.collect() as warnings:
        [kept] = list(capped([draft]))
    assert len(kept.title) == MAX_TITLE and kept.title.endswith("…")
    assert len(kept.author) <= MAX_NAME
    assert len(kept.tags) == MAX_TAGS and kept.tags[0] == "标签0"
    assert len(kept.category) == MAX_DEPTH and kept.category[0] == "层0"
    assert kept.url == ""
    assert len(kept.guid) <= MAX_GUID and kept.guid.startswith("sha256:")
    [warning] = warnings
    assert "5,001 tags" in warning and "title" in warning and len(warning) < 1000


def test_an_article_within_the_limits_is_left_alone() -> None:
    body = _body(3)
    draft = ArticleDraft(title="t" * MAX_TITLE, body=body, tags=("a",) * MAX_TAGS)
    assert cap(draft) == [] and draft.body is body


def test_past_a_few_cut_articles_the_rest_are_counted() -> None:
    drafts = [ArticleDraft(title=f"t{n}", tags=("x",) * (MAX_TAGS + 1)) for n in range(10)]
    with notes.collect() as warnings:
        assert len(list(capped(drafts))) == 10
    assert len(warnings) == 4 and warnings[-1].startswith("7 more articles")


def test_cut_helpers_never_split_a_character() -> None:
    text = "中" * 100
    assert cut_text(text, 10) == "中" * 3
    data = ("中" * 100).encode()
    assert cut_bytes(data, 10).decode() == "中" * 3
    assert cut_bytes(b"ab\ncd" * 10, 20) == (b"ab\ncd" * 10)[:18]


# -- whole imports -----------------------------------------------------------------------------


def _titles(library: Library) -> list[str]:
    return sorted(s.title for s in library.page(limit=50).items)


def test_jsonl_skips_a_record_too_large_and_keeps_the_others(
    library: Library, tmp_path: Path
) -> None:
    big = json.dumps({"title": "巨大的记录", "body": _body(20)}, ensure_ascii=False)
    assert _size(big) > MAX_RECORD_BYTES
    middle = json.dumps({"title": "可以裁剪", "body": _body(10)}, ensure_ascii=False)
    lines = ['{"title": "第一篇"}', big, middle, '{"title": "最后一篇"}']
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [outcome] = import_sources(library, [str(tmp_path / "a.jsonl")]).outcomes
    assert outcome.added == 3, outcome.error
    assert _titles(library) == sorted(["第一篇", "可以裁剪", "最后一篇"])
    skipped, cut = outcome.warnings
    assert skipped.startswith("line 2:") and "巨大的记录" in skipped and "skipped" in skipped
    assert "可以裁剪" in cut and "cut" in cut
    [cut_article] = [s for s in library.page(limit=50).items if s.title == "可以裁剪"]
    stored = library.get(cut_article.id)
    assert stored is not None and _size(stored.body) <= MAX_BODY_BYTES


@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_skips_an_element_too_large(
    indent: int | None, library: Library, tmp_path: Path
) -> None:
    nested = {"title": "嵌套", "body": "x", "deep": json.loads("[" * 500 + "]" * 500)}
    items = [
        {"title": "第一篇", "body": "正文"},
        {"title": "巨大的元素", "body": _body(20), "tags": [[] for _ in range(1000)]},
        nested,
        {"title": "最后一篇", "body": '正文 \\ " 😀'},
    ]
    text = json.dumps(items, ensure_ascii=False, indent=indent)
    (tmp_path / "a.json").write_text(text, encoding="utf-8")
    [outcome] = import_sources(library, [str(tmp_path / "a.json")]).outcomes
    assert outcome.added == 3, outcome.error
    assert _titles(library) == sorted(["第一篇", "嵌套", "最后一篇"])
    [warning] = outcome.warnings
    assert warning.startswith("line ") and "item 2" in warning and "巨大的元素" in warning


def test_single_article_files_are_read_only_as_far_as_an_article_goes(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: 长文\n---\n\n" + _body(30), encoding="utf-8")
    (tmp_path / "b.txt").write_text("长页\n\n" + _body(30), encoding="utf-8")
    report = import_sources(library, [str(tmp_path)])
    assert report.total("added") == 2, [o.error for o in report.failed]
    for outcome in report.outcomes:
        [warning] = outcome.warnings
        assert "only its first 4 MB were read" in warning and "30 MB" in warning
    for summary in library.page(limit=10).items:
        article = library.get(summary.id)
        assert article is not None and 3 * MB < _size(article.body) <= MAX_BODY_BYTES


def test_pages_over_their_cap_are_refused_unread_and_feeds_read_as_they_go(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.rss").write_bytes(b"<rss>" + b" " * (21 * MB) + b"</rss>")
    (tmp_path / "b.html").write_bytes(b"<html>" + b" " * (21 * MB) + b"</html>")
    first, second = import_sources(library, [str(tmp_path)]).outcomes
    assert first.error == "not a feed (no entry in its first 4 MB)"
    assert second.error == "page too large (21 MB; at most 20 MB)"


def test_a_huge_front_matter_is_ignored_with_a_warning(library: Library, tmp_path: Path) -> None:
    front = "tags:\n" + "".join(f"- 标签{n}\n" for n in range(60_000))
    (tmp_path / "a.md").write_text(f"---\n{front}---\n# 标题\n\n正文\n", encoding="utf-8")
    [outcome] = import_sources(library, [str(tmp_path / "a.md")]).outcomes
    assert outcome.added == 1
    assert any("front matter" in w and "ignored" in w for w in outcome.warnings)
    assert _titles(library) == ["标题"]


def test_a_feed_entry_with_tens_of_thousands_of_tags_is_read_in_linear_time(
    library: Library, tmp_path: Path
) -> None:
    """feedparser compares each tag with all before it; 30,000 took over a minute that way."""
    import time

    categories = "".join(f"<category>标签{n}</category>" for n in range(30_000))
    keywords = ",".join(f"词{n}" for n in range(30_000))
    (tmp_path / "tags.rss").write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>站</title>'
        f"<item><title>标签很多</title><link>https://example.org/t</link>{categories}"
        f"<itunes:keywords>{keywords}</itunes:keywords><description>正文</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    began = time.monotonic()
    [outcome] = import_sources(library, [str(tmp_path / "tags.rss")]).outcomes
    took = time.monotonic() - began
    assert outcome.added == 1 and took < 30, (outcome, took)
    [summary] = library.page(limit=5).items
    assert summary.tags[:2] == ("标签0", "标签1") and len(summary.tags) == MAX_TAGS
