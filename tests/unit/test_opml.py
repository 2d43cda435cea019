"""OPML lists read leniently: folders, feeds, refused addresses, broken documents."""

from __future__ import annotations

import pytest

from reader.ingest.errors import ParseError
from reader.ingest.opml import looks_like_opml, read_opml

LIST = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>我的订阅</title></head><body>
<!-- <outline text="commented out" xmlUrl="http://hidden.example/feed"/> -->
<outline text="科技">
  <outline text="编程" title="编程">
    <outline text="Go &amp; Rust" type="rss" xmlUrl="https://a.example/feed?x=1&y=2"/>
  </outline>
  <outline text="硬件" type="rss" xmlUrl="http://b.example/rss"></outline>
</outline>
<outline text="顶层" type="rss" xmlUrl="https://c.example/atom.xml"/>
<outline text="坏" type="rss" xmlUrl="exec:rm -rf /"/>
<outline text="本地" type="rss" xmlUrl="file:///etc/passwd"/>
<outline text="选项" type="rss" xmlUrl="--config=/tmp/x"/>
<outline text="重复" type="rss" xmlUrl="https://c.example/atom.xml"/>
</body></opml>"""


def test_folders_and_feeds() -> None:
    outline = read_opml(LIST.encode())
    assert outline.title == "我的订阅"
    assert [(f.url, f.title, f.folders) for f in outline.feeds] == [
        ("https://a.example/feed?x=1&y=2", "Go & Rust", ("科技", "编程")),
        ("http://b.example/rss", "硬件", ("科技",)),
        ("https://c.example/atom.xml", "顶层", ()),
    ]
    assert outline.folders == [("科技",), ("科技", "编程")]
    refused = [url for url, _why in outline.refused]
    assert refused == ["exec:rm -rf /", "file:///etc/passwd", "--config=/tmp/x"]
    assert all("refused" in why for _url, why in outline.refused)


def test_bare_ampersand_and_unclosed_folders_are_read() -> None:
    broken = (
        '<opml version="1.0"><body><outline text="News & Views">'
        '<outline text="A & B" xmlUrl="https://n.example/rss?a=1&b=2" />'
        '<outline text="Inner"><outline text="C" xmlUrl="https://c.example/"/>'
    )
    outline = read_opml(broken.encode())
    assert [(f.title, f.folders) for f in outline.feeds] == [
        ("A & B", ("News & Views",)),
        ("C", ("News & Views", "Inner")),
    ]
    assert outline.feeds[0].url == "https://n.example/rss?a=1&b=2"


def test_gbk_list_and_slash_in_names() -> None:
    text = '<?xml version="1.0" encoding="gbk"?><opml><body><outline text="新闻/时事">'
    text += '<outline text="镕" xmlUrl="http://x.example/"/></outline></body></opml>'
    outline = read_opml(text.encode("gbk"))
    assert outline.feeds[0].folders == ("新闻／时事",)
    assert outline.feeds[0].title == "镕"


@pytest.mark.parametrize("data", [b"", b"<html><body>no</body></html>", b"<opml><body/></opml>"])
def test_not_an_opml_list(data: bytes) -> None:
    with pytest.raises(ParseError, match="not an OPML list"):
        read_opml(data)


def test_sniffing() -> None:
    assert looks_like_opml('\ufeff<?xml version="1.0"?>\n<!-- x --><opml version="1.0">')
    assert not looks_like_opml('<?xml version="1.0"?><rss version="2.0">')


def test_a_tag_never_closed_ends_where_the_next_one_starts() -> None:
    broken = (
        '<opml><body><outline text="Tech">\n'
        '<outline text="A" xmlUrl="https://a.example/feed"\n'
        '<outline text="B" xmlUrl="https://b.example/feed"/>\n'
        "</outline></body></opml>"
    )
    outline = read_opml(broken.encode())
    assert [(f.url, f.title, f.folders) for f in outline.feeds] == [
        ("https://a.example/feed", "A", ("Tech",)),
        ("https://b.example/feed", "B", ("Tech",)),
    ]


def test_quotes_inside_a_quoted_value_keep_the_feed_and_its_folder() -> None:
    # As in real lists: a description quoting a phrase with an apostrophe in it.
    broken = (
        '<opml><body><outline text="Startups">\n'
        '<outline text="Show" description="calls him "the world\'s best guinea pig" '
        'and more" xmlUrl="https://show.example/rss" type="rss" />\n'
        '<outline text="Next" xmlUrl="https://next.example/rss" type="rss" />\n'
        "</outline></body></opml>"
    )
    outline = read_opml(broken.encode())
    assert [(f.url, f.folders) for f in outline.feeds] == [
        ("https://show.example/rss", ("Startups",)),
        ("https://next.example/rss", ("Startups",)),
    ]
    assert outline.folders == [("Startups",)]


def test_declared_entities_are_never_expanded() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY e "EXPANDED">]>'
        '<opml><body><outline text="&e;" xmlUrl="https://e.example/"/></body></opml>'
    )
    (feed,) = read_opml(text.encode()).feeds
    assert feed.title == "&e;"


def test_a_list_reads_the_same_well_formed_or_not() -> None:
    broken = LIST.replace("</body></opml>", '<outline text="R & D"></body></opml>')
    good, bad = read_opml(LIST.encode()), read_opml(broken.encode())
    assert (good.title, good.feeds, good.folders, good.refused) == (
        bad.title,
        bad.feeds,
        bad.folders,
        bad.refused,
    )


def test_a_folder_holding_nothing_is_no_category() -> None:
    text = (
        '<opml><body><outline text="空"></outline><outline text="满">'
        '<outline text="F" xmlUrl="https://f.example/"/></outline></body></opml>'
    )
    assert read_opml(text.encode()).folders == [("满",)]
    assert read_opml(text.replace("</body>", "&</body>").encode()).folders == [("满",)]
