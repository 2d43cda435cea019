"""HTML fragments (feed entries, extracted pages) to clean Markdown and plain text.

Only http(s) links survive: a `javascript:`, `file:`, `data:` or `-option` target is dropped and
its text kept, both in the HTML before conversion and in the Markdown after it (literal text can
spell a Markdown link too). Images become their alt text, or a link to the image when they have
none. Control characters that entities such as `&#27;` smuggle in are removed. A heading's
permalink anchor (`<a class="headerlink" href="#id">¶</a>`) is dropped (`reader.text.permalinks`).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin, urlsplit

import html2text
import lxml.etree
import lxml.html

from reader.ingest.htmlsimple import simple_markdown
from reader.text import permalinks
from reader.text.sanitize import sanitize, sanitize_line
from reader.text.urls import is_web_url, normalize_url

# Elements whose content is never article text.
_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "applet",
    "form",
    "button",
    "select",
    "textarea",
    "input",
    "svg",
    "math",
    "head",
    "title",
    "meta",
    "link",
)
# Embedding elements: what they hold is the text shown where the embedded thing cannot be.
_UNWRAP = ("iframe", "object", "embed")
# Characters percent-encoded in Markdown link targets so that a renderer sees where they end.
_MARKDOWN_URL = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})

_INLINE_LINK = re.compile(
    r"""(?P<bang>!?)\[(?P<text>(?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])*)\]
        \(\s*(?P<dest><[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)
        (?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)""",
    re.VERBOSE,
)
_AUTOLINK = re.compile(r"<(?P<dest>[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*)>")
_REFERENCE = re.compile(r"^(?P<lead> {0,3})\[(?P<label>[^\]\n]+)\]:[ \t]*(?P<dest>\S+)", re.M)
_BLANK_RUNS = re.compile(r"\n{3,}")
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8", no_network=True)
_CHAR_REFERENCE = re.compile(r"&#(?:[xX]0*(?P<hex>[0-9a-fA-F]{1,8})|0*(?P<dec>[0-9]{1,10}));?")


def safe_link(url: str | None, base: str = "") -> str:
    """`url` made absolute against `base` if it is http(s), else the empty string."""
    if not url:
        return ""
    url = sanitize_line(url)
    if not url or url.startswith("-"):
        return ""
    try:
        absolute = urljoin(base, url) if base and is_web_url(base) else url
    except ValueError:
        return ""
    return absolute if is_web_url(absolute) else ""


def html_to_text(html: str | None) -> str:
    """The visible text of an HTML fragment on one line (for titles, names)."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return sanitize_line(html)
    root = _parse(drop_control_references(sanitize(html)))
    if root is None:
        return sanitize_line(html)
    _drop_non_text(root)
    return sanitize_line(root.text_content())


def html_to_markdown(html: str | None, base: str = "") -> str:
    """Convert an HTML fragment or document to Markdown: unwrapped, links as `[text](url)`."""
    if not html or not html.strip():
        return ""
    root = _parse(drop_control_references(sanitize(html)))
    if root is None:
        return safe_markdown(sanitize(html))
    _clean(root, base)
    simple = simple_markdown(root)
    if simple is not None:
        return safe_markdown(simple)
    converter = html2text.HTML2Text(baseurl="")
    converter.body_width = 0
    converter.unicode_snob = True
    converter.inline_links = True
    converter.wrap_links = False
    converter.wrap_list_items = False
    converter.protect_links = False
    converter.use_automatic_links = False
    converter.images_to_alt = True
    converter.ignore_images = True
    converter.mark_code = False
    converter.pad_tables = False
    markdown = converter.handle(lxml.html.tostring(root, encoding="unicode"))
    return safe_markdown(markdown)


def safe_markdown(markdown: str) -> str:
    """Markdown with every non-http(s) link target removed (text kept) and tidy blank lines."""
    markdown = sanitize(markdown)

    def inline(match: re.Match[str]) -> str:
        dest = match.group("dest").strip("<>")
        if is_web_url(dest):
            return match.group(0)
        return match.group("text")

    def auto(match: re.Match[str]) -> str:
        dest = match.group("dest")
        return match.group(0) if is_web_url(dest) else dest

    def reference(match: re.Match[str]) -> str:
        if is_web_url(match.group("dest").strip("<>")):
            return match.group(0)
        # An escaped bracket is no longer a link definition; the text stays readable.
        return match.group(0).replace("[", "\\[", 1)

    # Each pattern only where what it needs occurs (the body of most entries has no link).
    if "](" in markdown:
        markdown = _INLINE_LINK.sub(inline, markdown)
    if "<" in markdown:
        markdown = _AUTOLINK.sub(auto, markdown)
    if "]:" in markdown:
        markdown = _REFERENCE.sub(reference, markdown)
    # Two trailing spaces are a Markdown line break; any other trailing space is noise.
    lines = [
        line if line.endswith("  ") and line.strip() else line.rstrip()
        for line in markdown.split("\n")
    ]
    markdown = "\n".join(lines)
    if "\n\n\n" in markdown:
        markdown = _BLANK_RUNS.sub("\n\n", markdown)
    return markdown.strip("\n")


def drop_control_references(html: str) -> str:
    """Remove character references to control characters (`&#27;`, `&#x9b;`) before parsing."""

    def check(match: re.Match[str]) -> str:
        code = int(match.group("hex"), 16) if match.group("hex") else int(match.group("dec"))
        if code > 0x10FFFF:
            return ""
        char = chr(code)
        return match.group(0) if sanitize(char) == char or char == "\r" else ""

    return _CHAR_REFERENCE.sub(check, html) if "&#" in html else html


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """A tree for `html`, or None when lxml cannot make one (empty, only comments)."""
    try:
        if re.match(r"\s*(<!doctype|<html|<\?xml)", html, re.IGNORECASE):
            # lxml reads undeclared bytes as Latin-1: say they are UTF-8.
            document = lxml.html.document_fromstring(html.encode("utf-8"), parser=_UTF8_PARSER)
            body = document.find("body")
            return body if body is not None else document
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None


def _drop_non_text(root: lxml.html.HtmlElement) -> None:
    """Drop the elements whose content is never text to read (scripts, styles, forms...)."""
    for element in list(root.iter(*_DROP)):
        if element is not root:
            element.drop_tree()
    for element in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in list(root.iter(*_UNWRAP)):
        if element is not root:
            element.drop_tag()


def _clean(root: lxml.html.HtmlElement, base: str) -> None:
    """Drop non-text elements, headings' permalinks, unsafe link targets and images (keeping
    their alt text)."""
    _drop_non_text(root)
    _drop_permalinks(root, base)
    for anchor in list(root.iter("a")):
        href = safe_link(anchor.get("href"), base).translate(_MARKDOWN_URL)
        for name in list(anchor.attrib):
            del anchor.attrib[name]
        if href:
            anchor.set("href", href)
    for image in list(root.iter("img")):
        alt = sanitize_line(image.get("alt"))
        src = safe_link(image.get("src"), base)
        if alt:
            replacement = lxml.html.Element("span")
            replacement.text = alt
        elif src:
            replacement = lxml.html.Element("a", href=src.translate(_MARKDOWN_URL))
            name = posixpath.basename(urlsplit(src).path)
            replacement.text = sanitize_line(name) or "image"
        else:
            image.drop_tree()
            continue
        replacement.tail = image.tail
        image.getparent().replace(image, replacement)


def _drop_permalinks(root: lxml.html.HtmlElement, base: str) -> None:
    """Drop the anchors by which headings link to themselves; a heading's text wrapped in a
    link to itself stays, as text."""
    for heading in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6")):
        ids = [heading.get("id") or "", heading.get("name") or ""]
        for anchor in list(heading.iter("a")):
            href = sanitize_line(anchor.get("href"))
            found = permalinks.verdict(
                anchor.text_content(),
                href,
                heading.text_content(),
                [*ids, anchor.get("id") or "", anchor.get("name") or ""],
            )
            if found == "drop":
                anchor.drop_tree()
            elif found == "unwrap" and _this_page(href.partition("#")[0], base):
                anchor.drop_tag()


def _this_page(page: str, base: str) -> bool:
    """Whether a link's page part (before `#`) is the page itself: empty, or `base`."""
    if not page:
        return True
    try:
        return bool(base) and normalize_url(urljoin(base, page)) == normalize_url(base)
    except ValueError:
        return False
