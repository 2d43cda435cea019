"""Search folds the spellings of one text together: Unicode normal forms (NFC and NFD `café`),
full-width and half-width forms, compatibility characters, case, and Traditional and Simplified
Chinese by OpenCC's character table. Results equal a brute-force scan of the folded texts, every
spelling of a query finds the same articles, and highlights land on the original characters
however folding changed lengths."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.library import run_cli
from support.search import VARIANTS, brute_force, corpus, ids

from reader.models import Article, ArticleDraft
from reader.store import Library
from reader.text.fold import Folded, dropped, fold, simplified_characters
from reader.text.query import _first_match, match_spans, parse_query, snippet
from reader.ui.layout import ArticleView, build_page, layout

NFD_CAFE = unicodedata.normalize("NFD", "café")
assert NFD_CAFE != "café"


def reference(text: str) -> str:
    """The definition of folding, step by step: ignorable characters dropped, NFKC, case
    folding, NFKC, then OpenCC's table (and what normalising made ignorable dropped too)."""
    table = simplified_characters()
    kept = "".join(char for char in text if not dropped(char))
    normal = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", kept).casefold())
    return "".join(table.get(char, char) for char in normal if not dropped(char))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("café", NFD_CAFE),
        ("CAFÉ", NFD_CAFE),
        ("国", "國"),
        ("发", "發"),
        ("发", "髮"),
        ("经济", "經濟"),
        ("台湾", "臺灣"),
        ("ABC1", "ＡＢＣ１"),
        ("fi", "ﬁ"),
        ("1", "①"),
        ("ガ", "ｶﾞ"),
        ("...", "…"),
        ("m2", "㎡"),
        (" ", "\u3000"),
        ("strasse", "Straße"),
        ("苎", "薴"),  # a chain in OpenCC's table: 薴 -> 苧 -> 苎
        ("한", "\u1112\u1161\u11ab"),  # conjoining jamo
        ("中国", "中\u200b国"),  # a zero-width space
        ("wikipedia", "Wiki\u00adpedia"),  # a soft hyphen
        ("葛城", "葛\U000e0100城"),  # an ideographic variation selector
        ("café", "cafe\u200d\u0301"),  # a joiner between a letter and its accent
    ],
)
def test_spellings_of_one_text_fold_together(one: str, other: str) -> None:
    assert fold(one) == fold(other)
    assert fold(fold(other)) == fold(other)


@pytest.mark.parametrize(("one", "other"), [("国", "图"), ("发", "法"), ("e", "é"), ("1", "2")])
def test_different_texts_stay_apart(one: str, other: str) -> None:
    assert fold(one) != fold(other)


def test_the_table_is_opencc_characters_closed_and_inert() -> None:
    table = simplified_characters()
    assert len(table) > 4_000
    for traditional, simplified in [("國", "国"), ("發", "发"), ("髮", "发"), ("後", "后")]:
        assert table[traditional] == simplified
    assert "国" not in table and "发" not in table
    for source, target in table.items():
        assert len(source) == len(target) == 1
        assert target not in table, (source, target)  # folding twice changes nothing
        for char in (source, target):  # untouched by normalisation and case, never combined
            assert unicodedata.normalize("NFKC", char) == char == char.casefold()
            assert unicodedata.combining(char) == 0


def test_every_character_folds_as_defined() -> None:
    """The fast path (one translate table) agrees with the definition for each code point of
    the planes that hold letters, compatibility characters and CJK ideographs."""
    wrong = [
        hex(code)
        for code in range(0x30000)
        if fold(chr(code)) != reference(chr(code))
    ]  # fmt: skip
    assert wrong == []


