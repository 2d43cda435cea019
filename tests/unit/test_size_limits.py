"""No article can freeze the reading pane: pathological content is laid out in bounded work.

Each case is built and wrapped the way the app does it (the page in the worker, the lines on
the UI thread). The bound checked is structural (lines per part, rows per table) with a generous
wall-clock guard against a freeze: a 200x50 table once took 21 s in a plain Markdown widget.
"""

from __future__ import annotations

import time

import pytest

from reader.models import Article
from reader.text.sanitize import sanitize
from reader.ui.layout import MAX_TABLE_ROWS, ArticleView, build_page, layout

FREEZE_GUARD_S = 5.0
MAX_LINES = 6000


def _table(columns: int, rows: int) -> str:
    head = "|" + "|".join(f"c{i}" for i in range(columns)) + "|"
    rule = "|" + "|".join("---" for _ in range(columns)) + "|"
    body = ["|" + "|".join(f"v{r}.{i}" for i in range(columns)) + "|" for r in range(rows)]
    return "\n".join([head, rule, *body])


CASES = {
    "wide table": _table(200, 50),
    "long table": _table(5, 5000),
    "1 MB Chinese line": "字" * 1_000_000,
    "1 MB ASCII line": "a" * 1_000_000,
    "100,000 combining marks": "e" + "\u0301" * 100_000,
    "5,000 nested quotes": ">" * 5000 + " deep",
    "2,000 nested lists": "\n".join("  " * i + "- item" for i in range(2000)),
    "5 MB article": ("这是一段很长的文字。" * 50 + "\n\n") * 10_000,
}


def _article(body: str) -> Article:
    return Article(
        id=1,
        title="big",
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
        body=sanitize(body),
        source="",
    )


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("width", [38, 100])
def test_pathological_content_is_bounded(name: str, width: int) -> None:
    began = time.perf_counter()
    page = build_page(ArticleView(_article(CASES[name])))
    lines, _ = layout(page.blocks, width)
    took = time.perf_counter() - began
    assert 0 < len(lines) <= MAX_LINES
    assert took < FREEZE_GUARD_S, f"{name} took {took:.1f} s"


def test_long_tables_are_cut_with_a_note() -> None:
    page = build_page(ArticleView(_article(_table(3, MAX_TABLE_ROWS + 50))))
    lines, _ = layout(page.blocks, 100)
    # 1,051 rows with the header, 1,000 of them shown.
    assert any("51 more rows not shown" in line.content.plain for line in lines)


def test_huge_articles_are_shown_in_parts() -> None:
    page = build_page(ArticleView(_article(CASES["5 MB article"])))
    assert page.parts > 10
    text = [block.content.plain for block in page.blocks]
    assert any(t.startswith("Part 1 of") for t in text)
    assert any("Continue: part 2" in t for t in text)
    last = build_page(ArticleView(_article(CASES["5 MB article"]), part=page.parts - 1))
    assert not any("Continue" in block.content.plain for block in last.blocks)
