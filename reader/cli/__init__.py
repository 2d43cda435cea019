"""The `reader` command: thin click commands over the store and the importers.

Output for people is text; `--json` gives the shapes other tools rely on (DESIGN.md, "CLI
contract"). Errors are one line on stderr, never a traceback (set READER_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from typing import Literal

import click

from reader import paths
from reader.cli import exporting, manage, streams
from reader.cli.common import (
    DB_HELP,
    _db,
    category_option,
    db_option,
    fail,
    json_option,
    jsonl_option,
    open_library,
    resolve_scope,
    split_category,
    user_option,
    warn_once,
)
from reader.cli.output import (
    article_json,
    article_text,
    category_json,
    category_lines,
    dumps,
)
from reader.models import ROOT_SCOPE
from reader.store import SORTS, Library, LibraryBusy, LibraryError, LibraryReadOnly, Sort


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="PATH", default=None, help=DB_HELP)
@user_option
@click.version_option(package_name="reader", prog_name="reader")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """A terminal reader for libraries of articles. Without a command, open the app."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        run_app(db)


def prepare_default_library(db: str | None) -> Library:
    """Open the library the app shows; a brand-new default library gets the demo articles.

    Only the default library (no `--db`; `READER_DB` names the default) is seeded, only once
    (a library whose demo articles were deleted stays empty), and never a read-only one.
    """
    library = open_library(db, create=True, warn=False)
    if (
        db is None
        and not library.readonly
        and library.counts()[0] == 0
        and library.library_state("demo") is None
    ):
        from reader.ingest.demo import write_demo

        try:
            write_demo(library)
        except BaseException:
            library.close()
            raise
    return library


def run_app(db: str | None) -> None:
    """Open the app on the library (seeding a brand-new default library with the demo)."""
    library = prepare_default_library(db)
    # Printed before the app starts (and seen again after it ends), and shown inside it too.
    notices = warn_once(library.warnings)
    from reader.ui.app import ReaderApp

    try:
        ReaderApp(library, notices=notices).run()
    finally:
        library.close()


@cli.command("import")
@db_option
@user_option
@category_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--no-fetch",
    is_flag=True,
    help="OPML lists: record the feeds and their folders without fetching them "
    "(`reader refresh` fetches them later).",
)
@click.option(
    "--with-state",
    is_flag=True,
    help="Add the read, starred and position marks the files carry (an export made with "
    "--with-state) to yours; nothing is ever unmarked.",
)
@click.argument("sources", nargs=-1, required=True)
@click.pass_context
def import_command(
    ctx: click.Context,
    db: str | None,
    category: str | None,
    as_json: bool,
    no_fetch: bool,
    with_state: bool,
    sources: tuple[str, ...],
) -> None:
    """Import files, folders (recursively), feeds, OPML lists and web pages.

    SOURCE is a file or folder (.txt page text, .md, .jsonl, RSS/Atom/JSON Feed .xml/.rss/.atom/
    .json, .opml, saved .html pages) or an http(s) address of a feed, an OPML list or a page.
    """
    from reader.cli.importing import run_import

    with open_library(_db(ctx, db), create=True) as library:
        report = run_import(
            library,
            list(sources),
            split_category(category),
            as_json=as_json,
            fetch_feeds=not no_fetch,
            with_state=with_state,
        )
    sys.exit(1 if report.failed else 0)


@cli.command("list")
@db_option
@user_option
@category_option
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="published",
    help="Newest first, most viewed first, or A to Z.",
)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--all", "every", is_flag=True, help="Every article (no --limit), as they come.")
@click.option("--unread", is_flag=True, help="Only unread articles.")
@json_option
@jsonl_option
@click.pass_context
def list_command(
    ctx: click.Context,
    db: str | None,
    category: str | None,
    sort: Sort,
    limit: int,
    every: bool,
    unread: bool,
    as_json: bool,
    as_jsonl: bool,
) -> None:
    """List articles, newest first."""
    how = streams.shape(as_json, as_jsonl)
    with open_library(_db(ctx, db), create=False) as library:
        scope = resolve_scope(library, category)
        items = streams.listed(
            library, scope, sort=sort, unread=unread, limit=None if every else limit
        )
        with streams.until_the_pipe_closes():
            streams.print_listing(library, items, how, width=_width())


@cli.command("show")
@db_option
@user_option
@json_option
@click.option("--no-count", is_flag=True, help="Do not count this as a view.")
@click.argument("article_id", type=int)
@click.pass_context
def show_command(
    ctx: click.Context, db: str | None, as_json: bool, no_count: bool, article_id: int
) -> None:
    """Show one article (and count a view, unless --no-count)."""
    with open_library(_db(ctx, db), create=False) as library:
        if library.get(article_id) is None:
            fail(f"no article {article_id} in {library.path}")
        if not no_count:
            try:
                library.count_view(article_id)
            except LibraryReadOnly:  # a read-only library can still be read
                click.echo(
                    f"reader: {library.path} is read-only; this view was not counted", err=True
                )
            except LibraryBusy:  # so can one whose write lock another program holds
                click.echo(
                    f"reader: {library.path} is busy (another program holds its write lock); "
                    "this view was not counted",
                    err=True,
                )
        article = library.get(article_id)
    assert article is not None
    click.echo(dumps(article_json(article)) if as_json else article_text(article))


