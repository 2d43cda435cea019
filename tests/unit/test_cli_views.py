"""`reader views`, `search --save`, `tag`, `related` and `tag:` in searches."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.library import make_drafts, run_cli

from reader.store import Library


@pytest.fixture
def db(db_path: Path) -> Path:
    with Library(db_path) as lib:
        lib.save(
            [
                replace(d, tags=("茶",) if n < 3 else (), url=f"https://example.org/{n}")
                for n, d in enumerate(make_drafts(6))
            ]
        )
    return db_path


def test_saved_searches_are_views(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["search", "--db", str(db), "--save", "第一", "第1篇"], capsys)
    assert (code, out, err) == (0, "Saved the search '第一': 第1篇 (1 found)\n", "")
    code, out, _ = run_cli(["views", "--db", str(db), "--json"], capsys)
    assert [(v["name"], v["total"], v["unread"]) for v in json.loads(out)] == [
        ("Unread", 6, 6),
        ("Starred", 0, 0),
        ("第一", 1, 1),
    ]
    code, out, _ = run_cli(["views", "--db", str(db), "--user", "someone"], capsys)
    assert "第一" not in out and out.startswith("Unread  (6, 6 unread)")
    code, _, err = run_cli(["search", "--db", str(db), "--save", "空", "   "], capsys)
    assert code == 1 and err == "reader: nothing to search for\n"


def test_tag_adds_removes_and_shows(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Library(db) as lib:
        article_id = lib.page().items[0].id
    code, out, _ = run_cli(["tag", "--db", str(db), str(article_id), "+绿茶", "-茶"], capsys)
    assert (code, out) == (0, f"Tagged article {article_id}: #绿茶\n")
    code, out, _ = run_cli(["tag", "--db", str(db), "--json", str(article_id)], capsys)
    assert json.loads(out) == {"id": article_id, "tags": ["绿茶"]}
    code, _, err = run_cli(["tag", "--db", str(db), str(article_id), "茶"], capsys)
    assert code == 2 and err.count("\n") == 1 and "+TAG" in err
    code, out, _ = run_cli(["search", "--db", str(db), "--json", "tag:绿茶"], capsys)
    assert [a["id"] for a in json.loads(out)] == [article_id]


def test_related_lists_articles_or_says_there_is_no_such_article(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(db) as lib:
        article_id = lib.page().items[0].id
    code, out, _ = run_cli(["related", "--db", str(db), "--json", str(article_id)], capsys)
    found = json.loads(out)
    assert code == 0 and 1 <= len(found) <= 5 and article_id not in [a["id"] for a in found]
    code, _, err = run_cli(["related", "--db", str(db), "999999"], capsys)
    assert code == 1 and "no article with id 999999" in err
