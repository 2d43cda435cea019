"""Feeds to drafts: RSS, Atom, JSON Feed, encodings, hostile content and broken documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.ingest.feeds import parse, read_feed

RSS = """<?xml version="1.0" encoding="{enc}"?>
<rss version="2.0"><channel><title>小站</title><link>http://example.org/</link>
<item><title>第一篇</title><link>http://example.org/1</link><guid>http://example.org/1</guid>
<author>me@example.org (王五)</author><category>读书</category><category>笔记</category>
<pubDate>Wed, 13 Nov 2024 09:49:38 GMT</pubDate>
<description>&lt;p&gt;正文 &lt;a href="/rel"&gt;相对&lt;/a&gt; &lt;a href="javascript:alert(1)"&gt;坏&lt;/a&gt;&lt;/p&gt;</description>
</item>
<item><title>第二篇</title><link>javascript:alert(1)</link><guid isPermaLink="false">42</guid>
<description>短</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom 站</title>
<link href="https://atom.example/"/>
<entry><title type="html">&lt;b&gt;粗&lt;/b&gt; 标题</title><id>urn:uuid:1</id>
<link rel="alternate" href="https://atom.example/a"/>
<updated>2024-01-02T03:04:05Z</updated><author><name>李四</name></author>
<content type="html">&lt;h2&gt;小节&lt;/h2&gt;&lt;p&gt;全文&lt;/p&gt;</content>
<summary>摘要</summary></entry></feed>"""


def test_rss_entries_become_drafts() -> None:
    drafts = parse(RSS.format(enc="utf-8").encode(), "/tmp/site.xml")
    first, second = drafts
    assert first.title == "第一篇"
    assert first.url == "http://example.org/1"
    assert first.category == ("小站",)
    assert first.tags == ("读书", "笔记")
    assert first.published == datetime(2024, 11, 13, 9, 49, 38, tzinfo=UTC)
    assert "王五" in first.author
    assert "[相对](http://example.org/rel)" in first.body
    assert "javascript" not in first.body and "坏" in first.body
    assert second.url == ""
    assert second.guid == "http://example.org/#42"


def test_atom_content_preferred_to_summary_and_html_title_made_plain() -> None:
    feed = read_feed(ATOM.encode(), "https://atom.example/feed")
    (draft,) = feed.drafts
    assert draft.title == "粗 标题"
    assert draft.body.startswith("## 小节")
    assert "全文" in draft.body and "摘要" not in draft.body
    assert draft.author == "李四"
    assert draft.url == "https://atom.example/a"


@pytest.mark.parametrize("declared", ["gb2312", "gbk", "GB18030"])
def test_gb_family_decoded_as_gb18030(declared: str) -> None:
    # 镕 and 喆 are outside GB2312; the byte string is what real "gb2312" sites send.
    text = RSS.format(enc=declared).replace("第一篇", "朱镕基与陶喆")
    feed = read_feed(text.encode("gb18030"), "/tmp/gb.xml")
    assert feed.drafts[0].title == "朱镕基与陶喆"
    assert feed.encoding == "gb18030"


def test_big5_declared_gb2312_is_retried_and_flagged() -> None:
    text = RSS.format(enc="gb2312").replace("第一篇", "繁體中文的標題與內容測試")
    text = text.replace("小站", "臺灣部落格").replace("正文", "這是一篇繁體文章的內容")
    with notes.collect() as warnings:
        feed = read_feed(text.encode("big5", "replace"), "/tmp/big5.xml")
    assert feed.drafts[0].title == "繁體中文的標題與內容測試"
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in feed.drafts[0].title)
    assert any("declared gb2312" in w for w in warnings)


def test_escape_sequences_smuggled_as_entities_are_removed() -> None:
    text = RSS.format(enc="utf-8").replace("第一篇", "标&amp;#27;]0;pwned&amp;#7;题&#27;[2J")
    text = text.replace("&lt;p&gt;正文", "&lt;p&gt;&amp;#x1b;]52;c;QUJD&amp;#7;正文&amp;#155;31m")
    draft = parse(text.encode(), "/tmp/x.xml")[0]
    assert "\x1b" not in draft.title and "\x07" not in draft.title
    assert "\x1b" not in draft.body and "\x9b" not in draft.body and "&#x1b;" not in draft.body


def test_link_safety() -> None:
    text = RSS.format(enc="utf-8").replace(
        "<link>http://example.org/1</link>", "<link>--output=/tmp/x</link>"
    )
    drafts = parse(text.encode(), "/tmp/x.xml")
    assert drafts[0].url == ""
    for bad in ("file:///etc/passwd", "data:text/html,x", "javascript:x"):
        html = f'&lt;a href="{bad}"&gt;链接&lt;/a&gt;'
        body = parse(RSS.format(enc="utf-8").replace("短", html).encode(), "/x.xml")[1].body
        assert bad.split(":")[0] + ":" not in body and "链接" in body


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a feed (empty)"),
        (b"<html><body><p>hello</p></body></html>", "not a feed (an HTML page)"),
        (b"just some text", "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "items"),
    ],
)
def test_not_a_feed(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_feed(data, "/tmp/x.xml")


def test_truncated_feed_keeps_complete_entries_and_warns() -> None:
    whole = RSS.format(enc="utf-8").encode()
    cut = whole[: whole.index(b"<item><title>\xe7\xac\xac\xe4\xba\x8c") + 30]
    with notes.collect() as warnings:
        drafts = read_feed(cut, "/tmp/cut.xml").drafts
    assert [d.title for d in drafts] == ["第一篇"]
    assert any("ends early" in w for w in warnings)


def test_entity_bomb_is_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>x&c;</title>'
        "<link>http://e.org/</link></item></channel></rss>"
    )
    drafts = read_feed(bomb.encode(), "/tmp/bomb.xml").drafts
    assert all(len(d.title) < 200 for d in drafts)


def test_json_feed() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON 站",
        "home_page_url": "https://j.example/",
        "items": [
            {
                "id": "1",
                "url": "https://j.example/1",
                "title": "条目",
                "content_html": "<p>内容 <a href='file:///etc'>x</a></p>",
                "date_published": "2024-05-06T07:08:09+08:00",
                "authors": [{"name": "赵六"}],
                "tags": ["a", 3, "b"],
            },
            {"id": 2, "content_text": "只有正文\n第二行"},
            "not an item",
        ],
    }
    drafts = parse(json.dumps(document).encode(), "/tmp/feed.json")
    first, second = drafts
    assert (first.title, first.url, first.author, first.tags) == (
        "条目",
        "https://j.example/1",
        "赵六",
        ("a", "b"),
    )
    assert first.published is not None and first.published.utcoffset() is not None
    assert "file:" not in first.body and first.category == ("JSON 站",)
    assert second.title == "只有正文" and second.guid == "https://j.example/#2"


def test_json_feed_titles_are_plain_text() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [
            {"id": "1", "title": "Use <b> for bold &amp; <i> for italics", "content_text": "x"},
            {"id": "2", "title": "escape &#27;[31mred", "content_text": "y"},
        ],
    }
    first, second = parse(json.dumps(document).encode(), "/tmp/feed.json")
    assert first.title == "Use <b> for bold & <i> for italics"
    assert "\x1b" not in second.title and "red" in second.title
