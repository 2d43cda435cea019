"""Headings' permalink anchors (Hexo, Hugo, Sphinx...) are dropped at import, and at display for
bodies imported before: a heading reads as its text, in the body, the outline and `show`."""

from __future__ import annotations

import pytest

from reader.ingest.feeds import parse as parse_feed
from reader.ingest.htmlmd import html_to_markdown
from reader.ingest.webpage import read_page
from reader.text.outline import headings
from reader.ui.document import markdown_blocks

POST = "https://blog.example.org/2024/05/post/"
ENDING = "%E7%BB%93%E6%9D%9F%E8%AF%AD"  # 结束语
HEXO = '<h2 id="结束语"><a href="#结束语" class="headerlink" title="结束语"></a>结束语</h2>'
HEXO_ENCODED = (
    f'<h2 id="{ENDING}"><a href="#{ENDING}" class="headerlink" title="结束语"></a>结束语</h2>'
)
HUGO = '<h2 id="x">Title <a class="anchor" href="#x">#</a></h2>'
SPHINX = '<h3 id="setup">Setup<a class="headerlink" href="#setup" title="Link">¶</a></h3>'
ABSOLUTE = f'<h2 id="{ENDING}"><a href="{POST}#{ENDING}"></a>结束语</h2>'
WRAPPED = '<h2 id="getting-started"><a href="#getting-started">Getting started</a></h2>'


@pytest.mark.parametrize(
    ("html", "heading"),
    [
        (HEXO, "## 结束语"),
        (HEXO_ENCODED, "## 结束语"),
        (HUGO, "## Title"),
        (SPHINX, "### Setup"),
        (ABSOLUTE, "## 结束语"),
        (WRAPPED, "## Getting started"),
    ],
    ids=["hexo", "hexo-encoded", "hugo", "sphinx", "absolute", "wrapped"],
)
def test_import_drops_a_headings_link_to_itself(html: str, heading: str) -> None:
    markdown = html_to_markdown(f"{html}<p>正文。</p>", POST)
    assert markdown.split("\n")[0] == heading


def test_links_to_elsewhere_in_headings_and_text_stay() -> None:
    html = (
        '<h2 id="see">See <a href="https://other.example.org/a#b">the other post</a></h2>'
        '<p>Back to <a href="#结束语">the end</a>.</p>'
    )
    markdown = html_to_markdown(html, POST)
    assert "[the other post](https://other.example.org/a#b)" in markdown
    assert f"[the end]({POST}#{ENDING})" in markdown


def test_a_feed_entry_and_a_page_lose_their_permalinks() -> None:
    item = f"<h2 id='a'>开始<a class='anchor' href='#a'>#</a></h2><p>第一段。</p>{HEXO}<p>完。</p>"
    feed = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>博客</title><link>https://blog.example.org/</link><item><title>文章</title>
<link>{POST}</link><description><![CDATA[{item}]]></description></item></channel></rss>"""
    (draft,) = parse_feed(feed.encode(), "https://blog.example.org/feed.xml")
    assert [h.text for h in headings(draft.body)] == ["开始", "结束语"]
    assert "⟨" not in draft.body and "](" not in draft.body
    paragraphs = "".join(
        f"<p>这是第{n}段，讲一件慢慢发生的小事，写得足够长。</p>" for n in range(8)
    )
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>文章</title>
<link rel="canonical" href="{POST}"></head><body><article><h1>文章</h1>{paragraphs}
{ABSOLUTE}{paragraphs}</article></body></html>"""
    body = read_page(page.encode(), "/tmp/post.html").draft.body
    assert "## 结束语" in body
    assert ENDING not in body


STORED = f"""## [](https://blog.example.org/2024/05/post/#{ENDING})结束语

## Title [#](https://blog.example.org/2024/05/post/#title)

## [¶](#preface) 前言

### [Getting started](#getting-started)

## See [the other post](https://other.example.org/a#b)
"""


def test_stored_bodies_show_headings_without_their_permalinks() -> None:
    expected = ["结束语", "Title", "前言", "Getting started", "See the other post"]
    assert [h.text for h in headings(STORED)] == expected
    shown = [block.content.plain for block in markdown_blocks(STORED) if block.heading]
    assert shown[:4] == expected[:4]
    assert shown[4] == "See the other post ⟨https://other.example.org/a#b⟩"
