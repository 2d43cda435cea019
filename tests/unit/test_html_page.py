"""Saved HTML pages: main text without the site around it, metadata, encodings, safe links."""

from __future__ import annotations

import pytest

from reader.ingest.errors import ParseError
from reader.ingest.webpage import read_page

PARAGRAPH = "这是文章的第{n}段，讲的是慢慢读书的好处，以及如何在嘈杂的城市里找到一段安静的时间。"


def page(charset: str = "utf-8", extra: str = "") -> str:
    """A small article page with navigation, a comment block and metadata."""
    body = "".join(f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(1, 4))
    body += f"<p>{PARAGRAPH.format(n=4)}参见<a href='/more'>延伸阅读</a>与"
    body += f"<a href='javascript:alert(1)'>坏链接</a>。{extra}</p>"
    body += "".join(f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(5, 9))
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}">
<title>慢读的理由 - 某某网</title>
<meta property="og:title" content="慢读的理由">
<meta name="author" content="张三">
<meta property="article:published_time" content="2024-03-05T08:00:00+08:00">
<link rel="canonical" href="https://news.example.cn/2024/03/slow.html">
</head><body>
<nav><a href="/">首页</a> <a href="/tech">科技</a> 导航菜单项</nav>
<article><h1>慢读的理由</h1>{body}</article>
<div id="comments" class="comments"><h3>网友评论</h3><p>评论内容：沙发！</p></div>
<footer>版权所有 某某网 备案号</footer></body></html>"""


def test_main_text_and_metadata() -> None:
    extracted = read_page(page().encode(), "/tmp/slow.html")
    draft = extracted.draft
    assert draft.title == "慢读的理由"
    assert draft.author == "张三"
    assert draft.url == "https://news.example.cn/2024/03/slow.html"
    assert draft.published is not None and draft.published.year == 2024
    assert PARAGRAPH.format(n=1) in draft.body
    assert PARAGRAPH.format(n=8) in draft.body
    assert "导航菜单项" not in draft.body and "沙发" not in draft.body
    assert "[延伸阅读](https://news.example.cn/more)" in draft.body
    assert "javascript" not in draft.body


@pytest.mark.parametrize("declared", ["gb2312", "gbk"])
def test_gbk_page_with_characters_outside_gb2312(declared: str) -> None:
    extracted = read_page(page(declared, "朱镕基与陶喆").encode("gb18030"), "/tmp/gb.html")
    assert "朱镕基与陶喆" in extracted.draft.body
    assert extracted.encoding == "gb18030"


def test_meta_gb2312_on_utf8_bytes_is_read_as_utf8() -> None:
    extracted = read_page(page("gb2312").encode("utf-8"), "/tmp/liar.html")
    assert extracted.encoding == "utf-8"
    assert extracted.draft.title == "慢读的理由"


def test_escape_entities_in_page_are_removed() -> None:
    extracted = read_page(page(extra="&#27;]0;pwned&#7;&#x9b;2J").encode(), "/tmp/e.html")
    assert "\x1b" not in extracted.draft.body and "\x9b" not in extracted.draft.body


@pytest.mark.parametrize("data", [b"", b"   ", b"<html><body></body></html>"])
def test_empty_page_is_an_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        read_page(data, "/tmp/empty.html")
