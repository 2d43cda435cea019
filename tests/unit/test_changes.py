"""Managing a library from where one reads: bulk read marks, deleting and moving articles,
renaming, moving, merging and deleting categories; each exact (counts, random reading, search)
and each taken back by undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len as cell_width
from support.search import brute_force, corpus, ids

from reader.models import ROOT_SCOPE, ArticleDraft, Category
from reader.store import Library, LibraryError
from reader.store.changes import TITLE_WIDTH

QUERIES = ("中国", "经济 -中", "python", "朝", '"machine learning"')


@pytest.fixture
def lib(db_path: Path) -> Iterator[Library]:
    """240 articles under 国际/亚洲, 国际/欧洲, 科技/亚洲 and 科技/欧洲."""
    with Library(db_path, user="alice") as library:
        library.save(corpus())
        library.seed_random(5)
        yield library


def cat(lib: Library, path: str) -> Category:
    found = lib.find_category(tuple(path.split("/")))
    assert found is not None, path
    return found


def snapshot(lib: Library) -> tuple[object, ...]:
    """Everything a reader can see of the library's shape: tree, counts, lists and search."""
    tree = [(c.path, c.total, c.unread) for c in lib.categories()]
    lists = {c.path: [s.id for s in lib.page(c.id, limit=500).items] for c in lib.categories()}
    found = {q: ids(lib.search(q, limit=500)) for q in QUERIES}
    return tree, lib.counts(), lists, found


def exact(lib: Library) -> None:
    """The store's invariants hold and every search equals the brute-force scan."""
    assert lib.check() == []
    for query in QUERIES:
        assert ids(lib.search(query, limit=500)) == brute_force(lib, query)
    for category in lib.categories():
        assert lib.counts(category.id)[0] == len(lib.page(category.id, limit=500).items)
    # Random reading walks every article of a scope once (its numbers are dense).
    scope = lib.categories()[0].id
    total = lib.counts(scope)[0]
    assert len({lib.random_article(scope).id for _ in range(total)}) == total  # type: ignore[union-attr]


def test_mark_read_a_subtree_then_undo(lib: Library) -> None:
    before = snapshot(lib)
    asia = cat(lib, "国际/亚洲")
    change = lib.mark_read(scope=cat(lib, "国际").id)
    assert change.articles == cat(lib, "国际").total
    assert cat(lib, "国际").unread == 0 and cat(lib, "科技").unread == cat(lib, "科技").total
    assert all(s.read for s in lib.page(asia.id, limit=500).items)
    lib.undo(change)
    assert snapshot(lib) == before
    exact(lib)


def test_mark_read_counts_only_what_changes_and_undo_keeps_earlier_marks(lib: Library) -> None:
    first = lib.page(limit=3).items
    lib.set_read(first[0].id)
    change = lib.mark_read()
    assert change.articles == 240 - 1
    lib.undo(change)
    assert lib.counts() == (240, 239)
    assert [s.read for s in lib.page(limit=3).items] == [True, False, False]


def test_mark_read_by_search_and_date_and_back_to_unread(lib: Library) -> None:
    matching = set(brute_force(lib, "中国"))
    change = lib.mark_read(query="中国")
    assert change.articles == len(matching)
    assert {s.id for s in lib.page(limit=500).items if s.read} == matching
    cutoff = sorted(s.published for s in lib.page(limit=500).items)[120]
    older = {s.id for s in lib.page(limit=500).items if s.published < cutoff}
    lib.mark_read(before=cutoff)
    assert {s.id for s in lib.page(limit=500).items if s.read} == matching | older
    back = lib.mark_read(read=False, scope=cat(lib, "科技").id)
    in_tech = {s.id for s in lib.page(cat(lib, "科技").id, limit=500).items}
    assert back.articles == len((matching | older) & in_tech)
    assert cat(lib, "科技").unread == cat(lib, "科技").total
    exact(lib)


def test_another_readers_marks_are_left_alone(lib: Library, db_path: Path) -> None:
    with Library(db_path, user="bob") as bob:
        bob.mark_read()
        lib.mark_read(scope=cat(lib, "国际").id, read=True)
        lib.delete([s.id for s in lib.page(cat(lib, "国际/亚洲").id).items[:5]])
        assert bob.counts() == (235, 0)
        assert lib.check() == []


def test_delete_articles_then_undo_puts_them_back_with_their_ids(lib: Library) -> None:
    victims = [s.id for s in lib.page(limit=7).items]
    lib.set_starred(victims[0])
    lib.set_read(victims[1])
    before = snapshot(lib)
    change = lib.delete(victims)
    assert change.articles == 7 and change.summary == "Deleted 7 articles"
    assert all(lib.get(i) is None for i in victims)
    exact(lib)
    lib.undo(change)
    assert lib.get(victims[0]).starred and lib.get(victims[1]).read  # type: ignore[union-attr]
    assert snapshot(lib) == before
    exact(lib)


