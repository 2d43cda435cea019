"""Search folds the spellings of one text together (see `test_fold` for the folding itself):
every spelling of a query finds the same articles, results equal a brute-force scan of the
folded texts, and a library indexed before folding is indexed again (schema m011)."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.library import run_cli
from support.search import NFD_CAFE, VARIANTS, brute_force, corpus, ids

from reader.models import ArticleDraft
from reader.store import Library
from reader.text.fold import fold, simplified_characters


def _save(lib: Library, bodies: dict[str, str]) -> dict[str, int]:
    day = datetime(2024, 5, 1)
    drafts = [
        ArticleDraft(
            title="篇" + "甲乙丙丁戊己庚辛壬癸"[n],
            body=body,
            url=f"https://example.org/fold/{n}",
            published=day + timedelta(hours=n),
        )
        for n, body in enumerate(bodies.values())
    ]
    return dict(zip(bodies, lib.save(drafts).article_ids, strict=True))


def test_each_spelling_finds_the_articles_of_every_other(library: Library) -> None:
    saved = _save(
        library,
        {
            "nfc": "a café in town",
            "nfd": f"a {NFD_CAFE} in town",
            "simplified": "中国的头发",
            "traditional": "中國",
            "hair": "頭髮",
            "issue": "發展",
            "full": "型号ＡＢＣ１",
            "half": "model abc1",
            "ligature": "a ﬁle",
            "circled": "第①章",
        },
    )

    def found(query: str) -> set[str]:
        hits = {hit.summary.id for hit in library.search(query, limit=100)}
        assert sorted(hits, reverse=True) == brute_force(library, query)
        return {name for name, article_id in saved.items() if article_id in hits}

    assert found("café") == found(NFD_CAFE) == found("CAFÉ") == {"nfc", "nfd"}
    assert found("国") == found("國") == {"simplified", "traditional"}
    assert found("发") == found("發") == found("髮") == {"simplified", "hair", "issue"}
    assert found("头发") == found("頭髮") == {"simplified", "hair"}
    assert found("ABC1") == found("ＡＢＣ１") == {"full", "half"}
    assert found("file") == found("ﬁle") == {"ligature"}
    assert found("1") == found("①") == {"circled", "full", "half"}
    assert found("café -" + NFD_CAFE) == set()


def test_the_command_line_finds_the_other_normal_form(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(db_path) as lib:
        _save(lib, {"nfd": f"le {NFD_CAFE} du coin", "other": "ailleurs"})
    code, out, _ = run_cli(["search", "--db", str(db_path), "--json", "café"], capsys)
    assert code == 0 and "篇甲" in out and "篇乙" not in out


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = Library(tmp_path_factory.mktemp("folding") / "library.db")
    lib.save(corpus(160, seed=5))
    yield lib
    lib.close()


_TRADITIONAL: dict[str, str] = {}
for _source, _target in sorted(simplified_characters().items()):
    _TRADITIONAL.setdefault(_target, _source)


def _respell(text: str, how: str) -> str:
    """`text` written another way that folds to the same text."""
    if how == "nfd":
        return unicodedata.normalize("NFD", text)
    if how == "full-width":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if how == "traditional":
        return "".join(_TRADITIONAL.get(c, c) for c in text)
    if how == "upper":
        return text.upper()
    return text


_WORD = st.lists(
    st.sampled_from([*VARIANTS, *"中国经济人工智能发展市场新闻", "e", "ab", "C1"]),
    min_size=1,
    max_size=3,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    word=_WORD,
    other=st.one_of(st.none(), _WORD),
    how=st.sampled_from(["nfd", "full-width", "traditional", "upper"]),
    negate=st.booleans(),
)
def test_results_equal_the_folded_brute_force_in_every_spelling(
    filled: Library, word: str, other: str | None, how: str, negate: bool
) -> None:
    if not fold(word).strip():
        return  # nothing to search for

    def query(spell: str) -> str:
        wanted = f'"{_respell(word, spell)}"'
        if other is None:
            return wanted
        return wanted + (" -" if negate else " ") + f'"{_respell(other, spell)}"'

    expected = brute_force(filled, query("as it is"))
    assert ids(filled.search(query("as it is"), limit=10_000)) == expected
    respelled = query(how)
    assert ids(filled.search(respelled, limit=10_000)) == expected
    best = filled.search(respelled, order="best", limit=10_000)
    assert sorted(ids(best)) == sorted(expected)


# -- libraries indexed before folding ------------------------------------------------------------


def _index_without_folding(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index the library as the reader did before folding: case folding only."""
    from reader.text import query

    with monkeypatch.context() as patch:
        patch.setattr(query, "fold", str.casefold)
        lib.reindex()
    lib.db.conn.execute(
        "DELETE FROM _sqlite_migrations WHERE name = 'm011_search_index_folds_text'"
    )


def test_an_index_of_unfolded_text_is_rebuilt_on_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library(db_path) as lib:
        saved = _save(lib, {"traditional": "中國的發展", "full": "ＡＢＣ１"})
        _index_without_folding(lib, monkeypatch)
        assert lib.search("国") == []  # what the unfolded index gives
    with Library(db_path) as lib:
        assert ids(lib.search("国")) == ids(lib.search("發")) == [saved["traditional"]]
        assert ids(lib.search("abc1")) == [saved["full"]]
        conn = lib.db.conn
        conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")
        docs = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        assert docs == 2


def test_a_large_unfolded_library_asks_for_reindex_and_stays_consistent_meanwhile(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.store import search

    monkeypatch.setattr(search, "INDEX_ON_UPGRADE", 1)
    with Library(db_path) as lib:
        saved = _save(lib, {"traditional": "中國的發展", "full": "ＡＢＣ１"})
        _index_without_folding(lib, monkeypatch)
    with Library(db_path) as lib:
        with pytest.raises(search.SearchIndexStale, match="reader reindex"):
            lib.search("国")
        # Changes before the rebuild never meet the old terms in the index.
        lib.delete([saved["full"]])
        _save(lib, {"traditional": "中國的發展 新版"})
        assert lib.reindex() == 1
        assert ids(lib.search("国")) == [saved["traditional"]]
        assert lib.search("abc1") == []
        conn = lib.db.conn
        conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


def test_the_upgrade_leaves_an_empty_library_ready(db_path: Path) -> None:
    with Library(db_path) as lib:
        state = dict(lib.db.conn.execute("SELECT key, value FROM state").fetchall())
        assert "search.stale" not in state
        assert lib.search("国") == []
    plain = sqlite3.connect(db_path)
    try:
        names = [row[0] for row in plain.execute("SELECT name FROM _sqlite_migrations")]
    finally:
        plain.close()
    assert "m011_search_index_folds_text" in names
