"""The demo library: enough varied, well-formed articles, loaded from package data."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from reader.ingest import demo
from reader.ingest.demo import demo_drafts, write_demo
from reader.models import ROOT_SCOPE, ArticleDraft
from reader.store import Library
from reader.text.outline import headings

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _is_chinese(draft: ArticleDraft) -> bool:
    """Chinese if Han characters make up a good share of the letters of the body."""
    han = len(_HAN.findall(draft.body))
    latin = len(re.findall(r"[A-Za-z]", draft.body))
    return han > latin


@pytest.fixture(scope="module")
def drafts() -> list[ArticleDraft]:
    """The demo drafts, parsed once for the module."""
    return demo_drafts()


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """A fresh library in a temporary folder."""
    return Library(tmp_path / "demo.db")


def test_at_least_thirty_articles_with_title_and_body(drafts: list[ArticleDraft]) -> None:
    assert len(drafts) >= 30
    for draft in drafts:
        assert draft.title.strip(), draft
        assert draft.body.strip(), draft.title
        assert draft.category, draft.title
        assert draft.author, draft.title
        assert draft.tags, draft.title


def test_mostly_chinese_with_some_english(drafts: list[ArticleDraft]) -> None:
    chinese = sum(_is_chinese(d) for d in drafts)
    english = len(drafts) - chinese
    assert english >= 5
    assert 0.55 <= chinese / len(drafts) <= 0.85


def test_category_tree_is_at_least_three_deep(drafts: list[ArticleDraft]) -> None:
    assert max(len(d.category) for d in drafts) >= 3
    assert len({d.category[0] for d in drafts}) >= 5


def test_welcome_articles_come_first_in_both_languages(drafts: list[ArticleDraft]) -> None:
    first, second = drafts[0], drafts[1]
    assert first.category == ("入门",) and _is_chinese(first)
    assert second.category == ("Getting started",) and not _is_chinese(second)
    for welcome in (first, second):
        for key in ("Tab", "Enter", "Escape", "Ctrl+P", "reader import", "reader search"):
            assert key in welcome.body, (welcome.title, key)


def test_question_headings(drafts: list[ArticleDraft]) -> None:
    with_questions = [
        d for d in drafts if any(h.text.endswith(("？", "?")) for h in headings(d.body))
    ]
    assert len(with_questions) >= 8
    assert any(_is_chinese(d) for d in with_questions)
    assert any(not _is_chinese(d) for d in with_questions)


def test_dates_views_and_urls_vary(drafts: list[ArticleDraft]) -> None:
    dates = [d.published for d in drafts]
    assert all(dates)
    assert len(set(dates)) == len(dates)
    years = {d.year for d in dates if d}
    assert len(years) >= 3
    assert any(d and (d.hour, d.minute, d.second) != (0, 0, 0) for d in dates)
    views = [d.views or 0 for d in drafts]
    assert min(views) == 0 and max(views) >= 1000
    assert len(set(views)) >= len(views) - 3
    urls = [d.url for d in drafts if d.url]
    assert 3 <= len(urls) < len(drafts)
    assert all(u.startswith("https://example.org/") for u in urls)


def test_every_feature_has_something_to_show(drafts: list[ArticleDraft]) -> None:
    bodies = [d.body for d in drafts]
    assert any("\n```" in b or b.startswith("```") for b in bodies), "fenced code"
    assert any(re.search(r"^\|.*\|\s*$\n^\|[-| :]+\|", b, re.M) for b in bodies), "table"
    assert any(re.search(r"^> ", b, re.M) for b in bodies), "block quote"
    assert any(re.search(r"^(- |\d+\. )", b, re.M) for b in bodies), "list"
    assert any(re.search(r"\[[^\]]+\]\(https?://", b) for b in bodies), "link"
    sizes = [len(b.encode()) for b in bodies]
    assert any(3000 <= s <= 5500 for s in sizes), "one long article"
    assert min(sizes) < 1500, "short ones too"
    assert sum("[" in d.title and "]" in d.title for d in drafts) >= 2, "bracketed titles"


@pytest.mark.parametrize("word", ["茶", "城市", "学习", "雨", "terminal"])
def test_common_words_appear_in_several_articles(drafts: list[ArticleDraft], word: str) -> None:
    assert sum(word in d.title or word in d.body for d in drafts) >= 2


def test_files_come_from_package_data() -> None:
    folder = files("reader.ingest").joinpath("demo_data")
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".md"))
    assert [e.name for e in demo.demo_files()] == names
    assert len(demo_drafts()) == len(names)
    # The data sits inside the package, so a wheel carries it.
    package_dir = Path(str(files("reader")))
    assert Path(str(folder)).resolve().is_relative_to(package_dir.resolve())


def test_write_demo_saves_everything_once(library: Library, drafts: list[ArticleDraft]) -> None:
    first = write_demo(library)
    assert (first.added, first.updated, first.unchanged) == (len(drafts), 0, 0)
    assert library.library_state("demo") == {"version": demo.DEMO_VERSION}
    assert library.counts(ROOT_SCOPE)[0] == len(drafts)
    assert max(c.depth for c in library.categories()) >= 2

    second = write_demo(library)
    assert (second.added, second.updated, second.unchanged) == (0, 0, len(drafts))
    assert second.article_ids == first.article_ids
    assert library.counts(ROOT_SCOPE)[0] == len(drafts)


def test_stored_article_keeps_metadata(library: Library) -> None:
    result = write_demo(library)
    article = library.get(result.article_ids[0])
    assert article is not None
    assert article.title == "欢迎使用 reader"
    assert article.category == ("入门",)
    assert article.source == "demo"
    assert article.published == "2025-06-01T09:00:00"
    assert "快捷键" in article.tags
    bracketed = [library.get(i) for i in result.article_ids]
    assert any(a is not None and a.title.startswith("[译]") for a in bracketed)


def test_front_matter_parsing_accepts_both_date_forms() -> None:
    text = '---\ntitle: "T"\ndate: "2024-11-13"\ncategories: [A, B]\nviews: 3\n---\nBody\n'
    draft = demo._draft("x.md", text)
    assert draft.published is not None and draft.published.isoformat() == "2024-11-13T00:00:00"
    assert draft.category == ("A", "B")
    assert draft.views == 3
    assert draft.body == "Body"
    unquoted = text.replace('"2024-11-13"', "2024-11-13 17:49:38")
    published = demo._draft("x.md", unquoted).published
    assert published is not None and published.isoformat() == "2024-11-13T17:49:38"


@pytest.mark.parametrize(
    "text",
    [
        "no front matter\n",
        '---\ntitle: "T"\nnever closed\n',
        "---\ntitle: [unclosed\n---\nbody\n",
        '---\ntitle: "T"\ndate: "13/11/2024"\n---\nbody\n',
        "---\ndate: 2024-01-01\n---\nbody\n",
    ],
)
def test_malformed_files_are_reported(text: str) -> None:
    with pytest.raises(demo.DemoDataError, match=r"^x\.md: "):
        demo._draft("x.md", text)