_TRICKY = [
    *"\u0301\u0300\u0316\u0327\u0308\u030c\u0345\u0307\u3099\u309a\uff9e\uff9f",
    *"\u1100\u1161\u11a8\u1112\u11ab\uac00\ud55cｶｷﾞﾟ①②ﬁﬂ…ＡＢａｂ１２\u3000㎡℃ΣσςİIǰJßẞᾳ",
    *"國国發髮发經濟经济臺灣台湾薴苧苎ae ",
    *"\u200b\u00ad\u034f\u200d\ufe0f\u3164\uffa0",  # dropped: zero-width, soft hyphen, fillers
    "\U000e0100",  # an ideographic variation selector
    "\U0002f800",  # a CJK compatibility ideograph beyond the BMP
    "\U0001d400",  # mathematical bold A
    "\U00020000",
]
_TEXT = st.text(st.one_of(st.sampled_from(_TRICKY), st.characters()), max_size=24)


@settings(max_examples=500, deadline=None)
@given(text=_TEXT)
def test_folding_is_the_definition_and_stable(text: str) -> None:
    folded = fold(text)
    assert folded == reference(text)
    assert fold(folded) == folded


@pytest.mark.parametrize("way", ["regions", "clusters"])
@settings(max_examples=300, deadline=None)
@given(text=_TEXT, data=st.data())
def test_spans_of_the_folded_text_map_back_to_what_folds_to_them(
    way: str, text: str, data: st.DataObject
) -> None:
    """Either way of mapping (the second is the fallback of the first) gives each piece of the
    folded text a part of the text that folds to it, whether it maps all of the text or, at
    first, only as far as it is asked."""
    forced = patch.object(Folded, "_by_regions", return_value=False)
    with forced if way == "clusters" else nullcontext():
        mapped = Folded(text)
        if not mapped.folded:
            return
        start = data.draw(st.integers(0, len(mapped.folded) - 1))
        stop = data.draw(st.integers(start + 1, len(mapped.folded)))
        first, last = mapped.span(start, stop)
        partly = Folded(text)
        assert partly.start(start) == first
        assert partly.span(start, stop) == (first, last)
    assert 0 <= first < last <= len(text)
    assert mapped.folded[start:stop] in fold(text[first:last])


_WORDS = st.text(st.sampled_from([*_TRICKY, *"中国经济的人"]), min_size=1, max_size=3)


@settings(max_examples=400, deadline=None)
@given(
    title=_TEXT,
    body=_TEXT,
    wanted=st.lists(_WORDS, min_size=1, max_size=2),
    unwanted=st.lists(_WORDS, max_size=2),
)
def test_the_text_check_is_containment_in_the_folded_texts(
    title: str, body: str, wanted: list[str], unwanted: list[str]
) -> None:
    """However `Query.matches` saves work (a word of ideographs found as written), it answers
    what the folded title and body say."""
    query = " ".join([*(f'"{w}"' for w in wanted), *(f'-"{w}"' for w in unwanted)])
    try:
        parsed = parse_query(query)
    except ValueError:
        return
    texts = (fold(title), fold(body))
    expected = all(any(t in x for x in texts) for t in parsed.include) and not any(
        t in x for t in parsed.exclude for x in texts
    )
    assert parsed.matches(title, body) == expected
    assert parsed.in_title(title) == all(t in texts[0] for t in parsed.include)


@pytest.mark.parametrize(
    ("text", "query", "spans"),
    [
        (NFD_CAFE + " café", "café", [(0, 5), (6, 10)]),
        ("café " + NFD_CAFE, NFD_CAFE, [(0, 4), (5, 10)]),
        ("中國人", "国", [(1, 2)]),
        ("髮與發", "发", [(0, 1), (2, 3)]),
        ("ＡＢＣ１２", "abc1", [(0, 4)]),
        ("型号ABC1", "ＡＢＣ１", [(2, 6)]),
        ("ﬁne", "fi", [(0, 1)]),
        ("ﬁne", "ine", [(0, 3)]),
        ("①②", "1", [(0, 1)]),
        ("等等…好", "...", [(2, 3)]),
        ("ｶﾞｷ", "ガ", [(0, 2)]),
        ("x\u1112\u1161\u11aby", "한", [(1, 4)]),
        ("Straße STRASSE", "strasse", [(0, 6), (7, 14)]),
        ("中\u200b国", "中国", [(0, 3)]),
        ("\u00adß", "ss", [(1, 2)]),  # one character folds to none, one to two
        ("x\u00adß", "x", [(0, 1)]),
    ],
)
def test_highlights_land_on_the_original_characters(
    text: str, query: str, spans: list[tuple[int, int]]
) -> None:
    assert match_spans(text, query) == spans


