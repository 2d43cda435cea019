"""Markdown import: front matter, titles from headings, categories from folders, encodings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.ingest.markdown import folder_category, parse, split_front_matter
from reader.models import ArticleDraft

FRONT = """---
title: 东京的早晨
date: 2024-11-13 17:49:38
categories: [国际, 亚洲]
tags: [城市, 清晨]
author: 记者
---

# 东京的早晨

第一段。

## 为什么早起？

第二段。
"""


def one(text: str | bytes, location: str = "/notes/a.md", root: str | None = None) -> ArticleDraft:
    """The single draft of a Markdown file."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    [draft] = parse(data, location, root=root)
    return draft


def test_front_matter_fields() -> None:
    draft = one(FRONT)
    assert draft.title == "东京的早晨"
    assert draft.published == datetime(2024, 11, 13, 17, 49, 38)
    assert draft.category == ("国际", "亚洲")
    assert draft.tags == ("城市", "清晨")
    assert draft.author == "记者"
    # The heading repeating the title is not kept twice; the section heading is.
    assert draft.body.startswith("第一段。") and "## 为什么早起？" in draft.body


def test_front_matter_strings_and_other_spellings() -> None:
    text = (
        "---\nTitle: 'Quoted: title'\npublished: '2024年11月13日 17:49'\n"
        "category: 科技/芯片\ntags: a, b，c\nauthor: {name: 王五}\nviews: 1.2万\n---\nBody.\n"
    )
    draft = one(text)
    assert draft.title == "Quoted: title"
    assert draft.published == datetime(2024, 11, 13, 17, 49)
    assert draft.category == ("科技", "芯片")
    assert draft.tags == ("a", "b", "c")
    assert (draft.author, draft.views) == ("王五", 12000)
    assert draft.body == "Body."


def test_toml_front_matter() -> None:
    draft = one('+++\ntitle = "TOML 文章"\ndate = 2023-05-06\ntags = ["x"]\n+++\n正文\n')
    assert (draft.title, draft.published, draft.tags) == ("TOML 文章", datetime(2023, 5, 6), ("x",))


def test_without_front_matter_the_first_heading_is_the_title() -> None:
    draft = one("Some intro line\n\n# 真正的标题 #\n\n正文。\n\n# 另一个一级标题\n")
    assert draft.title == "真正的标题"
    assert draft.body.startswith("Some intro line") and "# 另一个一级标题" in draft.body
    assert "真正的标题" not in draft.body
    assert draft.category == () and draft.published is None


def test_setext_heading_and_fenced_code() -> None:
    assert one("大标题\n=====\n\n正文\n").title == "大标题"
    fenced = "```\n# not a title\n```\n\n# The title\n\ntext\n"
    draft = one(fenced)
    assert draft.title == "The title" and "# not a title" in draft.body


def test_without_heading_a_short_first_line_else_the_file_name() -> None:
    assert one("短标题\n\n正文很长很长。\n").title == "短标题"
    assert one("## 一个小节\n\n正文\n", "/x/2024-03-04-my-note.md").title == "my-note"
    dated = one("## 一个小节\n\n正文\n", "/x/2024-03-04-my-note.md")
    assert dated.published == datetime(2024, 3, 4)


def test_a_thematic_break_is_not_front_matter() -> None:
    draft = one("---\n\n# 标题\n\n正文\n")
    assert draft.title == "标题"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("  \n\n", "empty file"),
        ("---\ntitle: [broken\n---\nbody\n", "front matter is not valid YAML"),
        ("---\ntitle: ok\nbody without a closing fence\n", "never closed"),
        ("---\n- a\n- b\n---\nbody\n", "not a set of 'key: value' lines"),
        ('+++\ntitle = "x\n+++\nbody\n', "front matter is not valid TOML"),
    ],
)
def test_broken_files_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        one(text)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_odd_front_matter_values_warn_and_are_ignored() -> None:
    with notes.collect() as warnings:
        draft = one("---\ntitle: ok\ndate: not a date\nviews: many\n---\nbody\n")
    assert draft.published is None and draft.views is None
    assert len(warnings) == 2 and all("ignored" in w for w in warnings)


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: s.replace("\n", "\r\n").encode("utf-8"),
        lambda s: s.encode("gb18030"),
        lambda s: s.replace("\n", "\r\n").encode("gbk"),
    ],
    ids=["utf8", "utf8-bom", "crlf", "gb18030", "gbk-crlf"],
)
def test_encodings_and_line_ends(encode: object) -> None:
    data = encode(FRONT)  # type: ignore[operator]
    draft = one(data)
    assert draft.title == "东京的早晨" and draft.category == ("国际", "亚洲")
    assert "\r" not in draft.body and "## 为什么早起？" in draft.body


def test_folder_category_is_relative_to_the_named_folder(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    deep = root / "国际" / "亚洲"
    deep.mkdir(parents=True)
    file = deep / "a.md"
    file.write_text("# t\n", encoding="utf-8")
    assert folder_category(str(file), str(root)) == ("国际", "亚洲")
    assert folder_category(str(root / "top.md"), str(root)) == ()
    assert folder_category(str(file), str(file)) == ()  # a file named on its own
    assert folder_category(str(file), None) == ()
    assert folder_category(str(tmp_path / "elsewhere.md"), str(root)) == ()
    assert one("# 标题\n\n正文\n", str(file), root=str(root)).category == ("国际", "亚洲")
    # Front matter wins over folders.
    assert one(FRONT, str(file), root=str(root)).category == ("国际", "亚洲")
    assert one("---\ncategories: [生活]\n---\nx\n", str(file), root=str(root)).category == ("生活",)


def test_split_front_matter_keeps_the_body_exactly() -> None:
    front, body = split_front_matter("---\na: 1\n---\nline one\n\nline two\n")
    assert front == {"a": 1} and body == "line one\n\nline two\n"
    assert split_front_matter("no front matter\n") == ({}, "no front matter\n")
