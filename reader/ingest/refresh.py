"""`reader refresh`: fetch again the feeds a library was built from.

Each recorded feed is fetched with its ETag and Last-Modified (an unchanged feed costs one short
answer), and its entries are saved into the category it was first imported to: new entries are
added, changed ones updated. Articles a feed no longer lists are never deleted. A feed recorded
from a local file is read from that file again if it is still there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.ingest.load import FEED
from reader.ingest.runner import Fetcher, ImportReport, Job, SourceOutcome, run_jobs
from reader.store import Library


def refresh_jobs(library: Library, category: Sequence[str] = ()) -> list[Job]:
    """A job per recorded feed, inside the category subtree `category` if given."""
    jobs: list[Job] = []
    for record in library.sources(kinds=(FEED,), under=category):
        path = library.category_path(record.category_id) if record.category_id else ()
        jobs.append(
            Job(
                record.location,
                FEED,
                category=tuple(path[:-1]),
                name=path[-1] if path else "",
                etag=record.etag,
                last_modified=record.last_modified,
            )
        )
    return jobs


def refresh(
    library: Library,
    category: Sequence[str] = (),
    *,
    on_source: Callable[[SourceOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    fetcher: Fetcher | None = None,
) -> ImportReport:
    """Fetch every recorded feed (under `category`) again; never deletes an article.

    `on_start` is told how many feeds will be fetched, `on_source` after each (for progress).
    """
    jobs = refresh_jobs(library, category)
    if on_start:
        on_start(len(jobs))
    return run_jobs(library, jobs, on_source=on_source, fetcher=fetcher)
