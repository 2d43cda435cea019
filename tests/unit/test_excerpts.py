"""Search excerpts are cut from the sanitised body: a window that starts inside an escape
sequence must not keep the sequence's payload as text."""

from __future__ import annotations

from reader.text.query import parse_query, snippet

OSC8 = "\x1b]8;;http://pwned-link.example/\x1b\\click\x1b]8;;\x1b\\"


def test_an_excerpt_never_starts_inside_an_escape_sequence() -> None:
    body = "很长的开头。" * 10 + OSC8 + "再喝一杯茶。"
    excerpt, spans = snippet("标题", body, parse_query("茶"))
    assert "pwned" not in excerpt and "\x1b" not in excerpt
    assert [excerpt[start:end] for start, end in spans] == ["茶"]


BODY = (
    "# 标题\n\n## 为什么要喝茶？\n\n> > 引用一段 **重点** 的话，[茶的链接](https://example.org/茶)"
    " 和 `代码` 以及 ![图片](x.png)\n\n- 列表项\n1. 第一\n\n---\n\n```python\nprint('你好')\n```\n"
)


def test_an_excerpt_shows_the_words_without_markdown_marks() -> None:
    excerpt, spans = snippet("标题", BODY, parse_query("重点"))
    assert excerpt == (
        "标题 为什么要喝茶？ 引用一段 重点 的话，茶的链接 和 代码 以及 图片 列表项 第一 print('你好')"
    )
    assert [excerpt[start:end] for start, end in spans] == ["重点"]


def test_a_window_cut_inside_a_link_keeps_its_words_and_drops_its_target() -> None:
    before = "前文" * 150
    body = f"[{before}，茶的链接](https://example.org/{'a' * 300}) 后文"
    excerpt, spans = snippet("标题", body, parse_query("茶"))
    assert excerpt.startswith("…") and "example" not in excerpt and "](" not in excerpt
    assert [excerpt[start:end] for start, end in spans] == ["茶"]
    body = f"开头 [链接文字](https://example.org/) {'长' * 300} 茶"
    excerpt, _ = snippet("标题", body, parse_query("茶"))
    assert excerpt.endswith("长 茶") and "](" not in excerpt


def test_marks_inside_a_line_are_text() -> None:
    excerpt, _ = snippet("标题", "比分 3 * 4 = 12，#话题 不是标题，a > b", parse_query("比分"))
    assert excerpt == "比分 3 * 4 = 12，#话题 不是标题，a > b"
