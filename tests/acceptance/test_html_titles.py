"""Acceptance: the title read from real saved pages is the article's, corpus by corpus.

Where the truth comes from:
- readability CJK: `expected-metadata.json`'s title; trafilatura CJK: the `title` of
  `evaldata_full.json` for each page the corpus holds. Both sometimes keep the site's name
  (`…_科技_腾讯网`); a title that stops at a separator before it is right too.
- NetEase: the corpus gives no titles. Every page's `<title>` ends in the same `_`-separated
  part, which is therefore the site's name; the truth is the `<title>` without it, and the test
  checks that this text also stands in the page's body (as the page's headline).
- SwiftGG: the Atom feed's entry title for the page the entry links to.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest
from corpora import corpus, report

from reader.ingest import notes
from reader.ingest.decode import decode_document
from reader.ingest.load import load
from reader.ingest.webpage import read_page

pytestmark = pytest.mark.acceptance

# What a site's name is joined to a title with, in the reference titles that keep it.
SEPARATORS = "_-|–—:：·丨｜@＜<>»/"
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")


def same(text: str) -> str:
    """Text as compared: compatibility forms folded, runs of spaces made one."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def right(got: str, want: str) -> bool:
    """The title read is the reference, or the reference without a site's name after it."""
    got, want = same(got), same(want)
    if got == want:
        return True
    rest = want.removeprefix(got).lstrip() if got and want.startswith(got) else ""
    return bool(rest) and rest[0] in SEPARATORS


def title_of(path: Path, base: str = "") -> str:
    with notes.collect():
        return read_page(path.read_bytes(), str(path), base=base).draft.title


def tally(name: str, cases: list[tuple[Path, str, str]]) -> tuple[int, list[str]]:
    """Titles right among (page, address, reference) cases; the wrong ones described."""
    passed, wrong = 0, []
    for path, base, want in cases:
        got = title_of(path, base)
        if right(got, want):
            passed += 1
        else:
            wrong.append(f"{path.parent.name}/{path.name}: {got!r} for {want!r}")
    report(f"{name} titles right", passed, len(cases))
    return passed, wrong


def test_readability_cjk_titles_are_the_articles() -> None:
    folder = corpus("html-extraction") / "readability-cjk" / "test" / "test-pages"
    cases = [
        (
            page / "source.html",
            "",
            json.loads((page / "expected-metadata.json").read_text())["title"],
        )
        for page in sorted(folder.iterdir())
        if (page / "source.html").exists()
    ]
    passed, wrong = tally("readability CJK", cases)
    assert len(cases) == 5
    assert passed == 5, wrong


def test_trafilatura_cjk_titles_are_the_articles() -> None:
    folder = corpus("html-extraction") / "trafilatura-cjk"
    evaluation = json.loads((folder / "evaldata_full.json").read_text("utf-8"))
    cases = []
    for url, case in evaluation.items():
        found = list(folder.glob(f"tests/*/{case['file']}"))
        if found and case.get("title"):
            cases.append((found[0], url, case["title"]))
    passed, wrong = tally("trafilatura CJK", cases)
    assert len(cases) == 6
    assert passed == 6, wrong


def netease_truth(pages: list[Path]) -> dict[Path, str]:
    """Each page's `<title>` without the `_`-separated part that every page's title ends in."""
    titles = {}
    for page in pages:
        text = decode_document(page.read_bytes(), None).text
        found = _TITLE.search(text)
        assert found, page
        titles[page] = (same(html.unescape(found.group(1))), text)
    suffixes = {title.rsplit("_", 1)[-1] for title, _ in titles.values()}
    assert len(suffixes) == 1, suffixes  # one site's name, shared by every page
    (suffix,) = suffixes
    truth = {}
    for page, (title, text) in titles.items():
        article = title.removesuffix(f"_{suffix}")
        body = same(html.unescape(_TAGS.sub(" ", text.split("</head>", 1)[-1])))
        assert article and article in body, page  # the page shows it as its headline
        truth[page] = article
    return truth


def test_netease_titles_are_the_articles() -> None:
    folder = corpus("html-extraction") / "netease-gbk-cx-extractor" / "RawHtml"
    pages = sorted(folder.glob("*.html"), key=lambda p: int(p.stem))
    assert len(pages) == 74
    truth = netease_truth(pages)
    passed, wrong = tally("NetEase", [(page, "", truth[page]) for page in pages])
    assert passed == 74, wrong


def test_swiftgg_titles_are_the_feeds() -> None:
    root = corpus("zh-feeds-opml") / "swiftgg-hexo-site"
    with notes.collect():
        feed = load("feed", (root / "atom.xml").read_bytes(), str(root / "atom.xml"))
    cases = [
        (root / entry.url.split("://swift.gg/", 1)[1] / "index.html", entry.url, entry.title)
        for entry in feed.drafts
    ]
    passed, wrong = tally("SwiftGG", cases)
    assert len(cases) == 20
    assert passed == 20, wrong
