"""Import sources into a library: find them, fetch or read them, save each in one transaction.

A source is a file, a folder (read recursively) or an http(s) URL; an OPML list adds its feeds as
further sources. URLs are fetched a few at a time in worker threads while the calling thread
parses and saves, in the order the sources were given. One bad source is reported with its
reason and skipped; every other source is still imported.

A large local file (`files.is_large`: a feed over 20 MB, a JSON file over 256 MB) is saved in
batches of `batches.BATCH_ARTICLES`, each one transaction; a feed's record goes with its last batch.
Articles are known by their keys, so importing such a file again after an import stopped
part-way leaves the batches saved before alone and saves the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol
from urllib.parse import urlsplit

from reader.ingest import notes
from reader.ingest.ahead import ReadAhead, take
from reader.ingest.batches import save_batches, save_whole
from reader.ingest.errors import ParseError
from reader.ingest.fetch import Response
from reader.ingest.files import expand, large_file, read_file, source_name
from reader.ingest.jobs import Job, Ready
from reader.ingest.limits import capped
from reader.ingest.load import FEED, Loaded, load
from reader.ingest.mapped import Data
from reader.models import ArticleDraft, SaveResult
from reader.store import Library, LibraryError
from reader.store.idset import IdSet
from reader.store.prepared import PreparedArticle, prepare
from reader.text.sanitize import sanitize_line

# Network fetches run in a few threads; the store is written from the calling thread only.
WORKERS = 4
# How many sources may be fetched ahead of the one being saved.
WINDOW = 16

# Kinds holding one article per file: without a URL or GUID, the file itself is its identity, so
# an edited file updates its article instead of adding a second one.
SINGLE_ARTICLE_KINDS = frozenset({"pagetext", "markdown", "html"})


class Fetcher(Protocol):
    """What fetches a URL: `reader.ingest.fetch.fetch` or a stand-in (tests, dry runs)."""

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response: ...


@dataclass(slots=True)
class SourceOutcome:
    """What happened to one source."""

    location: str
    kind: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when nothing of this source was imported."""
        return bool(self.error)


@dataclass(slots=True)
class ImportReport:
    """The outcome of every source of one import."""

    outcomes: list[SourceOutcome] = field(default_factory=list)

    def total(self, name: str) -> int:
        """Sum of `added`, `updated` or `unchanged` over all sources."""
        return sum(getattr(o, name) for o in self.outcomes)

    @property
    def failed(self) -> list[SourceOutcome]:
        """The sources that could not be imported."""
        return [o for o in self.outcomes if o.failed]


def import_sources(
    library: Library,
    sources: Sequence[str],
    *,
    category: Sequence[str] = (),
    on_source: Callable[[SourceOutcome], None] | None = None,
    on_more: Callable[[int], None] | None = None,
    fetcher: Fetcher | None = None,
    fetch_feeds: bool = True,
    with_state: bool = False,
) -> ImportReport:
    """Import every source; call `on_source` after each one and `on_more` when an OPML list
    adds sources (for progress). `fetch_feeds=False` records an OPML list's feeds and creates
    their categories without fetching them (`reader refresh` fetches them later).
    `with_state` adds the read, starred and position marks the files carry (an export made
    `--with-state`) to the importing reader's own."""
    jobs = [
        Job(location, kind, tuple(category), root=source, with_state=with_state)
        for source in sources
        for location, kind in expand([source])
    ]
    return run_jobs(
        library,
        jobs,
        on_source=on_source,
        on_more=on_more,
        fetcher=fetcher,
        fetch_feeds=fetch_feeds,
    )


