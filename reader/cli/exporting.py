"""`reader export`: the library, a category or a view out again, as JSON Lines, a folder of
Markdown files or an OPML list of the subscriptions.

Articles are read a batch at a time and written as they are read, so memory stays flat at any
size; a progress bar shows on stderr when it is a terminal. A file is written under a temporary
name and renamed into place at the end, so an export that fails leaves no half-written file
(and any earlier file of that name as it was).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

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

from reader.cli.common import (
    _db,
    category_option,
    db_option,
    fail,
    open_library,
    resolve_scope,
    user_option,
)
from reader.cli.streams import until_the_pipe_closes
from reader.export.jsonlines import write_jsonl, write_jsonl_folder
from reader.export.mdtree import MarkdownTree
from reader.export.outlines import Subscription, opml_document
from reader.export.place import ExportError, replacing
from reader.models import ROOT_SCOPE, Article
from reader.store import Library, Only
from reader.text.i18n import _, ngettext
from reader.text.sanitize import sanitize_line

FORMATS = ("jsonl", "markdown", "opml")
BUILT_IN_VIEWS: dict[str, Only] = {"unread": "unread", "starred": "starred"}
"""The views every reader has, by the name `--view` takes (any case)."""


def register(cli: click.Group) -> None:
    """Add `reader export` to `reader`."""
    cli.add_command(export_command)


@click.command("export")
@db_option
@user_option
@category_option
@click.option("--view", metavar="NAME", default=None, help="A view: Unread or Starred.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="JSON Lines, a folder of Markdown files, or the subscriptions as OPML.",
)
@click.option(
    "--with-state",
    is_flag=True,
    help="Add your read and starred marks and reading positions (left out otherwise).",
)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    default=None,
    help="The file to write (jsonl, opml; '-' or none: standard output), or the folder "
    "(markdown: new, empty, or an earlier export).",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    db: str | None,
    category: str | None,
    view: str | None,
    fmt: str,
    with_state: bool,
    output: str | None,
) -> None:
    """Export articles (JSON Lines or Markdown files) or subscriptions (OPML).

    `reader import` reads each format back; --with-state adds your marks, which
    `reader import --with-state` adds to the importing reader's.
    """
    if category and view:
        fail(_("give --category or --view, not both"), 2)
    if fmt == "opml" and (view or with_state):
        fail(_("an OPML export lists subscriptions: --view and --with-state do not apply"), 2)
    if fmt == "markdown" and output in (None, "-"):
        fail(_("a Markdown export is a folder: name it with -o FOLDER"), 2)
    with open_library(_db(ctx, db), create=False) as library, until_the_pipe_closes():
        try:
            what = _export(library, fmt, category, view, with_state=with_state, output=output)
        except BrokenPipeError:
            raise
        except (ExportError, OSError) as error:
            fail(_why(error, output))
    _done(what, output)


def _export(
    library: Library,
    fmt: str,
    category: str | None,
    view: str | None,
    *,
    with_state: bool,
    output: str | None,
) -> str:
    """Write the export; return what it held, for the closing line (`8 articles`)."""
    if fmt == "opml":
        count = _export_opml(library, category, output)
        return ngettext("{count} feed", "{count} feeds", count).format(count=f"{count:,}")
    scope = resolve_scope(library, category)
    articles, total = select(library, scope, view)
    with _bar(total) as advance:
        if fmt == "markdown":
            assert output is not None
            tree = MarkdownTree(Path(output), library.categories(), with_state=with_state)
            count = tree.write_all(articles, advance)
        elif output is not None and _is_folder(output):
            count = write_jsonl_folder(
                articles, Path(output).expanduser(), with_state=with_state, progress=advance
            )
        else:
            with _destination(output) as out:
                count = write_jsonl(articles, out, with_state=with_state, progress=advance)
    return ngettext("{count} article", "{count} articles", count).format(count=f"{count:,}")


def _why(error: Exception, output: str | None) -> str:
    """The one line saying why the export could not be written."""
    if isinstance(error, OSError):
        where = error.filename or output or _("the output")
        return _("cannot write {path}: {reason}").format(path=where, reason=error.strerror or error)
    return str(error)


def select(library: Library, scope: int, view: str | None) -> tuple[Iterator[Article], int]:
    """The articles to export, and how many there are: a scope's, or a view's."""
    if view is None:
        return library.export_articles(scope), library.count_articles(scope)
    only = BUILT_IN_VIEWS.get(view.strip().casefold())
    if only is None:
        names = ", ".join(name.title() for name in BUILT_IN_VIEWS)
        fail(_("no view {name!r} (views: {names})").format(name=view, names=names))
    return library.export_articles(ROOT_SCOPE, only), library.count_articles(ROOT_SCOPE, only)


def _export_opml(library: Library, category: str | None, output: str | None) -> int:
    """Write the subscriptions (under `category` if given) as OPML; return how many."""
    under: tuple[str, ...] = ()
    if category:
        under = library.category_path(resolve_scope(library, category))
    feeds = [
        Subscription(
            record.location,
            record.title,
            library.category_path(record.category_id) if record.category_id else (),
        )
        for record in library.sources(kinds=("feed",), under=under)
    ]
    data = opml_document(feeds, title="reader subscriptions")
    with _destination(output) as out:
        out.write(data)
    return len(feeds)


@contextlib.contextmanager
def _destination(output: str | None) -> Iterator[IO[bytes]]:
    """Standard output (for none or '-'), or the file `output` (see `place.replacing`)."""
    if output in (None, "-"):
        stream = sys.stdout.buffer
        yield stream
        stream.flush()
        return
    assert output is not None
    with replacing(Path(output).expanduser()) as out:
        yield out


def _is_folder(output: str) -> bool:
    """True when `-o` names a folder: one that exists, or a path ending in a separator."""
    return output.endswith(("/", os.sep)) or Path(output).expanduser().is_dir()


@contextlib.contextmanager
def _bar(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar with counts and time left on stderr, only when stderr is a terminal;
    yields the function that moves it on."""
    if not sys.stderr.isatty():
        yield lambda _count: None
        return
    progress = Progress(
        TextColumn(_("exporting")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, markup=False, highlight=False),
        transient=True,
    )
    task = progress.add_task(_("exporting"), total=total)
    with progress:
        yield lambda count: progress.update(task, advance=count)


def _done(what: str, output: str | None) -> None:
    """Say what was exported where: on stdout when the export went to a file or folder, on a
    terminal's stderr when it went to stdout (which holds the export itself)."""
    if output not in (None, "-"):
        click.echo(
            _("Exported {what} to {path}").format(what=what, path=sanitize_line(output or ""))
        )
    elif sys.stderr.isatty():
        click.echo(_("Exported {what}").format(what=what), err=True)