@cli.command("random")
@db_option
@user_option
@category_option
@json_option
@click.pass_context
def random_command(ctx: click.Context, db: str | None, category: str | None, as_json: bool) -> None:
    """Show a random article; no repeats until every article in scope was shown."""
    with open_library(_db(ctx, db), create=False) as library:
        scope = resolve_scope(library, category)
        with library.transaction():  # the shuffle moves on only if the article can be read
            picked = library.random_article(scope)
            article = library.get(picked.id) if picked is not None else None
        if picked is None:
            fail("the library has no articles" if scope == ROOT_SCOPE else "no articles there")
    assert article is not None
    click.echo(dumps(article_json(article)) if as_json else article_text(article))


@cli.command("search")
@db_option
@user_option
@category_option
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=20, show_default=True)
@click.option("--all", "every", is_flag=True, help="Every match (no --limit), as they come.")
@click.option(
    "--order",
    type=click.Choice(["newest", "best"]),
    default="newest",
    show_default=True,
    help="Newest first, or best match (title matches first).",
)
@json_option
@jsonl_option
@click.argument("query")
@click.pass_context
def search_command(
    ctx: click.Context,
    db: str | None,
    category: str | None,
    limit: int,
    every: bool,
    order: Literal["newest", "best"],
    as_json: bool,
    as_jsonl: bool,
    query: str,
) -> None:
    """Search titles and bodies: any substring, Chinese words of one character up.

    Several words must all match; "quoted words" match as a phrase; -word excludes.
    """
    how = streams.shape(as_json, as_jsonl)
    with open_library(_db(ctx, db), create=False) as library:
        scope = resolve_scope(library, category)
        hits = streams.found(library, query, scope, order=order, limit=None if every else limit)
        with streams.until_the_pipe_closes():
            streams.print_hits(library, hits, how, width=_width())


@cli.command("categories")
@db_option
@user_option
@json_option
@click.pass_context
def categories_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Print the category tree with article and unread counts."""
    with open_library(_db(ctx, db), create=False) as library:
        tree = library.categories()
        total = library.counts()
    if as_json:
        click.echo(dumps([category_json(c) for c in tree]))
    else:
        for line in category_lines(tree, total):
            click.echo(line)


@cli.command("paths")
@json_option
def paths_command(as_json: bool) -> None:
    """Print where the default library and the configuration live."""
    data = {
        "library": str(paths.default_db()),
        "data": str(paths.data_dir()),
        "config": str(paths.config_dir()),
        "override": paths.DB_ENV,
    }
    if as_json:
        click.echo(dumps(data))
        return
    click.echo(f"library  {data['library']}")
    click.echo(f"data     {data['data']}")
    click.echo(f"config   {data['config']}")
    click.echo(f"(set {paths.DB_ENV} to use another library)")


@cli.command("demo")
@db_option
@user_option
@click.pass_context
def demo_command(ctx: click.Context, db: str | None) -> None:
    """Write the demo library (into a new or existing library)."""
    from reader.ingest.demo import write_demo

    with open_library(_db(ctx, db), create=True) as library:
        result = write_demo(library)
        click.echo(
            f"demo library in {library.path}: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )


@cli.command("refresh")
@db_option
@user_option
@category_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def refresh_command(
    ctx: click.Context, db: str | None, category: str | None, as_json: bool
) -> None:
    """Re-fetch the feeds the library came from: add new entries, update changed ones."""
    from reader.cli.importing import run_refresh

    with open_library(_db(ctx, db), create=False) as library:
        if category:
            resolve_scope(library, category)
        report = run_refresh(library, split_category(category), as_json=as_json)
    sys.exit(1 if report.failed else 0)


@cli.command("reindex")
@db_option
@user_option
@click.pass_context
def reindex_command(ctx: click.Context, db: str | None) -> None:
    """Rebuild the search index from the articles."""
    with open_library(_db(ctx, db), create=False) as library:
        count = library.reindex()
    click.echo(f"search index rebuilt: {count} articles")


manage.register(cli)
exporting.register(cli)


def _width() -> int:
    try:
        return max(60, os.get_terminal_size(sys.stdout.fileno()).columns)
    except OSError:
        return 100


def main(argv: list[str] | None = None) -> None:
    """Run the command line; turn every failure into one readable line."""
    try:
        cli.main(args=argv, prog_name="reader", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        fail("aborted", 130)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except LibraryError as error:
        fail(str(error))
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as error:
        if os.environ.get("READER_DEBUG"):
            raise
        fail(f"unexpected error: {type(error).__name__}: {error} (READER_DEBUG=1 shows details)")
