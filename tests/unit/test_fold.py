"""Folding for search (`reader.text.fold`, `reader.text.folded`): the spellings of one text fold
together (Unicode normal forms, full-width and half-width forms, compatibility and invisible
characters, case, Traditional and Simplified Chinese by OpenCC's character table); the fast path
agrees with the definition; the text check, snippets and highlights land on the original
characters however folding changed lengths."""

from __future__ import annotations

import unicodedata
from contextlib import nullcontext
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.search import NFD_CAFE

from reader.models import Article
from reader.text.fold import dropped, fold, simplified_characters
from reader.text.folded import Folded
from reader.text.query import _first_match, match_spans, parse_query, snippet
from reader.ui.layout import ArticleView, build_page, layout


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
