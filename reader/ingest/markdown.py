"""Markdown files (and MDX), with or without YAML (`---`) or TOML (`+++`) front matter.

Front matter keys read: title, date/published, updated, categories/category (a list, outermost
first, or an `a/b` string), tags (a list or a comma-separated string), author, url/link, views,
guid, related, and a reader's marks: read, starred, progress (saved only by
`reader import --with-state`).
Without a title there, the first `# ` heading is the title (and leaves the body); without a
heading, a short first line standing alone; else the file name. Without a category there, the
folders between the import root and the file are the category path.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

import yaml

from reader.ingest.dates import parse_datetime
from reader.ingest.errors import ParseError
from reader.ingest.notes import warn
from reader.ingest.pagetext import parse_count, read_text
from reader.models import ArticleDraft, Marks

MAX_FIRST_LINE_TITLE = 80
MAX_FRONT_MATTER = 256 * 1024
"""Characters of front matter read; a larger block is ignored with a warning (it is metadata,
and a YAML parser takes seconds and hundreds of MB on a few MB of it)."""

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_H1 = re.compile(r"^\s{0,3}#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_SECTION = re.compile(r"^\s{0,3}#{2,6}(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r"^\s{0,3}=+[ \t]*$")
_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_DATED_STEM = re.compile(r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[-_ ](?P<rest>.+)$")
_LIST_SPLIT = re.compile(r"\s*[,，、]\s*")
_WHOLE = re.compile(r"(?!)")
"""Splits nothing: one related title written as text is one title, `/` and commas included."""
_MARKUP = re.compile(r"^[#>*_`\s]+|[*_`\s]+$")


def parse(data: bytes, location: str, *, root: str | None = None) -> list[ArticleDraft]:
    """Read one Markdown file as one article.

    `location` is the file's path; `root` is the folder the user named on the command line
    (or the file itself). When the front matter names no category, the folders between `root`
    and the file become the category path; without `root` there is none. Raises `ParseError`
    for an empty file or broken front matter.
    """
    text = read_text(data)
    if not text.strip():
        raise ParseError("empty file")
    front, body = split_front_matter(text)
    meta = _Fields(front)
    lines = body.split("\n")
    title = meta.text("title")
    if title:
        _drop_repeated_title(lines, title)
    else:
        title = _take_title(lines) or _stem_title(location)
    published = meta.moment("date", "published", "pubdate", "created") or meta.moment(
        "updated", "lastmod", "modified"
    )
    if published is None:
        published = _stem_date(location)
    # A path may name one category twice (新闻/新闻): its names are kept as they are.
    category = meta.names("categories", "category", unique=False) or folder_category(location, root)
    return [
        ArticleDraft(
            title=title,
            body="\n".join(lines).strip("\n"),
            category=category,
            published=published,
            views=meta.count("views", "view", "hits"),
            author=meta.author(),
            url=meta.text("url", "link", "permalink", "canonical_url"),
            guid=meta.text("guid", "uuid"),
            tags=meta.names("tags", "tag", "keywords", split=_LIST_SPLIT),
            related=meta.names("related", split=_WHOLE, unique=False),
            marks=meta.marks(),
        )
    ]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split `text` into its front matter (a dict, empty when there is none) and the body.

    An opening `---` whose next line is not a `key:` line is a thematic break, not front matter.
    Raises `ParseError` with the problem in one line for unreadable or unclosed front matter.
    """
    lines = text.split("\n")
    fence = lines[0].rstrip()
    if fence not in ("---", "+++"):
        return {}, text
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    source = "\n".join(lines[1:end])
    if end is None:
        if fence == "---" and not (len(lines) > 1 and _YAML_KEY.match(lines[1])):
            return {}, text
        raise ParseError(f"front matter opened with '{fence}' on line 1 is never closed")
    if len(source) > MAX_FRONT_MATTER:
        warn(
            f"front matter of {len(source):,} characters ignored "
            f"(at most {MAX_FRONT_MATTER // 1024} KB is read)"
        )
        return {}, "\n".join(lines[end + 1 :])
    loaded = _load_yaml(source) if fence == "---" else _load_toml(source)
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ParseError("front matter is not a set of 'key: value' lines")
    return loaded, "\n".join(lines[end + 1 :])


