"""Plain RSS 2.0 read with lxml (`rssfast`) gives the drafts feedparser's reading gives."""

from __future__ import annotations

import pytest

from reader.ingest import feeds, notes
from reader.ingest.rssfast import read_plain_rss

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
    "<title>{title}</title><link>http://example.org/?a=1&amp;b=2</link>"
    "<description>d</description><language>zh</language>"
)
TAIL = "</channel></rss>"
ITEMS = [
    "<item><title>第一篇</title><link>http://example.org/1</link>"
    "<guid>http://example.org/1</guid><author>me@example.org (王五)</author>"
    "<category>读书</category><category domain='x'>笔记</category><category>读书</category>"
    "<pubDate>Wed, 13 Nov 2024 09:49:38 GMT</pubDate>"
    '<description>&lt;p&gt;正文 &lt;a href="/rel"&gt;相对&lt;/a&gt;'
    ' &lt;a href="javascript:alert(1)"&gt;坏&lt;/a&gt;&lt;/p&gt;</description></item>',
    "<item><title>&lt;b&gt;粗&lt;/b&gt; &amp;amp; 标题</title><link>rel/2</link>"
    '<guid isPermaLink="false">42</guid><dc:creator>李四</dc:creator>'
    "<dc:date>2024-01-02T03:04:05Z</dc:date><description>短 1. 2</description>"
    "<content:encoded><![CDATA[<h2>小节</h2><p>全文 &#27;[2J - x</p><ul><li>一</li></ul>"
    "]]></content:encoded></item>",
    "<item><title> \u0093quoted\u0094 Ã©tÃ© </title><link>https://example.org/3?x=1&amp;amp;y=2"
    "</link><comments>http://example.org/c</comments><description><![CDATA[<p>a</p>"
    "<p>\n 1. b \\* c</p><h3></h3>tail & <b>x</b>]]></description>"
    "<category></category><category domain='d'></category></item>",
    "<item><title></title><link>http://example.org/4</link><guid>5</guid>"
    "<description></description><author>nobody@example.org</author></item>",
    "<item><title>AT&amp;T &amp;lt; 3 &lt;/x&gt;</title><link> http://example.org/5 </link>"
    "<guid></guid><pubDate>2024-13-45</pubDate><category domain='a'/><category>b</category>"
    "<category>b</category><category domain='a'>b</category><author>(x) y@example.com</author>"
    "<content:encoded></content:encoded><description><![CDATA[<p>a&nbsp;b &amp;c</p>"
    "<p>x <a href='http://example.org/p'>link</a></p>]]></description></item>",
    "<item><link>http://example.org/6</link><pubDate>Tue, 1 Jan 70 00:00:00 +0100</pubDate>"
    "<description>plain text, no markup</description><dc:creator/></item>",
]
PLAIN = HEAD.format(title="小站 &amp; 朋友") + "".join(ITEMS) + TAIL


def _drafts(data: bytes) -> tuple[str, str, list[tuple[object, ...]], list[str]]:
    with notes.collect() as warnings:
        feed = feeds.read_feed(data, "/tmp/site.xml")
    fields: list[tuple[object, ...]] = [
        (d.title, d.url, d.guid, d.published, d.author, d.tags, d.body) for d in feed.drafts
    ]
    return (feed.title, feed.link, fields, list(warnings))


def test_plain_rss_reads_as_feedparser_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    data = PLAIN.encode()
    assert read_plain_rss(data) is not None
    fast = _drafts(data)
    monkeypatch.setattr(feeds, "read_plain_rss", lambda _data: None)
    assert fast == _drafts(data)
    title, _link, fields, _warnings = fast
    assert title == "小站 & 朋友"
    assert fields[0][5] == ("读书", "笔记")
    assert "\x1b" not in str(fields)


@pytest.mark.parametrize(
    "document",
    [
        PLAIN.replace("<rss ", '<!DOCTYPE rss [<!ENTITY a "b">]><rss '),
        PLAIN.replace("<channel>", '<channel xml:base="http://example.org/b/">'),
        PLAIN.replace("<comments>", '<media:title xmlns:media="http://search.yahoo.com/mrss/">'
                      "x</media:title><comments>"),
        PLAIN.replace("<title>第一篇</title>", "<title>第一<b>篇</b></title>"),
        PLAIN.replace("<link>http://example.org/4</link>", ""),
        PLAIN.replace("<title></title>", "<title></title><title>again</title>"),
        PLAIN.replace('version="2.0"', 'version="0.91"'),
        PLAIN.replace("</channel>", "<item><title>cut"),
        PLAIN.replace("<description>d</description>", "<dc:title>other</dc:title>"),
    ],
    ids=["doctype", "xml-base", "unknown", "markup", "no-link", "twice", "version", "broken",
         "channel"],
)  # fmt: skip
def test_anything_else_is_left_to_feedparser(document: str) -> None:
    assert read_plain_rss(document.encode()) is None


def test_local_feeds_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a base URL feedparser resolves relative links in the HTML: it reads the feed."""
    used: list[bytes] = []
    monkeypatch.setattr(feeds, "read_plain_rss", lambda data: used.append(data))
    feeds.read_feed(PLAIN.encode(), "https://example.org/feed.xml")
    assert used == []
    feeds.read_feed(PLAIN.encode(), "/tmp/feed.xml")
    assert len(used) == 1
