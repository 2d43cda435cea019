"""Saving one source: its articles and its record in the caller's transaction, or a large file's
articles in batches of `BATCH_ARTICLES`, each its own transaction.

A source is imported whole or not at all, except a large local file (`files.is_large`: a feed
over 20 MB, a JSON file over 256 MB), which could hold millions of articles: a transaction that
large would hold up the library's log for as long as the file takes and lose all of it to a
crash near its end. Its unit is a batch: an import stopped part-way keeps the batches committed
before, and importing the file again finds those articles by their keys (GUID, URL or content;
a JSON record without either by its file, title and rank), leaves them alone and saves the rest.
A feed is remembered (for `reader refresh`) with its last batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from reader.ingest import notes
from reader.ingest.errors import ParseError
from reader.ingest.files import source_name
from reader.ingest.jobs import Job, Ready
from reader.ingest.load import FEED
from reader.models import ArticleDraft, SaveResult
from reader.store import Library
from reader.store.idset import IdSet
from reader.store.prepared import PreparedArticle

BATCH_ARTICLES = 10_000
"""Articles of a large local file saved in one transaction (as many as a fetched feed holds)."""
_PLAIN_CODECS = frozenset({"", "utf-8", "utf-8-sig", "ascii"})


def save_whole(
    library: Library, job: Job, source: Ready, warnings: list[str], written: IdSet
) -> SaveResult:
    """Save a source's drafts and remember the source if it is a feed or a page, inside the
    caller's transaction. `written` holds the articles the import's earlier sources saved."""
    # The drafts may still be parsed as they are saved: a large file is never held whole.
    result = library.save(
        source.drafts,
        source=source_name(job.location),
        category=job.category + source.loaded.category,
        earlier=written,
        marks=job.with_state,
    )
    _finish(library, job, source, warnings, result, bool(result.article_ids))
    return result


def save_batches(
    library: Library,
    job: Job,
    source: Ready,
    warnings: list[str],
    written: IdSet,
    committed: Callable[[SaveResult], None],
) -> None:
    """Save a large file's drafts `BATCH_ARTICLES` at a time, each batch in its own transaction;
    the source is remembered in the last one. `committed` is told what the batches committed so
    far saved, after each; `written` gains each batch's articles once it is committed."""
    drafts = _Ahead(source.drafts)
    path = job.category + source.loaded.category
    total = SaveResult(0, 0, 0, ())
    while True:
        with library.transaction():
            result = library.save(
                islice(drafts, BATCH_ARTICLES),
                source=source_name(job.location),
                category=path,
                earlier=written,
                marks=job.with_state,
            )
            total = SaveResult(
                total.added + result.added,
                total.updated + result.updated,
                total.unchanged + result.unchanged,
                (),
                total.repeated + result.repeated,
                total.unmarked + result.unmarked,
            )
            last = drafts.done()
            if last:
                saved = bool(total.added + total.updated + total.unchanged)
                _finish(library, job, source, warnings, total, saved)
        written.update(result.article_ids)
        committed(total)
        if last:
            return


class _Ahead(Iterator[ArticleDraft | PreparedArticle]):
    """Drafts with one read ahead, so that the end is known before a batch is committed."""

    def __init__(self, drafts: Iterable[ArticleDraft | PreparedArticle]) -> None:
        self._drafts = iter(drafts)
        self._next: list[ArticleDraft | PreparedArticle] = []

    def __next__(self) -> ArticleDraft | PreparedArticle:
        if self._next:
            return self._next.pop()
        return next(self._drafts)

    def done(self) -> bool:
        """True when no draft is left (reading the next one, if any, ahead)."""
        if not self._next:
            self._next = [draft for draft in islice(self._drafts, 1)]
        return not self._next


def _finish(
    library: Library,
    job: Job,
    source: Ready,
    warnings: list[str],
    result: SaveResult,
    saved: bool,
) -> None:
    """After a source's articles, in the same transaction: remember the source (a feed or a
    page), and warn of repeats and of marks not added."""
    loaded = source.loaded
    path = job.category + loaded.category
    if not saved:
        if loaded.kind != FEED:
            raise ParseError("no articles found")
        notes.warn("the feed has no entries")
    if loaded.record:
        keep = job.remote or loaded.encoding not in _PLAIN_CODECS or bool(warnings)
        library.record_source(
            source_name(job.location),
            loaded.kind,
            category=path,
            title=loaded.title,
            etag=source.headers.get("etag"),
            last_modified=source.headers.get("last-modified"),
            encoding=loaded.encoding or None,
            warning="; ".join(warnings) or None,
            raw=source.data if keep and not source.batched else None,
        )
    if result.repeated:  # after the record: repeats are no reason to keep the source's bytes
        notes.warn(_repeated(result.repeated))
    if result.unmarked:
        notes.warn(
            f"{result.unmarked} of its articles carry a reader's marks (read, starred, position),"
            " not added to yours (import with --with-state to add them)"
        )


def _repeated(count: int) -> str:
    """The warning for drafts that repeat articles an earlier source of the import carried."""
    if count == 1:
        return "1 article repeats one saved earlier in this import; the first was kept"
    return f"{count} articles repeat ones saved earlier in this import; the first were kept"
