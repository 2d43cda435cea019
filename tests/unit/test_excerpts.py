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
