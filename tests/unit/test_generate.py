"""The synthetic library generator is deterministic and writes what the JSONL importer reads."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from bench.generate import GENERATOR_VERSION, MAX_BODY, MIN_BODY, articles, category_paths, main

PINNED = "ce06c1df5d27b6087216c6d16dc3a961eac85e1cbaafb4494289e16aa5bdfdd5"
FIELDS = {"title", "category", "published", "views", "url", "author", "tags", "body"}


def test_same_seed_same_output() -> None:
    """Two runs with one seed agree; another seed differs."""
    assert list(articles(50, seed=1)) == list(articles(50, seed=1))
    assert list(articles(5, seed=1)) != list(articles(5, seed=2))


def test_output_is_pinned_to_the_generator_version() -> None:
    """The same bytes in every process; a change to the output must bump GENERATOR_VERSION.

    Benchmark libraries are cached by generator version, so silently different output would
    compare numbers from different libraries.
    """
    text = json.dumps(list(articles(20, seed=1)), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert (GENERATOR_VERSION, digest) == (1, PINNED)


def test_a_slice_matches_the_whole() -> None:
    """Article n is the same whether generated from 0 or from n (blocks are seeded alone)."""
    whole = list(articles(30, seed=2))
    assert list(articles(10, seed=2, start=20)) == whole[20:]


def test_fields_and_body_sizes() -> None:
    """Every field of the CLI's JSON article format, with bodies of 2-8 KB of UTF-8."""
    sample = list(articles(300, seed=1))
    sizes = [len(a["body"].encode()) for a in sample]
    assert all(2048 <= MIN_BODY <= s <= MAX_BODY <= 8192 for s in sizes)
    assert 4_000 < sum(sizes) / len(sizes) < 6_000
    assert len({a["url"] for a in sample}) == len(sample)
    for article in sample:
        assert set(article) == FIELDS
        assert datetime.fromisoformat(article["published"]).isoformat() == article["published"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", article["published"])
        assert isinstance(article["views"], int) and article["views"] >= 0
        assert article["url"].startswith("https://bench.example/")
        assert all(isinstance(t, str) and t for t in article["tags"])
    assert any(re.search(r"^## .+？$", a["body"], re.M) for a in sample)
    assert any(re.search(r"[A-Za-z]{3,}", a["body"]) for a in sample)
    published = [a["published"] for a in sample]
    assert published != sorted(published)


def test_three_levels_of_about_300_categories() -> None:
    """About 300 categories, three levels deep, every article in one of them."""
    paths = category_paths(seed=1)
    assert 250 <= len(paths) <= 350
    assert {len(p) for p in paths} == {1, 2, 3}
    assert len(set(paths)) == len(paths)
    known = set(paths)
    assert all(tuple(a["category"]) in known for a in articles(100, seed=1))


def test_files_round_trip_through_json(tmp_path: Path) -> None:
    """The command writes chunked JSON Lines files that decode to the generated articles."""
    assert main(["--count", "25", "--out", str(tmp_path), "--per-file", "10", "--seed", "2"]) == 0
    files = sorted(tmp_path.glob("*.jsonl"))
    assert [len(f.read_text(encoding="utf-8").splitlines()) for f in files] == [10, 10, 5]
    decoded = [
        json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()
    ]
    assert decoded == list(articles(25, seed=2))
