"""The title of a saved page is the article's: each kind of evidence a page gives, and each way
it misleads (recommended articles' headings, a `<title>` that names only the site, site names
joined to titles, a logo in an `<h1>`)."""

from __future__ import annotations

import time

import pytest

from reader.ingest.titleevidence import Evidence, Heading
from reader.ingest.titleparts import MAX_PARTS, join, segments, site_like
from reader.ingest.titles import choose
from reader.ingest.webpage import read_page

TEXT = "这一段讲的是城市里的老街怎样慢慢变了样子，住在那里的人又怎样记住它原来的模样。"


def article(n: int = 8) -> str:
    """A body long enough for the extractor to take it for an article."""
    return "".join(f"<p>第{i}段。{TEXT}</p>" for i in range(1, n + 1))


def title(head: str, body: str, url: str = "") -> str:
    """The title read from a page made of `head` and `body`."""
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )
    return read_page(page.encode(), "/tmp/page.html", base=url).draft.title


def recommended(tag: str) -> str:
    """A block of recommended articles, each a heading that links elsewhere."""
    items = "".join(
        f"<li><{tag}><a href='/2024/0{i}/{i}.html'>推荐阅读：第{i}条别的新闻标题很长很长</a></{tag}></li>"
        for i in range(1, 4)
    )
    return f"<div class='recommend'><ul>{items}</ul></div>"


@pytest.mark.parametrize("tag", ["h2", "h3", "h1"])
def test_recommended_headings_above_the_article_are_passed_over(tag: str) -> None:
    section = "<div class='channel'><h1>城市观察</h1></div>"
    body = f"{section}{recommended(tag)}<div class='main'><h2>老街的新模样</h2>{article()}</div>"
    assert title("<title>老街的新模样_城市频道_某某网</title>", body) == "老街的新模样"


def test_recommended_headings_when_the_title_names_only_the_site() -> None:
    body = f"{recommended('h1')}<div class='main'><h1>老街的新模样</h1>{article()}</div>"
    assert title("<title>某某市人民政府</title>", body) == "老街的新模样"


def test_a_title_that_is_only_the_site_name_gives_way_to_the_article_heading() -> None:
    nav = "<div class='nav'><h2>政务公开</h2><h2>办事服务</h2></div>"
    body = f"<div class='header'><h1>某某市人民政府</h1></div>{nav}"
    body += f"<div class='article'><h2>关于做好老街改造工作的通知</h2>{article()}</div>"
    assert title("<title>某某市人民政府</title>", body) == "关于做好老街改造工作的通知"


def test_a_government_page_states_its_article_title_in_meta() -> None:
    head = (
        "<title>某某市人民政府门户网站</title><meta name='ArticleTitle' content='老街改造方案公布'>"
    )
    head += "<meta name='SiteName' content='某某市人民政府门户网站'>"
    body = f"<div class='logo'><h1>某某市人民政府门户网站</h1></div><div>{article()}</div>"
    assert title(head, body) == "老街改造方案公布"


def test_a_titled_block_stands_for_the_heading_when_the_title_names_the_site() -> None:
    body = f"<div class='article-title'>老街改造方案公布</div><div>{article()}</div>"
    assert title("<title>某某县人民政府</title>", body) == "老街改造方案公布"


def test_an_editor_default_title_gives_way_to_the_heading() -> None:
    body = f"<h1>老街的新模样</h1>{article()}"
    assert title("<title>无标题文档</title>", body) == "老街的新模样"


@pytest.mark.parametrize(
    "shared",
    ["老街的新模样 | 某某网", "老街的新模样 - 某某网", "老街的新模样——来自某某网_某某网"],
)
def test_a_shared_title_loses_the_site_name(shared: str) -> None:
    head = f"<title>某某网</title><meta property='og:title' content='{shared}'>"
    wanted = shared.rsplit("_", 1)[0] if "_" in shared else "老街的新模样"
    assert title(head, f"<div>{article()}</div>") == wanted


def test_a_site_suffix_named_by_og_site_name_is_dropped() -> None:
    head = "<title>老街的新模样 :: 小城故事 ::</title><meta property='og:site_name' content='小城故事'>"
    assert title(head, f"<div>{article()}</div>") == "老街的新模样"


def test_site_name_before_the_title() -> None:
    head = "<title>小城故事｜老街的新模样</title><meta property='og:site_name' content='小城故事'>"
    body = f"<h1>老街的新模样</h1>{article()}"
    assert title(head, body) == "老街的新模样"
    assert title(head, f"<div>{article()}</div>") == "老街的新模样"


def test_of_two_h1s_the_one_the_title_states_wins() -> None:
    body = f"<h1>小城故事网</h1><div class='content'><h1>老街的新模样</h1>{article()}</div>"
    assert title("<title>老街的新模样_小城故事网</title>", body) == "老街的新模样"


def test_a_section_h1_gives_way_to_the_h2_the_title_states() -> None:
    body = f"<h1>城市观察</h1><div><h2>老街的新模样</h2>{article()}</div>"
    assert title("<title>老街的新模样_某某财经</title>", body) == "老街的新模样"


