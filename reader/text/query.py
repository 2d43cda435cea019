"""What a search means: parsing what the user typed, the index terms of a text, matching, spans.

Search is exact substring search over folded titles and bodies (`reader.text.fold`: Unicode
normal forms, full-width and half-width forms, case, Traditional and Simplified Chinese) and the
same for every script. The index holds, for each article, every character and every pair of
adjacent characters of its folded text (CJK and Latin alike), so any substring from one character
up can be looked up; the candidates the index gives are then checked against the folded text,
which makes the result exactly what a brute-force scan of the folded texts would find.

The index terms are fed to FTS5's `ascii` tokenizer, which splits only at ASCII characters that
are neither letters nor digits: pairs that contain one fall apart into single characters (which are
indexed anyway), and ASCII punctuation is indexed as a private-use stand-in so that `C++` or `#`
narrow a search too. A MATCH expression is only ever built from terms made here, each quoted; what
the user typed never reaches it.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

from reader.text.fold import dropped, fold
from reader.text.folded import Folded
from reader.text.i18n import SaidError, later
from reader.text.marks import plain
from reader.text.sanitize import sanitize

MAX_QUERY = 10_000
"""The longest query accepted, in characters."""

_HEAD = 400
"""A snippet looks for its first match in this many characters of the body before the rest."""
_UNSETTLED = 16
"""How near the end of a folded piece of text a match is not trusted (see `_first_match`)."""
_AROUND = 200
"""How much of the body on each side of a match an excerpt is cut from, once its marks are out."""

MAX_TERMS_PER_WORD = 12
"""At most this many index terms are looked up per word (the text check does the rest)."""

_SEPARATORS = frozenset(chr(c) for c in range(128) if not chr(c).isalnum())
_PUNCT_TERM = {chr(c): chr(0xE000 + c) for c in range(33, 127) if not chr(c).isalnum()}
_PUNCT = re.compile("[" + re.escape("".join(_PUNCT_TERM)) + "]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_INERT = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
"""Folded words of CJK ideographs only: where such a word is in a text as written, it is in the
folded text too (an ideograph that folding keeps is never changed or combined by its neighbours),
so checking for it needs no folding; where it is not, another spelling may be."""
_PLAIN = re.compile("[ -~\u3400-\u4dbf\u4e00-\u9fff]+")
"""Folded words of printable ASCII and ideographs: where such a word is in the case-folded text
and no combining mark follows it (which NFKC could join to its last letter), it is in the folded
text too, as no character of it is ever joined to the one before it."""
_CODES = "I" if array("I").itemsize == 4 else "L"


class SearchQueryError(SaidError, ValueError):
    """A query that cannot be searched for; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: folded strings that must all occur, and strings that must not."""

    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def matches(self, title: str, body: str) -> bool:
        """True if the article with this title and body is a result of the query."""
        texts = _Texts(title, body)
        return all(map(texts.hold, self.include)) and not any(map(texts.hold, self.exclude))

    def in_title(self, title: str) -> bool:
        """True if every wanted string occurs in the title itself."""
        return all(map(_Texts(title).hold, self.include))


class _Texts:
    """Texts a query is checked against: a folded word is looked for in them as written when
    that is sure to agree with their folded form (see `_INERT`, `_PLAIN`), else in the folded
    texts, which are folded once, when first needed."""

    __slots__ = ("_cased", "_folded", "_texts")

    def __init__(self, *texts: str) -> None:
        self._texts = texts
        self._cased: tuple[str, ...] = ()
        self._folded: tuple[str, ...] = ()

    def hold(self, term: str) -> bool:
        """True if some folded text holds `term` (a folded word)."""
        if _INERT.fullmatch(term):
            if any(term in text for text in self._texts):
                return True
        elif _PLAIN.fullmatch(term):
            self._cased = self._cased or tuple(text.casefold() for text in self._texts)
            if any(_kept(term, text) for text in self._cased):
                return True
        self._folded = self._folded or tuple(map(fold, self._texts))
        return any(term in text for text in self._folded)


def _kept(term: str, cased: str) -> bool:
    """True if `term` (of `_PLAIN` characters) occurs in the case-folded `cased` followed by no
    combining mark (nor a character whose normal form starts with one, like `´`, even after
    characters folding drops): nothing else could make the folded text differ there."""
    at = cased.find(term)
    while at >= 0:
        end = at + len(term)
        while end < len(cased) and dropped(cased[end]):
            end += 1
        if end == len(cased):
            return True
        after = cased[end]
        if not unicodedata.combining(after):
            normal = unicodedata.normalize("NFKC", after)
            if not unicodedata.combining(normal[0]):
                return True
        at = cased.find(term, at + 1)
    return False


def parse_query(text: str) -> Query:
    """Parse what the user typed; raise `SearchQueryError` when there is nothing to search for.

    Words separated by spaces must all occur (in any order); `"a quoted phrase"` must occur as
    written (an unclosed quote runs to the end); a leading `-` excludes the word or phrase after
    it. Everything else is literal: `AND`, `*`, `(`, `C++`, `2024-01-01` are searched for as typed.
    Control characters are removed first, as they are from every stored text; each word is
    then folded (`reader.text.fold`), so `國`, `ＡＢＣ` and a decomposed `é` find `国`, `abc`, `é`.
    """
    if len(text) > MAX_QUERY:
        raise SearchQueryError(
            later(
                "the search is too long (at most {count} characters)", count=format(MAX_QUERY, ",")
            )
        )
    cleaned = _SURROGATES.sub("", sanitize(text))
    include: list[str] = []
    exclude: list[str] = []
    i, end = 0, len(cleaned)
    while i < end:
        if cleaned[i].isspace():
            i += 1
            continue
        negate = cleaned[i] == "-" and i + 1 < end and not cleaned[i + 1].isspace()
        if negate:
            i += 1
        if cleaned[i] == '"':
            close = cleaned.find('"', i + 1)
            close = end if close < 0 else close
            term = cleaned[i + 1 : close].strip()
            i = close + 1
        else:
            start = i
            while i < end and not cleaned[i].isspace():
                i += 1
            term = cleaned[start:i]
        folded = fold(term)
        if folded:
            target = exclude if negate else include
            if folded not in target:
                target.append(folded)
    if not include:
        if exclude:
            raise SearchQueryError(
                later("nothing to search for: give a word to find, not only words to leave out")
            )
        raise SearchQueryError(later("nothing to search for"))
    return Query(tuple(include), tuple(exclude))


def article_terms(title: str, body: str) -> tuple[str, str]:
    """The terms an article is indexed (and unindexed) by: of the whole article, and of its title.

    Every index write and delete goes through here, as a contentless index forgets a document
    only given exactly the terms it was indexed with.
    """
    title_terms = index_terms(title)
    return title_terms + " " + index_terms(body), title_terms


def index_terms(text: str) -> str:
    """The string to index for `text`: the characters and adjacent pairs of its folded form.

    Built with C-speed operations only (an article of 5 KB takes about 0.1 ms, folding included):
    every character separated by spaces, then every pair followed by a space, then stand-ins for
    ASCII punctuation.
    """
    folded = fold(text)
    if not folded:
        return ""
    parts = [" ".join(folded)]
    codes = array(_CODES, folded.encode("utf-32-le", "surrogatepass"))
    if len(codes) > 1:
        pairs = array(_CODES, [32]) * (3 * (len(codes) - 1))
        pairs[0::3] = codes[:-1]
        pairs[1::3] = codes[1:]
        parts.append(pairs.tobytes().decode("utf-32-le", "surrogatepass"))
    punctuation = set(_PUNCT.findall(folded))
    if punctuation:
        parts.append(" ".join(_PUNCT_TERM[c] for c in sorted(punctuation)))
    return " ".join(parts)


def word_terms(word: str) -> list[str]:
    """The index terms every text whose folded form contains the folded `word` has (at most a
    dozen).

    Pairs without an ASCII separator, then single characters no such pair covers (punctuation as
    its stand-in); whitespace alone gives nothing.
    """
    terms: list[str] = []
    covered = [False] * len(word)
    for i in range(len(word) - 1):
        if word[i] not in _SEPARATORS and word[i + 1] not in _SEPARATORS:
            terms.append(word[i : i + 2])
            covered[i] = covered[i + 1] = True
    for i, char in enumerate(word):
        if not covered[i]:
            if char in _PUNCT_TERM:
                terms.append(_PUNCT_TERM[char])
            elif char not in _SEPARATORS:
                terms.append(char)
    unique = list(dict.fromkeys(terms))
    if len(unique) <= MAX_TERMS_PER_WORD:
        return unique
    step = (len(unique) - 1) / (MAX_TERMS_PER_WORD - 1)
    return list(dict.fromkeys(unique[round(k * step)] for k in range(MAX_TERMS_PER_WORD)))


def match_expression(query: Query) -> str | None:
    """An FTS5 MATCH expression, built only from quoted index terms, that every result satisfies.

    Wanted words give their terms joined by AND. An excluded word of one or two characters is its
    own index term, so `NOT "term"` excludes exactly the articles holding it; longer excluded words
    are left to the text check. None when no wanted word has an index term.
    """
    terms: list[str] = []
    for word in query.include:
        terms.extend(word_terms(word))
    terms = list(dict.fromkeys(terms))
    if not terms:
        return None
    excluded = [w for w in query.exclude if _exact_term(w)]
    for term in [*terms, *excluded]:  # quotes and ASCII separators are never in a term
        if any(char in _SEPARATORS for char in term):
            raise AssertionError(f"unsafe index term {term!r}")
    expression = " AND ".join(f'"{term}"' for term in terms)
    if excluded:
        expression = f"({expression})" + "".join(f' NOT "{term}"' for term in excluded)
    return expression


def _exact_term(word: str) -> bool:
    """True if the index holds `word` itself as one term, and only for texts containing it."""
    return 1 <= len(word) <= 2 and not any(
        char in _SEPARATORS or "\ue000" <= char <= "\ue07f" for char in word
    )


def index_exact(query: Query) -> bool:
    """True if the index alone decides the query: every word, wanted or excluded, is one or two
    characters that the index holds as one term, so no article's text needs to be checked."""
    return all(_exact_term(word) for word in (*query.include, *query.exclude))


