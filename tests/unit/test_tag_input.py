"""What the tags prompt makes of what is typed: `+tag -tag` edits, or the whole list."""

from __future__ import annotations

import pytest

from reader.ui.tag_input import tag_edit, tag_term, tags_text


@pytest.mark.parametrize(
    ("current", "typed", "add", "remove"),
    [
        (["茶", "生活"], "+绿茶 -生活", ["绿茶"], ["生活"]),
        (["茶", "生活"], "茶 生活 -生活 +绿茶", ["茶", "生活", "绿茶"], ["生活"]),
        (["茶", "生活"], "茶 绿茶", ["绿茶"], ["生活"]),
        (["茶", "生活"], "#茶 #生活", [], []),
        (["茶"], "", [], ["茶"]),
        (["machine learning", "茶"], "machine learning, 绿茶", ["绿茶"], ["茶"]),
        (["a b"], "-a b,", [], ["a b"]),
        (["a b"], "-a b", ["b"], ["a"]),
        (["茶"], "绿茶，红茶、白茶", ["绿茶", "红茶", "白茶"], ["茶"]),
        (["茶"], "+ -", [], []),
        (["a b", "茶"], "a b, 茶 +绿茶 -茶", ["a b", "茶", "绿茶"], ["茶"]),
    ],
)
def test_tag_edit(current: list[str], typed: str, add: list[str], remove: list[str]) -> None:
    assert tag_edit(current, typed) == (add, remove)


def test_tags_text_uses_commas_only_when_a_tag_holds_a_space() -> None:
    assert tags_text(["茶", "生活"]) == "茶 生活"
    assert tags_text(["machine learning", "茶"]) == "machine learning, 茶"
    # What is shown reads back as the same tags.
    for tags in (["茶", "生活"], ["machine learning", "茶"]):
        assert tag_edit(tags, tags_text(tags)) == ([], [])


def test_tag_term_quotes_names_with_spaces_and_refuses_quotes() -> None:
    assert tag_term("茶") == "tag:茶"
    assert tag_term("two words") == 'tag:"two words"'
    assert tag_term('say "hi"') is None