def test_a_change_to_one_article_names_it(lib: Library) -> None:
    lib.save(
        [
            ArticleDraft(
                title="一篇很长很长的标题，" * 6 + "\x1b[2J末尾", body="b", category=("科技",)
            )
        ]
    )
    article = lib.search("末尾", limit=1)[0].summary
    target = cat(lib, "国际/欧洲")
    moved = lib.move_articles([article.id], target.id)
    title = moved.summary.removeprefix("Moved “").removesuffix("” to 国际/欧洲")
    assert title != moved.summary and title.endswith("…") and "\x1b" not in title
    assert cell_width(title) <= TITLE_WIDTH
    deleted = lib.delete([article.id])
    assert deleted.summary == f"Deleted “{title}”"
    lib.undo(deleted)
    assert lib.delete([article.id, 1]).summary == "Deleted 2 articles"


def test_a_category_left_empty_goes_unless_a_subscription_is_filed_in_it(lib: Library) -> None:
    europe = cat(lib, "科技/欧洲")
    lib.delete([s.id for s in lib.page(europe.id, limit=500).items])
    assert lib.find_category(("科技", "欧洲")) is None
    lib.record_source("https://example.org/feed.xml", "feed", category=("国际", "欧洲"))
    change = lib.delete([s.id for s in lib.page(cat(lib, "国际/欧洲").id, limit=500).items])
    assert cat(lib, "国际/欧洲").total == 0
    lib.undo(change)
    assert cat(lib, "国际/欧洲").total > 0
    exact(lib)


def test_rename_move_merge_and_undo_each(lib: Library) -> None:
    before = snapshot(lib)
    changes = [lib.rename_category(cat(lib, "科技").id, "技术")]
    with pytest.raises(LibraryError, match="already a category"):
        lib.rename_category(cat(lib, "国际/亚洲").id, "欧洲")
    changes.append(lib.move_category(cat(lib, "技术/亚洲").id, cat(lib, "国际/欧洲").id))
    assert cat(lib, "国际/欧洲/亚洲").total > 0
    exact(lib)
    changes.append(lib.move_category(cat(lib, "国际/欧洲/亚洲").id, None))
    exact(lib)
    changes.append(lib.merge_category(cat(lib, "技术").id, cat(lib, "国际").id))
    assert lib.find_category(("技术",)) is None
    assert cat(lib, "国际/欧洲").total == len(lib.page(cat(lib, "国际/欧洲").id, limit=500).items)
    exact(lib)
    with pytest.raises(LibraryError, match="into itself or its own"):
        lib.move_category(cat(lib, "国际").id, cat(lib, "国际/欧洲").id)
    for change in reversed(changes):
        lib.undo(change)
        assert lib.check() == []
    assert snapshot(lib) == before
    exact(lib)


def test_delete_a_category_with_its_articles_or_keeping_them_elsewhere(lib: Library) -> None:
    before = snapshot(lib)
    total = cat(lib, "国际").total
    lib.record_source("https://example.org/asia.xml", "feed", category=("国际", "亚洲"))
    gone = lib.delete_category(cat(lib, "国际").id)
    assert gone.articles == total and lib.counts() == (240 - total, 240 - total)
    assert lib.find_category(("国际",)) is None and lib.sources(kinds=("feed",)) == []
    exact(lib)
    lib.undo(gone)
    assert [s.location for s in lib.sources(kinds=("feed",))] == ["https://example.org/asia.xml"]
    assert snapshot(lib) == before
    kept = lib.delete_category(cat(lib, "科技").id, keep_articles_in=cat(lib, "国际/亚洲").id)
    assert lib.find_category(("科技",)) is None and lib.counts()[0] == 240
    exact(lib)
    with pytest.raises(LibraryError, match="cannot be kept in the category being deleted"):
        lib.delete_category(cat(lib, "国际").id, keep_articles_in=cat(lib, "国际/亚洲").id)
    lib.undo(kept)
    assert snapshot(lib) == before
    exact(lib)


def test_a_change_is_undone_once(lib: Library) -> None:
    change = lib.mark_read()
    lib.undo(change)
    with pytest.raises(LibraryError, match="already undone"):
        lib.undo(change)


def test_moving_articles_follows_counts_for_every_reader(lib: Library, db_path: Path) -> None:
    with Library(db_path, user="bob") as bob:
        moved = [s.id for s in lib.page(cat(lib, "国际/亚洲").id, limit=10).items]
        bob.mark_read(ids=moved[:4])
        target = cat(lib, "科技/欧洲")
        change = lib.move_articles(moved, target.id)
        assert change.articles == 10
        assert bob.counts(target.id) == (target.total + 10, target.total + 10 - 4)
        lib.undo(change)
        assert bob.counts(cat(lib, "国际/亚洲").id)[1] == cat(lib, "国际/亚洲").total - 4
        assert lib.check() == [] and ROOT_SCOPE == 0


def test_undo_after_a_reindex_indexes_the_articles_again(lib: Library) -> None:
    victims = [s.id for s in lib.page(limit=20).items]
    change = lib.delete(victims)
    lib.reindex()
    lib.undo(change)
    exact(lib)