_PARTS = st.sampled_from(
    [
        *_TRICKY,
        "经济",
        "經濟",
        "中国",
        "中國",
        "的",
        "，",
        "……",
        NFD_CAFE,
        "café",
        "x" * 150,
        "文" * 150,
    ]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_PARTS, max_size=40), words=st.lists(_WORDS, min_size=1, max_size=2))
def test_a_snippet_starts_at_the_first_match_of_the_folded_body(
    parts: list[str], words: list[str]
) -> None:
    """The excerpt is placed by the first match in the whole folded body, although only a start
    of the body is folded where that settles it."""
    body = "".join(parts)
    try:
        query = parse_query(" ".join(f'"{w}"' for w in words))
    except ValueError:
        return
    whole = Folded(body)
    found = [at for at in (whole.folded.find(t) for t in query.include) if at >= 0]
    assert _first_match(body, query) == (whole.start(min(found)) if found else 0)


@pytest.mark.parametrize(
    ("body", "words", "first"),
    [
        ("x" * 396 + NFD_CAFE + " cafe", "cafe", 402),  # cut inside `é`: `cafe` is not there
        ("x" * 398 + "abc", "abc b", 398),  # `abc` crosses the cut, `b` is after its start
        ("x" * 500 + "經濟 经济", "经济", 500),  # as written later than another spelling
        ("x" * 500, "y", 0),
    ],
    ids=["cut inside a letter", "match across the cut", "another spelling first", "none"],
)
def test_a_snippet_is_placed_by_the_whole_body_near_the_cut(
    body: str, words: str, first: int
) -> None:
    assert _first_match(body, parse_query(words)) == first


def test_a_snippet_highlights_the_traditional_spelling() -> None:
    body = "开头……" + "很长的文字，" * 10 + "讲到中國的經濟。"
    text, spans = snippet("标题", body, parse_query("中国 经济"))
    assert [text[a:b] for a, b in spans] == ["中國", "經濟"]


def test_the_reading_pane_highlights_each_spelling_where_it_is() -> None:
    body = f"## 關於{NFD_CAFE}\n\n中國的ＡＢＣ１型号，ﬁle ① 和 髮型。"
    article = Article(
        id=1,
        title="臺灣的 Café",
        category_id=1,
        category=("测试",),
        published="2024-01-01T00:00:00",
        views=0,
        read=False,
        starred=False,
        progress=0.0,
        author="",
        url="",
        tags=(),
        body=body,
        source="",
    )
    terms = ("国", "café", "abc1", "fi", "1", "发", "台湾", "关于")
    page = build_page(ArticleView(article, (), terms=terms))
    lines, _ = layout(page.blocks, 120)
    marked = [
        line.content.plain[span.start : span.end]
        for line in lines
        for span in line.content.spans
        if span.style == "match"
    ]
    # Each search term is highlighted on its own: `1` lights the `１` of `ＡＢＣ１` too.
    expected = ["臺灣", "Café", "關於", NFD_CAFE, "國", "ＡＢＣ１", "１", "ﬁ", "①", "髮"]
    assert sorted(marked) == sorted(expected)


# -- the library --------------------------------------------------------------------------------


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
        "DELETE FROM _sqlite_migrations WHERE name = 'm005_search_index_folds_text'"
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
    assert "m005_search_index_folds_text" in names
