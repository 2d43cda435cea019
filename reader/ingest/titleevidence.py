"""What a page says its title is: its `<title>`, the titles it gives for sharing, the names it
gives its site, and its headings with where they stand.

A heading inside navigation, a sidebar, a block of recommended or related articles, a list item or
a link to another page is marked as not standing where an article's title would; a heading in a
logo names the site. Labels set above a headline (`<span class="kicker">`) are left out of it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from lxml.html import HtmlElement

from reader.ingest.titleparts import MAX_REFERENCE, key, words
from reader.text.sanitize import sanitize_line

MAX_HEADINGS = 400
"""Headings looked at, in document order: a title is near the top, and pages can hold millions."""
MAX_TITLE = 200
"""Longer text is a paragraph set in a heading's type, not a title."""
MAX_LD = 256 * 1024
"""JSON-LD blocks larger than this are not read (a headline sits in a small one)."""

_META_TITLES = (
    "articletitle",
    "og:title",
    "twitter:title",
    "title",
    "dc.title",
    "headline",
)
# Not `application-name`: some sites put each article's title there.
_META_SITES = ("og:site_name", "sitename")
_SKIPPED = frozenset({"rt", "rp", "script", "style", "noscript", "template", "button", "select"})
_OFF_ARTICLE_TAGS = frozenset({"nav", "aside", "footer", "li", "menu", "dt", "dd", "a"})
_OFF_ARTICLE = re.compile(
    r"(?:^|[_-])(?:nav\w*|menu\w*|sidebar|side|aside|foot\w*|recommend\w*|recom|rec|related"
    r"|relate|hot\w*|rank\w*|popular|trending|tuijian|xiangguan|remen|paihang|widgets?"
    r"|comments?|breadcrumbs?|crumbs?|ads?|advert\w*|banner|share|more|tags?|links?"
    r"|toolbar|topbar|subnav|login)(?:$|[_\d-])",
    re.IGNORECASE,
)
# The site's own header, by the names pages give it (not `entry-header`, the article's).
_SITE_HEADER = frozenset({"header", "head", "top", "site-header", "site-top", "page-top", "topbar"})
# A wrapper named for the page's main part may also name the sidebar beside it
# (`content-sidebar-wrap`): such a name is not evidence either way.
_WRAPPER = re.compile(r"wrap|container|inner|content|main|layout|grid|row", re.IGNORECASE)
_LOGO = re.compile(
    r"logo|^(?:site-?)?brand(?:ing)?(?:$|[-_])|(?:^|[-_])site-?(?:title|name)(?:$|[-_])|^masthead",
    re.IGNORECASE,
)
_TITLE_CLASS = re.compile(
    r"(?:(?:article|news|post|entry|detail|content|main|page|doc|arti?|text|con|wz)[-_]?)?"
    r"(?:title|headline|biaoti|tit)\d?",
    re.IGNORECASE,
)
_KICKER = re.compile(
    r"(?:^|[\s_-])(?:overline|kicker|dachzeile|roofline|topline|eyebrow|supertitle|pre-?title)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the page: its text, its rank (1-3 for h1-h3, 4 for a titled block), and
    whether it stands where an article's title would (not in navigation, a sidebar, a list of
    links, or a link to another page)."""

    text: str
    level: int
    trusted: bool


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a page says its title is."""

    document: str
    """The `<title>`."""
    shared: tuple[str, ...]
    """Titles written for sharing and indexing, most specific first."""
    sites: frozenset[str]
    """The names the page gives its site, as `key`s."""
    headings: tuple[Heading, ...]
    host: str
    slug: frozenset[str] = frozenset()
    """The words of the last part of the page's address."""


def gather(tree: HtmlElement, url: str = "") -> Evidence:
    """Collect the page's titles, site names and headings."""
    head_title = tree.find(".//title")
    document = _clean(_text(head_title))[:MAX_REFERENCE] if head_title is not None else ""
    shared: list[str] = []
    sites: set[str] = set()
    metas = {name: "" for name in (*_META_TITLES, *_META_SITES, "og:url")}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in metas and not metas[name]:
            metas[name] = _clean(html.unescape(meta.get("content") or ""))[:MAX_REFERENCE]
    headlines, publishers = _json_ld(tree)
    for name in _META_TITLES:
        if name == "og:title":
            shared.extend(headlines)
        if metas[name]:
            shared.append(metas[name])
    sites.update(key(metas[name]) for name in _META_SITES if metas[name])
    sites.update(key(name) for name in publishers)
    canonical = next((link.get("href") or "" for link in _canonical_links(tree)), "")
    page = url or canonical or metas["og:url"]
    host = _host(page)
    selves = {_address(u, page) for u in (url, canonical, metas["og:url"]) if u}
    headings: list[Heading] = []
    for element, level in _heading_elements(tree):
        labels: list[str] = []
        text = _clean(_text(element, labels))
        sites.update(key(label) for label in labels)
        if not text or len(text) > MAX_TITLE:
            continue
        trusted, logo = _placement(element, page, selves)
        if logo:
            sites.add(key(text))
        headings.append(Heading(text, level, trusted))
    sites.update(_named_sites(tree))
    sites.discard("")
    return Evidence(
        document,
        tuple(dict.fromkeys(shared)),
        frozenset(sites),
        tuple(headings),
        host,
        _slug(page),
    )


