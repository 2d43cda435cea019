"""Saving one prepared article: match it to a stored one, then add, update or leave it.

Each call runs inside the caller's write transaction (see `Library.save`), so a source's articles,
their search index entries and their category counts are kept all together or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from reader.models import ROOT_SCOPE
from reader.store import search, tags
from reader.store.prepared import PreparedArticle


def save_one(
    conn: sqlite3.Connection,
    article: PreparedArticle,
    category: Callable[[], int],
    source: str,
    now: str,
    seen: Callable[[int], bool],
    tag_ids: dict[str, int] | None = None,
) -> tuple[str, int]:
    """Save one prepared article in the caller's write transaction: "added", "updated",
    "unchanged" or "repeated" (`seen` says its stored match was saved earlier in the same
    import, so it is left alone), with the article's id. `tag_ids` caches tag ids by name
    for the caller's transaction (`tags.add_new`).

    The article is matched by its key (GUID, normalised URL or content hash), then by content
    hash, then (a listing without bodies) by title and time.
    """
    title, body, key, digest = article.title, article.body, article.key, article.digest
    published = article.published or now
    values: dict[str, object] = {
        "published": published,
        "title": title,
        "author": article.author,
        "url": article.url,
        "tags": article.tags,
        "related": article.related,
        "content_hash": digest,
    }
    row = conn.execute(
        "SELECT id, published, title, author, url, tags, related, content_hash"
        " FROM articles WHERE key = ?",
        (key,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id, published, title, author, url, tags, related,"
            " content_hash FROM articles WHERE content_hash = ? LIMIT 1",
            (digest,),
        ).fetchone()
        if row is not None and not key.startswith("hash:"):
            # Known only by its content so far: from now on it is known by the stronger key.
            conn.execute(
                "UPDATE articles SET key = ? WHERE id = ? AND key LIKE 'hash:%'", (key, row[0])
            )
    if row is None and not body and article.published is not None:
        # A listing without bodies (`reader list --json` re-imported) names an article by
        # its title and time (found through the whole library's scope by time).
        row = conn.execute(
            "SELECT a.id, a.published, a.title, a.author, a.url, a.tags,"
            " a.related, a.content_hash FROM article_scopes s JOIN articles a"
            " ON a.id = s.article_id WHERE s.scope_id = ? AND s.published = ? AND a.title = ?"
            " LIMIT 1",
            (ROOT_SCOPE, published, title),
        ).fetchone()
    if row is None:
        article_id = conn.execute(
            "INSERT INTO articles (category_id, published, title, title_key, views, author, url,"
            " tags, related, key, content_hash, source, imported_at, updated_at)"
            " VALUES (:category_id, :published, :title, :title_key, :views, :author, :url,"
            " :tags, :related, :key, :content_hash, :source, :now, :now)",
            {
                **values,
                "category_id": category(),
                "title_key": article.title_key,
                "views": article.views,
                "key": key,
                "source": source,
                "now": now,
            },
        ).lastrowid
        assert article_id is not None
        conn.execute("INSERT INTO bodies (id, body) VALUES (?, ?)", (article_id, body))
        if article.tags != "[]":
            tags.add_new(conn, article_id, article.tags, {} if tag_ids is None else tag_ids)
        search.unindex_article(conn, article_id)  # a reused id may still be indexed
        search.index_new(conn, article_id, published, *article.index_terms())
        return "added", article_id
    article_id = row[0]
    if seen(article_id):
        return "repeated", article_id
    stored = dict(
        zip(
            (
                "published",
                "title",
                "author",
                "url",
                "tags",
                "related",
                "content_hash",
            ),
            row[1:],
            strict=True,
        )
    )
    # An article stays where it is: importing it again, from any source or under any
    # category, updates what it says, never where it is filed (only a move does that), so
    # `category` is asked for (and a new category made) only for an article being added.
    if article.published is None:
        # A source without a date keeps the time it was first imported at.
        values["published"] = stored["published"]
    if not body:
        # A draft without a body (a listing) never erases the stored body.
        values["content_hash"] = stored["content_hash"]
    if stored == values:
        return "unchanged", article_id
    reindex = any(stored[k] != values[k] for k in ("content_hash", "title", "published"))
    if reindex:  # the index forgets an article only by its old text: before it changes
        search.unindex_article(conn, article_id)
    conn.execute(
        "UPDATE articles SET published = :published,"
        " title = :title, title_key = :title_key, author = :author, url = :url, tags = :tags,"
        " related = :related, content_hash = :content_hash, updated_at = :now WHERE id = :id",
        {**values, "title_key": article.title_key, "now": now, "id": article_id},
    )
    if stored["content_hash"] != values["content_hash"]:
        conn.execute("UPDATE bodies SET body = ? WHERE id = ?", (body, article_id))
    if stored["tags"] != values["tags"]:
        tags.sync(conn, article_id, str(values["tags"]))
        if tag_ids is not None:
            tag_ids.clear()  # a tag no article has any more is gone
    if reindex:
        search.index_stored(conn, article_id)
    return "updated", article_id
