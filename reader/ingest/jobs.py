"""What one import is made of: the sources to read (`Job`) and each one read (`Ready`).

Plain data shared by the runner and the read-ahead helper, which imports nothing else of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reader.ingest.load import Loaded
from reader.models import ArticleDraft
from reader.store.prepared import PreparedArticle


def is_url(source: str) -> bool:
    """True for an http(s) URL given as a source."""
    return source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Job:
    """One source to import: where it is, its kind if known, and where its articles go.

    `category` is the path prefix (the `--category` option and an OPML list's folders); `name` is
    the feed's own category name when already known (from an OPML list or an earlier import);
    `root` is the file or folder named on the command line that the source was found in;
    `with_state` says whether the reader's marks the source carries are to be saved.
    """

    location: str
    kind: str | None
    category: tuple[str, ...] = ()
    name: str = ""
    etag: str | None = None
    last_modified: str | None = None
    root: str | None = None
    with_state: bool = False

    @property
    def remote(self) -> bool:
        """True for an http(s) source, fetched over the network."""
        return is_url(self.location)


@dataclass(slots=True)
class Ready:
    """A source read and parsed, ready to be saved in one transaction.

    `drafts` are prepared (`reader.store.prepared`) when the source was read ahead; `data` is
    the source's bytes where they may be recorded (feeds and pages); `warnings` are the parser's
    when it ran elsewhere. `declined` says the reader ahead left the source to the writer (too
    large to be held whole): nothing else in it counts. `batched` says the source is a large
    file (`files.is_large`), saved a batch of articles at a time.
    """

    loaded: Loaded
    drafts: Iterable[ArticleDraft | PreparedArticle]
    data: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    declined: bool = False
    batched: bool = False
