"""The title of an article page, chosen by weighing what the page says about itself.

A page names its article in several places, and they disagree. `<title>` usually adds the site's
name (`标题_栏目_网站`, `Title - Site`, `Site | Title`) and on some sites holds nothing else; the
titles written for sharing (`og:title`, `twitter:title`, JSON-LD `headline`, the `ArticleTitle`
of Chinese government sites) seldom carry the site; headings hold the article's title but also
the site's banner, section names and the titles of recommended articles, sometimes above the
article's own. So agreement decides: a heading that one of the page's titles states (the whole
title, or its part before a separator, or its part after one when what precedes is the site's
name) is the title, with a label before it (`Politics | Title`) left out; among several, the
one more titles agree on, then the one standing where an article's title would. A heading that
the page's address spells (`/walking-the-old-streets/`) comes next. Without such a heading: a
shared title without the site's name, then `<title>` without it (or the page's single main
heading beside a `<title>` that names a section); when `<title>` is only the site's name, the
first heading outside navigation, sidebars, recommendation blocks and lists of links.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from reader.ingest.titleevidence import Evidence, gather
from reader.ingest.titleparts import MAX_REFERENCE, join, key, segments, site_like, words
from reader.text.sanitize import sanitize_line

_ELLIPSIS = ("…", "...")


def page_title(tree: HtmlElement | None, url: str = "", extracted: str = "") -> str:
    """The article's title in a parsed page ('' when the page names none).

    `url` is the page's address (to tell links to itself from links elsewhere and to know the
    site's host); `extracted` is another extractor's guess, used only when the page offers
    nothing better.
    """
    if tree is None:
        return sanitize_line(extracted)
    return choose(gather(tree, url), extracted)


def choose(evidence: Evidence, extracted: str = "") -> str:
    """The title the evidence supports best (see the module's description)."""
    sites, host = evidence.sites, evidence.host
    document = evidence.document[:MAX_REFERENCE]
    titles = [r[:MAX_REFERENCE] for r in (*evidence.shared, document) if r]
    references = [Reference.read(title, sites, host) for title in titles]
    # A `<title>` that reads as a site's name, repeated by a banner heading, names no article.
    banner = key(document) if _is_site(document, sites, host) else ""
    best: tuple[int, int, bool, bool, int, int] | None = None
    chosen = ""
    for order, heading in enumerate(evidence.headings):
        for text, whole in _readings(heading.text):
            if key(text) in sites or (key(text) == banner and not heading.trusted):
                continue
            grades = [reference.agreement(text) for reference in references]
            grade = max(grades, default=0)
            if grade == 0 and whole and spelled_in(text, evidence.slug):
                grade = 1
            if grade < (1 if whole else 2):
                continue
            support = sum(1 for g in grades if g)
            rank = (grade, support, heading.trusted, whole, -heading.level, -order)
            if best is None or rank > best:
                best, chosen = rank, text
    if chosen:
        return _as_written(chosen, titles)
    for shared in evidence.shared:
        title = strip_site(shared[:MAX_REFERENCE], sites, host)
        if title and not _is_site(title, sites, host):
            return title
    title = strip_site(document, sites, host)
    if title and not _is_site(title, sites, host):
        # `<title>` beside a different single main heading: the heading is the more specific
        # (`<title>` names a section, or holds a longer or older wording).
        h1s = [h for h in evidence.headings if h.level == 1]
        if len(h1s) == 1 and h1s[0].trusted and not _is_site(h1s[0].text, sites, host):
            return h1s[0].text
        return title
    # `<title>` names only the site: the first heading where an article's title stands.
    for level in (1, 4, 2):
        for heading in evidence.headings:
            usable = heading.trusted and not _is_site(heading.text, sites, host)
            if heading.level == level and usable:
                return heading.text
    fallback = sanitize_line(extracted)
    if fallback and key(fallback) != key(document) and not _is_site(fallback, sites, host):
        return fallback
    return document or fallback


@dataclass(frozen=True, slots=True)
class Reference:
    """A title the page states, read once into the forms a heading can agree with."""

    whole: str
    """The title's `key`."""
    before: frozenset[str]
    """Its parts before a separator (`标题` of `标题_栏目_网站`, and `标题_栏目`)."""
    after_site: frozenset[str]
    """Its parts after the site's name (`Title` of `Site | Title` or `Site: Title`)."""
    stem: str
    """The title without a closing ellipsis, when it has one (a title cut short)."""

    @classmethod
    def read(cls, title: str, sites: frozenset[str], host: str) -> Reference:
        """The forms of one title; `sites` and `host` tell the site's name."""
        title = title[:MAX_REFERENCE]
        parts = segments(title)
        before = {key(join(parts[:cut])) for cut in range(1, len(parts))}
        after: set[str] = set()
        for cuts in (parts, segments(title, colons=True)):
            for cut in range(1, len(cuts)):
                if _is_site(join(cuts[:cut]), sites, host):
                    after.add(key(join(cuts[cut:])))
        stem = next((title.removesuffix(e) for e in _ELLIPSIS if title.endswith(e)), "")
        return cls(key(title), frozenset(before), frozenset(after), key(stem))

    def agreement(self, heading: str) -> int:
        """How strongly this title supports a heading: 3 when they are the same text; 2 when
        the heading is one of its parts before a separator or after the site's name, or this
        title is the heading cut short; 0 otherwise."""
        wanted = key(heading)
        if not wanted:
            return 0
        if wanted == self.whole:
            return 3
        if wanted in self.before or wanted in self.after_site:
            return 2
        if len(self.stem) >= 6 and wanted.startswith(self.stem):
            return 2
        return 0


def _readings(heading: str) -> Iterator[tuple[str, bool]]:
    """A heading, then its parts after a label (`Politics | Title`, `Kicker: Title`)."""
    yield heading, True
    parts = segments(heading, colons=True)
    for cut in range(1, len(parts)):
        yield join(parts[cut:]), False


def spelled_in(heading: str, slug: frozenset[str]) -> bool:
    """Whether the page's address spells the heading (`/2024/05/walking-the-old-streets/`): the
    heading's words (at least three) and the last part of the address are mostly the same."""
    spelled = words(heading)
    if len(spelled) < 3 or len(slug) < 3:
        return False
    shared = len(spelled & slug)
    return shared >= 0.75 * len(spelled) and shared >= 0.6 * len(slug)


def _as_written(chosen: str, references: list[str]) -> str:
    """The chosen heading as a title writes it: markup can leave stray spaces in a heading
    (`城市观察 ： 老街`) that the page's own title does not have."""
    wanted = key(chosen)
    for reference in references:
        parts = segments(reference)
        for start in range(len(parts)):
            for end in range(len(parts), start, -1):
                if key(join(parts[start:end])) == wanted:
                    return join(parts[start:end])
    return chosen


def strip_site(title: str, sites: frozenset[str], host: str) -> str:
    """The title without the site's and section's names around it (`标题_栏目_网站` → `标题`)."""
    parts = segments(title)
    if len(parts) < 2:
        return title
    cut = len(parts)
    while cut > 1 and _is_site(parts[cut - 1][1], sites, host):
        cut -= 1
    if cut == len(parts):
        # The site may be named in more than one part (`阿明的家_小城`): try every tail.
        for start in range(1, len(parts)):
            if key(join(parts[start:])) in sites:
                cut = start
                break
    if cut < len(parts):
        first = key(parts[0][1])
        while cut > 1 and _is_section(parts[cut - 1][1], first):
            cut -= 1
    start = 0
    while start < cut - 1 and _is_site(join(parts[: start + 1]), sites, host):
        start += 1
    return join(parts[start:cut])


def _is_site(text: str, sites: frozenset[str], host: str) -> bool:
    return key(text) in sites or site_like(text, host)


def _is_section(text: str, first: str) -> bool:
    """A section's name beside a site's: short, and much shorter than the title before it."""
    name = key(text)
    return 0 < len(name) <= 8 and 2 * len(name) <= len(first)
