"""A random corpus for search tests and the brute-force scan every search result is checked against.

The corpus mixes scripts and the spellings search folds together: Traditional and Simplified
characters, full-width and half-width forms, NFC and NFD, ligatures and circled numbers.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta

from reader.models import ROOT_SCOPE, ArticleDraft, SearchHit
from reader.store import Library
from reader.text.fold import fold
from reader.text.query import parse_query

HAN = "中国经济人工智能朝鲜文章的发展市场新闻研究技术"
NFD_CAFE = unicodedata.normalize("NFD", "café")
"""`café` with its accent as a combining mark."""
_KANA_HANGUL = "ひらがなカタカナ한국어"
_WORDS = ["Hello", "world", "Python", "machine", "learning", "C++", "e-mail", "2024-01-01", "ß"]
_PUNCT = ["，", "。", " ", "\n\n", "## ", "“", "”", "-", "*", '"', "(", "AND", "NOT"]
VARIANTS = [
    "國", "国", "發", "髮", "发", "經濟", "经济", "中國", "ＡＢＣ１", "abc1", "Ｐｙｔｈｏｎ",
    "café", NFD_CAFE, "CAFÉ", "ﬁle", "file", "①", "1", "ｶﾞ", "ガ", "…", "...", "　",
]  # fmt: skip
"""Spellings that fold to the same text as one another (and a few that do not)."""


def _text(rng: random.Random, length: int) -> str:
    parts: list[str] = []
    while sum(len(p) for p in parts) < length:
        roll = rng.random()
        if roll < 0.6:
            parts.append("".join(rng.choices(HAN, k=rng.randint(1, 6))))
        elif roll < 0.7:
            parts.append("".join(rng.choices(_KANA_HANGUL, k=rng.randint(1, 4))))
        elif roll < 0.78:
            parts.append(rng.choice(_WORDS))
        elif roll < 0.85:
            parts.append(rng.choice(VARIANTS))
        else:
            parts.append(rng.choice(_PUNCT))
    return "".join(parts)


def corpus(count: int = 240, seed: int = 7) -> list[ArticleDraft]:
    """Deterministic drafts: mixed scripts, punctuation, few distinct days and tied times."""
    rng = random.Random(seed)
    base = datetime(2023, 5, 1, 9, 0, 0)
    drafts = []
    for number in range(count):
        # Three days only, and many articles in the same second: ties must still sort exactly.
        published = base + timedelta(days=rng.randint(0, 2), seconds=rng.choice([0, 0, 1, 59]))
        drafts.append(
            ArticleDraft(
                title=f"{_text(rng, rng.randint(2, 10))} {number}",
                body=_text(rng, rng.randint(0, 200)),
                category=(rng.choice(["国际", "科技"]), rng.choice(["亚洲", "欧洲"])),
                published=published,
                url=f"https://example.org/{number}",
            )
        )
    return drafts


def brute_force(lib: Library, query: str, scope: int = ROOT_SCOPE) -> list[int]:
    """Ids of every matching article, newest first, by scanning every folded title and body."""
    parsed = parse_query(query)
    found = []
    for article_id in _all_ids(lib, scope):
        article = lib.get(article_id)
        assert article is not None
        title, body = fold(article.title), fold(article.body)
        if all(t in title or t in body for t in parsed.include) and not any(
            t in title or t in body for t in parsed.exclude
        ):
            found.append((article.published, article.id))
    return [i for _, i in sorted(found, reverse=True)]


def _all_ids(lib: Library, scope: int) -> Iterator[int]:
    page = lib.page(scope, limit=500)
    while True:
        yield from (item.id for item in page.items)
        if page.next is None:
            return
        page = lib.page(scope, limit=500, after=page.next)


def ids(hits: list[SearchHit]) -> list[int]:
    return [hit.summary.id for hit in hits]
