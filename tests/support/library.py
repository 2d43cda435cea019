"""Helpers shared by the test tiers: article drafts and running the command line in-process."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.models import ArticleDraft


def make_drafts(
    count: int, *, category: tuple[str, ...] = ("科技",), start: int = 0
) -> list[ArticleDraft]:
    """`count` distinct drafts with descending publication times and a little Chinese text."""
    base = datetime(2024, 1, 1, 8, 0, 0)
    return [
        ArticleDraft(
            title=f"第{i}篇 文章 number {i}",
            body=f"这是第{i}篇文章的正文。\n\n## 为什么要读？\n\nBody text {i}.",
            category=category,
            published=base + timedelta(hours=i),
            views=i % 7,
            author="编辑部",
            tags=("测试",),
        )
        for i in range(start, start + count)
    ]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `reader ARGS` in-process; return (exit code, stdout, stderr)."""
    from reader.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def old_library(path: Path, stop_before: str, titles: list[str], *, tag: str = "") -> None:
    """A library as an older reader left it: the migrations before `stop_before` applied, and
    one article per title (tagged `tag`, from schema m008 on) written by hand, as that reader's
    triggers keep them (the search index is left empty: `Library.reindex` fills it)."""
    from sqlite_utils import Database

    from reader.store.schema import migrations

    db = Database(sqlite3.connect(path))
    db.conn.execute("CREATE TEMP TABLE upgrading_reader (name TEXT)")  # m005 reads it
    migrations.apply(db, stop_before=stop_before)
    db.conn.execute("PRAGMA journal_mode = WAL")
    with db.conn:
        db.conn.execute("INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, '旧')")
        db.conn.execute("INSERT INTO scope_counts (scope_id) VALUES (1)")
        db.conn.executemany(
            "INSERT INTO category_ancestors VALUES (?, ?, ?)", [(1, 1, 0), (1, 0, 1)]
        )
        if tag:
            db.conn.execute("INSERT INTO tags (id, name) VALUES (1, ?)", (tag,))
        for n, title in enumerate(titles, start=1):
            db.conn.execute(
                "INSERT INTO articles (id, category_id, published, title, views, key,"
                " content_hash, tags, imported_at, updated_at)"
                " VALUES (?, 1, ?, ?, ?, ?, 'h', ?, '2024-01-01', '2024-01-01')",
                (
                    n,
                    f"2024-01-01T{n // 60 % 24:02}:{n % 60:02}:00",
                    title,
                    n % 7,
                    f"hash:{n}",
                    json.dumps([tag] if tag else [], ensure_ascii=False),
                ),
            )
            db.conn.execute("INSERT INTO bodies (id, body) VALUES (?, '正文')", (n,))
            if tag:
                db.conn.execute("INSERT INTO article_tags (article_id, tag_id) VALUES (?, 1)", (n,))
    db.conn.close()
