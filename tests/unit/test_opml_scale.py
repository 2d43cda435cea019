"""OPML lists are read in time linear in their size, however broken, however many folders.

Each large input is timed against one 10 or 20 times smaller (`support.timing`): a quadratic
reader (tags never closed once took minutes for a few hundred KB, 50,000 folders two minutes)
fails in seconds instead of running on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.timing import linear_limit, seconds_within

from reader.ingest.notes import collect
from reader.ingest.opml import MAX_DEPTH, read_opml
from reader.ingest.runner import import_sources
from reader.store import Library

pytestmark = pytest.mark.slow

MB = 1024 * 1024


def malformed(size: int) -> tuple[bytes, int]:
    """A broken OPML list of about `size` bytes, and how many feeds it holds.

    Each unit opens a folder it never closes, a feed tag it never ends with `>`, a feed with a
    bare `&` and quotes inside quotes, and an unterminated comment-like run of `<`.
    """
    units: list[str] = ['<?xml version="1.0"?><opml version="1.0"><head><title>坏 & 乱</title>']
    units.append("</head><body>\n")
    count = 0
    total = sum(len(u) for u in units)
    while total < size:
        unit = (
            f'<outline text="文件夹 {count} & 其他">\n'
            f'<outline text="没有结尾 {count}" xmlUrl="https://a{count}.example/feed"\n'
            f'<outline text="a "quoted" name" xmlUrl="https://b{count}.example/?x=1&y=2" />\n'
            "<<<< <outline\n"
        )
        units.append(unit)
        total += len(unit.encode())
        count += 1
    return "".join(units).encode(), 2 * count


def folders(count: int) -> bytes:
    """A well-formed OPML list of `count` folders holding one feed each."""
    body = "".join(
        f'<outline text="文件夹 {n}"><outline text="站点 {n}" type="rss" '
        f'xmlUrl="https://site{n}.example/feed"/></outline>\n'
        for n in range(count)
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>订阅</title>'
    return f"{head}</head><body>\n{body}</body></opml>".encode()


def read_all(data: bytes, feeds: int) -> None:
    with collect() as warnings:
        outline = read_opml(data)
    assert len(outline.feeds) == feeds
    assert warnings == [f"folders nested more than {MAX_DEPTH} deep were merged into the one above"]


def test_a_malformed_list_of_20_mb_is_read_in_linear_time() -> None:
    small, small_feeds = malformed(MB)
    large, large_feeds = malformed(20 * MB)
    assert read_opml(small).title == "坏 & 乱"
    took = seconds_within(lambda: read_all(small, small_feeds), 60)
    seconds_within(lambda: read_all(large, large_feeds), linear_limit(took, 20))


def test_a_list_of_50_000_folders_is_read_in_linear_time() -> None:
    def read(count: int) -> None:
        outline = read_opml(folders(count))
        assert len(outline.feeds) == len(outline.folders) == count

    took = seconds_within(lambda: read(5_000), 60)
    seconds_within(lambda: read(50_000), linear_limit(took, 10))


def test_importing_50_000_folders_takes_linear_time(tmp_path: Path) -> None:
    def import_list(count: int) -> None:
        path = tmp_path / f"{count}.opml"
        path.write_bytes(folders(count))
        with Library(tmp_path / f"{count}.db") as library:
            report = import_sources(library, [str(path)], fetch_feeds=False)
            assert not report.failed
            assert len(library.categories()) == 2 * count

    took = seconds_within(lambda: import_list(5_000), 120)
    seconds_within(lambda: import_list(50_000), linear_limit(took, 10))
