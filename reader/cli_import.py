"""`reader import` and `reader refresh` on a terminal: a progress bar and the summary.

The bar (counts and ETA) goes to stderr and only when stderr is a terminal; the summary goes to
stdout, with one line per failed source naming the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

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

from reader.ingest.runner import ImportReport, SourceOutcome, expand, import_sources
from reader.output import dumps
from reader.sanitize import sanitize_line
from reader.store import Library


def _progress(total: int | None) -> tuple[Progress | None, Callable[[SourceOutcome], None] | None]:
    if not sys.stderr.isatty():
        return None, None
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, markup=False, highlight=False),
        transient=True,
    )
    task = progress.add_task("importing", total=total)

    def advance(outcome: SourceOutcome) -> None:
        progress.update(task, advance=1)

    return progress, advance


def run_import(
    library: Library, sources: Sequence[str], category: Sequence[str], *, as_json: bool
) -> ImportReport:
    """Import with a progress bar on a terminal, then print the summary."""
    total = sum(1 for _ in expand(sources)) if sys.stderr.isatty() else None
    progress, advance = _progress(total)
    if progress is None:
        report = import_sources(library, sources, category=category)
    else:
        with progress:
            report = import_sources(library, sources, category=category, on_source=advance)
    print_report(report, as_json=as_json)
    return report


def run_refresh(library: Library, category: Sequence[str], *, as_json: bool) -> ImportReport:
    """Re-fetch the library's feeds with a progress bar on a terminal, then print the summary."""
    from reader.ingest.refresh import refresh

    progress, advance = _progress(None)
    if progress is None:
        report = refresh(library, category)
    else:
        with progress:
            report = refresh(library, category, on_source=advance)
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
    click.echo(
        f"{sources} source{'s' if sources != 1 else ''}: {report.total('added')} added, "
        f"{report.total('updated')} updated, {report.total('unchanged')} unchanged, "
        f"{len(report.failed)} failed"
    )
    for outcome in report.outcomes:
        where = sanitize_line(outcome.location)
        if outcome.error:
            click.echo(f"  failed: {where}: {sanitize_line(outcome.error)}")
        for warning in outcome.warnings:
            click.echo(f"  warning: {where}: {sanitize_line(warning)}")
