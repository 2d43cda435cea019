"""Views across categories: Unread, Starred and saved searches, each the reader's own, with
counts (bounded for searches), pages and random reading; and `tag:` in searches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.library import make_drafts
from support.search import brute_force, corpus

from reader.store import Library, LibraryError
from reader.store import views as views_module


@pytest.fixture
def lib(db_path: Path) -> Library:
    library = Library(db_path, user="alice")
    library.save(corpus(120))
    library.seed_random(3)
    return library


def by_name(lib: Library) -> dict[str, tuple[int, int, bool]]:
    return {v.name: (v.total, v.unread, v.exact) for v in lib.views()}


def every(lib: Library, view_name: str) -> list[int]:
    view = lib.find_view(view_name)
    assert view is not None
    found, page = [], lib.view_page(view, limit=7)
    while True:
        found += [s.id for s in page.items]
        if page.next is None:
            return found
        page = lib.view_page(view, after=page.next, limit=7)


def test_builtin_views_count_and_list_the_readers_own(lib: Library, db_path: Path) -> None:
    newest = [s.id for s in lib.page(limit=10).items]
    for article_id in newest[:3]:
        lib.set_read(article_id)
    for article_id in newest[2:6]:
        lib.set_starred(article_id)
    assert by_name(lib) == {"Unread": (117, 117, True), "Starred": (4, 3, True)}
    assert every(lib, "starred") == newest[2:6]
    assert every(lib, "Unread") == [s.id for s in lib.page(limit=500, unread_only=True).items]
    with Library(db_path, user="bob") as bob:
        assert {v.name: v.total for v in bob.views()} == {"Unread": 120, "Starred": 0}


def test_a_view_page_can_start_at_an_offset(lib: Library) -> None:
    """A jump into a view (End in the app's list) reads from an offset when no cursor is known."""
    newest = [s.id for s in lib.page(limit=30).items]
    for article_id in newest[:20]:
        lib.set_starred(article_id)
    lib.save_search("中国新闻", "中国")
    for name in ("Starred", "Unread", "中国新闻"):
        whole = every(lib, name)
        view = lib.find_view(name)
        assert view is not None
        jumped = lib.view_page(view, offset=len(whole) - 4, limit=10)
        assert [s.id for s in jumped.items] == whole[-4:], name


def test_saved_searches_count_list_rename_and_delete(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib.save_search("中国新闻", "中国")
    lib.save_search("机器", '"machine learning"')
    expected = brute_force(lib, "中国")
    assert by_name(lib)["中国新闻"] == (len(expected), len(expected), True)
    assert every(lib, "中国新闻") == expected
    lib.set_read(expected[0])
    assert by_name(lib)["中国新闻"][1] == len(expected) - 1  # counts follow the change
    monkeypatch.setattr(views_module, "COUNT_BOUND", 5)
    lib.save_search("常见", "的")
    total, _, exact = by_name(lib)["常见"]
    assert (total, exact) == (5, False)
    lib.rename_search("机器", "ML")
    lib.delete_search("常见")
    assert [v.name for v in lib.views()] == ["Unread", "Starred", "中国新闻", "ML"]
    with pytest.raises(LibraryError, match="nothing to search for"):
        lib.save_search("空", "  ")
    with pytest.raises(LibraryError, match="no saved search"):
        lib.delete_search("无")


def test_a_saved_searchs_results_are_kept_while_only_marks_change(
    lib: Library, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading articles recounts a saved search's unread without searching again; new articles,
    from this library or another program, search again."""
    expected = brute_force(lib, "中国")
    assert lib.search_counts("中国") == (len(expected), len(expected), True)
    searches: list[str] = []
    search_page = lib.search_page

    def counting(query: str, *args: object, **kwargs: object) -> object:
        searches.append(query)
        return search_page(query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lib, "search_page", counting)
    for article_id in expected[:3]:
        lib.set_read(article_id)
    lib.set_starred(expected[0])
    lib.set_state("ui.scope", 3)
    assert lib.search_counts("中国") == (len(expected), len(expected) - 3, True)
    assert searches == []
    new = replace(corpus(1)[0], title="中国 新的一篇", url="https://example.org/new")
    lib.save([new])
    assert lib.search_counts("中国")[0] == len(expected) + 1
    assert searches == ["中国"]
    with Library(db_path, user="alice") as other:
        other.save([replace(new, title="中国 另一篇", url="https://example.org/other")])
    assert lib.search_counts("中国")[0] == len(expected) + 2
    assert searches == ["中国", "中国"]


def test_random_reading_in_a_view_walks_it_without_repeats(lib: Library) -> None:
    lib.save_search("朝", "朝")
    view = lib.find_view("朝")
    assert view is not None
    expected = set(brute_force(lib, "朝"))
    picked = [lib.random_in_view(view).id for _ in range(len(expected))]  # type: ignore[union-attr]
    assert set(picked) == expected
    for summary in lib.page(limit=500).items[:110]:
        lib.set_read(summary.id)
    unread = lib.find_view("Unread")
    assert unread is not None
    left = {s.id for s in lib.page(limit=500, unread_only=True).items}
    assert {lib.random_in_view(unread).id for _ in range(40)} <= left  # type: ignore[union-attr]


def test_tag_in_a_search(db_path: Path) -> None:
    with Library(db_path) as lib:
        drafts = [
            replace(d, tags=("茶",) if n % 2 else ("咖啡",), url=f"https://example.org/{n}")
            for n, d in enumerate(make_drafts(8))
        ]
        lib.save(drafts)
        tea = {s.id for s in lib.page(lib.find_tag("茶").scope).items}  # type: ignore[union-attr]
        assert {h.summary.id for h in lib.search("tag:茶", limit=50)} == tea
        assert {h.summary.id for h in lib.search("文章 tag:茶", limit=50)} == tea
        assert {h.summary.id for h in lib.search("第3篇 tag:茶", limit=50)} <= tea
        assert lib.search("tag:没有", limit=50) == []
        assert lib.search('tag:"茶" 第2篇', limit=50) == []


def test_related_articles_share_rare_terms_category_and_tags(db_path: Path) -> None:
    from datetime import datetime, timedelta

    from reader.models import ArticleDraft

    base = datetime(2024, 1, 1)
    filler = [
        ArticleDraft(
            title=f"日常记录第{n}天",
            body="今天天气不错，去公园散步。" * 3,
            category=("生活",),
            published=base + timedelta(hours=n),
            url=f"https://example.org/f{n}",
        )
        for n in range(30)
    ]
    pandas = [
        ArticleDraft(
            title=title,
            body="熊猫基地的饲养员介绍了竹子和繁育。" + extra,
            category=("动物",),
            tags=("熊猫",),
            published=base + timedelta(days=2, hours=n),
            url=f"https://example.org/p{n}",
        )
        for n, (title, extra) in enumerate(
            [
                ("大熊猫繁育新进展", "幼崽很健康。"),
                ("熊猫基地见闻", "游客很多。"),
                ("竹子与熊猫", ""),
            ]
        )
    ]
    with Library(db_path) as lib:
        lib.save(filler + pandas)
        first = lib.find_tag("熊猫")
        assert first is not None
        [one, *others] = [s.id for s in lib.page(first.scope).items]
        related = [s.id for s in lib.related(one)]
        assert set(related[:2]) == set(others) and one not in related
        assert len(related) <= 5


def test_related_articles_are_the_same_once_common_terms_are_remembered(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timedelta

    from reader.models import ROOT_SCOPE, ArticleDraft
    from reader.store import related as related_module

    monkeypatch.setattr(related_module, "SAMPLE", 5)  # 今天, 天气... in all 12: too common
    related_module.forget_common()
    base = datetime(2024, 1, 1)
    drafts = [
        ArticleDraft(
            title=f"第{n}篇：今天天气不错" + ("，熊猫基地" if n % 4 == 0 else ""),
            body="今天天气不错，去公园散步。" + ("熊猫吃竹子。" if n % 4 == 0 else ""),
            category=("生活",),
            published=base + timedelta(hours=n),
            url=f"https://example.org/r{n}",
        )
        for n in range(12)
    ]
    with Library(db_path) as lib:
        lib.save(drafts)
        ids = [s.id for s in lib.page(ROOT_SCOPE, limit=20).items]
        fresh = {a: [s.id for s in lib.related(a)] for a in ids}
        assert related_module.remembered() > 0
        again = {a: [s.id for s in lib.related(a)] for a in ids}
    assert again == fresh
    assert any(fresh.values())
