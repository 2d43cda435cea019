"""`reader import` of feeds, OPML lists and pages, local and served from 127.0.0.1; `refresh`."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.server import LocalServer, running_server

from reader.cli import cli
from reader.ingest.fetch import Response
from reader.ingest.refresh import refresh
from reader.ingest.runner import import_sources
from reader.store import Library


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the test."""
    with running_server() as local:
        yield local


def rss(title: str, *items: tuple[str, str, str], encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document with (title, link, description) items."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{d}</description></item>"
        for t, link, d in items
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://site.example/</link>{body}</channel></rss>"
    )
    return text.encode("gb18030" if encoding.lower().startswith("gb") else encoding)


def titles(library: Library, path: tuple[str, ...]) -> list[str]:
    """The titles of the articles in a category, A to Z."""
    found = library.find_category(path)
    assert found is not None, f"no category {path}"
    return sorted(s.title for s in library.page(found.id, sort="title", limit=500).items)


def test_local_feed_files_and_folders(library: Library, tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(rss("甲站", ("一", "http://a.example/1", "正文一")))
    (tmp_path / "b.rss").write_bytes(
        rss("乙站", ("镕", "http://b.example/1", "喆"), encoding="gb2312")
    )
    (tmp_path / "page.html").write_bytes(b"<html><body><nav></nav></body></html>")
    (tmp_path / "empty.xml").write_bytes(b"")
    report = import_sources(library, [str(tmp_path)], category=("订阅",))
    outcomes = {Path(o.location).name: o for o in report.outcomes}
    assert outcomes["a.xml"].added == 1 and outcomes["a.xml"].kind == "feed"
    assert outcomes["b.rss"].added == 1
    assert outcomes["empty.xml"].error == "not a feed (empty)"
    assert outcomes["page.html"].failed
    assert titles(library, ("订阅", "乙站")) == ["镕"]
    sources = {Path(s.location).name: s for s in library.sources(kinds=("feed",))}
    assert set(sources) == {"a.xml", "b.rss"}
    assert sources["b.rss"].encoding == "gb18030"
    assert library.category_path(sources["b.rss"].category_id or 0) == ("订阅", "乙站")


def test_feed_url_opml_and_page_over_http(library: Library, server: LocalServer) -> None:
    server.add("/one.xml", rss("一号", ("一号文", "http://one.example/1", "x")))
    server.add(
        "/two.xml",
        rss("二号", ("二号文", "http://two.example/1", "y"), encoding="gbk"),
        Content_Type="application/rss+xml; charset=gbk",
    )
    opml = (
        '<?xml version="1.0"?><opml version="1.0"><body><outline text="技术">'
        f'<outline text="第一" xmlUrl="{server.url("/one.xml")}"/>'
        f'<outline text="Missing" xmlUrl="{server.url("/missing.xml")}"/>'
        '<outline text="坏" xmlUrl="exec:/bin/sh"/></outline>'
        f'<outline text="第二" xmlUrl="{server.url("/two.xml")}"/></body></opml>'
    )
    server.add("/list.opml", opml.encode(), Content_Type="text/x-opml")
    report = import_sources(library, [server.url("/list.opml")])
    by_location = {o.location: o for o in report.outcomes}
    assert by_location[server.url("/list.opml")].kind == "opml"
    assert by_location[server.url("/one.xml")].added == 1
    assert by_location[server.url("/missing.xml")].error == "HTTP 404 Not Found"
    assert "refused" in by_location["exec:/bin/sh"].error
    assert titles(library, ("技术", "第一")) == ["一号文"]
    assert titles(library, ("第二",)) == ["二号文"]
    assert len(report.failed) == 2


def test_one_bad_source_never_spoils_the_rest(library: Library, server: LocalServer) -> None:
    good = [
        server.add(f"/f{i}.xml", rss(f"站{i}", (f"文{i}", f"http://e.x/{i}", "b")))
        for i in range(6)
    ]
    server.add("/bad.xml", b"<rss><channel><title>x</title><item><title>y", status=500)
    report = import_sources(library, [*good[:3], server.url("/bad.xml"), *good[3:]])
    assert [o.location for o in report.outcomes] == [*good[:3], server.url("/bad.xml"), *good[3:]]
    assert [o.added for o in report.outcomes] == [1, 1, 1, 0, 1, 1, 1]
    assert report.failed[0].error.startswith("HTTP 500")


def test_refresh_adds_updates_and_never_deletes(library: Library, server: LocalServer) -> None:
    url = server.add(
        "/feed.xml",
        rss("站", ("旧", "http://s.example/1", "v1"), ("留", "http://s.example/2", "k")),
    )
    import_sources(library, [url], category=("新闻",))
    server.add(
        "/feed.xml",
        rss("站", ("旧", "http://s.example/1", "v2"), ("新", "http://s.example/3", "n")),
        ETag='"v2"',
    )
    report = refresh(library)
    (outcome,) = report.outcomes
    assert (outcome.added, outcome.updated, outcome.unchanged) == (1, 1, 0)
    assert titles(library, ("新闻", "站")) == ["新", "旧", "留"]
    # The ETag was kept: the next refresh is a conditional request answered 304.
    again = refresh(library, ("新闻",))
    assert server.requests[-1][1].get("if-none-match") == '"v2"'
    assert again.outcomes[0].added == 0 and not again.failed
    assert refresh(library, ("其他",)).outcomes == []


def test_no_fetch_records_opml_feeds_for_refresh(library: Library, tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml><body><outline text="Blogs &amp; News">'
        '<outline text="甲" xmlUrl="https://a.example/feed"/></outline>'
        '<outline xmlUrl="https://www.b.example/rss"/></body></opml>',
        encoding="utf-8",
    )
    report = import_sources(library, [str(opml)], fetch_feeds=False)
    assert not report.failed
    recorded = library.sources(kinds=("feed",))
    paths = {s.location: library.category_path(s.category_id or 0) for s in recorded}
    assert paths == {
        "https://a.example/feed": ("Blogs & News", "甲"),
        "https://www.b.example/rss": ("b.example",),
    }
    served = {"https://a.example/feed": rss("A", ("文", "https://a.example/1", "x"))}

    def fake(url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        return Response(url, 200, {}, served.get(url, b"<html><body>no</body></html>"))

    report = refresh(library, fetcher=fake)
    assert [o.added for o in report.outcomes] == [1, 0]
    assert report.outcomes[1].error.startswith("not a feed")
    assert titles(library, ("Blogs & News", "甲")) == ["文"]


def test_html_page_url_is_extracted(library: Library, server: LocalServer) -> None:
    paragraph = "城市的清晨总是从一碗热豆浆开始，街角的小店在五点钟就亮起了灯，老板和熟客打着招呼。"
    html = (
        "<html><head><meta charset='gbk'><title>清晨</title></head><body>"
        "<nav>首页 | 新闻 | 关于我们</nav><article><h1>清晨</h1>"
        + "".join(f"<p>{paragraph}{i}</p>" for i in range(6))
        + "</article></body></html>"
    )
    url = server.add("/p/1.html", html.encode("gbk"), Content_Type="text/html")
    report = import_sources(library, [url], category=("页面",))
    assert report.outcomes[0].kind == "html" and report.outcomes[0].added == 1
    (record,) = library.sources(kinds=("html",))
    assert record.encoding == "gb18030" and record.location == url
    summary = library.page(library.find_category(("页面",)).id).items[0]  # type: ignore[union-attr]
    article = library.get(summary.id)
    assert article is not None and article.url == url and paragraph in article.body


def test_cli_import_json_summary_and_exit_codes(tmp_path: Path, server: LocalServer) -> None:
    db = tmp_path / "lib.db"
    good = server.add("/g.xml", rss("好", ("甲", "http://g.example/1", "x")))
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "--db", str(db), "--json", good])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == 1
    result = runner.invoke(cli, ["import", "--db", str(db), good, server.url("/nope")])
    assert result.exit_code == 1
    assert f"failed: {server.url('/nope')}: HTTP 404" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["refresh", "--db", str(db)])
    assert result.exit_code == 0 and "1 source: 0 added" in result.output


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "-rf"]
)
def test_unsafe_entry_links_are_not_stored(library: Library, tmp_path: Path, bad: str) -> None:
    feed = tmp_path / "f.xml"
    feed.write_bytes(rss("站", ("标题", bad, f'&lt;a href="{bad}"&gt;链&lt;/a&gt;')))
    import_sources(library, [str(feed)])
    (summary,) = library.page().items
    article = library.get(summary.id)
    assert article is not None and article.url == "" and bad not in article.body


