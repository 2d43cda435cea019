"""JSON Lines import, and re-importing what `reader list --json` and `reader show --json` print."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from support.library import run_cli as run

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.ingest.jsonl import parse
from reader.models import ArticleDraft
from reader.store import Library

ARTICLE = {
    "id": 7,
    "title": "东京的早晨",
    "category": ["国际", "亚洲"],
    "published": "2024-11-13T17:49:38",
    "views": 12,
    "url": "https://example.org/tokyo",
    "author": "记者",
    "tags": ["城市", "清晨"],
    "body": "第一段。\n\n## 为什么早起？\n\n第二段。",
    "headings": ["为什么早起？"],
    "read": True,
    "starred": False,
}


def drafts(data: bytes) -> list[ArticleDraft]:
    """Every draft of `data`, as the runner would take them."""
    return list(parse(data, "test.jsonl"))


# -- the parser --------------------------------------------------------------------------------


def test_one_object_a_line_with_every_field() -> None:
    second = {"title": "Second", "category": "科技/芯片", "tags": "a, b，c"}
    data = (json.dumps(ARTICLE, ensure_ascii=False) + "\n\n" + json.dumps(second)).encode()
    first, other = drafts(data)
    assert first.title == "东京的早晨" and first.category == ("国际", "亚洲")
    assert first.published == datetime(2024, 11, 13, 17, 49, 38)
    assert (first.views, first.url, first.author) == (12, "https://example.org/tokyo", "记者")
    assert first.tags == ("城市", "清晨") and first.body.startswith("第一段。")
    assert other.category == ("科技", "芯片") and other.tags == ("a", "b", "c")


def test_crlf_and_bom_lines() -> None:
    data = b"\xef\xbb\xbf" + b'{"title": "a"}\r\n{"title": "b"}\r\n'
    assert [d.title for d in drafts(data)] == ["a", "b"]


def test_a_gb18030_line_is_read_with_a_warning() -> None:
    data = '{"title": "中文标题", "body": "正文内容"}\n'.encode("gb18030")
    with notes.collect() as warnings:
        [draft] = drafts(data)
    assert draft.title == "中文标题" and draft.body == "正文内容"
    assert any("not UTF-8" in w for w in warnings)


def test_show_output_spread_over_lines_is_one_article() -> None:
    data = json.dumps(ARTICLE, ensure_ascii=False, indent=2).encode()
    [draft] = drafts(data)
    assert draft.title == "东京的早晨" and draft.tags == ("城市", "清晨")


def test_list_output_array_and_documents_one_after_another() -> None:
    array = json.dumps([ARTICLE, {**ARTICLE, "title": "第二篇"}], indent=2, ensure_ascii=False)
    assert [d.title for d in drafts(array.encode())] == ["东京的早晨", "第二篇"]
    several = "\n".join(
        json.dumps({**ARTICLE, "title": t}, indent=2, ensure_ascii=False) for t in "abc"
    )
    assert [d.title for d in drafts(several.encode())] == ["a", "b", "c"]


def test_lines_then_a_pretty_document() -> None:
    pretty = json.dumps({"title": "pretty"}, indent=2)
    data = f'{{"title": "one"}}\n{{"title": "two"}}\n{pretty}\n'.encode()
    assert [d.title for d in drafts(data)] == ["one", "two", "pretty"]


def test_a_json_feed_document_gives_its_items() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "A feed",
        "items": [{"id": "1", "title": "Item one", "content_text": "Text."}],
    }
    [draft] = drafts(json.dumps(feed, indent=2).encode())
    assert draft.title == "Item one"


@pytest.mark.parametrize(
    "data",
    [
        b'{"title": "a"}\n{"title": "b"}\n{"title": "c", "bo',
        b'[{"title": "a"},\n{"title": "b"},\n{"title": "c", "body": "\xe6\xad\xa3',
    ],
)
def test_a_file_cut_short_gives_its_whole_records_with_a_warning(data: bytes) -> None:
    with notes.collect() as warnings:
        assert [d.title for d in drafts(data)] == ["a", "b"]
    assert warnings == [
        "the file ends inside the record on line 3; the articles before it were read"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"title": "ok"}\n{"title": "x"} trailing\n', "line 2, column 16: invalid JSON"),
        (b'{"title": "ok"}\n["a"]\n', "line 2, item 1: expected a JSON object, found text"),
        (b'{"title": "ok"}\n{"body": "no title"}\n', "line 2: the article has no 'title'"),
        (b'{"title": "ok", "views": -1}\n', "line 1: 'views' is out of range"),
        (b'{"title": "ok", "published": "someday"}\n', "line 1: 'published' is not a date"),
        (b'{"title": "ok", "tags": [1, 2]}\n', "line 1: 'tags' must be a list of texts"),
        (b'{\n  "title": "ok",\n  "views": 1,\n}\n', "line 4, column 1: invalid JSON"),
        (b"[\n" + b'{"title": "a"},\n' * 3 + b"]\n", "line 5, column 1: invalid JSON"),
    ],
)
def test_errors_name_the_line(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        drafts(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# -- through the command line ------------------------------------------------------------------


@pytest.fixture
def source_db(tmp_path: Path) -> Path:
    """A library holding articles with and without URLs, bodies and headings."""
    path = tmp_path / "source.db"
    with Library(path) as lib:
        lib.save(
            [
                ArticleDraft(
                    title="有链接的文章",
                    body="正文一。\n\n## 为什么？\n\n正文二。",
                    category=("国际", "亚洲"),
                    published=datetime(2024, 11, 13, 17, 49, 38),
                    views=3,
                    url="https://example.org/a",
                    author="作者甲",
                    tags=("标签",),
                ),
                ArticleDraft(
                    title="没有链接的文章",
                    body="只有正文。",
                    category=("科技",),
                    published=datetime(2023, 1, 2, 3, 4, 5),
                    views=9,
                ),
            ]
        )
    return path


CONTRACT = ("id", "title", "category", "published", "views", "url", "author", "tags")


def _without(data: dict[str, object], *keys: str) -> dict[str, object]:
    return {k: v for k, v in data.items() if k not in keys}


def test_show_json_reimports_into_a_new_library_and_the_same_one(
    source_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["list", "--db", str(source_db), "--json"], capsys)
    for row in json.loads(out):
        code, shown, _ = run(
            ["show", "--db", str(source_db), "--json", "--no-count", str(row["id"])], capsys
        )
        assert code == 0 and shown.count("\n") > 5  # pretty-printed over many lines
        exported = tmp_path / f"article-{row['id']}.json"
        exported.write_text(shown, encoding="utf-8")
        copy = tmp_path / "copy.db"
        code, out, err = run(["import", "--db", str(copy), str(exported)], capsys)
        assert code == 0, err
        assert out.startswith("1 source: 1 added, 0 updated, 0 unchanged, 0 failed")
        _, listed, _ = run(["list", "--db", str(copy), "--json"], capsys)
        new_id = next(r["id"] for r in json.loads(listed) if r["title"] == row["title"])
        _, again, _ = run(["show", "--db", str(copy), "--json", "--no-count", str(new_id)], capsys)
        original, copied = json.loads(shown), json.loads(again)
        assert set(CONTRACT) | {"body", "headings"} <= set(copied)
        assert _without(copied, "id", "read") == _without(original, "id", "read")
        # Into the library it came from: nothing changes.
        code, out, _ = run(["import", "--db", str(source_db), str(exported)], capsys)
        assert code == 0 and "0 added, 0 updated, 1 unchanged, 0 failed" in out


def test_list_json_reimports_into_a_new_library_and_the_same_one(
    source_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["list", "--db", str(source_db), "--json"], capsys)
    listing = json.loads(out)
    assert out.lstrip().startswith("[") and len(listing) == 2
    exported = tmp_path / "listing.json"
    exported.write_text(out, encoding="utf-8")
    # Into the same library: every article is recognised, no body is erased.
    code, report, err = run(["import", "--db", str(source_db), str(exported)], capsys)
    assert code == 0, err
    assert "0 added, 0 updated, 2 unchanged, 0 failed" in report
    _, after, _ = run(["list", "--db", str(source_db), "--json"], capsys)
    assert json.loads(after) == listing
    with Library(source_db) as lib:
        assert sorted(lib.get(r["id"]).body for r in listing) == [  # type: ignore[union-attr]
            "只有正文。",
            "正文一。\n\n## 为什么？\n\n正文二。",
        ]
    # Into a new library: the listing's articles, without bodies; again is unchanged.
    copy = tmp_path / "copy.db"
    code, report, _ = run(["import", "--db", str(copy), str(exported)], capsys)
    assert code == 0 and "2 added" in report
    _, copied, _ = run(["list", "--db", str(copy), "--json"], capsys)
    assert [_without(r, "id") for r in json.loads(copied)] == [_without(r, "id") for r in listing]
    code, report, _ = run(["import", "--db", str(copy), str(exported)], capsys)
    assert code == 0 and "0 added, 0 updated, 2 unchanged" in report


def test_jsonl_of_list_rows_reimports(
    source_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["list", "--db", str(source_db), "--json"], capsys)
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in json.loads(out))
    exported = tmp_path / "listing.jsonl"
    exported.write_text(lines + "\n", encoding="utf-8")
    code, report, _ = run(["import", "--db", str(source_db), str(exported)], capsys)
    assert code == 0 and "0 added, 0 updated, 2 unchanged, 0 failed" in report


def test_a_bad_line_rolls_back_the_whole_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "half.jsonl"
    source.write_text('{"title": "好的"}\n{"title": "也好"}\n{"title": 3}\n', encoding="utf-8")
    db = tmp_path / "lib.db"
    code, out, _ = run(["import", "--db", str(db), str(source)], capsys)
    assert code == 1
    assert f"failed: {source}: line 3: 'title' must be text, not a number" in out
    with Library(db) as lib:
        assert lib.counts() == (0, 0)


def test_an_edited_line_updates_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"title": "同名", "body": "第一篇"},
        {"title": "同名", "body": "第二篇"},
        {"title": "另一篇", "body": "正文", "tags": ["旧"]},
        {"title": "有链接", "body": "正文", "url": "https://example.org/x"},
    ]
    source = tmp_path / "articles.jsonl"
    db = tmp_path / "lib.db"

    def write_and_import() -> str:
        source.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
        code, out, err = run(["import", "--db", str(db), str(source)], capsys)
        assert code == 0, err
        return out

    assert "4 added, 0 updated, 0 unchanged" in write_and_import()
    assert "0 added, 0 updated, 4 unchanged" in write_and_import()
    rows[1]["body"] = "第二篇，改过"
    rows[2]["tags"] = ["新"]
    rows[3]["body"] = "正文，改过"
    assert "0 added, 3 updated, 1 unchanged" in write_and_import()
    with Library(db) as lib:
        assert lib.counts()[0] == 4
        bodies = sorted(lib.get(item.id).body for item in lib.page().items)  # type: ignore[union-attr]
    assert bodies == ["正文", "正文，改过", "第一篇", "第二篇，改过"]


def test_an_article_carried_by_two_sources_stays_where_the_first_put_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files naming the same article (one URL) import the same way every time."""
    folder = tmp_path / "sources"
    folder.mkdir()
    same = {"title": "同一篇", "url": "https://example.org/same"}
    (folder / "a.jsonl").write_text(
        json.dumps({**same, "body": "第一份", "category": ["甲"]}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (folder / "b.jsonl").write_text(
        json.dumps({**same, "body": "第二份", "category": ["乙"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({**same, "body": "第三份", "category": ["丙"]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "lib.db"
    first = run(["import", "--db", str(db), str(folder)], capsys)
    assert first[0] == 0, first[2]
    assert "2 sources: 1 added, 0 updated, 2 unchanged, 0 failed" in first[1]
    assert "2 articles repeat ones saved earlier in this import; the first were kept" in first[1]
    for _ in range(2):
        code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
        assert code == 0 and "0 added, 0 updated, 3 unchanged, 0 failed" in out
    with Library(db) as lib:
        (item,) = lib.page().items
        article = lib.get(item.id)
        assert article is not None
        assert (article.body, article.category) == ("第一份", ("甲",))
    # On its own, the second file is an edit of the article, which stays where it was.
    code, out, _ = run(["import", "--db", str(db), str(folder / "b.jsonl")], capsys)
    assert code == 0 and "0 added, 1 updated, 1 unchanged" in out
    with Library(db) as lib:
        article = lib.get(item.id)
        assert article is not None and (article.body, article.category) == ("第二份", ("甲",))
        assert [c.path for c in lib.categories()] == [("甲",)]


def test_a_failed_source_does_not_count_as_having_carried_its_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source rolled back saved nothing, so a later source still updates the article."""
    db = tmp_path / "lib.db"
    old = tmp_path / "old.jsonl"
    old.write_text('{"title": "会改", "url": "https://example.org/x", "body": "旧"}\n', "utf-8")
    assert run(["import", "--db", str(db), str(old)], capsys)[0] == 0
    folder = tmp_path / "sources"
    folder.mkdir()
    # The second line's title is only a control character: the store refuses it, and the
    # whole file is rolled back after its first line was written.
    (folder / "a.jsonl").write_text(
        '{"title": "会改", "url": "https://example.org/x", "body": "坏文件里的"}\n'
        '{"title": "\\u0007", "body": "无题"}\n',
        encoding="utf-8",
    )
    (folder / "b.jsonl").write_text(
        '{"title": "会改", "url": "https://example.org/x", "body": "新"}\n', encoding="utf-8"
    )
    code, out, _ = run(["import", "--db", str(db), str(folder)], capsys)
    assert code == 1
    assert "2 sources: 0 added, 1 updated, 0 unchanged, 1 failed" in out
    assert "repeat" not in out
    with Library(db) as lib:
        (item,) = lib.page().items
        article = lib.get(item.id)
        assert article is not None and article.body == "新"


def test_a_file_is_parsed_as_its_articles_are_saved() -> None:
    """`load` hands the runner a lazy sequence: a bad line is found only when it is reached, so
    a large file is never held whole as drafts (its transaction is rolled back then)."""
    from reader.ingest.load import load

    data = b'{"title": "one"}\n{"title": "two"}\n{"title": 3}\n'
    loaded = load("jsonl", data, "lazy.jsonl")
    drafts = iter(loaded.drafts)
    assert [next(drafts).title, next(drafts).title] == ["one", "two"]
    with pytest.raises(ParseError, match="line 3"):
        next(drafts)