def run_jobs(
    library: Library,
    jobs: Iterable[Job],
    *,
    on_source: Callable[[SourceOutcome], None] | None = None,
    on_more: Callable[[int], None] | None = None,
    fetcher: Fetcher | None = None,
    fetch_feeds: bool = True,
) -> ImportReport:
    """Run import jobs: fetch remote ones ahead in worker threads (and read large local ones
    ahead in a helper process, `reader.ingest.ahead`), save each in turn."""
    from reader.ingest.fetch import fetch

    get: Fetcher = fetcher or fetch
    report = ImportReport()
    queue = deque(jobs)
    pending: deque[_Pending] = deque()
    started: set[str] = set()
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reader-fetch")
    ahead = ReadAhead.for_jobs(queue, read_ahead)
    written = IdSet()  # the articles this import's sources have saved so far
    try:
        while queue or pending:
            while queue and len(pending) < WINDOW:
                job = queue.popleft()
                if job.remote and job.location in started:
                    if on_more:
                        on_more(-1)
                    continue
                started.add(job.location)
                pending.append(_Pending(job, pool.submit(_fetch, get, job) if job.remote else None))
            if ahead is not None:
                ahead.fill(pending)
            entry = pending.popleft()
            outcomes, children = import_job(
                library,
                entry.job,
                entry.fetched,
                fetch_feeds=fetch_feeds,
                ready=entry.ready,
                written=written,
            )
            if entry.job.remote and entry.job.kind in (FEED, "url"):
                # For `reader feeds`: when each subscription was last tried, and how it went.
                library.note_check(entry.job.location, outcomes[0].error or None)
            queue.extendleft(reversed(children))
            if on_more and (children or len(outcomes) > 1):
                # An OPML list adds its feeds, and a line for each feed it refused.
                on_more(len(children) + len(outcomes) - 1)
            for outcome in outcomes:
                report.outcomes.append(outcome)
                if on_source:
                    on_source(outcome)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if ahead is not None:
            ahead.close()
    return report


@dataclass(slots=True)
class _Pending:
    """A job waiting its turn, with its fetch or its read-ahead under way (if any)."""

    job: Job
    fetched: Future[Response] | None = None
    ready: Future[Ready | str] | None = None


def import_job(
    library: Library,
    job: Job,
    fetched: Future[Response] | None = None,
    *,
    fetch_feeds: bool = True,
    ready: Future[Ready | str] | None = None,
    written: IdSet,
) -> tuple[list[SourceOutcome], list[Job]]:
    """Import one source in one transaction; never raises for a bad source.

    `fetched` is its download under way, `ready` its read-ahead. `written` holds the articles
    the import's earlier sources saved (the first source to carry an article keeps it); the
    source's own are added once its transaction is committed. Returns the outcome (plus one per
    feed an OPML list refused) and the sources it adds.
    """

    outcome = SourceOutcome(job.location, job.kind or "")
    outcomes = [outcome]
    children: list[Job] = []
    batched = False
    with notes.collect() as warnings:
        try:
            source = take(ready) if ready is not None else None
            if isinstance(source, str):
                raise ParseError(source)
            if source is None or source.declined:  # read here, as it is saved
                source = _read(job, fetched)
            if source is None:  # not modified since the last fetch
                outcome.kind = job.kind or ""
                return outcomes, children
            warnings.extend(w for w in source.warnings if w not in warnings)
            loaded = source.loaded
            outcome.kind = loaded.kind
            outcomes += [SourceOutcome(url, FEED, error=why) for url, why in loaded.refused]
            # One transaction for the source's articles and its record (or an OPML list's
            # feeds): a crash or a full disk keeps all of the source, or none of it.
            saved: tuple[int, ...] = ()
            if source.batched:
                batched = True
                save_batches(library, job, source, warnings, written, partial(_count, outcome))
            else:
                with library.transaction():
                    if loaded.kind == "opml":
                        children = _subscriptions(library, job, loaded, fetch_feeds, outcome)
                    else:
                        result = save_whole(library, job, source, warnings, written)
                        _count(outcome, result)
                        saved = result.article_ids
                written.update(saved)
        except Exception as error:
            # Whatever reading, parsing or saving one source raises is that source's failure;
            # only an error about the library itself stops the import (no later source could
            # be saved), and Ctrl+C is no Exception.
            if isinstance(error, LibraryError) and _fatal(error):
                raise
            outcome.error = _reason(error)
    kept = outcome.added + outcome.updated + outcome.unchanged
    if outcome.error and batched and kept:  # the batches committed before the failure stay
        outcome.error += f" (its first {kept:,} articles were saved; importing it again goes on)"
    elif outcome.error:  # the transaction was rolled back: nothing of the source was kept
        outcome.added = outcome.updated = outcome.unchanged = 0
    outcome.warnings = list(warnings)
    return outcomes, children


AHEAD_CHARS = 128_000_000
"""Characters of text and search terms a source read ahead may come back with (some 10,000
articles of a few KB). A larger source is declined and read by the writer as it is saved: whole,
it would be held twice, by the helper and by the writer (a 256 MB file took 3.5 GB so)."""


