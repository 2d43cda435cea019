"""Search: exact recall against a brute-force scan, true newest-first order, pages, scopes, and an
index kept in step with saves, updates, deletions, rollbacks and `reindex`."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.search import HAN, brute_force, corpus, ids

from reader.models import ArticleDraft
from reader.store import Library
from reader.text.fold import fold
from reader.text.query import match_spans, parse_query, snippet


# A small alphabet so that 1- to 4-character terms occur often, in several articles each.
@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library(tmp_path_factory.mktemp("search") / "library.db")
    lib.save(corpus())
    yield lib
    lib.close()


def _terms(lib: Library) -> list[str]:
    """Substrings of stored texts: 1-4 character CJK terms, Latin words, starts and ends."""
    rng = random.Random(3)
    terms = [*HAN[:8], "中国", "经济", "朝鲜", "人工智能", "技术研究", "한국", "カタ"]
    terms += ["hello", "HELLO", "ell", "python", "c++", "e-mail", "2024-01-01", "ss", "SS", "ß"]
    for article_id in rng.sample(range(1, 241), 30):
        article = lib.get(article_id)
        assert article is not None
        text = article.body or article.title
        terms += [text[:1], text[:2], text[-2:], text[-4:], article.title[:3]]
        at = rng.randrange(len(text))
        terms.append(text[at : at + rng.randint(1, 5)])
    return [t for t in dict.fromkeys(terms) if t.strip() and '"' not in t]


def test_single_terms_equal_brute_force(filled: Library) -> None:
    for term in _terms(filled):
        quoted = f'"{term}"' if " " in term or term.startswith("-") else term
        got = ids(filled.search(quoted, limit=10_000))
        assert got == brute_force(filled, quoted), term


@pytest.mark.parametrize(
    "query",
    [
        '"machine learning"',
        '"Hello world"',
        "中国 经济",
        "经济 中国",
        "人工 python",
        "中国 -经济",
        "中 -人工智能",
        '的 -"C++"',
        "-中国 文章",
        '"中国，"',
        "AND",
        "NOT",
        "*",
        "(",
        "-",
        "## ",
        '"unclosed phrase',
    ],
)
def test_mixed_queries_equal_brute_force(filled: Library, query: str) -> None:
    assert ids(filled.search(query, limit=10_000)) == brute_force(filled, query)


def test_scope_limits_results_to_a_subtree(filled: Library) -> None:
    category = filled.find_category(("国际",))
    assert category is not None
    got = ids(filled.search("中", category.id, limit=10_000))
    assert got == brute_force(filled, "中", category.id)
    assert 0 < len(got) < len(brute_force(filled, "中"))


def test_pages_by_cursor_and_offset_walk_the_same_order(filled: Library) -> None:
    everything = brute_force(filled, "的")
    assert len(everything) > 30
    walked: list[int] = []
    page = filled.search_page("的", limit=7)
    while True:
        walked += [hit.summary.id for hit in page.hits]
        if page.next is None:
            break
        page = filled.search_page("的", limit=7, after=page.next)
    assert walked == everything
    assert ids(filled.search("的", limit=5, offset=10)) == everything[10:15]


def test_best_match_puts_titles_holding_every_word_first(filled: Library) -> None:
    # Words of one or two characters are decided by the index alone (no text is read), longer
    # ones are checked against the text; exclusions apply to the title and the body alike.
    for query in (
        "中国",
        "经济 的",
        "hello",
        "经济 -中国",
        "的 -经济 -国",
        "中国 -hello",
        "hello -的",
    ):
        everything = brute_force(filled, query)
        parsed = parse_query(query)
        titled = [i for i in everything if parsed.in_title(_title(filled, i))]
        expected = titled + [i for i in everything if i not in titled]
        hits = filled.search(query, order="best", limit=10_000)
        assert ids(hits) == expected, query
        assert [h.in_title for h in hits] == [i in titled for i in expected]
        walked: list[int] = []
        page = filled.search_page(query, order="best", limit=4)
        while True:
            walked += [hit.summary.id for hit in page.hits]
            if page.next is None:
                break
            page = filled.search_page(query, order="best", limit=4, after=page.next)
        assert walked == expected
        for hit in hits[:20]:
            article = filled.get(hit.summary.id)
            assert article is not None
            assert hit.snippet == snippet(article.title, article.body, parsed)[0]


def _title(lib: Library, article_id: int) -> str:
    article = lib.get(article_id)
    assert article is not None
    return article.title


def test_snippets_show_the_first_match_with_its_spans(filled: Library) -> None:
    spellings = set()
    for hit in filled.search("经济", limit=50):
        if hit.snippet and "经济" not in fold(_title(filled, hit.summary.id)):
            assert "\n" not in hit.snippet
            assert hit.spans
            for start, end in hit.spans:
                assert fold(hit.snippet[start:end]) == "经济"
                spellings.add(hit.snippet[start:end])
    assert spellings == {"经济", "經濟"}


def test_match_spans_are_case_insensitive_and_map_back_through_folding() -> None:
    assert match_spans("Hello HELLO", "hello") == [(0, 5), (6, 11)]
    # "ß" folds to "ss": spans index the original text.
    assert match_spans("Straße STRASSE", "strasse") == [(0, 6), (7, 14)]
    assert match_spans("人工智能和人工", "人工 智能") == [(0, 4), (5, 7)]
    assert match_spans("abc", "") == []
    assert match_spans("aaaa", "aa") == [(0, 4)]


def _save(lib: Library, title: str, body: str, url: str, when: datetime) -> int:
    result = lib.save([ArticleDraft(title=title, body=body, url=url, published=when)])
    return result.article_ids[0]


def _consistent(lib: Library) -> None:
    conn = lib.db.conn
    conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
    docs = conn.execute("SELECT count(*) FROM search_docs WHERE article_id > 0").fetchone()[0]
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert docs == articles


def test_updates_and_deletions_keep_the_index_in_step(library: Library) -> None:
    when = datetime(2024, 3, 1, 12, 0, 0)
    first = _save(library, "旧标题", "朝鲜半岛的新闻", "https://example.org/a", when)
    other = _save(library, "其他", "经济新闻", "https://example.org/b", when)
    assert ids(library.search("朝鲜")) == [first]
    _save(library, "新标题", "人工智能的进展", "https://example.org/a", when)
    assert ids(library.search("朝鲜")) == []
    assert ids(library.search("旧标题")) == []
    assert ids(library.search("人工智能")) == [first]
    assert ids(library.search("新闻")) == [other]
    # A new publication time moves the article in newest-first order.
    _save(library, "新标题", "人工智能的进展", "https://example.org/a", when - timedelta(days=9))
    _save(library, "其他", "经济新闻 人工智能", "https://example.org/b", when)
    assert ids(library.search("人工智能")) == [other, first]
    _consistent(library)
    assert library.delete([first]).articles == 1
    assert ids(library.search("人工智能")) == [other]
    _consistent(library)
    assert library.reindex() == 1
    assert ids(library.search("人工智能")) == [other]
    _consistent(library)


def test_the_same_article_twice_in_one_save_and_in_one_transaction(library: Library) -> None:
    when = datetime(2024, 3, 1)
    first, second, third = (
        ArticleDraft(title="标题", body=body, url="https://example.org/x", published=when)
        for body in ("第一版 朝鲜", "第二版 中国", "第三版 日本")
    )
    # In one save the first draft is kept (the second repeats it).
    assert library.save([first, second]).repeated == 1
    assert len(library.search("朝鲜")) == 1
    assert library.search("中国") == []
    _consistent(library)
    # Two saves in one transaction: the second is an update, indexed before the block ends.
    with library.transaction():
        library.save([second])
        library.save([third])
    assert len(library.search("日本")) == 1
    assert library.search("朝鲜") == library.search("中国") == []
    _consistent(library)


def test_a_failed_save_leaves_no_index_entries(library: Library) -> None:
    good = ArticleDraft(title="好的", body="朝鲜 新闻", url="https://example.org/1")
    with pytest.raises(Exception, match="no title"):
        library.save([good, ArticleDraft(title="", body="朝鲜")])
    assert library.search("朝鲜") == []
    _consistent(library)
    library.save([good])
    assert len(library.search("朝鲜")) == 1
    _consistent(library)


def test_reindex_rebuilds_an_index_that_was_lost(library: Library) -> None:
    library.save(corpus(60))
    before = ids(library.search("中国", limit=1000))
    conn = library.db.conn
    conn.execute("INSERT INTO search_index (search_index) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_docs")
    assert library.search("中国") == []
    assert library.reindex() == 60
    assert ids(library.search("中国", limit=1000)) == before == brute_force(library, "中国")


def test_an_older_library_is_indexed_when_it_is_upgraded(db_path: Path) -> None:
    with Library(db_path) as lib:
        lib.save(corpus(40))
        expected = brute_force(lib, "经济")
        conn = lib.db.conn
        for table in ("search_index", "search_titles", "search_docs"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_search_index'")
    with Library(db_path) as lib:
        assert ids(lib.search("经济", limit=1000)) == expected
        _consistent(lib)


def test_a_large_older_library_asks_for_reindex(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.store import search

    monkeypatch.setattr(search, "INDEX_ON_UPGRADE", 10)
    with Library(db_path) as lib:
        lib.save(corpus(20))
        conn = lib.db.conn
        for table in ("search_index", "search_titles", "search_docs"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_search_index'")
    with Library(db_path) as lib:
        with pytest.raises(search.SearchIndexStale, match="reader reindex"):
            lib.search("经济")
        assert lib.reindex() == 20
        assert ids(lib.search("经济", limit=100)) == brute_force(lib, "经济")


def test_small_and_large_scopes_give_the_same_results(
    filled: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.store import search_results

    category = filled.find_category(("科技", "亚洲"))
    assert category is not None
    for small in (0, 10_000):
        monkeypatch.setattr(search_results, "SMALL_SCOPE", small)
        for query in ("中", "经济 -中国", "hello"):
            assert ids(filled.search(query, category.id, limit=1000)) == brute_force(
                filled, query, category.id
            )
            best = filled.search_page(query, category.id, order="best", limit=3)
            assert best.next is None or len(best.hits) == 3


def _one_day_drafts() -> list[ArticleDraft]:
    day = datetime(2024, 2, 2, 8, 0, 0)
    drafts = [
        ArticleDraft(
            title=f"同一天 {n}",
            body="经济" if n % 3 else "中国",
            url=f"https://example.org/d/{n}",
            published=day + timedelta(minutes=(n * 37) % 50),
        )
        for n in range(15)
    ]
    drafts += [
        ArticleDraft(
            title="次日",
            body="经济",
            url="https://example.org/n",
            published=day + timedelta(days=1),
        ),
        ArticleDraft(
            title="前日",
            body="经济",
            url="https://example.org/p",
            published=day - timedelta(days=1),
        ),
    ]
    return drafts


@pytest.mark.parametrize("together", [False, True], ids=["one save each", "one save"])
def test_a_day_fuller_than_its_docid_range_stays_exact(
    library: Library, monkeypatch: pytest.MonkeyPatch, together: bool
) -> None:
    from reader.store import search

    monkeypatch.setattr(search, "_PER_DAY", 4)
    drafts = _one_day_drafts()
    if together:  # docids handed out within one transaction, the day's range overflowing in it
        library.save(drafts)
    else:  # each save allocates docids on top of the last
        for draft in drafts:
            library.save([draft])
    assert search.has_flag(library.db.conn, search.DISPLACED_KEY)
    docids = [row[0] for row in library.db.conn.execute("SELECT docid FROM search_docs")]
    assert len(docids) == len(set(docids)) == len(drafts)
    for query in ("经济", "同一天", "中国"):
        expected = brute_force(library, query)
        assert ids(library.search(query, limit=100)) == expected
        walked: list[int] = []
        page = library.search_page(query, limit=2)
        while True:
            walked += [hit.summary.id for hit in page.hits]
            if page.next is None:
                break
            page = library.search_page(query, limit=2, after=page.next)
        assert walked == expected
    library.reindex()
    assert ids(library.search("经济", limit=100)) == brute_force(library, "经济")
    _consistent(library)


def test_the_index_merges_segments_sixteen_at_a_time(db_path: Path) -> None:
    """New libraries and upgraded ones (m004) alike: fewer rewrites of the index per import."""

    def automerge(lib: Library) -> list[int]:
        return [
            lib.db.conn.execute(f"SELECT v FROM {t}_config WHERE k = 'automerge'").fetchone()[0]
            for t in ("search_index", "search_titles")
        ]

    with Library(db_path) as lib:
        assert automerge(lib) == [16, 16]
        for table in ("search_index", "search_titles"):
            lib.db.conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)")
        lib.db.conn.execute(
            "DELETE FROM _sqlite_migrations WHERE name = 'm004_search_index_merges'"
        )
        assert automerge(lib) == [4, 4]
    with Library(db_path) as lib:
        assert automerge(lib) == [16, 16]


def test_a_large_source_is_indexed_in_several_writes_and_stays_exact(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save whose index terms outgrow `BLOCK_CHARS` writes them part way, in one transaction:
    results stay exact, a later update in the same transaction finds what was written, and a
    failure still rolls every part back."""
    from reader.store import search

    monkeypatch.setattr(search, "BLOCK_CHARS", 2_000)
    writes: list[int] = []
    write = search._write

    def counted(conn: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
        writes.append(len(rows))
        write(conn, rows)

    monkeypatch.setattr(search, "_write", counted)
    drafts = corpus(60)
    library.save(drafts)
    assert len(writes) > 3 and sum(writes) == 60
    _consistent(library)
    for term in ("中国", "经济", "的"):
        assert ids(library.search(term, limit=1000)) == brute_force(library, term)
    with library.transaction():
        library.save(corpus(60)[:30])  # unchanged
        library.save([replace(drafts[0], body="换了 朝鲜半岛")])
    old_words = [c for c in drafts[0].body + drafts[0].title if c.isalnum()][:4]
    for term in ("朝鲜半岛", *old_words):
        assert ids(library.search(term, limit=1000)) == brute_force(library, term)
    assert brute_force(library, "朝鲜半岛") != []
    _consistent(library)
    before = ids(library.search("的", limit=1000))
    with pytest.raises(Exception, match="no title"):
        fresh = [replace(d, url=d.url + "/new") for d in corpus(60, seed=8)]
        library.save([*fresh, ArticleDraft(title="", body="朝鲜")])
    assert ids(library.search("的", limit=1000)) == before
    _consistent(library)
