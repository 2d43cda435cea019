"""Paragraphs and headings of plain text to Markdown without html2text, as html2text writes it."""

from __future__ import annotations

import html
import random

import html2text
import lxml.html
import pytest

from reader.ingest import htmlmd
from reader.ingest.htmlsimple import simple_markdown

PIECES = ["a", "b c", " ", "  ", "\n", "\t", "\u3000", "\xa0", "\u2028", "1. x", "\n2. y",
          "- z", "--", "+ q", "\\*", "\\", "&", "<", ">", "#", "*", "_", "`", "[l](u)", "中文",
          "&amp;", "\n 3. ", "!", "\\.", "ab\\-"]  # fmt: skip
BLOCKS = ["p", "h1", "h2", "h3", "h6"]


def _html2text(root: lxml.html.HtmlElement) -> str:
    """What `htmlmd.html_to_markdown` gets from html2text, before `safe_markdown`."""
    converter = html2text.HTML2Text(baseurl="")
    converter.body_width = 0
    converter.unicode_snob = True
    return converter.handle(lxml.html.tostring(root, encoding="unicode"))


def _fragment(rnd: random.Random) -> str:
    def text() -> str:
        return html.escape("".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 5))))

    parts = [text() if rnd.random() < 0.3 else ""]
    for _ in range(rnd.randint(0, 4)):
        tag = rnd.choice(BLOCKS)
        parts.append(f"<{tag}>{text()}</{tag}>" + (text() if rnd.random() < 0.3 else ""))
    return "".join(parts)


def test_same_markdown_as_html2text() -> None:
    rnd = random.Random(7)
    compared = 0
    for _ in range(3000):
        root = htmlmd._parse(_fragment(rnd))
        if root is None:
            continue
        fast = simple_markdown(root)
        if fast is not None:
            assert fast == _html2text(root)
            compared += 1
    assert compared > 2000


@pytest.mark.parametrize(
    "fragment",
    ["<p>a <a href='http://x.example/'>b</a></p>", "<p>a <em>b</em></p>", "<div><p>a</p></div>",
     "<ul><li>a</li></ul>", "<p>a<br>b</p>", "<blockquote>a</blockquote>", "<pre> a</pre>"],
)  # fmt: skip
def test_anything_else_is_left_to_html2text(fragment: str) -> None:
    root = htmlmd._parse(fragment)
    assert root is not None
    assert simple_markdown(root) is None
    assert htmlmd.html_to_markdown(fragment)  # html2text still writes it


def test_bodies_keep_their_escapes() -> None:
    assert htmlmd.html_to_markdown("<p>1. one</p><h2>- two</h2><p>a &amp; b</p>") == (
        "1\\. one\n\n## \\- two\n\na & b"
    )
