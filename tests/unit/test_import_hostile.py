"""Values the language's types cannot hold, in every importer: one source fails alone, or only
the value does; never the import.

Dates a `datetime` cannot move to local time (year 9999 with a negative offset, year 1 with a
positive one), dates that do not exist, integers of thousands of digits, NaN and infinities,
lone surrogates, files whose names are not UTF-8, and any exception a parser may raise.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.ingest import load as load_module
from reader.ingest.runner import import_sources
from reader.store import Library

LATE = "9999-12-31T23:00:00-05:00"
EARLY = "0001-01-01T00:00:00+05:00"
GOOD = '{"title": "好文章", "body": "正文"}\n'


@pytest.fixture(params=["UTC", "America/New_York", "Asia/Shanghai"])
def local_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone (the time every stored date is moved to)."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def _rss(date: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>站</title>'
        "<item><title>日期</title><link>https://example.org/a</link>"
        f"<pubDate>{date}</pubDate><description>正文</description></item></channel></rss>"
    )


def _atom(date: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>站</title><entry><title>日期</title><id>urn:x:1</id>"
        f'<link href="https://example.org/b"/><updated>{date}</updated>'
        "<content>正文</content></entry></feed>"
    )


def _json_feed(date: str) -> str:
    item = {"id": "1", "title": "日期", "content_text": "正文", "date_published": date}
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "站", "items": [item]}
    )


def _page(date: str) -> str:
    body = "".join(
        f"<p>第{n}段，讲一件很长的事情，写得足够长，好让正文被找到。</p>" for n in range(12)
    )
    return (
        f'<html><head><meta charset="utf-8"><title>日期</title>'
        f'<meta property="article:published_time" content="{date}">'
        f'<meta name="date" content="{date}"></head>'
        f"<body><article><h1>日期</h1><p>{date}</p>{body}</article></body></html>"
    )


# (file name, text) of one article carrying a date the type cannot move to local time.
DATED = {
    "late.jsonl": json.dumps({"title": "日期", "body": "正文", "published": LATE}) + "\n",
    "early.jsonl": json.dumps({"title": "日期", "body": "正文", "published": EARLY}) + "\n",
    "late-yaml.md": f"---\ntitle: 日期\ndate: {LATE}\n---\n正文\n",
    "early-yaml.md": "---\ntitle: 日期\ndate: 0001-01-01 00:00:00 +05:00\n---\n正文\n",
    "year-zero.md": "---\ntitle: 日期\ndate: 0000-01-01\n---\n正文\n",
    "feb-30.md": "---\ntitle: 日期\ndate: 2024-02-30\n---\n正文\n",
    "late-toml.md": f"+++\ntitle = '日期'\ndate = {LATE}\n+++\n正文\n",
    "early-toml.md": f"+++\ntitle = '日期'\ndate = {EARLY}\n+++\n正文\n",
    "late.txt": "日期\n\n- 发布时间：9999-12-31 23:00:00 -05:00\n\n正文第一段。\n",
    "early.txt": "日期\n\n- 发布时间：0001-01-01 00:00:00 +05:00\n\n正文第一段。\n",
    "late-rss.xml": _rss("Fri, 31 Dec 9999 23:00:00 -0500"),
    "early-rss.xml": _rss("Mon, 01 Jan 0001 00:00:00 +0500"),
    "late-atom.xml": _atom(LATE),
    "early-atom.xml": _atom(EARLY),
    "late-feed.json": _json_feed(LATE),
    "early-feed.json": _json_feed(EARLY),
    "late.html": _page(LATE),
    "early.html": _page(EARLY),
}


@pytest.mark.parametrize("name", list(DATED))
def test_a_date_out_of_range_spoils_nothing(
    name: str, local_zone: str, library: Library, tmp_path: Path
) -> None:
    bad = tmp_path / name
    bad.write_text(DATED[name], encoding="utf-8")
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    report = import_sources(library, [str(bad), str(good)])
    first, second = report.outcomes
    assert second.added == 1 and not second.failed
    # The value is ignored or kept as written; the article is saved in every importer.
    assert first.added == 1, first.error
    assert len(library.page(limit=10).items) == 2


def test_a_lone_surrogate_becomes_a_replacement_character(library: Library, tmp_path: Path) -> None:
    record = {
        "title": "半个\ud800字",
        "body": "正文\udfff里",
        "author": "作\ud83d者",
        "tags": ["标\ud800签"],
        "category": ["分\udc00类"],
        "url": "https://example.org/\ud800",
        "guid": "id-\ud800",
    }
    (tmp_path / "s.jsonl").write_text(json.dumps(record) + "\n" + GOOD, encoding="utf-8")
    item = {"id": "\ud800", "title": "源\ud800", "content_text": "文\ud800"}
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "站\udfff", "items": [item]}
    (tmp_path / "f.json").write_text(json.dumps(feed), encoding="utf-8")
    (tmp_path / "y.md").write_text('---\ntitle: "题\\ud800目"\n---\n正\\ud800文\n')
    report = import_sources(library, [str(tmp_path)])
    assert not report.failed, [o.error for o in report.failed]
    assert report.total("added") == 4
    texts = []
    for summary in library.page(limit=10).items:
        article = library.get(summary.id)
        assert article is not None
        texts += [article.title, article.body, article.author, *article.tags, *article.category]
    joined = "".join(texts)
    assert "半个\ufffd字" in joined and "正文\ufffd里" in joined and "源\ufffd" in joined
    assert "题\ufffd目" in joined
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in joined)


def test_a_file_name_that_is_not_utf8_is_imported(library: Library, tmp_path: Path) -> None:
    folder = bytes(tmp_path) + b"/"
    with open(folder + b"caf\xe9.md", "wb") as out:  # Latin-1 bytes in a UTF-8 system
        out.write(b"# Title\n\nBody.\n")
    with open(folder + b"list\xff.jsonl", "wb") as out:
        out.write(GOOD.encode())
    report = import_sources(library, [str(tmp_path)])
    assert not report.failed, [o.error for o in report.failed]
    assert report.total("added") == 2
    again = import_sources(library, [str(tmp_path)])
    assert again.total("unchanged") == 2


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ('{"title": "a", "id": 1' + "9" * 5000 + "}", "added"),
        ('{"title": "a", "id": 99999999999999999999999}', "added"),
        ('{"title": "a", "views": 99999999999999999999999}', "'views' is out of range"),
        ('{"title": "a", "views": 1' + "9" * 5000 + "}", "'views' is out of range"),
        ('{"title": "a", "views": 1e400}', "'views' is out of range"),
        ('{"title": "a", "views": NaN}', "'views' is out of range"),
        ('{"title": "a", "views": Infinity}', "'views' is out of range"),
        ('{"title": "a", "views": -Infinity}', "'views' is out of range"),
        ('{"title": "a", "views": 1e300}', "'views' is out of range"),
        ('{"title": "a", "views": 9223372036854775807}', "added"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=[
        "id-5000-digits",
        "id-past-2**64",
        "views-past-2**63",
        "views-5000-digits",
        "views-1e400",
        "views-NaN",
        "views-Infinity",
        "views-minus-Infinity",
        "views-1e300",
        "views-2**63-1",
        "nested-100000",
    ],
)
def test_numbers_python_cannot_hold_fail_their_file_with_one_line(
    record: str, expected: str, library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.jsonl").write_text(record + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(GOOD, encoding="utf-8")
    first, second = import_sources(library, [str(tmp_path)]).outcomes
    assert second.added == 1
    if expected == "added":
        assert first.added == 1, first.error
    else:
        assert expected in first.error and "\n" not in first.error


def test_a_json_feed_with_huge_numbers_is_read(library: Library, tmp_path: Path) -> None:
    items = [
        '{"id": 1' + "9" * 5000 + ', "title": "长编号", "content_text": "正文一"}',
        '{"id": 1' + "8" * 5000 + ', "title": "又一个长编号", "content_text": "正文二"}',
        f'{{"id": {2**64}, "title": "大编号", "content_text": "正文三"}}',
    ]
    feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "站", "items": ['
        + ", ".join(items)
        + "]}"
    )
    (tmp_path / "feed.json").write_text(feed, encoding="utf-8")
    [outcome] = import_sources(library, [str(tmp_path / "feed.json")]).outcomes
    assert outcome.added == 3, outcome.error


@pytest.mark.parametrize(
    "front",
    [
        "---\ntags: " + "[" * 50_000 + "]" * 50_000 + "\n---\n",
        "+++\ntags = " + "[" * 50_000 + "]" * 50_000 + "\n+++\n",
        "---\nviews: " + "9" * 5000 + "\n---\n",
        "---\nviews: .nan\ndate: .inf\n---\n",
    ],
    ids=["yaml-nested", "toml-nested", "yaml-5000-digits", "yaml-nan-inf"],
)
def test_front_matter_python_cannot_hold_fails_alone(
    front: str, library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text(front + "# 标题\n\n正文\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(GOOD, encoding="utf-8")
    first, second = import_sources(library, [str(tmp_path)]).outcomes
    assert second.added == 1
    assert first.added == 1 or ("\n" not in first.error and first.error)


class _Surprise(Exception):
    """Something no parser was written to expect."""


@pytest.mark.parametrize(
    "error",
    [
        _Surprise("odd"),
        KeyError("x"),
        AssertionError("no"),
        OverflowError("big"),
        OSError(5, "I/O"),
    ],
)
def test_any_exception_of_one_source_fails_it_alone(
    error: Exception, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = load_module.load

    def load(kind: str, data: bytes, location: str, **options: object) -> load_module.Loaded:
        if location.endswith("b.md"):
            raise error
        return real(kind, data, location, **options)  # type: ignore[arg-type]

    monkeypatch.setattr("reader.ingest.runner.load", load)
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text(f"# {name}\n\n正文\n", encoding="utf-8")
    report = import_sources(library, [str(tmp_path)])
    assert [o.added for o in report.outcomes] == [1, 0, 1]
    [failed] = report.failed
    assert failed.error and "\n" not in failed.error and len(failed.error) <= 300


def test_ctrl_c_still_stops_the_import(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def load(*args: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("reader.ingest.runner.load", load)
    (tmp_path / "a.md").write_text("# a\n\nx\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        import_sources(library, [str(tmp_path / "a.md")])


def test_a_home_folder_of_no_user_is_a_missing_file(library: Library, tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text(GOOD, encoding="utf-8")
    first, second = import_sources(
        library, ["~no-such-user-here/a.md", str(tmp_path / "b.jsonl")]
    ).outcomes
    assert first.error == "no such file or folder"
    assert second.added == 1
