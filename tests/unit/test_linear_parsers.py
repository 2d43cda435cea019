"""Feeds and web pages are read in time linear in their size, whatever their markup.

Each input below once made a parser quadratic: thousands of unclosed comments in a feed entry
(feedparser's sanitizer), a DOCTYPE left open, runs of `[` or `[a](` in a page's text, meta
tags never closed in its head, tens of thousands of tiny paragraphs (the article extractor). Each is
timed at two sizes, eight times apart (`support.timing`), the larger allowed twice what linear growth predicts.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.timing import linear_limit, seconds_within

from reader.ingest.errors import ParseError
from reader.ingest.feeds import read_feed
from reader.ingest.notes import collect
from reader.ingest.webpage import MAX_TAGS, read_page

pytestmark = pytest.mark.slow

LEAD = "这是一段足够长的摘要，讲的是这篇文章的主要内容，读者一眼就能看明白。" * 2


def feed_entry(html: str) -> bytes:
    """An RSS feed whose one entry holds `html`."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>T</title>'
        f"<link>http://a.example/1</link><description><![CDATA[正文。{html}]]></description>"
        "</item></channel></rss>"
    ).encode()


def open_doctype(size: int) -> bytes:
    return ("<!DOCTYPE rss [" * (size // 15) + '<rss version="2.0"><channel/></rss>').encode()


def page(body: str, head: str = "") -> bytes:
    """An article page with `head` in its head and `body` after a real paragraph."""
    return (
        f'<html><head><title>标题</title><meta name="description" content="{LEAD}">{head}'
        "</head><body><article><h1>标题</h1><p>"
        + "这是文章的正文，写得很长，好让提取的人知道这里才是文章。" * 20
        + f"</p>{body}</article></body></html>"
    ).encode()


def times(unit: str, size: int) -> str:
    return unit * (size // len(unit))


CASES: dict[str, tuple[Callable[[int], bytes], int, float]] = {
    # what, made at a size, the smaller size, the slack allowed (seconds)
    "unclosed comments in a feed entry": (lambda n: feed_entry(times("<!--", n)), 200_000, 5),
    # These look at a document's first 64 KB only: a quadratic search there took seconds.
    "a DOCTYPE never closed": (open_doctype, 8_000, 0.5),
    "author tags never closed": (lambda n: page("", times('<meta name="author" ', n)), 16_000, 1),
    "a page of `[`": (lambda n: page(times("[", n)), 200_000, 5),
    "a page of `[a](`": (lambda n: page(times("[a](", n)), 200_000, 5),
    "a page cut off after a run of `<`": (lambda n: page(times("< ", n))[:-30], 200_000, 5),
    "tens of thousands of paragraphs": (lambda n: page(times("<p>x</p>", n)), 80_000, 5),
    "paragraphs never closed": (lambda n: page(times("<p>x", n)), 40_000, 5),
}


def read(kind: str, data: bytes) -> None:
    with collect():
        try:
            if kind in ("unclosed comments in a feed entry", "a DOCTYPE never closed"):
                read_feed(data, "http://a.example/feed")
            else:
                read_page(data, "http://a.example/page")
        except ParseError:
            pass  # refused in time is fine: the time is what is tested


@pytest.mark.parametrize("kind", list(CASES))
def test_reading_time_grows_linearly(kind: str) -> None:
    make, size, slack = CASES[kind]
    small, large = make(size), make(size * 8)
    read(kind, small)  # here first: the timed runs inherit the parsers already imported
    took = seconds_within(lambda: read(kind, small), 120)
    seconds_within(lambda: read(kind, large), linear_limit(took, 8, slack))


def test_a_page_of_too_many_tags_is_imported_whole_with_a_warning() -> None:
    body = "".join(f"<p>第{n}段。</p>" for n in range(MAX_TAGS // 2 + 1))
    with collect() as warnings:
        found = read_page(page(body), "http://a.example/page")
    assert found.draft.title == "标题"
    assert "第0段。" in found.draft.body and f"第{MAX_TAGS // 2}段。" in found.draft.body
    assert warnings == [
        f"the page has more than {MAX_TAGS:,} tags, too many to find its article among: "
        "its whole text was imported"
    ]
