"""Tags: free labels on articles, each listed, counted and read at random like a category.

A tag's scope id is minus its id (see `schema`, m008). The `tags` column of an article (a JSON
list) is what is shown with it; `sync` keeps the `article_tags` rows, and through them the tag's
scope, in step with it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from reader.models import Tag
from reader.text.sanitize import sanitize_line
from reader.text.sortkey import sort_key

MAX_TAG = 100
"""The longest tag name kept, in characters."""


def clean(name: str) -> str:
    """A tag as stored: one line, no control characters, no leading `#`, inner spaces kept."""
    return " ".join(sanitize_line(name).lstrip("#").split())[:MAX_TAG]


def cleaned(names: Iterable[str]) -> list[str]:
    """Tags cleaned, empty ones dropped, each once, in their first order."""
    return list(dict.fromkeys(t for t in (clean(n) for n in names) if t))


def scope_of(tag_id: int) -> int:
    """The scope id of a tag."""
    return -tag_id


def sync(conn: sqlite3.Connection, article_id: int, tags_json: str) -> None:
    """Make the article's `article_tags` rows match its list of tags (inside a write)."""
    wanted = cleaned(t for t in json.loads(tags_json or "[]") if isinstance(t, str))
    have = {
        name: tag_id
        for tag_id, name in conn.execute(
            "SELECT t.id, t.name FROM article_tags a JOIN tags t ON t.id = a.tag_id"
            " WHERE a.article_id = ?",
            (article_id,),
        )
    }
    for name, tag_id in have.items():
        if name not in wanted:
            conn.execute(
                "DELETE FROM article_tags WHERE article_id = ? AND tag_id = ?",
                (article_id, tag_id),
            )
    for name in wanted:
        if name not in have:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
            conn.execute(
                "INSERT OR IGNORE INTO article_tags (article_id, tag_id)"
                " SELECT ?, id FROM tags WHERE name = ?",
                (article_id, name),
            )


def add_new(
    conn: sqlite3.Connection, article_id: int, tags_json: str, known: dict[str, int]
) -> None:
    """Give an article just added (it has no tags yet) its list of tags (inside a write).

    `known` holds tag ids by name, filled as tags are met; it is for one write transaction, and
    must be cleared whenever a tag may have been removed (`sync` removes a tag no article has).
    """
    for name in cleaned(t for t in json.loads(tags_json or "[]") if isinstance(t, str)):
        tag_id = known.get(name)
        if tag_id is None:
            conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
            tag_id = known[name] = conn.execute(
                "SELECT id FROM tags WHERE name = ?", (name,)
            ).fetchone()[0]
        conn.execute(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES (?, ?)",
            (article_id, tag_id),
        )


def listing(conn: sqlite3.Connection, reader: int) -> list[Tag]:
    """Every tag with its article and unread counts (unread by `reader`), by name in the
    order titles are listed in (Chinese names in pinyin order: `reader.text.sortkey`)."""
    rows = conn.execute(
        "SELECT t.id, t.name, s.total, s.total - ifnull(r.read, 0) FROM tags t"
        " JOIN scope_counts s ON s.scope_id = -t.id"
        " LEFT JOIN reader_counts r ON r.reader_id = ? AND r.scope_id = -t.id"
        " WHERE s.total > 0",
        (reader,),
    ).fetchall()
    rows.sort(key=lambda r: (sort_key(r[1]), r[1]))
    return [Tag(r[0], r[1], r[2], r[3]) for r in rows]


def find(conn: sqlite3.Connection, name: str) -> int | None:
    """The id of the tag `name` (cleaned first), or None."""
    row = conn.execute("SELECT id FROM tags WHERE name = ?", (clean(name),)).fetchone()
    return int(row[0]) if row else None


def changed(current: Sequence[str], add: Iterable[str], remove: Iterable[str]) -> list[str]:
    """`current` with `add` appended (if missing) and `remove` taken out."""
    gone = set(cleaned(remove))
    result = [t for t in cleaned(current) if t not in gone]
    result += [t for t in cleaned(add) if t not in result and t not in gone]
    return result
