"""Property: any string, once sanitised, renders in the reading pane and the list without raising,
and what is drawn holds no control character, not even one the Markdown renderer decodes from an
entity or an autolink's percent-encoding."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from support.hostile import BIDI

from reader.models import Article
from reader.text.sanitize import sanitize, sanitize_line
from reader.ui.layout import ArticleView, build_page, layout
from reader.ui.wrapping import fit as _fit

NASTY = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(list("[]/@=*_`#>|-\\\n\r\t\x1b\x9b\u202e\u200d中文한글")),
        # Spellings that only the renderer decodes: entities and an autolink's percent-encoding.
        st.sampled_from(["&#x202E;", "&rlm;", "&#x2066;", "&#155;", "<http://a/", "%1B%5B2J"]),
    ),
    max_size=300,
).map("".join)


def _controls(text: str) -> list[str]:
    return [c for c in text if (c not in "\n\t" and unicodedata.category(c) == "Cc") or c in BIDI]


@settings(max_examples=200, deadline=None)
@given(title=NASTY, body=NASTY, name=NASTY, width=st.integers(min_value=1, max_value=120))
def test_any_sanitised_text_renders(title: str, body: str, name: str, width: int) -> None:
    article = Article(
        id=1,
        title=sanitize_line(title) or "untitled",
        category_id=1,
        category=(sanitize_line(name),),
        published="2024-01-01T00:00:00",
        views=0,
        read=False,
        starred=False,
        progress=0.0,
        author=sanitize_line(name),
        url="",
        tags=(sanitize_line(name),),
        body=sanitize(body),
        source="",
    )
    page = build_page(ArticleView(article, ()))
    lines, _ = layout(page.blocks, width)
    assert lines
    for line in lines:
        assert _controls(line.content.plain) == []
    row = _fit(sanitize_line(title), max(1, width))
    assert _controls(row) == []
