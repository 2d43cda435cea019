"""The parts of a page's title: where a title and a site's name meet, and what looks like a site.

Titles join the article's name and the site's with separators (`_`, `-`, `|`, `—`, `::`, `丨`,
`｜`, spaced `»`, `·` or `@`), and the article's own name may hold the same characters
(`snake_case`, `2024-01-01`, `COVID-19`, `（上 - 下）`), so a separator is one only
where it stands between words, or beside Chinese or Japanese text, and never inside brackets or
quotes.
"""

from __future__ import annotations

import re
import unicodedata

MAX_REFERENCE = 1000
"""A page's title is read up to this length: a title is far shorter."""
MAX_PARTS = 12
"""A title is cut into at most this many parts (the last keeps the rest): a title, a section and
a site take three, and the callers compare every run of parts."""

Part = tuple[str, str]
"""A separator (with the spaces around it; '' for the first part) and the text after it."""

_SEPARATOR = re.compile(
    r"(?P<a>\s*)(?P<sep>::|[|｜丨•]+|_+|＿+|[-–—−]+)(?P<b>\s*)"
    r"|(?P<c>\s+)(?P<spaced>[·・~～@:：/»›]|>>)(?P<d>\s+)"
    r"|(?P<colon>:(?=\s)|：)\s*"
)
# `»` closes a French quotation (`« Bonjour »`) and, where none is open, separates.
_OPENING = "([{（【《「『〈〔“«‹"
_CLOSING = ")]}）】》」』〉〕”»›"
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")
_WORD = re.compile(r"[^\W_]+")
_NOT_ALNUM = re.compile(r"[\W_]+")
# Names Chinese sites end with: 某某网, 某某频道, 某某日报, 某某市人民政府 ...
_SITE_ENDINGS = (
    "网",
    "網",
    "网站",
    "網站",
    "门户",
    "門戶",
    "频道",
    "頻道",
    "在线",
    "在線",
    "百科",
    "论坛",
    "論壇",
    "社区",
    "社區",
    "博客",
    "部落格",
    "日报",
    "日報",
    "晚报",
    "晚報",
    "早报",
    "早報",
    "时报",
    "時報",
    "商报",
    "商報",
    "政府",
)
# What pages are called that names no article: a home page, an editor's default.
_PLACEHOLDERS = frozenset(
    {
        "home",
        "homepage",
        "startseite",
        "accueil",
        "inicio",
        "index",
        "blog",
        "untitled",
        "untitleddocument",
        "newpage1",
        "document",
        "首页",
        "首頁",
        "主页",
        "主頁",
        "网站首页",
        "無標題文件",
        "无标题文档",
        "无标题页",
        "未命名",
        "新建网页1",
    }
)
_GENERIC_LABELS = frozenset({"www", "m", "wap", "news", "blog", "com", "net", "org", "gov", "edu"})


def key(text: str) -> str:
    """Text as compared: compatibility forms folded (full-width to half-width), no spaces, no
    case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def words(text: str) -> frozenset[str]:
    """The words of a text of letters (case folded, one-letter words left out)."""
    return frozenset(w for w in _WORD.findall(text.casefold()) if len(w) > 1)


def segments(title: str, colons: bool = False) -> list[Part]:
    """A title cut at its separators; empty parts (a trailing `::`) are left out.

    With `colons`, also after a colon (`Site: Title`, `网站：标题`); titles use colons between
    their own halves as often, so only a caller that checks what stands before one asks for it.
    """
    depth = [0] * (len(title) + 1)
    level = 0
    for index, char in enumerate(title):
        if char in _OPENING:
            level += 1
        elif char in _CLOSING:
            level = max(0, level - 1)
        depth[index + 1] = level
    parts: list[Part] = []
    start, before = 0, ""
    for match in _SEPARATOR.finditer(title):
        if depth[match.start()] or not _separates(title, match, colons):
            continue
        if len(parts) == MAX_PARTS - 1:
            break
        text = title[start : match.start()]
        if text.strip():
            parts.append((before if parts else "", text.strip()))
        before, start = match.group(0), match.end()
    text = title[start:]
    if text.strip():
        parts.append((before if parts else "", text.strip()))
    return parts


def join(parts: list[Part]) -> str:
    """Parts put back together with their separators."""
    return "".join((before if index else "") + text for index, (before, text) in enumerate(parts))


def site_like(text: str, host: str = "") -> bool:
    """Whether text reads as a site's name: a domain, the page's host, a name such as `某某网`,
    `某某频道`, `某某日报`, or a name that stands for no article (`Home`, `首页`, `无标题文档`)."""
    name = key(text)
    if not name:
        return False
    if name in _PLACEHOLDERS or _DOMAIN.fullmatch(name):
        return True
    letters = _NOT_ALNUM.sub("", name)
    for label in host.lower().split("."):
        usable = len(label) >= 4 and label not in _GENERIC_LABELS
        if usable and letters.startswith(label) and len(letters) <= len(label) + 8:
            return True
    return len(name) <= 12 and name.endswith(_SITE_ENDINGS)


def _separates(title: str, match: re.Match[str], colons: bool) -> bool:
    if match.group("colon"):
        return colons
    sep = match.group("sep")
    if sep is None:
        return True
    spaced = bool(match.group("a")) and bool(match.group("b"))
    before = title[match.start() - 1] if match.start() > 0 else ""
    after = title[match.end()] if match.end() < len(title) else ""
    if sep[0] in "-–—−":
        if sep.startswith("——"):
            return False  # the Chinese dash inside a sentence
        return spaced or not before or not after or _wide(before) or _wide(after)
    if sep[0] in "_＿" and before.isascii() and after.isascii():
        return not (before.isalnum() and after.isalnum())
    return True


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"
