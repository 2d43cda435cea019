"""A feed read a group of entries at a time (`reader.ingest.feedstream`) gives what the whole
document read by `feeds.read_feed` gives, and hostile documents are read as safely."""

from __future__ import annotations

import time

import pytest

from reader.ingest import feedstream, notes
from reader.ingest.errors import ParseError
from reader.ingest.feeds import read_feed
from reader.models import ArticleDraft

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>测试源</title><link>https://feed.example/</link>
<description><![CDATA[<item> in a CDATA section is no entry]]></description>
<!-- <item> in a comment is none either -->
{items}
</channel></rss>
"""
RSS_ITEM = """<item><title>第{n}篇 &amp; more</title><link>/a/{n}</link><guid>{n}</guid>
<dc:creator>作者{n}</dc:creator><category>标签{n}</category>
<pubDate>Fri, 0{d} Mar 2024 08:00:00 +0800</pubDate>
<content:encoded><![CDATA[<p>正文 {n}</p><script>alert(1)</script></item></p>]]></content:encoded>
</item>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">&lt;b&gt;Atom 源&lt;/b&gt;</title>
<link href="https://atom.example/"/>{items}</feed>"""
ATOM_ITEM = """<entry><title>条目{n}</title><id>urn:x:{n}</id><link href="https://atom.example/{n}"/>
<updated>2024-03-0{d}T08:00:00Z</updated><summary type="html">&lt;p&gt;摘要{n}&lt;/p&gt;</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>内容 {n}</p></div></content>
</entry>"""
RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://rdf.example/"><title>RDF 源</title><link>https://rdf.example/</link>
<items><rdf:Seq><rdf:li resource="https://rdf.example/1"/></rdf:Seq></items></channel>
{items}</rdf:RDF>"""
RDF_ITEM = """<item rdf:about="https://rdf.example/{n}"><title>RDF {n}</title>
<link>https://rdf.example/{n}</link><description>描述 {n}</description></item>"""


def _document(template: str, item: str, count: int, encoding: str = "utf-8") -> bytes:
    items = "".join(item.format(n=n, d=1 + n % 9) for n in range(count))
    return template.format(items=items, encoding=encoding).encode(encoding)


def _streamed(data: bytes, location: str = "big.rss") -> tuple[str, list[ArticleDraft]]:
    feed, drafts = feedstream.read_stream(data, location)
    return feed.title, list(drafts)


@pytest.mark.parametrize(
    ("template", "item"), [(RSS, RSS_ITEM), (ATOM, ATOM_ITEM), (RDF, RDF_ITEM)]
)
def test_entries_read_in_groups_are_those_of_the_whole_document(
    template: str, item: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedstream, "GROUP_ENTRIES", 3)
    data = _document(template, item, 10)
    whole = read_feed(data, "big.rss")
    title, drafts = _streamed(data)
    assert len(drafts) == 10
    assert (title, drafts) == (whole.title, whole.drafts)


def test_a_declared_chinese_encoding_is_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedstream, "GROUP_ENTRIES", 4)
    data = _document(RSS, RSS_ITEM, 9, encoding="gb18030")
    title, drafts = _streamed(data)
    assert title == "测试源" and [d.author for d in drafts] == [f"作者{n}" for n in range(9)]
    assert drafts == read_feed(data, "big.rss").drafts


def test_entity_declarations_are_never_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']><rss version="2.0"><channel><title>炸弹</title>'
        + "<item><title>&i;</title><description>&i;&i;</description></item>" * 50
        + "</channel></rss>"
    )
    started = time.monotonic()
    _, drafts = _streamed(bomb.encode())
    assert time.monotonic() - started < 5
    assert len(drafts) == 50
    assert all(len(d.title) < 100 and len(d.body) < 100 for d in drafts)


def test_an_entry_too_large_is_skipped_and_the_rest_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedstream, "MAX_RECORD_BYTES", 50_000)
    monkeypatch.setattr(feedstream, "BLOCK", 4096)
    huge = "<item><title>巨大</title><description>" + "字" * 200_000 + "</description></item>"
    items = "".join(RSS_ITEM.format(n=n, d=1) for n in range(3))
    data = RSS.format(items=items + huge + items, encoding="utf-8").encode()
    with notes.collect() as warnings:
        _, drafts = _streamed(data)
    assert len(drafts) == 6
    [warning] = warnings
    assert warning.startswith("entry 4 ('巨大'): an entry of over") and "was skipped" in warning


def test_a_file_cut_inside_an_entry_gives_the_entries_before_it() -> None:
    data = _document(RSS, RSS_ITEM, 5)
    cut = data[: data.rindex(b"<item>") + 40]
    with notes.collect() as warnings:
        _, drafts = _streamed(cut)
    assert len(drafts) == 4
    assert warnings == ["the feed ends early (inside an entry); 4 complete entries imported"]


def test_a_file_without_entries_is_its_head() -> None:
    _, drafts = _streamed(RSS.format(items="", encoding="utf-8").encode())
    assert drafts == []
    with pytest.raises(ParseError, match="not a feed"):
        _streamed(b"<html><body>" + b"<p>x</p>" * 10 + b"</body></html>")
