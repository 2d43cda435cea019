"""Acceptance: feedparser's 2,106 test feeds and the GB2312/Big5 blog feeds, imported for real."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpora import corpus, report
from support.server import LocalServer, running_server

from reader.ingest import notes
from reader.ingest.decode import decode_document
from reader.ingest.errors import ParseError
from reader.ingest.fetch import fetch
from reader.ingest.htmlmd import html_to_text
from reader.ingest.load import load
from reader.ingest.runner import import_sources
from reader.store import Library

pytestmark = pytest.mark.acceptance

_PUA = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff\ufffd]")
_HAN = re.compile("[\u4e00-\u9fff]")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the cases that carry HTTP headers."""
    with running_server() as local:
        yield local


def test_every_feedparser_case_imports_or_fails_cleanly(tmp_path: Path) -> None:
    tests = corpus("feedparser-cases") / "tests"
    files = sorted(tests.rglob("*.xml"))
    with Library(tmp_path / "cases.db") as library:
        outcome = import_sources(library, [str(tests)])
    assert len(outcome.outcomes) == len(files) == 2106
    imported = [o for o in outcome.outcomes if not o.failed]
    for failed in outcome.failed:
        assert failed.error.startswith("not a feed"), (failed.location, failed.error)
        assert "\n" not in failed.error
    report("feedparser cases imported or cleanly refused", len(outcome.outcomes), len(files))
    report("  of which imported as feeds", len(imported), len(files))


def _title_and_link_cases() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    path = corpus("feedparser-cases") / "cases.jsonl"
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for check in row["simple_checks"]:
            where = check["path"]
            if len(where) == 3 and where[0] == "entries" and where[2] in ("title", "link"):
                cases.append((row, check))
    return cases


def test_feedparser_entry_titles_and_links(tmp_path: Path, server: LocalServer) -> None:
    base = corpus("feedparser-cases")
    cases = _title_and_link_cases()
    failures: list[str] = []
    with Library(tmp_path / "checks.db") as library:
        for row, check in cases:
            data = (base / row["path"]).read_bytes()
            expected = str(check["equals"])
            name = Path(row["path"]).name
            with notes.collect():
                # Cases named http_* test what a served document's address and headers do.
                if name.startswith("http_") or row["http_headers"]:
                    url = server.add("/" + row["path"], data, **(row["http_headers"] or {}))
                    answer = fetch(url)
                    loaded = load("url", answer.body, url, headers=answer.headers, base=url)
                    expected = expected.replace("http://127.0.0.1:8097", server.base)
                else:
                    loaded = load("xml", data, str(base / row["path"]))
            saved = library.save(loaded.drafts, source=row["path"], category=("cases",))
            index = int(check["path"][1])
            article = library.get(saved.article_ids[index])
            assert article is not None
            if check["path"][2] == "link":
                ok = article.url == expected
                got = article.url
            else:
                # Titles are stored as plain text: markup in an HTML title becomes its text.
                plain = html_to_text(expected)
                got = article.title
                ok = got in (expected, plain) or (not plain and bool(got))
            if not ok:
                failures.append(f"{row['path']}: {check['path']} {expected!r} != {got!r}")
    report("feedparser entry title/link checks", len(cases) - len(failures), len(cases))
    assert not failures, "\n".join(failures)


def _chardet_feeds() -> list[Path]:
    folder = corpus("zh-feeds-opml") / "chardet-feeds" / "tests"
    # The .html files are the undeclared-encoding pages chardet keeps beside the feeds.
    return sorted(p for kind in ("GB2312", "Big5") for p in folder.glob(f"{kind}/*.*ml"))


def test_gb2312_and_big5_feeds_have_clean_chinese_titles(tmp_path: Path) -> None:
    root = corpus("zh-feeds-opml")
    manifest = {
        row["path"]: row
        for row in map(json.loads, (root / "manifest.jsonl").read_text("utf-8").splitlines())
    }
    feeds = _chardet_feeds()
    undeclared = corpus("feedparser-cases") / "tests" / "illformed" / "chardet"
    feeds += [undeclared / "gb2312.xml", undeclared / "big5.xml"]
    passed = 0
    problems: list[str] = []
    for number, path in enumerate(feeds):
        # A library each: blog planets repeat entries, and a re-import moves an article.
        with Library(tmp_path / f"zh{number}.db") as library:
            outcome = import_sources(library, [str(path)]).outcomes[0]
            key = str(path.relative_to(root)) if path.is_relative_to(root) else ""
            row = manifest.get(key, {})
            if outcome.kind != "feed":
                # The HTML snippet saved as .xml is a page, not a feed; its text must decode.
                assert outcome.kind == "html" and outcome.added == 1, (path, outcome)
                text = decode_document(path.read_bytes()).text
                assert _HAN.search(text) and not _PUA.search(text), path
                passed += 1
                continue
            assert not outcome.failed, (path, outcome.error)
            (record,) = library.sources()
            category = library.category_path(record.category_id or 0)
            articles = [library.get(s.id) for s in library.page(limit=500).items]
            titles = [a.title for a in articles if a is not None]
            bodies = "".join(a.body for a in articles if a is not None)
        names = [*category, *titles]
        bad = [t for t in names if _PUA.search(t)]
        first = row.get("entry0_title")
        stored = {html_to_text(t) for t in titles}
        if bad or not _HAN.search("".join(names) + bodies):
            problems.append(f"{path.name}: doubtful titles {bad or names[:3]}")
        elif first and html_to_text(first) not in stored:
            problems.append(f"{path.name}: {first!r} not among {sorted(stored)[:3]}")
        else:
            passed += 1
    report("GB2312/Big5 feeds with clean Chinese titles", passed, len(feeds))
    assert not problems, "\n".join(problems)


def test_undeclared_gb2312_feed_title() -> None:
    path = corpus("feedparser-cases") / "tests" / "illformed" / "chardet" / "gb2312.xml"
    with notes.collect():
        try:
            loaded = load("xml", path.read_bytes(), str(path))
        except ParseError as error:  # pragma: no cover - reported by the assertion
            pytest.fail(f"{path}: {error}")
    assert next(iter(loaded.drafts)).title == "不归移民漫画系列：专业工作"
