"""The two articles of fixed size (5 KB and 50 KB) the UI benchmark opens, in `bench/sizes`.

They are saved once into the benchmark library through `Library.save`, the app's own write path;
the save is an upsert keyed by URL, so running the benchmark again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.generate import model
from reader.models import ArticleDraft
from reader.store.library import Library

CATEGORY = ("bench", "sizes")
SIZES_BYTES = {"5 KB": 5_000, "50 KB": 50_000}


@dataclass(frozen=True, slots=True)
class SizedArticle:
    """One of the fixed-size articles as stored: its id, title and body size."""

    name: str
    id: int
    title: str
    body_bytes: int
    body_chars: int


def sized_body(target: int, seed: int = 1) -> str:
    """Chinese-like Markdown (the generator's sentences and headings) of at least `target` bytes."""
    m = model(seed)
    rng = random.Random(f"reader-bench:ui:{target}")
    parts: list[str] = []
    size = 0
    while size < target:
        if parts and rng.random() < 0.2:
            block = "## " + rng.choice(m.headings)
        else:
            block = "".join(rng.choices(m.sentences, k=rng.randint(2, 6)))
        parts.append(block)
        size += len(block.encode()) + 2
    return "\n\n".join(parts)


def _draft(name: str, target: int, order: int) -> ArticleDraft:
    return ArticleDraft(
        title=f"性能测试 {name} 样文",
        body=sized_body(target),
        category=CATEGORY,
        published=datetime(2020, 1, 1, 12, 0, order),
        views=0,
        author="bench",
        url=f"https://bench.example/ui/{name.replace(' ', '').lower()}.html",
    )


def ensure_sized_articles(db: Path) -> list[SizedArticle]:
    """Save the 5 KB and 50 KB articles into `db` (an upsert: a no-op when present)."""
    drafts = {
        name: _draft(name, target, order)
        for order, (name, target) in enumerate(sorted(SIZES_BYTES.items(), key=lambda x: -x[1]))
    }
    with Library(db, create=False) as lib:
        result = lib.save(drafts.values(), source="bench:ui-sizes")
        found = []
        for (name, draft), article_id in zip(drafts.items(), result.article_ids, strict=True):
            found.append(
                SizedArticle(
                    name=name,
                    id=article_id,
                    title=draft.title,
                    body_bytes=len(draft.body.encode()),
                    body_chars=len(draft.body),
                )
            )
    return sorted(found, key=lambda a: SIZES_BYTES[a.name])


def sizes_scope(db: Path) -> int:
    """The category id of `bench/sizes` in `db`."""
    with Library(db, create=False) as lib:
        found = lib.find_category(CATEGORY)
    if found is None:
        raise RuntimeError(f"{db} has no {'/'.join(CATEGORY)} category")
    return found.id