def test_a_heading_split_by_a_separator_inside_the_title_is_kept_whole() -> None:
    body = f"<h2>老街_新街 (二)</h2>{article()}"
    assert (
        title("<title>老街_新街 (二) @ 小城故事_阿明 :: 部落格 ::</title>", body)
        == "老街_新街 (二)"
    )


def test_json_ld_headline() -> None:
    head = "<title>某某网</title><script type='application/ld+json'>"
    head += '{"@type": "NewsArticle", "headline": "老街的新模样", "publisher": {"name": "某某网"}}'
    head += "</script>"
    assert title(head, f"<div>{article()}</div>") == "老街的新模样"


def test_a_kicker_above_the_headline_is_left_out() -> None:
    body = f"<h1><span class='kicker'>城市观察</span>老街的新模样</h1>{article()}"
    assert title("<title>城市观察 - 老街的新模样</title>", body) == "老街的新模样"


def test_a_label_before_the_headline_is_left_out_when_the_title_says_so() -> None:
    body = f"<h1>城市观察 | 老街的新模样</h1>{article()}"
    assert title("<title>老街的新模样 - 某某网</title>", body) == "老街的新模样"


def test_ruby_readings_stay_out_of_the_title() -> None:
    head = "<title>やさしいニュース|古い町の新しい顔</title>"
    head += "<meta property='og:site_name' content='やさしいニュース'>"
    body = f"<h1><ruby>古<rt>ふる</rt></ruby>い町の新しい顔</h1>{article()}"
    assert title(head, body) == "古い町の新しい顔"


def test_english_page_without_metadata_keeps_its_single_heading() -> None:
    body = "<h1>Walking the old streets</h1>" + "".join(
        f"<p>Paragraph {i}: the old streets of the town changed slowly over the years, and the "
        "people who lived there remember how they used to look.</p>"
        for i in range(8)
    )
    assert title("<title>My notebook</title>", body) == "Walking the old streets"
    assert title("<title>Walking the old streets - My notebook</title>", body) == (
        "Walking the old streets"
    )


def test_address_spelling_the_heading_picks_it_among_others() -> None:
    para = "".join(
        f"<p>Paragraph {i}: the old streets of the town changed slowly over the years.</p>"
        for i in range(8)
    )
    body = f"<h2>Walking the old streets of the town</h2><h2>Where to eat nearby</h2>{para}"
    url = "https://notes.example.org/2024/05/walking-the-old-streets-of-the-town/"
    head = "<title>Jo's notebook of many things | Walking the old streets of the town</title>"
    assert title(head, body, url) == "Walking the old streets of the town"


def test_title_only_page() -> None:
    assert title("<title>老街的新模样</title>", f"<div>{article()}</div>") == "老街的新模样"


@pytest.mark.parametrize(
    "head",
    [
        "<title>[@click=app.quit]老街[/]</title>",
        "<title>老街&#x202E;的新模样</title>",
        "<meta property='og:title' content='老街&amp;#27;]0;x&amp;#7;的新模样'>",
    ],
)
def test_hostile_titles_stay_text(head: str) -> None:
    head += "<link rel='canonical' href='http://[bad-host/x'><meta property='og:url' content='http://[x'>"
    body = f"<h2><a href='http://[bad/'>老街</a></h2><div>{article()}</div>"
    got = title(head, body)
    assert got and "\x1b" not in got and "\u202e" not in got and "\x07" not in got
    assert "老街" in got


def test_a_long_title_full_of_separators_is_read_quickly() -> None:
    long = " | ".join(f"部分{i}" for i in range(20000))
    headings = tuple(Heading(f"部分{i}", 2, True) for i in range(400))
    evidence = Evidence(long, (long,), frozenset(), headings, "")
    started = time.monotonic()
    assert choose(evidence)
    assert time.monotonic() - started < 5
    assert len(segments(long)) == MAX_PARTS
    page_head = f"<title>{long}</title>"
    assert title(page_head, "".join(f"<h2>部分{i}</h2>" for i in range(2000)) + article())


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("老街的新模样_城市_某某网", ["老街的新模样", "城市", "某某网"]),
        ("读懂 snake_case 的写法 | 某某", ["读懂 snake_case 的写法", "某某"]),
        ("2024-01-01 的新闻-某某网", ["2024-01-01 的新闻", "某某网"]),
        ("Hashable / Hasher", ["Hashable", "Hasher"]),
        ("小城（上-下）", ["小城（上-下）"]),
        ("老街——新街", ["老街——新街"]),
        ("« Bonjour » et après - Le Site", ["« Bonjour » et après", "Le Site"]),
        ("COVID-19 in town - News", ["COVID-19 in town", "News"]),
    ],
)
def test_title_parts(text: str, parts: list[str]) -> None:
    found = segments(text)
    assert [t for _, t in found] == parts
    assert join(found) == text


@pytest.mark.parametrize(
    ("text", "host", "site"),
    [
        ("某某网", "", True),
        ("教育频道", "", True),
        ("example.com.cn", "", True),
        ("GaijinPot", "blog.gaijinpot.com", True),
        ("首页", "", True),
        ("老街的新模样", "", False),
        ("Walking the old streets", "example.org", False),
    ],
)
def test_site_like(text: str, host: str, site: bool) -> None:
    assert site_like(text, host) is site
