"""The commands that change a library: `mark-read`, `delete`, `category ...` and `feeds ...`.

Each says in one line what it did to what, or gives one line on stderr and a non-zero exit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.library import make_drafts, run_cli
from support.server import LocalServer, running_server

from reader.store import Library


@pytest.fixture
def db(db_path: Path) -> Path:
    """A library with 4 articles in 国际/亚洲, 3 in 国际/欧洲 and 2 in 科技."""
    with Library(db_path) as lib:
        lib.save(
            make_drafts(4, category=("国际", "亚洲"))
            + make_drafts(3, category=("国际", "欧洲"), start=10)
            + make_drafts(2, category=("科技",), start=20)
        )
    return db_path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A local HTTP server for the test."""
    with running_server() as local:
        yield local


def tree(db: Path) -> dict[tuple[str, ...], tuple[int, int]]:
    with Library(db) as lib:
        return {c.path: (c.total, c.unread) for c in lib.categories()}


def test_mark_read_a_category_a_search_a_date_and_back(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["mark-read", "--db", str(db), "--category", "国际/亚洲"], capsys)
    assert (code, out, err) == (0, "Marked 4 articles read\n", "")
    assert tree(db)[("国际",)] == (7, 3)
    code, out, _ = run_cli(["mark-read", "--db", str(db), "--search", "第21篇", "--json"], capsys)
    assert json.loads(out) == {"summary": "Marked 1 article read", "articles": 1}
    code, out, _ = run_cli(["mark-read", "--db", str(db), "--unread"], capsys)
    assert out == "Marked 5 articles unread\n"
    with Library(db) as lib:
        published = sorted(s.published for s in lib.page().items)
    code, out, _ = run_cli(["mark-read", "--db", str(db), "--before", published[3]], capsys)
    assert out == "Marked 3 articles read\n"


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (["mark-read"], ["--before", "2024-13-01"], "not a date: '2024-13-01'"),
        (["mark-read"], ["--category", "无此"], "no category '无此'"),
        (["delete"], ["424242"], "no article with id 424242"),
        (["category", "rename"], ["国际/亚洲", "欧洲"], "already a category '欧洲'"),
        (["category", "move"], ["国际", "国际/亚洲"], "into itself or its own subcategory"),
        (["category", "delete"], ["国际", "--keep-articles-in", "国际/欧洲"], "cannot be kept"),
        (["category", "rename"], ["国际", "a/b"], "not a usable category name"),
        (["feeds", "remove"], ["http://nowhere.example/"], "no feed"),
        (["feeds", "add"], ["file:///etc/passwd"], "not a feed address"),
    ],
)
def test_what_cannot_be_done_is_one_line_and_changes_nothing(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    args: list[str],
    message: str,
) -> None:
    before = tree(db)
    code, out, err = run_cli([*command, "--db", str(db), *args], capsys)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and message in err, err
    assert tree(db) == before


def test_reorganise_categories_from_the_command_line(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["category", "rename", "--db", str(db), "科技", "技术"], capsys)[1] == (
        "Renamed 科技 to 技术\n"
    )
    _, out, _ = run_cli(["category", "move", "--db", str(db), "国际/欧洲", "技术"], capsys)
    assert out == "Moved 欧洲 to 技术\n"
    assert tree(db)[("技术", "欧洲")] == (3, 3) and tree(db)[("国际",)] == (4, 4)
    _, out, _ = run_cli(["category", "move", "--db", str(db), "技术/欧洲", "/"], capsys)
    assert out == "Moved 欧洲 to the top level\n" and tree(db)[("欧洲",)] == (3, 3)
    _, out, _ = run_cli(["category", "merge", "--db", str(db), "欧洲", "国际"], capsys)
    assert out == "Merged 欧洲 into 国际 (3 articles)\n"
    assert ("欧洲",) not in tree(db) and tree(db)[("国际",)] == (7, 7)
    _code, out, _ = run_cli(
        ["category", "delete", "--db", str(db), "国际/亚洲", "--keep-articles-in", "技术"], capsys
    )
    assert out == "Deleted 国际/亚洲; its 4 articles moved to 技术\n"
    assert tree(db) == {("国际",): (3, 3), ("技术",): (6, 6)}
    _, out, _ = run_cli(["category", "delete", "--db", str(db), "国际"], capsys)
    assert out == "Deleted 国际 and its 3 articles\n"
    with Library(db) as lib:
        assert lib.counts() == (6, 6) and lib.check() == []


def test_delete_articles_by_id(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Library(db) as lib:
        ids = [s.id for s in lib.page(lib.find_category(("科技",)).id).items]  # type: ignore[union-attr]
    code, out, _ = run_cli(["delete", "--db", str(db), *map(str, ids)], capsys)
    assert (code, out) == (0, "Deleted 2 articles\n")
    assert ("科技",) not in tree(db)


def rss(*items: str) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>http://site.example/{t}</link></item>" for t in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>小站</title><link>http://site.example/</link>{entries}</channel></rss>"
    ).encode()


def test_feeds_add_list_refresh_failure_and_remove(
    db: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add("/feed.xml", rss("一", "二"), Content_Type="application/rss+xml")
    code, out, err = run_cli(["feeds", "add", "--db", str(db), "--category", "订阅", url], capsys)
    assert code == 0, err
    code, out, _ = run_cli(["feeds", "--db", str(db), "--json"], capsys)
    [feed] = json.loads(out)
    assert (feed["url"], feed["category"], feed["status"], feed["articles"]) == (
        url,
        ["订阅", "小站"],
        "ok",
        2,
    )
    server.routes["/feed.xml"].status = 503
    code, _, _ = run_cli(["refresh", "--db", str(db)], capsys)
    assert code == 1
    code, out, _ = run_cli(["feeds", "list", "--db", str(db)], capsys)
    assert "failed: HTTP 503" in out and "订阅/小站" in out and url in out
    code, out, _ = run_cli(["feeds", "remove", "--db", str(db), "--delete-articles", url], capsys)
    assert out == "Unsubscribed from 小站 and deleted its 2 articles\n"
    assert ("订阅", "小站") not in tree(db)
    code, out, _ = run_cli(["feeds", "--db", str(db)], capsys)
    assert out.startswith("No feeds yet")
