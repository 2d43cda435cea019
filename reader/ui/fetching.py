"""Fetching feeds from the app: what the command line hands the app to do it.

The app does not fetch anything itself (the importers are another layer): `reader` passes it a
`Fetching` whose two callables refresh the recorded feeds and subscribe to a new one, each
reporting its progress through a `Progress`. They run in the app's thread workers and save through
the app's `Library`, whose writes wait for the lock while its reads never do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reader.store import Library


@dataclass(frozen=True, slots=True)
class Fetched:
    """What fetching one source did: articles added and updated, or why it failed."""

    location: str
    added: int = 0
    updated: int = 0
    error: str = ""


class Progress(Protocol):
    """Told how many sources a fetch will go through, then about each one as it is done."""

    def expect(self, count: int) -> None:
        """`count` more sources are to be fetched (an OPML list adds its feeds as it is read;
        a negative count: fewer than said)."""

    def fetched(self, outcome: Fetched) -> None:
        """One more source was fetched and saved, or failed."""


RefreshFeeds = Callable[["Library", Sequence[str], Progress], None]
"""Fetch every recorded feed in the category at a path (all of them for an empty path)."""

AddFeed = Callable[["Library", str, Sequence[str], Progress], None]
"""Subscribe to the feed at a URL and fetch it, into the category at a path if one is given."""


@dataclass(frozen=True, slots=True)
class Fetching:
    """How the app refreshes feeds and subscribes to new ones."""

    refresh: RefreshFeeds
    add: AddFeed


class FetchGate:
    """One fetch at a time: the app's screens start and end fetches through it, the app tells
    a fetch under way to stop when it ends, and whoever ran the app can wait for the fetch (its
    threads would otherwise hold the process until their network deadline)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        """Set when the app ends: a fetch stops after the source under way."""
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether a fetch is under way."""
        return not self._idle.is_set()

    def begin(self) -> bool:
        """Start a fetch; False if one is under way already."""
        with self._lock:
            if self.busy:
                return False
            self._idle.clear()
            return True

    def end(self) -> None:
        """The fetch ended."""
        self._idle.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for a fetch under way to end; True once none is."""
        return self._idle.wait(timeout)