def folder_category(location: str, root: str | None) -> tuple[str, ...]:
    """The folders between the import root and the file, outermost first (empty without root).

    Paths are compared as written, made absolute but with symlinks kept, so a linked folder
    inside the root still counts as inside it.
    """
    if not root:
        return ()
    base = os.path.abspath(root)
    folder = os.path.dirname(os.path.abspath(location))
    if os.path.isfile(base):
        base = os.path.dirname(base)
    try:
        relative = os.path.relpath(folder, base)
    except ValueError:
        return ()
    parts = PurePath(relative).parts
    if not parts or parts[0] == os.pardir:
        return ()
    return tuple(part for part in parts if part not in (os.curdir, ""))


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, except that a value Python cannot hold (a date in year 0, on
    February 30th, an integer of 5,000 digits) stays the text it was written as: one bad value
    is then ignored with a warning, like any other value that is not what its key expects."""


def _lenient(
    construct: Callable[[yaml.SafeLoader, yaml.ScalarNode], Any],
) -> Callable[[yaml.SafeLoader, yaml.ScalarNode], Any]:
    def construct_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return construct_or_text


for _tag, _construct in (
    ("timestamp", yaml.SafeLoader.construct_yaml_timestamp),
    ("int", yaml.SafeLoader.construct_yaml_int),
    ("float", yaml.SafeLoader.construct_yaml_float),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _lenient(_construct))


def _load_yaml(source: str) -> Any:
    try:
        return yaml.load(source, Loader=_Loader)  # a SafeLoader: plain data only
    except yaml.MarkedYAMLError as error:
        problem = error.problem or error.context or "unreadable"
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 2}, column {mark.column + 1})" if mark else ""
        raise ParseError(f"front matter is not valid YAML: {problem}{where}") from None
    except (yaml.YAMLError, RecursionError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise ParseError(f"front matter is not valid YAML: {first}") from None


def _load_toml(source: str) -> Any:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ParseError(f"front matter is not valid TOML: {error}") from None
    except RecursionError:
        raise ParseError("front matter is not valid TOML: nested too deeply") from None


class _Fields:
    """Typed reads of front matter values: keys are matched case-insensitively."""

    def __init__(self, front: Mapping[Any, Any]) -> None:
        self._values = {str(k).strip().lower(): v for k, v in front.items() if isinstance(k, str)}

    def _first(self, keys: tuple[str, ...]) -> tuple[str, Any]:
        for key in keys:
            value = self._values.get(key)
            if value is not None and value != "":
                return key, value
        return "", None

    def text(self, *keys: str) -> str:
        """A scalar value as text ('' when absent or not a scalar)."""
        key, value = self._first(keys)
        if value is None:
            return ""
        scalar = _scalar(value)
        if scalar is None:
            warn(f"front matter '{key}' is not a single value; ignored")
            return ""
        return scalar

    def moment(self, *keys: str) -> datetime | None:
        """A date or date-time value; YAML gives objects, quoted dates come as text."""
        key, value = self._first(keys)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime.combine(value, time())
        moment = parse_datetime(str(value)) if isinstance(value, str) else None
        if moment is None:
            warn(f"front matter '{key}' is not a date; ignored")
        return moment

    def count(self, *keys: str) -> int | None:
        """A non-negative whole number, also written `1,234` or `1.2万`."""
        key, value = self._first(keys)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**12:
            return value
        found = parse_count(value) if isinstance(value, str) else None
        if found is None:
            warn(f"front matter '{key}' is not a count; ignored")
        return found

    def names(
        self, *keys: str, split: re.Pattern[str] | None = None, unique: bool = True
    ) -> tuple[str, ...]:
        """A list of names, or one string split on `/` (categories) or commas (tags); with
        `unique`, each name once."""
        key, value = self._first(keys)
        if value is None:
            return ()
        if isinstance(value, list):
            # Hexo writes a category path as a nested list: `categories: [[a, b]]`.
            if value and isinstance(value[0], list):
                value = value[0]
            names = [_scalar(item) for item in value]
            return _kept((n.strip() for n in names if n and n.strip()), unique)
        scalar = _scalar(value)
        if scalar is None:
            warn(f"front matter '{key}' is neither a list nor text; ignored")
            return ()
        parts = (split or re.compile(r"\s*/\s*")).split(scalar)
        return _kept((p.strip() for p in parts if p.strip()), unique)

    def marks(self) -> Marks | None:
        """`read`, `starred` and `progress` as `reader export --with-state` writes them; None
        when they mark nothing (a value of another type is ignored with a warning)."""
        found = Marks(self._flag("read"), self._flag("starred"), self._fraction("progress"))
        return found or None

    def _flag(self, key: str) -> bool:
        value = self._values.get(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        warn(f"front matter '{key}' is not true or false; ignored")
        return False

    def _fraction(self, key: str) -> float:
        value = self._values.get(key)
        if value is None:
            return 0.0
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            return float(value)
        warn(f"front matter '{key}' is not a number from 0 to 1; ignored")
        return 0.0

    def author(self) -> str:
        """The author: text, a list of names, or a mapping with a name."""
        _, value = self._first(("author", "authors"))
        if isinstance(value, Mapping):
            value = value.get("name")
        if isinstance(value, list):
            names = [_scalar(v.get("name") if isinstance(v, Mapping) else v) for v in value]
            return ", ".join(n for n in names if n)
        return (_scalar(value) or "") if value is not None else ""


def _kept(names: Iterable[str], unique: bool) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names)) if unique else tuple(names)


def _scalar(value: Any) -> str | None:
    """Text for a scalar YAML/TOML value; None for lists, mappings and nulls."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


