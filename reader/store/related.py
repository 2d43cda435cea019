"""Related articles: the few most like one article, as the 相关文章 blocks of CMS pages show.

An article's distinctive two-character terms (those of its title, and a spread of its body's) are
looked up in the search index, each only as far as its newest `SAMPLE` articles: a term found in
more than that is too common to say anything and costs no more than that to learn. Articles that
share rare terms score the most (by inverse document frequency), with a bonus for the same
category and for each shared tag. Cost is bounded by the number of terms looked up, whatever the
size of the library; a term once found too common in a library is remembered for the process
(`COMMON_KEPT` of them), so the next articles do not look it up again: the commonest pairs (`我们`,
`的是`) turn up in nearly every article, and a library only makes them commoner as it grows (one
that deletes made rarer again is one weak term left out).
"""

from __future__ import annotations

import math
import sqlite3

from reader.text.query import pair_terms

SAMPLE = 200
"""A term is looked up in at most this many articles; one in more is left out as too common."""
TITLE_TERMS = 16
BODY_TERMS = 24
BODY_CHARS = 4_000
CATEGORY_BONUS = 1.0
TAG_BONUS = 1.5
COMMON_KEPT = 50_000
"""At most this many terms are remembered as too common, for each library."""
_common: dict[str, set[str]] = {}


def related(conn: sqlite3.Connection, article_id: int, limit: int = 5) -> list[int]:
    """Ids of up to `limit` articles most like `article_id`, best first."""
    row = conn.execute(
        "SELECT a.title, b.body, a.category_id, d.docid FROM articles a"
        " LEFT JOIN bodies b ON b.id = a.id LEFT JOIN search_docs d ON d.article_id = a.id"
        " WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return []
    title, body, category_id, own_docid = row[0], row[1] or "", row[2], row[3]
    terms = pair_terms(title, TITLE_TERMS)
    sample = body[:BODY_CHARS]
    step = max(1, len(sample) // (BODY_TERMS * 2))
    for term in pair_terms(sample, BODY_TERMS * step)[::step]:
        if term not in terms:
            terms.append(term)
    total = max(2, _count(conn))
    common = _known_common(conn)
    scores: dict[int, float] = {}
    for term in terms:
        if term in common:
            continue
        docids = [
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM search_index WHERE search_index MATCH ?"
                " ORDER BY rowid DESC LIMIT ?",
                (f'"{term}"', SAMPLE + 1),
            )
        ]
        if len(docids) > SAMPLE:
            if len(common) < COMMON_KEPT:
                common.add(term)
            continue  # too common to tell articles apart
        if len(docids) < 2:
            continue  # only in this article
        weight = math.log(total / len(docids))
        for docid in docids:
            if docid != own_docid:
                scores[docid] = scores.get(docid, 0.0) + weight
    best = sorted(scores, key=lambda d: -scores[d])[: limit * 6]
    if not best:
        return _same_category(conn, article_id, category_id, limit)
    marks = ",".join("?" * len(best))
    by_docid = dict(
        conn.execute(
            f"SELECT d.docid, d.article_id FROM search_docs d WHERE d.docid IN ({marks})"
            " AND d.article_id > 0",
            best,
        ).fetchall()
    )
    candidates: dict[int, float] = {by_docid[d]: scores[d] for d in best if d in by_docid}
    _bonus(conn, article_id, category_id, candidates)
    ranked = sorted(candidates, key=lambda a: (-candidates[a], -a))
    return [a for a in ranked if a != article_id][:limit]


def forget_common() -> None:
    """Forget the terms found too common (as a process that just started knows none)."""
    _common.clear()


def remembered() -> int:
    """How many terms are remembered as too common, in every library."""
    return sum(len(terms) for terms in _common.values())


def _known_common(conn: sqlite3.Connection) -> set[str]:
    """The terms found too common so far in the library `conn` has open (by its file)."""
    path = str(conn.execute("PRAGMA database_list").fetchone()[2])
    return _common.setdefault(path, set())


def _count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT total FROM scope_counts WHERE scope_id = 0").fetchone()
    return int(row[0]) if row else 0


def _bonus(
    conn: sqlite3.Connection, article_id: int, category_id: int, candidates: dict[int, float]
) -> None:
    marks = ",".join("?" * len(candidates))
    ids = list(candidates)
    for other, other_category in conn.execute(
        f"SELECT id, category_id FROM articles WHERE id IN ({marks})", ids
    ):
        if other_category == category_id:
            candidates[other] += CATEGORY_BONUS
    own_tags = [
        r[0]
        for r in conn.execute("SELECT tag_id FROM article_tags WHERE article_id = ?", (article_id,))
    ]
    if own_tags:
        tag_marks = ",".join("?" * len(own_tags))
        for other, shared in conn.execute(
            f"SELECT article_id, count(*) FROM article_tags WHERE article_id IN ({marks})"
            f" AND tag_id IN ({tag_marks}) GROUP BY article_id",
            [*ids, *own_tags],
        ):
            candidates[other] += TAG_BONUS * shared


def _same_category(
    conn: sqlite3.Connection, article_id: int, category_id: int, limit: int
) -> list[int]:
    """Without distinctive terms (a very short article): the newest of its category."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM article_scopes WHERE scope_id = ? AND article_id != ?"
            " ORDER BY published DESC, article_id DESC LIMIT ?",
            (category_id, article_id, limit),
        )
    ]
