"""A draft made ready to store: sanitised, keyed, hashed, and (optionally) its index terms built.

`prepare` touches no database, so an importer can run it ahead of the writer, in another process,
while the writer is busy in SQLite; `Library.save` takes drafts and prepared articles alike.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from reader.models import ArticleDraft, Marks
from reader.store.errors import LibraryError
from reader.store.keys import article_key, content_hash
from reader.text.query import article_terms
from reader.text.sanitize import sanitize, sanitize_line
from reader.text.sortkey import sort_key
from reader.text.urls import is_web_url

MAX_VIEWS = 2**63 - 1
"""The largest count SQLite's INTEGER holds; a larger one is stored as this."""


def format_time(moment: datetime | None) -> str | None:
    """ISO 8601 to the second, in local wall-clock time (`2024-11-13T17:49:38`).

    Never raises: a time too near either end of the calendar to be moved to local time (year
    9999 with a negative offset, year 1 with a positive one) keeps the wall-clock time written.
    """
    if moment is None:
        return None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            moment = moment.replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat()


@dataclass(slots=True)
class PreparedArticle:
    """What `Library.save` stores for one draft; every text in it is already sanitised, and
    `title_key` is the title's place in the title order (`reader.text.sortkey`).

    `published` is None when the source gave no time (the store then keeps the stored time or
    uses the time of import). `terms` and `title_terms` are the search index terms when built
    ahead (`prepare(..., terms=True)`), else None and built only if the article is indexed.
    """

    title: str
    body: str
    category: tuple[str, ...]
    published: str | None
    views: int
    author: str
    url: str
    key: str
    digest: str
    title_key: str
    tags: str
    related: str
    terms: str | None = None
    title_terms: str | None = None
    marks: Marks | None = None

    def index_terms(self) -> tuple[str, str]:
        """The search index terms of the whole article and of its title."""
        if self.terms is None or self.title_terms is None:
            self.terms, self.title_terms = article_terms(self.title, self.body)
        return self.terms, self.title_terms


def prepare(draft: ArticleDraft, *, terms: bool = False) -> PreparedArticle:
    """Sanitise a draft and derive its key and content hash; raise `LibraryError` if unusable.

    `terms=True` also builds the search index terms (worth it off the writer's thread).
    """
    title = sanitize_line(draft.title)
    if not title:
        raise LibraryError("an article has no title")
    body = sanitize(draft.body).strip("\n")
    url = sanitize_line(draft.url)
    url = url if is_web_url(url) else ""
    digest = content_hash(title, body)
    article = PreparedArticle(
        title=title,
        body=body,
        category=tuple(draft.category),
        published=format_time(draft.published),
        views=min(max(0, draft.views or 0), MAX_VIEWS),
        author=sanitize_line(draft.author),
        url=url,
        key=article_key(guid=sanitize_line(draft.guid), url=url, digest=digest),
        digest=digest,
        title_key=sort_key(title),
        tags=_json_list(draft.tags),
        related=_json_list(draft.related),
        marks=_marks(draft.marks),
    )
    if terms:
        article.index_terms()
    return article


def _json_list(items: tuple[str, ...]) -> str:
    return json.dumps([t for t in map(sanitize_line, items) if t], ensure_ascii=False)


def _marks(marks: Marks | None) -> Marks | None:
    """The marks worth saving, a reading position held between 0 and 1; None when there are
    none."""
    if not marks:
        return None
    progress = marks.progress if math.isfinite(marks.progress) else 0.0
    return Marks(marks.read, marks.starred, min(1.0, max(0.0, progress)))
