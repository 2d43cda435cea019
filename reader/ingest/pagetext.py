"""The "page text" format: the visible text of an article page as a scraper saved it.

A breadcrumb (`当前位置:首页 > 好文 > 正文`), the title, metadata bullets (category, date, views),
the body paragraphs and the site's "random articles" block at the end. Each part is optional but
the title. The body is stored as Markdown: paragraphs stay verbatim, short standalone questions
become `##` section headings, and line starts that Markdown would read as markup are escaped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from reader.ingest.dates import parse_datetime
from reader.ingest.decode import decode_bytes
from reader.ingest.errors import ParseError
from reader.ingest.notes import warn
from reader.models import ArticleDraft
from reader.text.sanitize import sanitize

MAX_TITLE = 300
"""A first line longer than this is a paragraph, not a title: the file has no recognisable title."""
MAX_HEADING = 40
MAX_BULLET = 60
MAX_RELATED_LINE = 80
MAX_RELATED = 50
MAX_VIEWS = 10**12

_LABEL = re.compile(
    r"^(?:当前位置|当前位置是|您的位置|你的位置|您现在的位置|你现在的位置|您当前的位置|所在位置|"
    r"现在位置|位置|当前页面|you are here|current location|location)"
    r"\s*(?:是)?\s*[:：]\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_ARROWS = re.compile(r"\s*(?:>+|»|›|＞|→|〉)\s*")
_SLASHES = re.compile(r"\s*[/／]\s*")
_HOME = {"首页", "首頁", "主页", "主頁", "网站首页", "本站首页", "返回首页", "home", "homepage"}
_LAST = {"正文", "正文内容", "内容", "详情", "文章", "阅读全文", "article", "post", "content"}

_BULLET = re.compile(r"^(?:[•·●▪◦・‧]\s*|[-*+]\s+)(?P<value>.+)$")
_META_SPLIT = re.compile(r"\s*[|｜]\s*|\s{2,}|\s+[·•/]\s+")
_META_LABEL = re.compile(r"^(?P<label>[^:：0-9]{1,12}?)\s*[:：]\s*(?P<rest>.+)$")
# What a labelled bullet (`阅读：88`, `Tags: a, b`) holds, by its label.
_LABEL_KINDS = {
    label: kind
    for kind, labels in (
        ("date", "发布时间|发表时间|发布日期|时间|日期|更新时间|发布于|发表于|"
         "date|posted|posted on|published|updated|time"),
        ("views", "阅读|浏览|阅读量|浏览量|阅读数|浏览数|点击|点击量|热度|人气|views|reads|hits"),
        ("author", "作者|编辑|author|by|posted by|written by"),
        ("category", "分类|栏目|类别|分类目录|category|categories"),
        ("tags", "标签|关键词|关键字|tags|tag|keywords"),
    )
    for label in labels.split("|")
}  # fmt: skip
_DATE_PREFIX = re.compile(r"^(?:发布于|发表于|更新于|posted on|published on|posted|on)\s*", re.I)
_COUNT = re.compile(
    r"""^(?:(?:阅读|浏览|阅读量|浏览量|点击|热度|人气|views?|reads?|hits?)\s*[:：]?\s*)?
    [(（]?\s*(?P<num>[0-9]{1,3}(?:[,，][0-9]{3})+|[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[万w千k亿])?\s*[)）]?
    \s*(?:次阅读|次浏览|人阅读|人浏览|人看过|次|阅读|浏览|views?|reads?|hits?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_UNITS = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000, "亿": 100_000_000}
_TAG_SPLIT = re.compile(r"\s*[,，、;；]\s*|\s+")

_FOOTERS = {
    "随机文章", "相关文章", "热门文章", "推荐文章", "最新文章", "猜你喜欢", "相关推荐", "随机推荐",
    "热门推荐", "相关阅读", "延伸阅读", "random posts", "related posts", "random articles",
    "related articles", "popular posts", "recent posts", "you may also like", "you might also like",
}  # fmt: skip
_DECORATION = " \t:：-—–=*#_~·•【】[]「」『』<>《》()（）"
# Punctuation of running text: a bullet holding it is a list in the body, not metadata.
_PROSE = re.compile(r"[。，！？；]|[.,;!?]\s")
_SENTENCE_MARKS = re.compile(r"[。，,；;！!？?：:…]|\.\s")
_JUNK = re.compile("[\ufffd\x01-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ue000-\uf8ff]")

# Line starts that Markdown reads as block markup; such a line is escaped so it stays text.
_BLOCK_START = re.compile(
    r"""^(?:
        \#{1,6}(?:\s|$)           # ATX heading
      | >                         # block quote
      | [-+*](?:\s|$)             # bullet list item
      | (?:[-*_]\s*){3,}$         # thematic break
      | [=-]+\s*$                 # setext underline of the line above
      | ```|~~~                   # code fence
      | <[A-Za-z/!?]              # HTML block
      | \[[^\]]*\]:               # link reference definition
    )""",
    re.VERBOSE,
)
_ORDERED = re.compile(r"^([0-9]{1,9})([.)])(?=\s|$)")


def parse(data: bytes, location: str, *, root: str | None = None) -> list[ArticleDraft]:
    """Read one page-text file as one article.

    `location` names the file in messages; `root` (the folder named on the command line) is
    accepted for symmetry with the other importers and not used: this format carries its own
    category. Raises `ParseError` when the file holds no recognisable title.
    """
    text = read_text(data)
    return [parse_text(text)]


def read_text(data: bytes) -> str:
    """Decode a text file (UTF-8, BOM, GB18030), refuse binary data, sanitise, use `\\n` only.

    Bytes that are not UTF-8 are tried as GB18030 before any detection: these files come from
    Chinese sites, and detectors misread short GBK texts as Shift-JIS or Big5.
    """
    decoded = decode_bytes(data, assumed="gb18030")
    if decoded.warning:
        warn(decoded.warning)
    text = decoded.text
    if "\x00" in text:
        raise ParseError("binary data (NUL bytes), not a text file")
    junk = sum(1 for _ in _JUNK.finditer(text))
    if junk:
        visible = len(text) - sum(1 for ch in text if ch.isspace())
        if junk * 10 > visible:
            raise ParseError(
                f"looks like binary data: {junk} of {visible} characters are undecodable"
            )
    return sanitize(text.replace("\r\n", "\n").replace("\r", "\n"))


def parse_text(text: str) -> ArticleDraft:
    """Read the text of one page-text file (already decoded) as one article."""
    lines = [line.strip() for line in text.split("\n")]
    index = _next(lines, 0)
    if index is None:
        raise ParseError("no title: the file is empty" if not text else "no title: only blank text")
    crumbs = _crumbs(lines[index])
    if crumbs is not None:
        index = _next(lines, index + 1)
        if not crumbs and index is not None and (more := _crumbs_alone(lines[index])):
            crumbs, index = more, _next(lines, index + 1)
        if index is None:
            raise ParseError("no title: nothing follows the breadcrumb")
    title = _title(lines[index])
    meta = _Meta()
    index += 1
    while (found := _next(lines, index)) is not None and meta.take(lines[found]):
        index = found + 1
    category = _category(crumbs or [], title)
    tags = meta.tags
    if category:
        # The category bullet repeats a breadcrumb crumb; other texts are tags.
        names = {name.casefold() for name in crumbs or []}
        tags = [t for t in meta.texts if t.casefold() not in names] + tags
    else:
        category = meta.category or tuple(_split_crumbs(meta.texts[0]) if meta.texts else ())
        tags = meta.texts[1:] + tags
    body_lines = lines[index:]
    footer = _footer(body_lines)
    related: list[str] = []
    if footer is not None:
        related = _related(body_lines[footer + 1 :])
        body_lines = body_lines[:footer]
    return ArticleDraft(
        title=title,
        body=_markdown(body_lines),
        category=category,
        published=meta.published,
        views=meta.views,
        author=meta.author,
        guid="",
        tags=tuple(dict.fromkeys(t for t in tags if t)),
        related=tuple(dict.fromkeys(related)),
    )


def parse_count(text: str) -> int | None:
    """A view count (`3`, `1,234`, `1.2万`, `356次`, `1234 views`, `阅读 88`), or None."""
    match = _COUNT.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return None
    number, unit = match["num"].replace(",", "").replace("，", ""), match["unit"]
    if "." in number and not unit:
        return None
    try:
        value = int(Decimal(number) * _UNITS.get((unit or "").lower(), 1))
    except (InvalidOperation, ValueError):
        return None
    return value if value <= MAX_VIEWS else None


@dataclass(slots=True)
class _Meta:
    """What the metadata bullets (or a metadata line) under the title say."""

    published: datetime | None = None
    views: int | None = None
    author: str = ""
    category: tuple[str, ...] = ()
    texts: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def take(self, line: str) -> bool:
        """Take `line` if it is a bullet or a line of labelled metadata; False if it is body."""
        bullet = _BULLET.match(line)
        if bullet:
            value = bullet["value"].strip()
            if len(value) > MAX_BULLET or (_PROSE.search(value) and not self._kind(value)):
                return False
            self._add(value, bare=True)
            return True
        parts = [p for p in _META_SPLIT.split(line) if p]
        if len(line) > 2 * MAX_BULLET or not all(self._kind(p) for p in parts):
            return False
        for part in parts:
            self._add(part, bare=False)
        return True

    def _kind(self, part: str) -> str:
        """'date', 'views' or a label's kind for a part of an unbulleted metadata line."""
        label = _META_LABEL.match(part)
        if label and label["label"].strip().casefold() in _LABEL_KINDS:
            return _LABEL_KINDS[label["label"].strip().casefold()]
        if _date(part):
            return "date"
        count = _COUNT.match(unicodedata.normalize("NFKC", part))
        # A bare number alone on a line could be body text; a number with a unit is a count.
        if count and not part.strip().isdigit():
            return "views"
        return ""

    def _add(self, value: str, *, bare: bool) -> None:
        label = _META_LABEL.match(value)
        if label:
            kind = _LABEL_KINDS.get(label["label"].strip().casefold())
            rest = label["rest"].strip()
            if kind == "date":
                self.published = self.published or _date(rest)
                return
            if kind == "views":
                self.views = self.views if self.views is not None else parse_count(rest)
                return
            if kind == "author":
                self.author = self.author or rest
                return
            if kind == "category":
                self.category = self.category or tuple(_split_crumbs(rest))
                return
            if kind == "tags":
                self.tags.extend(t for t in _TAG_SPLIT.split(rest) if t)
                return
            if _date(rest) is None and parse_count(rest) is not None:
                return  # comments, likes: numbers that are not views
        moment = _date(value)
        if moment is not None:
            self.published = self.published or moment
            return
        count = parse_count(value)
        if count is not None:
            self.views = self.views if self.views is not None else count
            return
        if bare:
            self.texts.append(value)


def _date(text: str) -> datetime | None:
    """A date-time, also after a prefix such as `发布于`; None if there is none."""
    return parse_datetime(text) or parse_datetime(_DATE_PREFIX.sub("", text, count=1))


def _next(lines: list[str], start: int) -> int | None:
    """Index of the first non-blank line at or after `start`."""
    for index in range(start, len(lines)):
        if lines[index]:
            return index
    return None


def _split_crumbs(text: str) -> list[str]:
    """Crumbs of a breadcrumb: split on arrows, or on slashes when there is no arrow."""
    splitter = _ARROWS if _ARROWS.search(text) else _SLASHES
    return [part.strip() for part in splitter.split(text) if part.strip()]


def _is_home(crumb: str) -> bool:
    folded = crumb.casefold()
    return folded in _HOME or "首页" in folded


def _crumbs(line: str) -> list[str] | None:
    """The crumbs if `line` is a breadcrumb (labelled, or starting at a home crumb), else None."""
    labelled = _LABEL.match(line)
    if labelled:
        return _split_crumbs(labelled["rest"])
    return _crumbs_alone(line)


def _crumbs_alone(line: str) -> list[str] | None:
    """The crumbs of an unlabelled breadcrumb: `首页 > 科技 > 正文`."""
    if not (_ARROWS.search(line) or _SLASHES.search(line)):
        return None
    parts = _split_crumbs(line)
    return parts if len(parts) >= 2 and _is_home(parts[0]) else None


def _title(line: str) -> str:
    """The title from its line, or ParseError when the line cannot be one."""
    title = re.sub(r"^#{1,6}\s+", "", line).strip()
    if len(title) > MAX_TITLE:
        raise ParseError(
            f"no recognisable title: the first line is {len(title)} characters long "
            f"(a title has at most {MAX_TITLE})"
        )
    bullet = _BULLET.match(title)
    if bullet and (_date(bullet["value"]) or parse_count(bullet["value"]) is not None):
        raise ParseError("no title: the metadata bullets come first")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in title):
        raise ParseError("no recognisable title: the first line holds no words")
    return title