def read_ahead(job: Job) -> Ready | str:
    """Read, parse and prepare a local source (in a helper process); the reason if it fails,
    or a `Ready` marked `declined` when the source is too large to be held whole.

    The drafts come back prepared, their search terms built, so that the writer only writes.
    """
    with notes.collect() as warnings:
        try:
            if large_file(job.location, job.kind):  # read by the writer as it saves it
                return Ready(Loaded(job.kind or ""), (), b"", declined=True)
            source = _read(job, None)
            assert source is not None  # only a fetch can be "not modified"
            prepared: list[ArticleDraft | PreparedArticle] = []
            held = 0
            for draft in source.drafts:
                article = (
                    draft if isinstance(draft, PreparedArticle) else prepare(draft, terms=True)
                )
                held += len(article.body) + len(article.terms or "")
                if held > AHEAD_CHARS:
                    return Ready(Loaded(source.loaded.kind), (), b"", declined=True)
                prepared.append(article)
            source.drafts = prepared
        except Exception as error:  # the source's failure, told to the writer (as above)
            return _reason(error)
    source.warnings = warnings
    if not source.loaded.record:
        source.data = b""
    return source


def _read(job: Job, fetched: Future[Response] | None) -> Ready | None:
    """Fetch or read a source and parse it; None if the server says it has not changed."""
    if job.kind is None:
        raise ParseError(
            "unsupported kind of file (expected .txt, .md, .jsonl, .xml, .opml, .html ...)"
        )
    headers: Mapping[str, str] = {}
    base = ""
    data: Data
    if fetched is not None:
        response = fetched.result()
        if response.not_modified:
            return None
        data, headers, base = response.body, response.headers, response.url
        size = len(data)
    else:
        data, size = read_file(job.location, job.kind)
    loaded = load(
        job.kind, data, job.location, headers=headers, base=base, name=job.name, root=job.root
    )
    drafts: Iterable[ArticleDraft] = loaded.drafts
    loaded.drafts = ()
    if loaded.kind in SINGLE_ARTICLE_KINDS and not job.remote:
        drafts = _keyed_by_file(drafts, job.location)
    # Every article is held to the limits of one (a long one is cut, with a warning).
    drafts = capped(drafts, file_bytes=size if size > len(data) else 0)
    # The bytes are kept only where they may be recorded (never a large file's); a parser still
    # reading them holds them as long as it needs them.
    batched = not isinstance(data, bytes)
    kept = data if loaded.record and isinstance(data, bytes) else b""
    return Ready(loaded, drafts, kept, headers, batched=batched)


MAX_REASON = 300
"""Characters of a failure's reason in the summary."""


def _reason(error: BaseException) -> str:
    """The one-line reason a source failed, from whatever it raised."""
    if isinstance(error, ParseError | LibraryError):
        reason = str(error) or "could not be read"
    elif isinstance(error, MemoryError):
        reason = "not enough memory to read it"
    elif isinstance(error, RecursionError):
        reason = "nested too deeply to be read"
    else:
        reason = f"could not be read ({type(error).__name__}: {error})"
    reason = sanitize_line(reason)
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


def _count(outcome: SourceOutcome, result: SaveResult) -> None:
    outcome.added, outcome.updated, outcome.unchanged = (
        result.added,
        result.updated,
        result.unchanged,
    )


def _fetch(fetcher: Fetcher, job: Job) -> Response:
    return fetcher(job.location, etag=job.etag, last_modified=job.last_modified)


def _subscriptions(
    library: Library, job: Job, loaded: Loaded, fetch_feeds: bool, outcome: SourceOutcome
) -> list[Job]:
    """The feeds of an OPML list as jobs, or (not fetching) recorded for `refresh` to fetch."""
    jobs = [
        Job(url, FEED, job.category + folders, title) for url, folders, title in loaded.children
    ]
    if fetch_feeds:
        return jobs
    for child in jobs:
        name = child.name or _host(child.location)
        library.record_source(child.location, FEED, category=(*child.category, name), title=name)
    notes.warn(f"{len(jobs)} feeds recorded, not fetched (`reader refresh` fetches them)")
    return []


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


def _keyed_by_file(drafts: Iterable[ArticleDraft], location: str) -> Iterator[ArticleDraft]:
    for draft in drafts:
        if not draft.guid and not draft.url:
            draft.guid = "file:" + source_name(location)
        yield draft


def _fatal(error: LibraryError) -> bool:
    """Errors about the library itself stop the import: no later source could be saved."""
    from reader.store import LibraryBusy, LibraryReadOnly, LibraryUnavailable

    return isinstance(error, LibraryReadOnly | LibraryBusy | LibraryUnavailable)
