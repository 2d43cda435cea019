"""Helpers shared by the test tiers: article drafts and running the command line in-process."""

from __future__ import annotations

from datetime import datetime, timedelta

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
