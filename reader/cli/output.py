"""How articles and categories are printed by the command line: JSON shapes and text layout.

Every string from the library is sanitised again here, so nothing from an article can reach the
user's terminal as an escape sequence, whatever wrote the database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from reader.cli.terminal import writes_utf8
from reader.models import Article, ArticleSummary, Category
from reader.text import linebreak
from reader.text.i18n import _, format_date, format_datetime, is_chinese, ngettext
from reader.text.sanitize import sanitize, sanitize_line


def summary_json(item: ArticleSummary, category: Sequence[str], **extra: Any) -> dict[str, Any]:
    """The JSON object for an article in a listing."""
    return {
        "id": item.id,
        "title": item.title,
        "category": list(category),
        "published": item.published,
        "views": item.views,
        "url": item.url,
        "author": item.author,
        "tags": list(item.tags),
        "read": item.read,
        "starred": item.starred,
        **extra,
    }


def article_json(article: Article, *, full: bool = True) -> dict[str, Any]:
    """The JSON object for one whole article (`show`, `random`)."""
    data: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "category": list(article.category),
        "published": article.published,
        "views": article.views,
        "url": article.url,
        "author": article.author,
        "tags": list(article.tags),
        "read": article.read,
        "starred": article.starred,
    }
    if full:
        data["body"] = article.body
        data["headings"] = article.headings
        data["related"] = list(article.related)
    return data


def category_json(category: Category) -> dict[str, Any]:
    """The JSON object for one category."""
    return {
        "id": category.id,
        "name": category.name,
        "path": list(category.path),
        "parent_id": category.parent_id,
        "depth": category.depth,
        "articles": category.total,
        "unread": category.unread,
    }


def dumps(data: Any) -> str:
    """JSON as printed: characters kept readable, one document, every string sanitised; escaped
    as `\\uXXXX` when standard output's character set is not UTF-8 and could not hold them.

    `ensure_ascii=False` escapes only C0 controls: C1 controls (U+009B acts as CSI on some
    terminals) and bidi overrides would reach the terminal raw, so each string value and key is
    sanitised here, whatever wrote the library or said the server.
    """
    return json.dumps(_sanitized(data), ensure_ascii=not writes_utf8(sys.stdout), indent=2)


def dumps_line(data: Any) -> str:
    """JSON on one line (a line of JSON Lines), every string sanitised as `dumps` does."""
    return json.dumps(_sanitized(data), ensure_ascii=False)


def _sanitized(value: Any) -> Any:
    """`value` with every string in it, at any depth, sanitised (dictionary keys too)."""
    if isinstance(value, str):
        return sanitize(value)
    if isinstance(value, dict):
        return {_sanitized(key): _sanitized(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_sanitized(item) for item in value]
    return value


def fit(text: str, width: int) -> str:
    """Cut or pad `text`, sanitised, to exactly `width` terminal cells (CJK characters take
    two), as the app's list cuts its columns."""
    return linebreak.fit(sanitize_line(text), width)


def listing_lines(
    rows: Iterable[tuple[ArticleSummary, Sequence[str]]], *, width: int = 100
) -> list[str]:
    """One line per article: id, date, views, marks, title, category path."""
    lines = []
    date_width = 14 if is_chinese() else 10  # 2024年11月13日
    title_width = max(20, width - 40 - date_width)
    for item, category in rows:
        marks = ("*" if item.starred else " ") + (" " if item.read else "•")
        published = fit(format_date(item.published), date_width)
        lines.append(
            f"{item.id:>7}  {published}  {item.views:>6}  {marks} "
            f"{fit(item.title, title_width)}  {sanitize_line(' › '.join(category))}"
        )
    return lines


def article_text(article: Article) -> str:
    """An article as text: breadcrumb, title, metadata line, body, and the page's related list."""
    crumbs = " › ".join([_("Home"), *article.category, article.title])
    views = ngettext("{count} view", "{count} views", article.views).format(count=article.views)
    meta = [format_datetime(article.published, seconds=True), views]
    if article.author:
        meta.append(article.author)
    if article.tags:
        meta.append(_("tags: {tags}").format(tags=", ".join(article.tags)))
    parts = [
        sanitize_line(crumbs),
        "",
        sanitize_line(article.title),
        sanitize_line(" · ".join(meta)),
    ]
    if article.url:
        parts.append(sanitize_line(article.url))
    parts += ["", sanitize(article.body).rstrip()]
    return "\n".join(parts)


def category_lines(categories: Iterable[Category], total: tuple[int, int]) -> list[str]:
    """The category tree as indented text with article and unread counts."""
    counts = _("{total}, {unread} unread")
    lines = [f"{_('All articles')}  ({counts.format(total=total[0], unread=total[1])})"]
    for cat in categories:
        indent = "  " * (cat.depth + 1)
        numbers = counts.format(total=cat.total, unread=cat.unread)
        lines.append(f"{indent}{sanitize_line(cat.name)}  ({numbers})")
    return lines
