"""Saved or fetched HTML article pages: the main text, without the site around it.

trafilatura finds the article body (navigation, boilerplate and comments dropped) and the page's
metadata: title, author, date and canonical URL. The body comes back as a small HTML tree that
`htmlmd` turns into Markdown, so links are made absolute and only http(s) ones are kept. The bytes
are decoded here (BOM, strict UTF-8, declared charset, detection) because pages routinely declare
gb2312 on UTF-8 bytes, or the reverse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from reader.ingest import notes
from reader.ingest.dates import parse_datetime
from reader.ingest.decode import decode_document
from reader.ingest.errors import ParseError
from reader.ingest.htmlmd import drop_control_references, html_to_markdown, html_to_text, safe_link
from reader.ingest.titles import page_title
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize, sanitize_line

MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_TAGS = 20_000
"""Past this many tags the article is not looked for: the extractor's time grows with the square
of their number (80,000 tiny paragraphs took minutes), and real pages hold a few thousand. The
page's whole text is imported instead, with a warning."""
# Every pattern below stops at the next `<` where the text could run on: a tag never closed
# then costs the distance to the next tag, not the rest of the page for each of them.
_META_AUTHOR = re.compile(
    r"""<meta\s[^<>]*?(?:name|property)\s*=\s*["'](?:author|article:author|dc\.creator)["'][^<>]*>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_TITLE_START = re.compile(r"<title\b[^<>]*>", re.IGNORECASE)
_TITLE_END = re.compile(r"</title", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Page:
    """An extracted page: the article draft and the codec its bytes were read with."""

    draft: ArticleDraft
    encoding: str
    warning: str = ""


def looks_like_html(text: str) -> bool:
    """True when a document starts like an HTML page."""
    head = text[:2048].lstrip("\ufeff \t\r\n").lower()
    return head.startswith(("<!doctype html", "<html")) or "<html" in head[:512]


def read_page(
    data: bytes, location: str, *, headers: Mapping[str, str] | None = None, base: str = ""
) -> Page:
    """Extract the article of an HTML page; ParseError when it holds no readable text.

    `base` is the address the page was fetched from (for relative links and as its URL when the
    page names no canonical one); `headers` may carry the HTTP Content-Type charset.
    """
    import trafilatura

    if len(data) > MAX_PAGE_BYTES:
        raise ParseError(f"page too large ({len(data) // (1024 * 1024)} MB)")
    if not data.strip():
        raise ParseError("empty page")
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    decoded = decode_document(data, lowered.get("content-type"))
    if decoded.warning:
        notes.warn(decoded.warning)
    # Character references to control characters (`&#27;`) would come out of the parser as raw
    # escape sequences; they go before it sees the page.
    text = sanitize(drop_control_references(decoded.text))
    if text.count("<") > MAX_TAGS:
        return Page(_whole_page(text, location, base), decoded.encoding, decoded.warning)
    from trafilatura.htmlprocessing import build_html_output
    from trafilatura.settings import Document
    from trafilatura.utils import load_html

    def extract(precise: bool) -> tuple[Document, str] | None:
        found = trafilatura.bare_extraction(
            text,
            url=base or None,
            output_format="html",
            with_metadata=True,
            include_comments=False,
            include_formatting=True,
            include_links=True,
            include_tables=True,
            favor_precision=precise,
        )
        if not isinstance(found, Document) or found.body is None:
            return None
        link = safe_link(getattr(found, "url", None) or "", base) or safe_link(base)
        return found, html_to_markdown(build_html_output(found), link or base)

    extracted = extract(precise=False)
    if extracted is None or _link_share(extracted[1]) > LINKY:
        # A short article beside a long list of related links: the list can win. The precise
        # mode drops link lists; keep its answer when it found text.
        precise = extract(precise=True)
        if precise is not None and _link_share(precise[1]) < _link_share(
            extracted[1] if extracted else ""
        ):
            extracted = precise
    if extracted is None:
        raise ParseError("no article text found in the page")
    document, body = extracted
    url = safe_link(getattr(document, "url", None) or "", base) or safe_link(base)
    title = page_title(load_html(text), url, getattr(document, "title", None) or "")
    title = title or _title_tag(text)
    body = _without_title_heading(body, title)
    body = _with_lead(body, getattr(document, "description", None), text)
    if not body.strip():
        raise ParseError("no article text found in the page")
    draft = ArticleDraft(
        title=title or _first_line(body) or location.rsplit("/", 1)[-1],
        body=body,
        published=_date(getattr(document, "date", None)),
        author=_author(getattr(document, "author", None), text),
        url=url,
        tags=tuple(
            t
            for t in (sanitize_line(x) for x in (getattr(document, "tags", None) or []))
            if t and len(t) <= 60
        ),
    )
    return Page(draft, decoded.encoding, decoded.warning)


def _whole_page(text: str, location: str, base: str) -> ArticleDraft:
    """The whole text of a page too large to look for its article in (`MAX_TAGS`)."""
    notes.warn(
        f"the page has more than {MAX_TAGS:,} tags, too many to find its article among: "
        "its whole text was imported"
    )
    url = safe_link(base)
    body = html_to_markdown(text, url)
    if not body.strip():
        raise ParseError("no article text found in the page")
    title = _title_tag(text)
    return ArticleDraft(
        title=title or _first_line(body) or location.rsplit("/", 1)[-1],
        body=_without_title_heading(body, title),
        author=_author(None, text),
        url=url,
    )


def parse(data: bytes, location: str) -> list[ArticleDraft]:
    """The article of a saved HTML page, as a one-draft list."""
    return [read_page(data, location).draft]


_TAG = re.compile(r"<[^<>]*>")
_LINK_TEXT = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
LINKY = 0.5
"""Above this share of its text in links, an extraction is taken for a link list."""


def _link_share(body: str) -> float:
    """The share of a Markdown body's visible characters that are link text (1.0 when empty)."""
    linked = sum(len(m.group(1)) for m in _LINK_TEXT.finditer(body))
    visible = len(_LINK_TEXT.sub(lambda m: m.group(1), body).strip())
    return linked / visible if visible else 1.0


def _with_lead(body: str, description: str | None, page: str) -> str:
    """Put the page's summary first when the extractor left it out.

    Encyclopaedia and news pages often keep their lead paragraph in a summary box that text
    extractors drop as chrome; the page's `<meta name="description">` holds the same text. It is
    added only when it is long enough to be a lead, stands in the page's own text (not only in
    the `<head>`), and is not in the body already.
    """
    lead = sanitize_line(description or "")
    probe = lead[:24]
    if len(lead) < 40 or probe in body:
        return body
    head_end = page.find("</head>")
    if head_end < 0 or probe not in _TAG.sub("", page[head_end:]):
        return body
    return f"{lead}\n\n{body}"


def _title_tag(text: str) -> str:
    head = text[:65536]
    start = _TITLE_START.search(head)
    end = _TITLE_END.search(head, start.end()) if start else None
    return html_to_text(head[start.end() : end.start()]) if start and end else ""


def _without_title_heading(body: str, title: str) -> str:
    """Drop a first heading that only repeats the title (the reading pane shows the title)."""
    lines = body.split("\n", 1)
    first = lines[0].lstrip("#").strip()
    if lines[0].startswith("#") and title and first == title:
        return lines[1].lstrip("\n") if len(lines) > 1 else ""
    return body


def _author(found: str | None, text: str) -> str:
    """The page's author: trafilatura's finding, else `<meta name="author">`; never a run of
    navigation words (a login box read as a byline)."""
    name = sanitize_line(found or "")
    if not name:
        meta = _META_AUTHOR.search(text[:65536])
        content = _CONTENT.search(meta.group(0)) if meta else None
        if content:
            name = html_to_text(content.group(1) or content.group(2) or "")
    if len(name) > 60 or ";" in name or len(name.split()) > 4:
        return ""
    return name


def _first_line(body: str) -> str:
    for line in body.splitlines():
        text = sanitize_line(re.sub(r"[#>*_`\[\]()!|-]+", " ", line))
        if text:
            return text[:60]
    return ""


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_datetime(value)
    except (ValueError, TypeError):
        return None