def _take_title(lines: list[str]) -> str:
    """Remove and return the title: the first `# ` heading, else a short first line alone."""
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        match = _H1.match(line)
        if match:
            del lines[index]
            return match["text"].strip()
        if line.strip() and index + 1 < len(lines) and _SETEXT_H1.match(lines[index + 1]):
            title = line.strip()
            del lines[index : index + 2]
            return title
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or _SECTION.match(lines[first]):
        # A first `## ` heading opens a section; the file name makes a better title.
        return ""
    candidate = _MARKUP.sub("", lines[first].strip())
    alone = first + 1 >= len(lines) or not lines[first + 1].strip()
    if alone and candidate and len(candidate) <= MAX_FIRST_LINE_TITLE and not _is_code(candidate):
        del lines[first]
        return candidate
    return ""


def _is_code(line: str) -> bool:
    """MDX import/export lines and HTML/JSX tags are not titles."""
    return line.startswith(("import ", "export ", "<", "{", "```", "~~~", "---", "|"))


def _drop_repeated_title(lines: list[str], title: str) -> None:
    """Remove a leading `# Title` heading that repeats the front matter title."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    match = _H1.match(lines[first])
    if match and match["text"].strip().casefold() == title.casefold():
        del lines[first]


def _stem(location: str) -> str:
    return PurePath(location).stem if location else ""


def _stem_title(location: str) -> str:
    """The title from a file name, without a Jekyll-style date prefix."""
    stem = _stem(location)
    dated = _DATED_STEM.match(stem)
    return (dated["rest"] if dated else stem).strip() or "Untitled"


def _stem_date(location: str) -> datetime | None:
    """The date of a Jekyll-style file name (`2024-11-13-title.md`)."""
    dated = _DATED_STEM.match(_stem(location))
    return parse_datetime(dated["date"]) if dated else None
