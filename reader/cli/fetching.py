"""The app's way to fetch feeds: the importers wrapped as `reader.ui.fetching.Fetching`.

The app cannot import the importers (they are another layer), so `reader` builds these callables
and hands them to it; they run in the app's thread workers.
"""

from __future__ import annotations

from collections.abc import Sequence

from reader.ingest.runner import SourceOutcome
from reader.store import Library
from reader.ui.fetching import Fetched, Fetching, Progress


def _fetched(outcome: SourceOutcome) -> Fetched:
    return Fetched(outcome.location, outcome.added, outcome.updated, outcome.error)


def refresh_feeds(library: Library, category: Sequence[str], progress: Progress) -> None:
    """Fetch the recorded feeds under `category` (all of them for an empty path) again."""
    from reader.ingest.refresh import refresh

    refresh(
        library,
        tuple(category),
        on_start=progress.expect,
        on_source=lambda outcome: progress.fetched(_fetched(outcome)),
    )


def add_feed(library: Library, url: str, category: Sequence[str], progress: Progress) -> None:
    """Subscribe to the feed at `url` and fetch it (into `category` if given)."""
    from reader.ingest.runner import import_sources

    progress.expect(1)
    import_sources(
        library,
        [url],
        category=tuple(category),
        on_source=lambda outcome: progress.fetched(_fetched(outcome)),
        on_more=progress.expect,
    )


def app_fetching() -> Fetching:
    """What `reader` hands the app to refresh feeds and subscribe to new ones."""
    return Fetching(refresh=refresh_feeds, add=add_feed)
