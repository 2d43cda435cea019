"""Store figures of the views, tags and related articles (issue 15), on the benchmark libraries.

- The tree with its views: what the app reads before its first frame (categories, the library's
  counts, Unread, Starred and the saved searches uncounted, the tags with their counts).
- Ten saved searches of common words: counting them once the articles may have changed (each
  search run again, up to its bound of 1,000 results), after one of the reader's read marks (the
  unread among the kept results counted again), and while nothing changed (kept).
- Related articles of a random article (with the terms found too common remembered, as in the
  app after its first article, and without, as for its first), and the first page of Starred.

The saved searches are added to the library (under the benchmark's reader) if missing, so the UI
benchmark's tree shows them too.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

from reader.models import ROOT_SCOPE
from reader.store import related
from reader.store.library import Library

if TYPE_CHECKING:
    from bench.store_bench import Bench

SAVED_SEARCHES = {
    "的": "的",
    "中国": "中国",
    "经济": "经济",
    "发展": "发展",
    "问题": "问题",
    "时候": "时候",
    "技术": "技术",
    "人工智能": "人工智能",
    "数据": "数据",
    "Python": "Python",
}
"""Ten saved searches of words found in many articles (the case that costs the most)."""
STARRED = 200
"""Articles starred for the Starred view's page."""


def ensure_saved_searches(library: Library) -> None:
    """Save the benchmark's searches and star a few articles, unless done already."""
    have = {v.name for v in library.views(count_searches=False)}
    for name, query in SAVED_SEARCHES.items():
        if name not in have:
            library.save_search(name, query)
    starred = next(v for v in library.views(count_searches=False) if v.kind == "starred")
    if starred.total < STARRED:
        for summary in library.page(ROOT_SCOPE, limit=STARRED * 50).items[::50]:
            library.set_starred(summary.id)


def tree_with_views(library: Library) -> None:
    """What the app reads to draw its tree (see `reader.ui.workers.load_shelves`)."""
    library.categories()
    library.counts(ROOT_SCOPE)
    library.views(count_searches=False)
    library.tags()


def run(bench: Bench) -> None:
    """Record the views' figures in `bench`."""
    from bench.store_bench import replay, traced_selects

    lib = bench.lib
    ensure_saved_searches(lib)
    sql = traced_selects(lib, lambda: tree_with_views(lib))
    bench.record(
        "tree with views and tags", lambda: tree_with_views(lib), replay(bench.plain, sql), sql
    )
    queries = list(SAVED_SEARCHES.values())
    runs = max(5, bench.runs // 5)
    article = lib.page(ROOT_SCOPE, limit=1).items[0].id

    def read_mark(library: Library, run_number: int) -> None:
        library.set_read(article, run_number % 2 == 0)

    for name, change in (
        # An empty write that may change articles: every kept result is stale after it.
        ("count 10 saved searches (articles changed)", _empty_change),
        # The reader's own read mark, as opening an article writes: the unread are recounted.
        ("count 10 saved searches (after a read mark)", read_mark),
    ):
        times: list[float] = []
        for run_number in range(runs):
            change(lib, run_number)
            began = time.perf_counter()
            for query in queries:
                lib.search_counts(query)
            times.append((time.perf_counter() - began) * 1000)
        bench.record_times(name, times, [])
    lib.set_read(article, False)
    bench.record(
        "count 10 saved searches (kept)", lambda: [lib.search_counts(q) for q in queries], None, []
    )
    rng = random.Random(2)
    total = lib.counts(ROOT_SCOPE)[0]
    ids = [s.id for s in lib.page(ROOT_SCOPE, offset=rng.randrange(total - 100), limit=100).items]
    picks = iter(rng.choices(ids, k=(bench.runs + 3) * 3))  # three records, warm-up included
    bench.record("related articles (5)", lambda: lib.related(next(picks), 5), None, [])

    def first_related() -> object:
        related.forget_common()  # as the first article opened after the app starts
        return lib.related(next(picks), 5)

    bench.record("related articles (5), the first after start", first_related, None, [])
    starred = next(v for v in lib.views(count_searches=False) if v.kind == "starred")
    bench.record("first page of Starred", lambda: lib.view_page(starred, limit=50), None, [])


def _empty_change(library: Library, run_number: int) -> None:
    """A write transaction that writes nothing, counted as one that may change articles."""
    with library.transaction():
        pass
