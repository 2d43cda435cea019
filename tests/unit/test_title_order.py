"""The title order: Chinese titles in pinyin order, Latin ones among them without case, in the
store (every way a scope is listed, keyset paging), on the command line, for tags, and in a
library made before the order had keys (schema m012)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.library import old_library, run_cli

from reader.models import ArticleDraft, Cursor
from reader.store import Library
from reader.store import listing as store_listing
from reader.store.schema import _m012_key
from reader.text.sortkey import sort_key

TITLES = ["中国", "阿里", "北京", "Apple", "zebra", "Beijing", "《三体》", "重庆银行"]
PINYIN_ORDER = ["阿里", "Apple", "北京", "Beijing", "重庆银行", "《三体》", "zebra", "中国"]


def test_sort_key_spells_han_characters_in_pinyin_without_tones() -> None:
    assert sort_key("中国") == "zhong guo"
    assert sort_key("重庆银行") == "chong qing yin hang"  # readings from the phrase tables
    assert sort_key("《三体》") == "san ti"
    assert sort_key("Ａｐｐｌｅ, Inc.") == "apple inc"
    assert sort_key("Python入门 2024年") == "python ru men 2024 nian"
    assert sort_key("……") == "......"  # punctuation alone still has a key
    assert sorted(["中", "北", "阿"], key=sort_key) == ["阿", "北", "中"]
    assert sorted(TITLES, key=sort_key) == PINYIN_ORDER


def test_the_migration_computes_the_keys_the_live_code_does() -> None:
    samples = [*TITLES, "", "ＡＢＣ", "银行行长", "Ünïcode", "𠀀字", "a\u0301", "#问答", "2024"]
    assert [_m012_key(t) for t in samples] == [sort_key(t) for t in samples]


def _titles(lib: Library, scope: int = 0, limit: int = 50) -> list[str]:
    """Every title of a scope in title order, walked page by page along the cursors."""
    titles: list[str] = []
    after: Cursor | None = None
    while True:
        page = lib.page(scope, sort="title", after=after, limit=limit)
        titles += [item.title for item in page.items]
        if page.next is None:
            return titles
        after = page.next


@pytest.mark.parametrize("in_place", [10_000, 0], ids=["sorted", "walked"])
def test_titles_list_in_pinyin_order_however_the_scope_is_listed(
    library: Library, monkeypatch: pytest.MonkeyPatch, in_place: int
) -> None:
    monkeypatch.setattr(store_listing, "SORT_IN_PLACE", in_place)
    library.save([ArticleDraft(title=t, body=t, tags=("标签",)) for t in TITLES], category=["新闻"])
    library.save([ArticleDraft(title="Other", body="x")], category=["别的"])
    category = next(c.id for c in library.categories() if c.name == "新闻")
    tag = library.find_tag("标签")
    assert tag is not None
    assert _titles(library, category) == PINYIN_ORDER
    assert _titles(library, tag.scope) == PINYIN_ORDER
    assert _titles(library) == sorted([*PINYIN_ORDER, "Other"], key=sort_key)
    for limit in (1, 2, 3):  # keyset paging neither skips nor repeats a title
        assert _titles(library, category, limit=limit) == PINYIN_ORDER
    back = library.page(category, sort="title", limit=3, from_end=True)
    assert [i.title for i in back.items] == PINYIN_ORDER[-3:]


def test_a_retitled_article_moves_to_its_new_place(library: Library) -> None:
    library.save([ArticleDraft(title=t, body=t, url=f"https://x.test/{t}") for t in TITLES])
    library.save([ArticleDraft(title="啊", body="阿里", url="https://x.test/阿里")])
    assert _titles(library)[:2] == ["啊", "Apple"]
    assert library.check() == []


def test_the_command_line_lists_by_title_in_pinyin_order(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(db_path) as lib:
        lib.save([ArticleDraft(title=t, body=t) for t in TITLES])
    code, out, _ = run_cli(["list", "--db", str(db_path), "--sort", "title", "--json"], capsys)
    assert code == 0
    assert [a["title"] for a in json.loads(out)] == PINYIN_ORDER


def test_tags_are_listed_in_pinyin_order(library: Library) -> None:
    library.save([ArticleDraft(title="t", body="b", tags=("中国", "阿里", "北京", "Apple"))])
    assert [t.name for t in library.tags()] == ["阿里", "Apple", "北京", "中国"]


# -- libraries made before the title order had keys ---------------------------------------------


def test_an_older_library_gets_keys_and_lists_titles_in_pinyin_order(db_path: Path) -> None:
    old_library(db_path, "m012_title_order_by_pinyin", TITLES, tag="旧标签")
    with Library(db_path) as lib:
        assert _titles(lib) == PINYIN_ORDER
        assert _titles(lib, 1, limit=2) == PINYIN_ORDER
        tag = lib.find_tag("旧标签")
        assert tag is not None and _titles(lib, tag.scope) == PINYIN_ORDER
        lib.reindex()  # the rows above were written without the search index
        assert lib.check() == []
        stored = lib.db.conn.execute("SELECT title, title_key FROM articles").fetchall()
        assert all(key == sort_key(title) for title, key in stored)
        plan = " ".join(
            str(row)
            for row in lib.db.conn.execute(
                "EXPLAIN QUERY PLAN SELECT article_id FROM article_scopes INDEXED BY"
                " scopes_title_key WHERE scope_id = 0 AND (title_key, article_id) > ('b', 0)"
                " ORDER BY title_key, article_id LIMIT 5"
            )
        )
        assert "scopes_title_key" in plan and "TEMP B-TREE" not in plan
        # The triggers copy the keys of what is saved from now on.
        lib.save([ArticleDraft(title="八月", body="新")], category=["旧"])
        assert _titles(lib, 1)[:3] == ["阿里", "Apple", "八月"]
        assert lib.check() == []
