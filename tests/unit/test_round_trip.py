"""A library exported and imported into an empty one comes back whole, in every format: 10,000
articles (the synthetic benchmark library's first 10,000, plus the awkward cases) through JSON
Lines and through Markdown files, every field compared, the reader's marks too; and 10,000
subscriptions through OPML, each in its folder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support.library import run_cli

from bench.generate import articles
from reader.models import Article, ArticleDraft
from reader.store import Library

pytestmark = pytest.mark.slow

SIZE = 10_000
USER = "alice"


def awkward() -> list[ArticleDraft]:
    """Articles each format has a way of getting wrong."""
    return [
        ArticleDraft(title="无链接也无 GUID", body="只凭内容认出。"),
        ArticleDraft(title="同名", body="第一篇同名。"),
        ArticleDraft(title="同名", body="第二篇同名。"),
        ArticleDraft(title="有 GUID", body="正文", guid="tag:example.org,2024:42"),
        ArticleDraft(
            title="yes", body="# yes\n\n正文的第一行是与标题相同的标题。", url="https://x.example/1"
        ),
        ArticleDraft(
            title="---", body="---\ntitle: 假的\n---\n\n像前言的正文", url="https://x.example/2"
        ),
        ArticleDraft(
            title="a: b # c", body="  缩进的第一行\n尾部空格  ", url="https://x.example/3"
        ),
        ArticleDraft(
            title="分类怪名",
            body="正文",
            category=("..", "CON", "a/b", "新闻", "新闻"),
            tags=("逗号,标签", "yes", "123"),
            related=("相关一", "---"),
            author="作者: 某人",
            url="https://x.example/4?a=1&b=2",
            views=123_456_789,
        ),
    ]


def drafts() -> Iterator[ArticleDraft]:
    """The benchmark library's first articles with bodies cut short (the import's search index
    is what takes the time, and these tests are about every other field), then the awkward."""
    odd = awkward()
    for number, item in enumerate(articles(SIZE - len(odd))):
        body = item["body"] if number % 100 == 0 else item["body"][:400]
        yield ArticleDraft(
            title=item["title"],
            body=body,
            category=tuple(item["category"]),
            published=datetime.fromisoformat(item["published"]),
            views=item["views"],
            author=item["author"],
            url=item["url"],
            tags=tuple(item["tags"]),
        )
    for number, draft in enumerate(odd):
        draft.published = datetime(2020, 1, 1, 12, 0, number)
        yield draft


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library to export, with alice's marks on some of its articles."""
    db = tmp_path_factory.mktemp("source") / "library.db"
    with Library(db, user=USER) as lib:
        lib.save(drafts(), source="generated")
        ids = [a.id for a in lib.export_articles()]
        lib.mark_read(ids=ids[::3])
        for article_id in ids[1::7]:
            lib.set_starred(article_id)
        for article_id in ids[2::11]:
            lib.set_progress(article_id, 0.25)
        assert len(ids) == SIZE
    return db


def contents(db: Path) -> tuple[dict[Any, dict[str, Any]], dict[tuple[str, ...], tuple[int, int]]]:
    """Every article's every field but where it is stored (id, category id, source file), keyed
    by what names it; and the category tree with its article and unread counts."""
    with Library(db, user=USER) as lib:
        found = {}
        for article in lib.export_articles():
            fields = asdict(article)
            for stored in ("id", "category_id", "source"):
                del fields[stored]
            found[_name(article)] = fields
        tree = {c.path: (c.total, c.unread) for c in lib.categories()}
    return found, tree


def _name(article: Article) -> Any:
    return article.url or (article.title, article.body)


def assert_same(original: Path, copy: Path) -> None:
    before, tree_before = contents(original)
    after, tree_after = contents(copy)
    assert len(after) == len(before) == SIZE
    assert tree_after == tree_before
    for key, fields in before.items():
        other = dict(after[key])
        if not fields["guid"]:  # known by content: the copy is known by the file it came from
            other["guid"] = ""
        assert other == fields, key


@pytest.mark.parametrize("fmt", ["jsonl", "markdown"])
def test_articles_and_marks_come_back_whole(
    fmt: str, source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ("export.jsonl" if fmt == "jsonl" else "export")
    exporting = ["export", "--db", str(source), "--format", fmt, "--with-state", "-o", str(out)]
    code, _, err = run_cli(["--user", USER, *exporting], capsys)
    assert code == 0, err
    copy = tmp_path / "copy.db"
    code, summary, err = run_cli(
        ["--user", USER, "import", "--db", str(copy), "--with-state", str(out), "--json"], capsys
    )
    assert code == 0, err
    assert '"added": 10000' in summary
    assert_same(source, copy)


def test_subscriptions_come_back_in_their_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "feeds.db"
    expected = {}
    with Library(db) as lib:
        for number in range(SIZE):
            folders = (f"文件夹{number % 7}", f"子{number % 13}")[: number % 3]
            path = (*folders, f"Feed & <{number}>")
            url = f"https://feeds{number % 10}.example/{number}.xml?a=1&b=2"
            lib.record_source(url, "feed", category=path, title=f"Feed & <{number}>")
            expected[url] = path
    listing = tmp_path / "feeds.opml"
    code, _, err = run_cli(
        ["export", "--db", str(db), "--format", "opml", "-o", str(listing)], capsys
    )
    assert code == 0, err
    copy = tmp_path / "copy.db"
    code, _, err = run_cli(["import", "--db", str(copy), "--no-fetch", str(listing)], capsys)
    assert code == 0, err
    with Library(copy) as lib:
        got = {s.location: lib.category_path(s.category_id or 0) for s in lib.sources()}
    assert got == expected