def match_spans(text: str, query: Query | str) -> list[tuple[int, int]]:
    """Where the wanted strings of `query` occur in `text`: sorted, merged (start, end) offsets.

    For highlighting: offsets index `text` itself (folding that changes lengths, like `ß`, `ﬁ`
    or a decomposed `é`, is mapped back). `query` may be a parsed `Query` or what the user typed
    (an unsearchable query gives no spans).
    """
    if isinstance(query, str):
        try:
            query = parse_query(query)
        except SearchQueryError:
            return []
    folded = Folded(text)
    found: list[tuple[int, int]] = []
    for term in query.include:
        at = folded.folded.find(term)
        while at >= 0:
            found.append((at, at + len(term)))
            at = folded.folded.find(term, at + 1)
    found.sort()
    if not folded.same_offsets:
        # The last first: offsets are then mapped once, as far as they are needed.
        found = sorted(folded.span(start, stop) for start, stop in reversed(found))
    merged: list[tuple[int, int]] = []
    for start, stop in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def snippet(
    title: str, body: str, query: Query, width: int = 80, before: int = 20
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line excerpt of the body around the first match, and the match spans within it.

    At most about `width` characters, starting `before` characters ahead of the first match, with
    `…` where text was cut. When only the title matches, the excerpt is the start of the body.
    The body is sanitised first: a window cut out of an escape sequence would keep its payload
    with nothing left to recognise it by. The excerpt is plain text: Markdown's marks (`##`, `>`,
    `**`, a link's target) are taken out of the region around the match before it is cut.
    """
    body = sanitize(body)
    first = _first_match(body, query)
    low = max(0, first - _AROUND)
    high = min(len(body), first + _AROUND + width)
    text = plain(body[low:high], line_start=low == 0 or body[low - 1] == "\n")
    text = " ".join(text.split())
    found = match_spans(text, query)
    # Where the match is once the marks are out (a match inside a link's target is gone).
    first = found[0][0] if found else min(len(text), max(0, first - low))
    start = max(0, first - before)
    stop = min(len(text), start + width)
    start = max(0, min(start, stop - width))
    piece = text[start:stop].strip()
    if not piece:
        return "", ()
    lead = "…" if start > 0 or low > 0 else ""
    tail = "…" if stop < len(text) or high < len(body) else ""
    # Spans of the excerpt itself: a search for `...` does not light up the marks of the cuts.
    spans = tuple((a + len(lead), b + len(lead)) for a, b in match_spans(piece, query))
    return lead + piece + tail, spans


def _first_match(body: str, query: Query) -> int:
    """Where in `body` the first wanted string starts (0 if none does).

    A start of the body is folded first: as far as a word of ideographs is found as written (see
    `_INERT`), else `_HEAD` characters; a common word is found there without folding the rest. A
    match ending within `_UNSETTLED` characters of the cut is not trusted (what follows the cut
    could still change how its end folds); then more of the body is folded, up to all of it.
    """
    longest = max(map(len, query.include))
    as_written = [
        at + len(term)
        for term in query.include
        if _INERT.fullmatch(term) and (at := body.find(term)) >= 0
    ]
    sizes = {_HEAD, min(as_written, default=_HEAD) + longest + _UNSETTLED}
    for size in [*sorted(size for size in sizes if size < len(body)), len(body)]:
        folded = Folded(body[:size])
        found = [at for at in (folded.folded.find(term) for term in query.include) if at >= 0]
        if size == len(body):
            return folded.start(min(found)) if found else 0
        if found and min(found) + longest <= len(folded.folded) - _UNSETTLED:
            return folded.start(min(found))
    return 0


def split_tags(text: str) -> tuple[str, tuple[str, ...]]:
    """`tag:NAME` words taken out of what the user typed: (the rest, the tag names).

    `tag:"two words"` names a tag with spaces; a `tag:` inside a quoted phrase is text.
    """
    rest: list[str] = []
    found: list[str] = []
    i, end = 0, len(text)
    while i < end:
        if text[i] == '"':
            close = text.find('"', i + 1)
            close = end if close < 0 else close
            rest.append(text[i : close + 1])
            i = close + 1
            continue
        start = i
        while i < end and not text[i].isspace() and text[i] != '"':
            i += 1
        word = text[start:i]
        if word.lower().startswith("tag:") and (len(word) > 4 or text[i : i + 1] == '"'):
            name = word[4:]
            if not name and text[i : i + 1] == '"':
                close = text.find('"', i + 1)
                close = end if close < 0 else close
                name = text[i + 1 : close]
                i = close + 1
            if name.strip():
                found.append(name.strip())
            continue
        rest.append(word)
        while i < end and text[i].isspace():
            rest.append(text[i])
            i += 1
    return "".join(rest).strip(), tuple(found)


def pair_terms(text: str, limit: int) -> list[str]:
    """Up to `limit` distinct two-character index terms of `text`, in the order they occur (the
    terms that say most about what a text is about, for finding related articles)."""
    folded = fold(text)
    found: dict[str, None] = {}
    for i in range(len(folded) - 1):
        a, b = folded[i], folded[i + 1]
        if a in _SEPARATORS or b in _SEPARATORS or a.isspace() or b.isspace():
            continue
        if not (a.isalnum() and b.isalnum()):
            continue
        found[a + b] = None
        if len(found) >= limit:
            break
    return list(found)