def _category(crumbs: list[str], title: str) -> tuple[str, ...]:
    """The category path: the crumbs without the home crumb and the article's own crumb."""
    parts = list(crumbs)
    if parts and _is_home(parts[0]):
        parts = parts[1:]
    if parts and (parts[-1].casefold() in _LAST or _same_title(parts[-1], title)):
        parts = parts[:-1]
    return tuple(parts)


def _same_title(crumb: str, title: str) -> bool:
    """True when a crumb is the title, perhaps cut short with an ellipsis."""
    crumb, title = crumb.casefold(), title.casefold()
    if crumb == title:
        return True
    stem = crumb.rstrip(".…").rstrip()
    return stem != crumb and len(stem) >= 2 and title.startswith(stem)


def _is_footer_marker(line: str) -> bool:
    return line.strip(_DECORATION).casefold() in _FOOTERS


def _footer(lines: list[str]) -> int | None:
    """Index of the line starting the random-articles block, or None.

    The block is a marker line alone near the end, followed only by short lines (titles). The
    tail of short lines is walked back from the end; its earliest marker with at most
    `MAX_RELATED` titles after it starts the block, so a marker inside a sentence never does.
    """
    markers: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line:
            continue
        if _is_footer_marker(line):
            markers.append(index)
        elif len(line) > MAX_RELATED_LINE:
            break
    for index in reversed(markers):
        titles = sum(1 for line in lines[index + 1 :] if line and not _is_footer_marker(line))
        if titles <= MAX_RELATED:
            return index
    return None


