"""Control characters spelled so that a later stage decodes them, and sources of every kind that
carry them: HTML and Markdown character references, double escapes, Markdown backslash escapes,
percent-encoding in link targets and `\\u` escapes in JSON, in every field an importer reads.

`forbidden` says what must never be drawn or printed (HOSTILE.md, B and G).
"""

from __future__ import annotations

import json
from pathlib import Path

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidi marks, embeddings, overrides and isolates (U+200B and U+200D are wanted: CJK, emoji)."""

REFERENCES = (
    "&#x202E;",
    "&#8238;",
    "&rlm;",
    "&lrm;",
    "&#x2066;",
    "&#x2067;",
    "&#x2068;",
    "&#x2069;",
    "&#x61C;",
    "&#X202a;",
    "&#x202D;",
    "&#x0202e;",
    "&#x1b;[2J",
    "&#27;]0;PWNED-TITLE&#7;",
    "&#155;31m",
    "&#x9d;",
    "&#x85;",
)
"""Character references that HTML parsers and markdown-it decode."""

DOUBLE_ESCAPED = ("&amp;#x202E;", "&amp;rlm;", "&amp;#8238;", "&amp;#x2066;", "&amp;amp;#x202E;")
"""References escaped once more: one decoding leaves a reference for the next stage."""

PERCENT = (
    "%E2%80%AE",
    "%e2%81%a6",
    "%E2%80%8F",
    "%1B%5B2J",
    "%C2%9B31m",
    "%1B%5D0;PWNED-TITLE%07",
)
"""Percent-encoding in link targets, which markdown-it decodes for an autolink's text."""

JSON_ESCAPES = ("\\u202e", "\\u2066", "\\u200f", "\\u061c", "\\u001b[31m", "\\u009b31m")
"""`\\u` escapes as written in JSON text."""

REFS = " ".join(REFERENCES)
AUTOLINK = "<http://auto.example/" + "".join(PERCENT) + ">"


def forbidden(text: str) -> list[str]:
    """The characters of `text` that must never reach a terminal: bidi controls, C1 controls,
    DEL, and C0 controls other than tab and newline."""
    return sorted(
        {
            char
            for char in text
            if char in BIDI
            or (ord(char) < 0x20 and char not in "\t\n")
            or 0x7F <= ord(char) <= 0x9F
        }
    )


def markdown_body(name: str, refs: str = REFS) -> str:
    """A Markdown body, first saying `body-of-NAME`, with `refs` in every place the renderer
    decodes: text, emphasis, code, headings (ATX and setext), links and their targets, autolinks,
    image alts, tables, quotes, lists, hard breaks and after backslash escapes."""
    return f"""body-of-{name}

## heading {refs}

paragraph {refs} *em {refs}* **strong {refs}** ~~strike {refs}~~ `code {refs}`
escaped \\&#x202E; doubled \\\\&#x202E; {" ".join(JSON_ESCAPES)}

![alt {refs}](http://img.example/a.png "title {refs}")
[link {refs}](http://x.example/{"".join(PERCENT)}&#x202E;) [x](<http://x.example/&#x2066;>)
{AUTOLINK} <mailto:a{"".join(PERCENT[:3])}@b.example>

| head {refs} | b |
|---|---|
| cell {refs} | ![img {refs}](http://img.example/b.png) |

> quote {refs}

- item {refs}
1. number {refs}

hard break {refs}\\
next line

setext {refs}
-------------
"""


def html_body(name: str) -> str:
    """An HTML fragment, first saying `body-of-NAME`, with references, double escapes and
    percent-encoded links."""
    doubled = " ".join(DOUBLE_ESCAPED)
    return (
        f"<p>body-of-{name}</p><h2>html heading {REFS} {doubled}</h2>"
        f"<p>html body {REFS} {doubled} &amp;#x1b;[2J</p>"
        f'<p><img alt="alt {REFS} {doubled}" src="http://img.example/a.png"> '
        f'<a href="http://x.example/&#x202E;{"".join(PERCENT)}">link {doubled}</a> '
        f'<a href="http://auto.example/{"".join(PERCENT)}">'
        f"http://auto.example/{''.join(PERCENT)}</a></p>"
        f"<table><tr><th>head {doubled}</th></tr><tr><td>cell {doubled}</td></tr></table>"
        f"<pre>pre {REFS} {doubled}</pre>"
    )


def _xml(text: str) -> str:
    """`text` escaped once for XML, so the feed's parser hands the HTML on with its references."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss_feed() -> str:
    """An RSS 2.0 feed: HTML in CDATA and as escaped text, references in every field."""
    doubled = " ".join(DOUBLE_ESCAPED)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>rss feed {_xml(doubled)} &#x202E;</title><link>http://feed.example/</link>
<description>d</description>
<item><title>rss cdata {_xml(doubled)} &#x2066;</title>
<link>http://feed.example/a/%E2%80%AE%1B</link><guid>rss-1</guid>
<dc:creator>rss author {_xml(doubled)} &#x202E;</dc:creator>
<category>rsstag {_xml(doubled)} &#x202E;</category>
<pubDate>Mon, 11 Nov 2024 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[{html_body("rss-cdata")}]]></content:encoded></item>
<item><title>rss escaped {_xml(REFS)}</title>
<link>http://feed.example/b</link><guid>rss-2</guid>
<pubDate>Mon, 11 Nov 2024 09:00:00 GMT</pubDate>
<description>{_xml(html_body("rss-escaped"))}</description></item>
</channel></rss>
"""