def _heading_elements(tree: HtmlElement) -> Iterator[tuple[HtmlElement, int]]:
    found = 0
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("h1", "h2", "h3"):
            level = int(tag[1])
        elif tag in ("div", "p", "span", "td", "strong", "header") and _titled(element):
            level = 4
        else:
            continue
        yield element, level
        found += 1
        if found >= MAX_HEADINGS:
            return


def _titled(element: HtmlElement) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"[:200].split()
    return any(_TITLE_CLASS.fullmatch(name) for name in names)


def _placement(element: HtmlElement, page: str, selves: set[str]) -> tuple[bool, bool]:
    """Whether a heading stands where an article's title would, and whether it is the logo."""
    trusted = True
    for depth, node in enumerate((element, *element.iterancestors())):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html"):
            break
        names = f"{node.get('class') or ''} {node.get('id') or ''}"[:300].split()
        if depth <= 3 and any(_LOGO.search(name) for name in names):
            return False, True
        if depth and tag in _OFF_ARTICLE_TAGS:
            trusted = False
        if any(_OFF_ARTICLE.search(n) and not _WRAPPER.search(n) for n in names):
            trusted = False
        if any(name.lower() in _SITE_HEADER for name in names):
            trusted = False
    if trusted:
        # Mostly a link to another page: the title of another article.
        total = len(key(_text(element)))
        for link in element.iter("a"):
            href = (link.get("href") or "").strip()
            elsewhere = href and not href.startswith("#") and _address(href, page) not in selves
            if elsewhere and 2 * len(key(_text(link))) >= total:
                return False, False
    return trusted, False


def _named_sites(tree: HtmlElement) -> Iterator[str]:
    """Names the page gives its home: the text of links to a site's root, and logos' alt text."""
    seen = 0
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        parts = _split(href) if href and not href.startswith(("#", "javascript:")) else None
        if parts is None or parts.path not in ("", "/") or parts.query:
            continue
        if not parts.scheme and not parts.path:
            continue
        for name in (_text(link), link.get("title") or "", *_alts(link)):
            name = key(_clean(name))
            if 0 < len(name) <= 30:
                yield name
        seen += 1
        if seen >= 50:
            return


def _alts(element: HtmlElement) -> Iterable[str]:
    return [img.get("alt") or "" for img in element.iter("img")][:3]


def _canonical_links(tree: HtmlElement) -> Iterator[HtmlElement]:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            yield link


def _split(url: str) -> SplitResult | None:
    """A URL's parts, or None for one that cannot be read (`http://[x/`)."""
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018 - a malformed host raises only when it is read
    except ValueError:
        return None
    return parts


def _slug(url: str) -> frozenset[str]:
    parts = _split(url) if url else None
    path = unquote(parts.path).rstrip("/") if parts else ""
    last = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return words(last)


def _host(url: str) -> str:
    parts = _split(url) if url else None
    return (parts.hostname or "").lower() if parts else ""


def _address(url: str, base: str = "") -> str:
    """A URL as compared with the page's own: host and path, no scheme, query or fragment."""
    try:
        absolute = urljoin(base, url.strip()) if base else url.strip()
    except ValueError:
        return ""
    parts = _split(absolute)
    if parts is None or not parts.path:
        return ""
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def _json_ld(tree: HtmlElement) -> tuple[list[str], list[str]]:
    """Headlines of the articles a page describes in JSON-LD, and its publishers' names."""
    headlines: list[str] = []
    publishers: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        source = script.text or ""
        if len(source) > MAX_LD:
            continue
        try:
            data = json.loads(source)
        except (ValueError, RecursionError):
            continue
        for item in _objects(data, depth=0):
            headline = item.get("headline")
            if isinstance(headline, str):
                headlines.append(_clean(html.unescape(headline))[:MAX_REFERENCE])
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            named = item.get("name")
            if isinstance(named, str) and ("WebSite" in kinds or "Organization" in kinds):
                publishers.append(_clean(named))
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                publishers.append(_clean(publisher["name"]))
    return [h for h in headlines if h], [p for p in publishers if p]


def _objects(data: object, depth: int) -> Iterator[dict[str, object]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _objects(graph, depth + 1)


def _text(element: HtmlElement | None, labels: list[str] | None = None) -> str:
    """An element's visible text: without ruby readings, scripts or styles; with `labels`,
    also without the labels set above a headline (`<span class="kicker">`), which go there."""
    if element is None:
        return ""
    pieces: list[str] = []

    def walk(node: HtmlElement, depth: int) -> None:
        if node.text:
            pieces.append(node.text)
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if labels is not None and tag and _KICKER.search(child.get("class") or ""):
                labels.append(_clean(_text(child)))
            elif tag and tag not in _SKIPPED and depth < 40:
                walk(child, depth + 1)
            if child.tail:
                pieces.append(child.tail)

    walk(element, 0)
    return "".join(pieces)


def _clean(text: str) -> str:
    return sanitize_line(" ".join(text.split()))
