"""`reader import` and `reader refresh` on a terminal: a progress bar and the summary.

The bar (counts and ETA) goes to stderr and only when stderr is a terminal; the summary goes to
stdout, with one line per failed source naming the reason.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from reader.cli.output import dumps
from reader.cli.stopping import stopped_by_signals
from reader.ingest.files import expand
from reader.ingest.runner import ImportReport, SourceOutcome, import_sources
from reader.store import Library, LibraryError
from reader.text.i18n import _, ngettext
from reader.text.sanitize import sanitize_line


class _Bar:
    """A progress bar with counts and ETA on stderr, only when stderr is a terminal."""

    def __init__(self, total: int | None, description: str) -> None:
        self.progress: Progress | None = None
        self.done: list[SourceOutcome] = []
        if not sys.stderr.isatty():
            return
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True, markup=False, highlight=False),
            transient=True,
        )
        self.task = self.progress.add_task(description, total=total)

    def advance(self, outcome: SourceOutcome) -> None:
        """One more source done."""
        self.done.append(outcome)
        if self.progress is not None:
            self.progress.update(self.task, advance=1)

    def more(self, count: int) -> None:
        """`count` more sources to do (an OPML list's feeds; negative for skipped repeats)."""
        if self.progress is not None:
            total = self.progress.tasks[0].total or 0
            self.progress.update(self.task, total=max(0, total + count))

    def start(self, count: int) -> None:
        """The number of sources is known now."""
        if self.progress is not None:
            self.progress.update(self.task, total=count)


def run_import(
    library: Library,
    sources: Sequence[str],
    category: Sequence[str],
    *,
    as_json: bool,
    fetch_feeds: bool = True,
    with_state: bool = False,
) -> ImportReport:
    """Import with a progress bar on a terminal, then print the summary (`with_state`: add the
    marks the files carry to the reader's own)."""
    total = sum(1 for _ in expand(sources)) if sys.stderr.isatty() else None
    bar = _Bar(total, _("importing"))
    with (
        stopped_by_signals(lambda: _stop_now(library)),
        bar.progress or contextlib.nullcontext(),
        _summary_if_stopped(bar, as_json),
    ):
        report = import_sources(
            library,
            sources,
            category=category,
            on_source=bar.advance,
            on_more=bar.more,
            fetch_feeds=fetch_feeds,
            with_state=with_state,
        )
    print_report(report, as_json=as_json)
    return report


def _stop_now(library: Library) -> None:
    """On SIGTERM or SIGHUP, from the watcher thread: end the read-ahead helper at once, and
    cut the statement the import may be running short (the rest unwinds in the main thread)."""
    from reader.ingest.ahead import kill_helpers

    kill_helpers()
    library.interrupt()


@contextlib.contextmanager
def _summary_if_stopped(bar: _Bar, as_json: bool) -> Iterator[None]:
    """When the library itself fails part-way (a full disk, a moved file, a lock held too long),
    print the summary of the sources saved before it, then let the one-line error follow."""
    try:
        yield
    except LibraryError:
        if bar.done:
            print_report(ImportReport(list(bar.done)), as_json=as_json)
        raise


def run_refresh(library: Library, category: Sequence[str], *, as_json: bool) -> ImportReport:
    """Re-fetch the library's feeds with a progress bar on a terminal, then print the summary."""
    from reader.ingest.refresh import refresh

    bar = _Bar(None, _("refreshing"))
    with (
        stopped_by_signals(lambda: _stop_now(library)),
        bar.progress or contextlib.nullcontext(),
        _summary_if_stopped(bar, as_json),
    ):
        report = refresh(library, category, on_source=bar.advance, on_start=bar.start)
    print_report(report, as_json=as_json)
    return report


def print_report(report: ImportReport, *, as_json: bool) -> None:
    """The summary: totals, then every failure and warning with its source."""
    if as_json:
        click.echo(
            dumps(
                {
                    "added": report.total("added"),
                    "updated": report.total("updated"),
                    "unchanged": report.total("unchanged"),
                    "failed": len(report.failed),
                    "sources": [
                        {
                            "source": o.location,
                            "kind": o.kind,
                            "added": o.added,
                            "updated": o.updated,
                            "unchanged": o.unchanged,
                            "error": o.error or None,
                            "warnings": o.warnings,
                        }
                        for o in report.outcomes
                    ],
                }
            )
        )
        return
    sources = len(report.outcomes)
    summary = ngettext(
        "{sources} source: {added} added, {updated} updated, {unchanged} unchanged, "
        "{failed} failed",
        "{sources} sources: {added} added, {updated} updated, {unchanged} unchanged, "
        "{failed} failed",
        sources,
    )
    click.echo(
        summary.format(
            sources=sources,
            added=report.total("added"),
            updated=report.total("updated"),
            unchanged=report.total("unchanged"),
            failed=len(report.failed),
        )
    )
    for outcome in report.outcomes:
        where = sanitize_line(outcome.location)
        if outcome.error:
            click.echo(f"  {_('failed')}: {where}: {sanitize_line(outcome.error)}")
        for warning in outcome.warnings:
            click.echo(f"  {_('warning')}: {where}: {sanitize_line(warning)}")
