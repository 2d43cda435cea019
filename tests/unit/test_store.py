"""The library store: saving, identity, paging, counts, random reading and state."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.library import make_drafts, old_library

from reader.models import ROOT_SCOPE, Article, ArticleDraft
from reader.store import Library, LibraryError, LibraryReadOnly
from reader.store.idset import IdSet
from reader.store.listing import Sort
from reader.text.sortkey import sort_key


def test_save_is_idempotent_and_updates_changed_content(library: Library) -> None:
    drafts = [replace(d, url=f"https://example.org/{i}") for i, d in enumerate(make_drafts(10))]
    first = library.save(drafts, source="a.jsonl")
    assert (first.added, first.updated, first.unchanged) == (10, 0, 0)
    again = library.save(drafts, source="a.jsonl")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10)
    drafts[3] = replace(drafts[3], body="全新的正文")
    changed = library.save(drafts, source="a.jsonl")
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 9)
    assert library.counts() == (10, 10)


def test_without_url_or_guid_identity_is_the_content(library: Library) -> None:
    drafts = make_drafts(2)
    library.save(drafts)
    library.save([drafts[0], replace(drafts[1], body="改过的正文")])
    assert library.counts() == (3, 3)
    guided = [replace(d, guid="file:/x/a.txt") for d in make_drafts(1)]
    library.save(guided)
    result = library.save([replace(guided[0], body="再次修改")])
    assert (result.added, result.updated) == (0, 1)


def test_url_spellings_are_one_article(library: Library) -> None:
    spellings = [
        "https://Example.com/a",
        "http://example.com/a/",
        "https://EXAMPLE.com/a?utm_source=feed",
        "https://example.com/a#frag",
        "http://www.example.com/a",
    ]
    for i, url in enumerate(spellings):
        library.save([ArticleDraft(title="同一篇", body=f"版本 {i}", url=url)])
    assert library.counts() == (1, 1)
    article = library.get(library.page().items[0].id)
    assert article is not None and article.body == "版本 4"


def test_unsafe_links_are_not_kept(library: Library) -> None:
    ids = library.save(
        [
            ArticleDraft(title="a", url="javascript:alert(1)"),
            ArticleDraft(title="b", url="--output=/etc/passwd"),
            ArticleDraft(title="c", url="file:///etc/passwd"),
        ]
    ).article_ids
    assert [library.get(i).url for i in ids] == ["", "", ""]  # type: ignore[union-attr]


def test_hostile_text_is_sanitised_on_save(library: Library) -> None:
    [article_id] = library.save(
        [ArticleDraft(title="T\x1b]0;pwned\x07itle\r\nx", body="a\x1b[2Jb\rc", author="\x9b31mA")]
    ).article_ids
    article = library.get(article_id)
    assert article is not None
    assert (article.title, article.body, article.author) == ("Title x", "ab\nc", "A")


def test_subtree_counts_and_paths(library: Library) -> None:
    library.save(make_drafts(3, category=("国际", "亚洲")))
    library.save(make_drafts(2, category=("国际", "欧洲"), start=3))
    library.save(make_drafts(1, category=("科技",), start=5))
    tree = {c.path: c for c in library.categories()}
    assert tree[("国际",)].total == 5
    assert tree[("国际", "亚洲")].total == 3
    assert tree[("国际", "亚洲")].depth == 1
    assert [c.path for c in library.categories()][:3] == [
        ("国际",),
        ("国际", "亚洲"),
        ("国际", "欧洲"),
    ]
    first = library.page(ROOT_SCOPE).items[0]
    library.count_view(first.id)
    assert library.counts(ROOT_SCOPE) == (6, 5)
    assert library.category_path(tree[("国际", "欧洲")].id) == ("国际", "欧洲")


def test_keyset_pages_walk_everything_in_order(library: Library) -> None:
    library.save(make_drafts(57))
    seen: list[str] = []
    page = library.page(limit=10)
    seen += [i.published for i in page.items]
    while page.next:
        page = library.page(after=page.next, limit=10)
        seen += [i.published for i in page.items]
    assert len(seen) == 57
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize("sort", ["views", "title"])
def test_other_sorts_page_without_gaps(library: Library, sort: str) -> None:
    library.save(make_drafts(23))
    ids: list[int] = []
    page = library.page(sort=sort, limit=5)  # type: ignore[arg-type]
    ids += [i.id for i in page.items]
    while page.next:
        page = library.page(sort=sort, after=page.next, limit=5)  # type: ignore[arg-type]
        ids += [i.id for i in page.items]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 23
    items = library.summaries(ids)
    if sort == "views":
        assert [i.views for i in items] == sorted((i.views for i in items), reverse=True)
    else:
        assert [i.title for i in items] == sorted((i.title for i in items), key=sort_key)


def test_unread_only_and_offset(library: Library) -> None:
    library.save(make_drafts(8))
    newest = library.page(limit=8).items
    library.set_read(newest[0].id)
    unread = library.page(unread_only=True, limit=8).items
    assert newest[0].id not in [i.id for i in unread] and len(unread) == 7
    assert library.page(offset=5, limit=2).items == newest[5:7]
    library.set_read(newest[0].id, False)
    assert library.counts() == (8, 8)


def test_random_never_repeats_until_scope_exhausted(library: Library) -> None:
    library.save(make_drafts(40, category=("甲",)))
    library.save(make_drafts(7, category=("乙",), start=40))
    scope = library.find_category(("乙",))
    assert scope is not None
    picks = [library.random_article(scope.id) for _ in range(7)]
    assert len({p.id for p in picks if p}) == 7
    assert all(p is not None and p.category_id == scope.id for p in picks)
    whole = {library.random_article().id for _ in range(47)}  # type: ignore[union-attr]
    assert len(whole) == 47


def test_random_stays_uniform_after_deletes(library: Library) -> None:
    ids = library.save(make_drafts(30)).article_ids
    library.delete(ids[::3])
    remaining = set(ids) - set(ids[::3])
    picks = {library.random_article().id for _ in range(len(remaining))}  # type: ignore[union-attr]
    assert picks == remaining
    rows = library.db.conn.execute(
        "SELECT scope_id, count(*), min(seq), max(seq), count(DISTINCT seq) FROM article_scopes"
        " GROUP BY scope_id"
    ).fetchall()
    for _scope, count, low, high, distinct in rows:
        assert (low, high, distinct) == (0, count - 1, count)


def test_random_sample_excludes_and_is_distinct(library: Library) -> None:
    ids = library.save(make_drafts(12)).article_ids
    sample = library.random_sample(count=5, exclude=[ids[0]])
    assert len(sample) == 5 and len({s.id for s in sample}) == 5
    assert ids[0] not in {s.id for s in sample}
    assert library.random_sample(count=5, exclude=ids) == []


def test_importing_an_article_again_elsewhere_updates_it_but_never_moves_it(
    library: Library,
) -> None:
    draft = replace(make_drafts(1, category=("甲",))[0], url="https://example.org/a")
    [article_id] = library.save([draft]).article_ids
    edited = replace(draft, category=("乙", "丙"), body="改过的正文")
    assert library.save([edited]).updated == 1
    assert library.save([edited], category=("丁",)).unchanged == 1
    article = library.get(article_id)
    assert article is not None and article.category == ("甲",) and article.body == "改过的正文"
    # No category was made for an article that stayed where it was.
    assert [c.path for c in library.categories()] == [("甲",)]


def test_state_round_trips(library: Library) -> None:
    assert library.get_state("last", {"x": 1}) == {"x": 1}
    library.set_state("last", {"category": 3, "title": "中文"})
    assert library.get_state("last") == {"category": 3, "title": "中文"}


def test_reading_state(library: Library) -> None:
    [article_id] = library.save(make_drafts(1)).article_ids
    library.count_view(article_id)
    library.count_view(article_id)
    library.set_starred(article_id)
    library.set_progress(article_id, 1.7)
    article = library.get(article_id)
    assert article is not None
    assert (article.views, article.read, article.starred, article.progress) == (2, True, True, 1.0)


def test_reopen_keeps_everything_and_migrates_once(db_path: Path) -> None:
    with Library(db_path) as lib:
        lib.save(make_drafts(3))
    with Library(db_path) as lib:
        assert lib.counts() == (3, 3)
        applied = lib.db.conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
        assert applied >= 1
        assert lib.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_untitled_draft_rolls_back_the_whole_source(library: Library) -> None:
    drafts = [*make_drafts(3), ArticleDraft(title="  ")]
    with pytest.raises(LibraryError, match="no title"):
        library.save(drafts)
    assert library.counts() == (0, 0)


def test_published_keeps_local_wall_clock(library: Library) -> None:
    [article_id] = library.save(
        [ArticleDraft(title="t", published=datetime(2024, 11, 13, 17, 49, 38))]
    ).article_ids
    assert library.get(article_id).published == "2024-11-13T17:49:38"  # type: ignore[union-attr]


class TestBadFiles:
    """Every wrong --db path is one clear error and changes nothing."""

    def test_missing_folder(self, tmp_path: Path) -> None:
        with pytest.raises(LibraryError, match="does not exist"):
            Library(tmp_path / "nope" / "x.db")
        assert not (tmp_path / "nope").exists()

    def test_folder(self, tmp_path: Path) -> None:
        with pytest.raises(LibraryError, match="is a folder"):
            Library(tmp_path)

    def test_not_sqlite(self, tmp_path: Path) -> None:
        path = tmp_path / "notes.db"
        path.write_bytes(b"hello, this is not a database" * 100)
        before = path.read_bytes()
        with pytest.raises(LibraryError, match="not a reader library"):
            Library(path)
        assert path.read_bytes() == before

    def test_other_sqlite_database(self, tmp_path: Path) -> None:
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE mine (x)")
        conn.commit()
        conn.close()
        with pytest.raises(LibraryError, match=r"database of another program \(tables: mine\)"):
            Library(path)
        names = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
        assert names == [("mine",)]

    def test_corrupt(self, db_path: Path) -> None:
        with Library(db_path) as lib:
            lib.save(make_drafts(50))
        data = bytearray(db_path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)
        db_path.write_bytes(bytes(data))
        with pytest.raises(LibraryError) as caught:
            Library(db_path)
        assert "\n" not in str(caught.value) and str(db_path) in str(caught.value)

    def test_read_only_file_opens_for_reading(self, db_path: Path) -> None:
        with Library(db_path) as lib:
            lib.save(make_drafts(2))
            lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_path.chmod(0o444)
        try:
            with Library(db_path) as lib:
                assert lib.readonly and lib.counts() == (2, 2)
                with pytest.raises(LibraryReadOnly, match="read-only"):
                    lib.save(make_drafts(1, start=9))
        finally:
            db_path.chmod(0o644)


def test_a_dateless_source_keeps_its_first_import_time(library: Library) -> None:
    draft = ArticleDraft(title="没有日期", body="正文", guid="file:/x/a.md")
    [article_id] = library.save([draft]).article_ids
    library.db.execute("UPDATE articles SET published = ? WHERE id = ?", ("2020-01-02T03:04:05", 1))
    again = library.save([draft])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert library.get(article_id).published == "2020-01-02T03:04:05"  # type: ignore[union-attr]


def test_a_draft_without_body_never_erases_the_stored_body(library: Library) -> None:
    moment = datetime(2024, 11, 13, 17, 49, 38)
    full = ArticleDraft(title="有正文", body="完整的正文。", url="https://example.org/1")
    no_url = ArticleDraft(title="无链接", body="另一段正文。", published=moment)
    first_id, second_id = library.save([full, no_url]).article_ids
    listing = [replace(full, body="", published=None), replace(no_url, body="")]
    again = library.save(listing)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert again.article_ids == (first_id, second_id)
    assert library.get(first_id).body == "完整的正文。"  # type: ignore[union-attr]
    assert library.get(second_id).body == "另一段正文。"  # type: ignore[union-attr]
    # Metadata still updates from a listing.
    changed = library.save([replace(full, body="", author="新作者")])
    assert changed.updated == 1
    article = library.get(first_id)
    assert article is not None and article.author == "新作者" and article.body == "完整的正文。"


@pytest.mark.parametrize("sort", ["published", "views", "title"])
def test_pages_read_from_the_end_match_pages_from_the_start(library: Library, sort: str) -> None:
    library.save(make_drafts(37), source="s")
    whole = [item.id for item in library.page(sort=sort, limit=100).items]  # type: ignore[arg-type]
    for offset in (0, 5, 30, 36):
        back = library.page(sort=sort, offset=offset, limit=7, from_end=True)  # type: ignore[arg-type]
        stop = len(whole) - offset
        assert [item.id for item in back.items] == whole[max(0, stop - 7) : stop]
        assert back.next is None


@pytest.mark.parametrize("in_place", [0, 6, 10_000], ids=["walked", "mixed", "sorted"])
@pytest.mark.parametrize("sort", ["published", "views", "title"])
def test_every_way_of_listing_a_category_gives_its_exact_order(
    library: Library, monkeypatch: pytest.MonkeyPatch, sort: Sort, in_place: int
) -> None:
    """Categories are listed by their own index, by sorting, or by walking the whole library's
    index (`listing.how_to_list`); each gives the order a plain sort of the category gives."""
    from reader.store import listing

    monkeypatch.setattr(listing, "SORT_IN_PLACE", in_place)
    drafts = [
        ArticleDraft(
            title=("Beta" if n % 4 else "alpha") + f" 第{n % 5}篇",  # ties on purpose
            body=f"正文 {n}",
            category=("大类", "小类") if n % 3 else ("大类",) if n % 2 else ("别类",),
            published=datetime(2024, 5, 1) + timedelta(hours=(n * 7) % 13),
            views=n % 6,
            url=f"https://example.org/order/{n}",
        )
        for n in range(40)
    ]
    library.save(drafts)
    every = [library.get(i) for i in range(1, 200)]
    articles = [a for a in every if a is not None]
    read = {a.id for a in articles[::5]}
    for article_id in read:
        library.set_read(article_id)

    def ordered(chosen: list[Article]) -> list[Article]:
        if sort == "title":
            return sorted(chosen, key=lambda a: (sort_key(a.title), a.id))
        if sort == "views":
            return sorted(chosen, key=lambda a: (a.views, a.id), reverse=True)
        return sorted(chosen, key=lambda a: (a.published, a.id), reverse=True)

    for category in library.categories():
        members = [a for a in articles if a.category[: len(category.path)] == category.path]
        for unread_only in (False, True):
            wanted = [a.id for a in ordered(members) if not (unread_only and a.id in read)]
            walked: list[int] = []
            page = library.page(category.id, sort=sort, limit=4, unread_only=unread_only)
            while True:
                walked += [item.id for item in page.items]
                if page.next is None:
                    break
                page = library.page(
                    category.id,
                    sort=sort,
                    after=page.next,
                    limit=4,
                    unread_only=unread_only,
                )
            assert walked == wanted, (category.path, unread_only)
            jumped = library.page(
                category.id, sort=sort, offset=3, limit=4, unread_only=unread_only
            )
            assert [i.id for i in jumped.items] == wanted[3:7]
            back = library.page(category.id, sort=sort, offset=2, limit=3, from_end=True)
            if not unread_only:
                end = len(wanted) - 2
                assert [i.id for i in back.items] == wanted[max(0, end - 3) : end]


def test_an_older_library_gets_the_whole_library_sort_indexes(db_path: Path) -> None:
    titles = [f"第{i}篇 文章 number {i}" for i in range(30)]
    # As m001 made them: one index per scope for each order.
    old_library(db_path, "m003_sort_indexes_for_the_whole_library", titles)
    with Library(db_path) as lib:
        indexes = dict(
            lib.db.conn.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE name IN ('scopes_views', 'scopes_title', 'scopes_title_key')"
            ).fetchall()
        )
        assert set(indexes) == {"scopes_views", "scopes_title_key"}
        assert all("WHERE scope_id = 0" in sql for sql in indexes.values())
        by_views = [i.views for i in lib.page(sort="views", limit=100).items]
        assert by_views == sorted(by_views, reverse=True) and len(by_views) == 30
        by_title = [i.title for i in lib.page(sort="title", limit=100).items]
        assert by_title == sorted(titles, key=sort_key)
        lib.reindex()  # the old library's rows were written without the search index
        assert lib.check() == []


def test_id_set_holds_exactly_the_ids_added() -> None:
    ids = IdSet([3, 0, 3, 1_000_003])
    ids.update(range(8, 17))
    assert len(ids) == 12
    assert [i for i in range(1_000_010) if i in ids] == [0, 3, *range(8, 17), 1_000_003]
    assert -1 not in ids and "3" not in ids and 10**9 not in ids


def test_save_keeps_the_first_of_two_drafts_of_one_article(library: Library) -> None:
    earlier = library.save([ArticleDraft(title="早先", body="一")])
    result = library.save(
        [
            ArticleDraft(title="同链接", body="甲", url="https://example.org/a", category=("一",)),
            ArticleDraft(title="同链接", body="乙", url="https://example.org/a", category=("二",)),
            ArticleDraft(title="早先", body="一", category=("三",)),
        ],
        earlier=IdSet(earlier.article_ids),
    )
    assert (result.added, result.updated, result.unchanged, result.repeated) == (1, 0, 2, 2)
    first = library.get(result.article_ids[0])
    assert first is not None and (first.body, first.category) == ("甲", ("一",))
    kept = library.get(earlier.article_ids[0])
    assert kept is not None and kept.category == ("Uncategorised",)


def test_a_save_keeps_its_changes_in_a_larger_page_cache_until_its_transaction_ends(
    library: Library,
) -> None:
    from reader.store.transactions import SAVING_CACHE_KIB

    conn = library.db.conn
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    assert -SAVING_CACHE_KIB < before <= 0
    with library.transaction():
        library.save(make_drafts(3))
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -SAVING_CACHE_KIB
        library.save([replace(d, title=d.title + "二") for d in make_drafts(2)])
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
    with pytest.raises(RuntimeError), library.transaction():
        library.save(make_drafts(1))
        raise RuntimeError("given up")
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
    assert library.counts()[0] == 5


def test_new_articles_of_one_save_share_their_tags(library: Library) -> None:
    drafts = [
        replace(d, url=f"https://example.org/{i}", tags=("共同", f"自己{i}", "共同"))
        for i, d in enumerate(make_drafts(6))
    ]
    library.save(drafts[:4])
    found = {t.name: t.total for t in library.tags()}
    assert found == {"共同": 4, "自己0": 1, "自己1": 1, "自己2": 1, "自己3": 1}
    # One save: a tag dropped by an update (and gone with its last article), then new articles
    # carrying it again and a new one.
    library.save(
        [replace(drafts[0], tags=("别的",)), *drafts[4:], replace(drafts[0], url="", body="另一篇")]
    )
    found = {t.name: t.total for t in library.tags()}
    assert found == {
        "共同": 6,
        "别的": 1,
        "自己0": 1,
        "自己1": 1,
        "自己2": 1,
        "自己3": 1,
        "自己4": 1,
        "自己5": 1,
    }
