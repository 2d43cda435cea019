"""Control characters that a later stage decodes never reach what is drawn or printed.

The importers sanitise what they store, but the renderer decodes again (markdown-it turns
`&#x202E;` into U+202E and an autolink's `%1B` into ESC), and the command line prints what any
program wrote to the library or a server said. So what is finally drawn or printed is sanitised
(HOSTILE.md, B and G).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.hostile import AUTOLINK, REFS, forbidden, markdown_body, write_sources
from support.library import run_cli
from support.server import Route, running_server
from textual.content import Content, Span

from reader.ingest.runner import import_sources
from reader.models import Article, ArticleDraft
from reader.store import Library
from reader.ui.document import Block, markdown_blocks, sanitize_content
from reader.ui.layout import ArticleView, build_page, layout

# Each place in a Markdown body where markdown-it decodes what it reads.
DECODED_PLACES = {
    "paragraph": f"text {REFS} text",
    "emphasis": f"*em {REFS}* **strong {REFS}** ~~strike {REFS}~~",
    "atx heading": f"## heading {REFS}",
    "setext heading": f"setext {REFS}\n---",
    "link text": f"[link {REFS}](http://x.example/)",
    "image alt": f"![alt {REFS}](http://img.example/a.png)",
    "autolink": AUTOLINK,
    "table cell": f"| head {REFS} |\n|---|\n| cell {REFS} |",
    "quote and list": f"> quote {REFS}\n\n- item {REFS}\n1. number {REFS}",
    "after an escaped backslash": "\\\\&#x202E; \\\\&rlm;",
}


def _drawn(blocks: list[Block]) -> str:
    texts = []
    for block in blocks:
        texts += [block.content.plain, block.first.plain, block.rest.plain, block.label]
        texts += [cell.plain for row in block.rows for cell in row]
    return "\n".join(texts)


@pytest.mark.parametrize("body", DECODED_PLACES.values(), ids=DECODED_PLACES.keys())
def test_references_decoded_by_the_renderer_are_sanitised(body: str) -> None:
    drawn = _drawn(markdown_blocks(body))
    assert forbidden(drawn) == []
    assert drawn.strip()  # the text around the references is still shown


def test_spans_stay_on_their_text_when_controls_go() -> None:
    [block] = markdown_blocks("a *b&#x202E;c* **d&rlm;e** [f&#x2066;](http://x.example/)")
    content = block.content
    assert content.plain.startswith("a bc de f ⟨http://x.example/⟩")
    styled = {span.style: content.plain[span.start : span.end] for span in content.spans}
    assert styled["em"] == "bc"
    assert styled["strong"] == "de"
    assert styled["link"] == "f"


def test_sanitize_content_keeps_clean_content_and_moves_spans() -> None:
    clean = Content("plain 中文\u200d", [Span(0, 5, "em")])
    assert sanitize_content(clean) is clean
    dirty = Content("a\u202eb\x1b[31mc\x80d", [Span(0, 3, "em"), Span(3, 11, "strong")])
    cleaned = sanitize_content(dirty)
    assert cleaned.plain == "abcd"
    assert [(s.start, s.end, s.style) for s in cleaned.spans] == [(0, 2, "em"), (2, 4, "strong")]


def test_a_whole_hostile_body_draws_no_control_at_any_width() -> None:
    article = _article(markdown_body("markdown"))
    page = build_page(ArticleView(article, ()))
    for width in (20, 80, 200):
        lines, _ = layout(page.blocks, width)
        assert forbidden("\n".join(line.content.plain for line in lines)) == []


@pytest.mark.parametrize("name", ["md", "rss", "atom", "json", "jsonl", "html", "txt"])
def test_what_each_importer_saves_is_drawn_without_controls(tmp_path: Path, name: str) -> None:
    """Every importer, with references and escapes in every field it reads."""
    [source] = [p for p in write_sources(tmp_path / "sources") if p.suffix == f".{name}"]
    with Library(tmp_path / "library.db") as library:
        report = import_sources(library, [str(source)])
        assert report.failed == [] and report.total("added") >= 1
        bodies = []
        for item in library.page(limit=10).items:
            article = library.get(item.id)
            assert article is not None
            page = build_page(ArticleView(article, ()))
            lines, _ = layout(page.blocks, 80)
            drawn = "\n".join(line.content.plain for line in lines)
            assert forbidden(drawn) == [], article.title
            bodies.append(drawn)
    assert any("body-of-" in text for text in bodies)


def _article(body: str) -> Article:
    return Article(
        id=1,
        title="t",
        category_id=1,
        category=("c",),
        published="2024-01-01T00:00:00",
        views=0,
        read=False,
        starred=False,
        progress=0.0,
        author="",
        url="",
        tags=(),
        body=body,
        source="",
    )


# -- the command line ---------------------------------------------------------------------------

RAW = "\u202e\u2066\u200f\x9b31m\x85\x9d0;PWNED\x07"
"""Controls as another program may have written them to the library, raw."""


@pytest.fixture
def raw_library(db_path: Path) -> Path:
    """A library whose rows hold raw C1 and bidi controls, as if another program wrote them."""
    with Library(db_path) as library:
        library.save(
            [ArticleDraft(title="visible title", body="visible body", url="https://x.example/a")],
            category=("visible category",),
        )
        conn = library.db.conn
        conn.execute(
            "UPDATE articles SET title = title || ?, author = ?, url = url || ?, "
            "tags = json_array(?)",
            (RAW, f"author{RAW}", RAW, f"tag{RAW}"),
        )
        conn.execute("UPDATE bodies SET body = ?", (f"visible body {RAW}\n\n## heading {RAW}",))
        conn.execute("UPDATE categories SET name = name || ?", (RAW,))
        conn.commit()
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ["show", "--json", "--no-count", "1"],
        ["random", "--json"],
        ["list", "--json"],
        ["search", "--json", "visible"],
        ["categories", "--json"],
        ["show", "--no-count", "1"],
        ["search", "visible"],
    ],
    ids=" ".join,
)
def test_printed_output_holds_no_raw_control(
    raw_library: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli([*args, "--db", str(raw_library)], capsys)
    assert code == 0, err
    assert forbidden(out.replace("\n", "")) == []
    assert "visible" in out
    if "--json" in args:
        json.loads(out)


def test_import_summary_sanitises_source_names_and_reason_phrases(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name and a server's reason phrase are quoted in the summary, text and JSON."""
    odd = tmp_path / "name\u202eevil\u2066\x9b.jsonl"
    odd.write_text("not JSON\n", encoding="utf-8")
    with running_server() as server:
        # The status line is Latin-1: C1 controls, and UTF-8 bytes of U+202E read as Latin-1.
        reason = "Busy\x9b31m\x85 " + "\u202e".encode().decode("latin-1")
        server.routes["/feed"] = Route(b"", 503, reason=reason)
        sources = [str(odd), server.url("/feed")]
        for json_flag in ([], ["--json"]):
            code, out, err = run_cli(["import", "--db", str(db_path), *json_flag, *sources], capsys)
            assert code == 1, out + err
            assert forbidden(out.replace("\n", "")) == [], out
            assert "nameevil" in out and "HTTP 503 Busy" in out
            if json_flag:
                assert len(json.loads(out)["sources"]) == 2


def test_error_lines_are_sanitised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no\u202esuch\x9b.db"
    code, _, err = run_cli(["list", "--db", str(missing)], capsys)
    assert code != 0
    assert forbidden(err.replace("\n", "")) == [] and "nosuch" in err