def test_doubtful_decoding_is_warned_and_raw_bytes_kept(tmp_path: Path) -> None:
    traditional = "臺灣的部落格文章，繁體中文的內容與標題" * 3
    feed = tmp_path / "big5.xml"
    data = rss("部落格", (traditional, "http://tw.example/1", traditional), encoding="big5")
    feed.write_bytes(data.replace(b'encoding="big5"', b'encoding="gb2312"'))
    db = tmp_path / "lib.db"
    result = CliRunner().invoke(cli, ["import", "--db", str(db), str(feed)])
    assert result.exit_code == 0, result.output
    assert f"warning: {feed}: declared gb2312 but decoded as" in result.output
    with Library(db) as library:
        (record,) = library.sources()
        assert record.warning and "declared gb2312" in record.warning
        assert titles(library, ("部落格",)) == [traditional]
    with sqlite3.connect(db) as conn:
        (raw,) = conn.execute("SELECT raw FROM sources").fetchone()
    assert bytes(raw) == feed.read_bytes()


def test_fetches_run_concurrently_four_at_most(library: Library, server: LocalServer) -> None:
    urls = [
        server.add(f"/c{i}.xml", rss(f"站{i}", (f"文{i}", f"http://c.example/{i}", "b")))
        for i in range(12)
    ]
    # The first four requests wait for each other: they pass only if fetched at the same time.
    together = threading.Barrier(4, timeout=10)
    lock = threading.Lock()
    active = [0, 0]  # now, most

    def hold(path: str) -> None:
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
            first = len(server.requests) <= 4
        try:
            if first:
                together.wait()
        finally:
            with lock:
                active[0] -= 1

    server.on_request = hold
    report = import_sources(library, urls)
    assert not report.failed and report.total("added") == 12
    assert active[1] == 4
    assert [o.location for o in report.outcomes] == urls


def test_json_feed_file_is_a_feed_and_cli_json_is_articles(
    library: Library, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "JSON 站",
                "items": [{"id": "https://j.example/1", "title": "条目", "content_text": "文"}],
            }
        ),
        encoding="utf-8",
    )
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps([{"title": "列表文章", "category": ["导出"]}]), "utf-8")
    report = import_sources(library, [str(feed), str(listing)])
    assert [o.kind for o in report.outcomes] == ["feed", "jsonl"]
    assert titles(library, ("JSON 站",)) == ["条目"]
    assert titles(library, ("导出",)) == ["列表文章"]
    assert [s.kind for s in library.sources()] == ["feed"]
