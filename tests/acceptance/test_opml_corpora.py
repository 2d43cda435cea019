"""Acceptance: the plenaryapp and timqian OPML lists, malformed ones included.

Nothing is fetched from the internet: one test records the subscriptions without fetching
(`--no-fetch`), the other serves a small feed for every subscription from 127.0.0.1.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpora import corpus, report
from support.server import LocalServer, running_server

from reader.cli import cli
from reader.ingest.fetch import Response, fetch
from reader.ingest.opml import read_opml
from reader.ingest.runner import import_sources
from reader.store import Library

pytestmark = pytest.mark.acceptance


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server standing in for every feed's site."""
    with running_server() as local:
        yield local


def _lists() -> list[Path]:
    folder = corpus("zh-feeds-opml") / "opml"
    return sorted(folder.rglob("*.opml"))


def _well_formed(path: Path) -> bool:
    try:
        ElementTree.parse(path)
    except ElementTree.ParseError:
        return False
    return True


def test_every_list_imports_its_folders_without_fetching(tmp_path: Path) -> None:
    lists = _lists()
    malformed = [p for p in lists if not _well_formed(p)]
    assert len(lists) == 60 and len(malformed) >= 40
    passed = 0
    runner = CliRunner()
    for number, path in enumerate(lists):
        db = tmp_path / f"opml{number}.db"
        result = runner.invoke(cli, ["import", "--db", str(db), "--no-fetch", str(path)])
        assert result.exit_code == 0, (path, result.output)
        outline = read_opml(path.read_bytes())
        with Library(db) as library:
            recorded = {s.location: s for s in library.sources(kinds=("feed",))}
            assert set(recorded) == {f.url for f in outline.feeds}, path
            for feed in outline.feeds:
                where = library.category_path(recorded[feed.url].category_id or 0)
                assert where[:-1] == feed.folders, (path, feed)
            for folder in outline.folders:
                assert library.find_category(folder) is not None, (path, folder)
        passed += 1
    feeds = sum(len(read_opml(p.read_bytes()).feeds) for p in lists)
    report(f"OPML lists imported with their folders ({len(malformed)} malformed)", passed, 60)
    report("  subscriptions recorded", feeds, feeds)


def _serve_subscriptions(server: LocalServer, urls: list[str]) -> dict[str, str]:
    """A one-entry feed on the local server for each subscription; returns url -> local url."""
    local: dict[str, str] = {}
    for number, url in enumerate(urls):
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>站点{number}</title><item><title>文章{number}</title>"
            f"<link>https://feed{number}.example/post</link><description>正文{number}"
            "</description></item></channel></rss>"
        )
        local[url] = server.add(f"/feed/{number}.xml", feed.encode())
    return local


def test_lists_fetched_from_a_local_server(tmp_path: Path, server: LocalServer) -> None:
    lists = [p for p in _lists() if not _well_formed(p)][:3]
    lists.append(corpus("zh-feeds-opml") / "opml" / "timqian" / "feed.opml")
    urls = [f.url for path in lists for f in read_opml(path.read_bytes()).feeds]
    local = _serve_subscriptions(server, list(dict.fromkeys(urls)))

    def via_local(
        url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        return fetch(local[url], etag=etag, last_modified=last_modified)

    with Library(tmp_path / "fetched.db") as library:
        result = import_sources(library, [str(p) for p in lists], fetcher=via_local)
        assert not result.failed, result.failed[:3]
        assert result.total("added") == len(local)
        checked = 0
        for path in lists:
            for feed in read_opml(path.read_bytes()).feeds:
                (record,) = [s for s in library.sources(kinds=("feed",)) if s.location == feed.url]
                where = library.category_path(record.category_id or 0)
                assert where == (*feed.folders, feed.title or where[-1]), feed
                checked += 1
    report("OPML subscriptions fetched (local server) into their folders", checked, len(urls))