def atom_feed() -> str:
    """An Atom feed with `type="html"` text escaped twice over."""
    doubled = " ".join(DOUBLE_ESCAPED)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>atom feed {_xml(doubled)}</title>
<id>urn:atom-hostile</id><updated>2024-11-11T10:00:00Z</updated>
<entry><title type="html">atom title {_xml(_xml(REFS))} {_xml(doubled)}</title>
<id>urn:atom-hostile:1</id><updated>2024-11-11T08:00:00Z</updated>
<author><name>atom author {_xml(doubled)}</name></author>
<category term="atomtag {_xml(doubled)}"/>
<link href="http://atom.example/a%E2%80%AE"/>
<content type="html">{_xml(html_body("atom"))}</content></entry>
</feed>
"""


def json_feed() -> str:
    """A JSON Feed with `\\u` escapes and HTML content."""
    item = {
        "id": "json-feed-1",
        "title": "json feed title \u202e &#x202E; &amp;#x202E;",
        "url": "http://jsonfeed.example/a%E2%80%AE",
        "content_html": html_body("json-feed"),
        "tags": ["jsonfeedtag \u2066 &#x202E;"],
        "authors": [{"name": "json feed author \u200f &#x202E;"}],
        "date_published": "2024-11-11T07:00:00Z",
    }
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "json feed", "items": [item]}
    )


def jsonl_lines() -> str:
    """JSON Lines with `\\u` escapes and references in every field, the body in Markdown."""
    escapes = " ".join(JSON_ESCAPES)
    line = (
        '{"title": "jsonl title ESC REFS", "category": ["jsonlcat ESC", "sub REFS"], '
        '"tags": ["jsonltag ESC", "REFS"], "author": "jsonl author ESC REFS", '
        '"url": "https://jsonl.example/\\u202e&#x202E;%E2%80%AE", '
        '"published": "2024-11-11T06:00:00", "body": BODY}'
    )
    body = json.dumps(markdown_body("jsonl"), ensure_ascii=True)
    return line.replace("ESC", escapes).replace("REFS", REFS).replace("BODY", body) + "\n"


def markdown_file() -> str:
    """A Markdown file with front matter: references in every field and in the body."""
    quoted = REFS.replace("\\", "\\\\").replace('"', '\\"')
    return f"""---
title: "md title {quoted} \\u202e"
author: "md author {quoted}"
categories: ["mdcat {quoted}", "sub \\u2066"]
tags: ["mdtag {quoted}", "\\u200f"]
url: "https://md.example/a&#x202E;%E2%80%AE"
date: 2024-11-11
---
{markdown_body("markdown")}"""


def html_page() -> str:
    """A saved article page (title, author, canonical link, body) with references."""
    paragraph = f"page paragraph {REFS} {' '.join(DOUBLE_ESCAPED)}. " + "这是正文。" * 40
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>page title {REFS} {" ".join(DOUBLE_ESCAPED)}</title>
<meta name="author" content="page author {REFS}">
<link rel="canonical" href="https://page.example/a&#x202E;%E2%80%AE">
</head><body><article><h1>page title {REFS}</h1>
<p>body-of-page {paragraph}</p>{html_body("page")}<p>{paragraph}</p><p>{paragraph}</p>
</article></body></html>
"""


def page_text() -> str:
    """A "page text" file (PAGETEXT.md): its paragraphs are stored as Markdown verbatim."""
    few = "&#x202E;&rlm;&#x2066;"
    return f"""当前位置:首页 > 文本{few} > 正文

page text title {few}

  • 标签{few}
  • 2024-11-13 17:49:38
  • 3

body-of-page-text 正文段落 {REFS} \\&#x202E; \\\\&#x202E; {AUTOLINK}

为什么{few}会这样？

第二段 [link {REFS}](http://x.example/{"".join(PERCENT)}) ![alt {REFS}](http://img.example/t.png)
"""


NAMES = ("markdown", "rss-cdata", "rss-escaped", "atom", "json-feed", "jsonl", "page", "page-text")
"""The article of each source says `body-of-NAME` first."""


def write_sources(folder: Path) -> list[Path]:
    """Write one source of every kind the importers read into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "hostile.md": markdown_file(),
        "hostile.rss": rss_feed(),
        "hostile.atom": atom_feed(),
        "hostile-feed.json": json_feed(),
        "hostile.jsonl": jsonl_lines(),
        "hostile.html": html_page(),
        "hostile.txt": page_text(),
    }
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