def _related(lines: list[str]) -> list[str]:
    """Titles of the random-articles block; breadcrumbs and further markers are chrome."""
    titles = []
    for line in lines:
        if not line or _is_footer_marker(line) or _crumbs(line) is not None:
            continue
        bullet = _BULLET.match(line)
        titles.append(bullet["value"].strip() if bullet else line)
    return titles


def _markdown(lines: list[str]) -> str:
    """The body lines as Markdown: blocks split on blank lines, questions as `##` headings."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if len(blocks) == 1 and len(blocks[0]) > 1:
        # No blank line anywhere: the scraper wrote one paragraph per line.
        blocks = [[line] for line in blocks[0]]
    out = []
    for block in blocks:
        if len(block) == 1 and is_heading(block[0]):
            out.append("## " + block[0])
        else:
            out.append("\n".join(escape_line(line) for line in block))
    return "\n\n".join(out)


def is_heading(line: str) -> bool:
    """True for a short standalone question with no sentence punctuation before its `?`."""
    line = line.strip()
    if len(line) > MAX_HEADING or len(line) < 2 or line[-1] not in "?？":
        return False
    if not any(unicodedata.category(ch)[0] in "LN" for ch in line):
        return False
    return not _SENTENCE_MARKS.search(line[:-1])


def escape_line(line: str) -> str:
    """Escape the start of a line that Markdown would otherwise read as block markup."""
    ordered = _ORDERED.match(line)
    if ordered:
        return f"{ordered[1]}\\{ordered[2]}{line[ordered.end() :]}"
    if _BLOCK_START.match(line):
        return "\\" + line
    return line
