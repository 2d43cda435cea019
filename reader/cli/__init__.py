"""The `reader` command: thin click commands over the store and the importers.

Output for people is text; `--json` gives the shapes other tools rely on (DESIGN.md, "CLI
contract"). Errors are one line on stderr, never a traceback (set READER_DEBUG=1 to see one).
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import replace
from typing import Literal

import click
from rich.cells import cell_len

from reader import paths
from reader.cli import exporting, manage, streams, views
from reader.cli.common import (
    ARTICLE_ID,
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
from reader.cli.language import LocalisedGroup
from reader.cli.output import (
    article_json,
    article_text,
    category_json,
    category_lines,
    dumps,
)
from reader.cli.restricted import account_name, restrict_environment, restricted_by_environment
from reader.cli.stopping import Stopped
from reader.cli.terminal import fit_output_to_charset
from reader.models import ROOT_SCOPE
from reader.store import SORTS, Library, LibraryError, Sort
from reader.text.i18n import _, told
from reader.text.sanitize import sanitize_line


@click.group(
    cls=LocalisedGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", "db", metavar="PATH", default=None, help=DB_HELP)
@user_option
@click.option(
    "--restrict",
    is_flag=True,
    help="Open the app only, as an SSH forced command gives it: no other command, nothing "
    "started or written by the app, identity and library from --user and --db alone "
    "(also $READER_RESTRICT=1).",
)
@click.version_option(package_name="reader", prog_name="reader")
@click.pass_context
def cli(ctx: click.Context, db: str | None, restrict: bool) -> None:
    """A terminal reader for libraries of articles. Without a command, open the app."""
    ctx.ensure_object(dict)
    restricted = restrict or restricted_by_environment()
    if restricted:
        restrict_environment()
        if ctx.invoked_subcommand is not None:
            fail(
                _("`{command}` is not available in restricted mode").format(
                    command=ctx.invoked_subcommand
                ),
                2,
            )
        ctx.obj.setdefault("user", account_name())
    ctx.obj["db"] = db
    if ctx.invoked_subcommand is None:
        run_app(db, restricted=restricted)


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


FETCH_GRACE_S = 2.0
"""How long quitting the app waits for a fetch under way to reach the end of a source."""


def run_app(db: str | None, *, restricted: bool = False) -> None:
    """Open the app on the library (seeding a brand-new default library with the demo);
    `restricted`: as an SSH forced command (see `reader.cli.restricted`)."""
    from reader.cli.served import follow_server, served_by
    from reader.cli.terminal import not_a_terminal, terminal_problem

    server = served_by()
    if server is None:
        problem = terminal_problem()
        if problem:
            fail(problem)
    elif not follow_server(server):
        fail(_("the `reader serve` that started this session has stopped"))
    library = prepare_default_library(db)
    # After the library is open, so that what is wrong with the file named is said first.
    missing = not_a_terminal() if server is None else None
    if missing:
        library.close()
        fail(missing)
    # Printed before the app starts (and seen again after it ends), and shown inside it too.
    notices = warn_once(library.warnings)
    from reader.cli.fetching import app_fetching
    from reader.ui.app import ReaderApp

    app = ReaderApp(library, notices=notices, fetching=app_fetching(), restricted=restricted)
    try:
        app.run()
    finally:
        # A fetch under way stops after its current source; one still waiting on the network
        # would hold the exit back until its deadline, so go without it.
        app.fetch_gate.stop.set()
        fetching_done = app.fetch_gate.wait(FETCH_GRACE_S)
        library.close()
    if not fetching_done:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


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

    with open_library(_db(ctx, db), create=True, write=True) as library:
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
@click.argument("article_id", type=ARTICLE_ID, metavar="ID")
@click.pass_context
def show_command(
    ctx: click.Context, db: str | None, as_json: bool, no_count: bool, article_id: int
) -> None:
    """Show one article (and count a view, unless --no-count).

    The article is printed first: the view is counted after, without waiting for another
    program's write lock for more than a moment (a view that cannot be counted then is dropped).
    """
    with open_library(_db(ctx, db), create=False) as library:
        article = library.get(article_id)
        if article is None:
            fail(_("no article {id} in {path}").format(id=article_id, path=library.path))
        count = not no_count and not library.readonly
        if count:  # shown as it is once this view is counted
            article = replace(article, views=article.views + 1, read=True)
        click.echo(dumps(article_json(article)) if as_json else article_text(article))
        sys.stdout.flush()
        if count:
            library.count_view(article_id, wait=False)
        elif not no_count and library.notice is None:  # a read-only library can still be read
            click.echo(
                "reader: "
                + _("{path} is read-only; this view was not counted").format(path=library.path),
                err=True,
            )


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
        article = library.random_whole_article(scope)
        if article is None:
            empty = _("the library has no articles") if scope == ROOT_SCOPE else None
            fail(empty or _("no articles there"))
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
@click.option(
    "--save", "save_as", metavar="NAME", default=None, help="Save the search as a view instead."
)
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
    save_as: str | None,
    query: str,
) -> None:
    """Search titles and bodies: any substring, Chinese words of one character up.

    Several words must all match; "quoted words" match as a phrase; -word excludes; tag:NAME
    keeps articles with that tag.
    """
    how = streams.shape(as_json, as_jsonl)
    with open_library(_db(ctx, db), create=False) as library:
        if save_as is not None:
            library.save_search(save_as, query)
            total, _unread, exact = library.search_counts(query)
            found = f"{total:,}" if exact else f"{total:,}+"
            saved = _("Saved the search {name!r}: {query} ({found} found)")
            click.echo(sanitize_line(saved.format(name=save_as, query=query, found=found)))
            return
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
    names = {"library": _("library"), "data": _("data"), "config": _("config")}
    width = max(cell_len(name) for name in names.values()) + 2
    for key, name in names.items():
        click.echo(f"{name}{' ' * (width - cell_len(name))}{data[key]}")
    click.echo(_("(set {variable} to use another library)").format(variable=paths.DB_ENV))


@cli.command("demo")
@db_option
@user_option
@click.pass_context
def demo_command(ctx: click.Context, db: str | None) -> None:
    """Write the demo library (into a new or existing library)."""
    from reader.ingest.demo import write_demo

    with open_library(_db(ctx, db), create=True, write=True) as library:
        result = write_demo(library)
        summary = _(
            "demo library in {path}: {added} added, {updated} updated, {unchanged} unchanged"
        )
        click.echo(
            summary.format(
                path=library.path,
                added=result.added,
                updated=result.updated,
                unchanged=result.unchanged,
            )
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

    with open_library(_db(ctx, db), create=False, write=True) as library:
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
    with open_library(_db(ctx, db), create=False, write=True) as library:
        count = library.reindex()
    click.echo(_("search index rebuilt: {count} articles").format(count=count))


@cli.command("serve")
@db_option
@user_option
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but a loopback address lets others read the library.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.pass_context
def serve_command(ctx: click.Context, db: str | None, host: str, port: int) -> None:
    """Serve the app to web browsers: each browser session runs its own `reader`."""
    if not host.strip():
        raise click.BadParameter(_("give an address or a host name"), param_hint="--host")
    with prepare_default_library(_db(ctx, db)) as library:
        path, user = library.path.resolve(), library.user
    from reader.cli.serve import ServeError, serve

    try:
        serve(path, user, host.strip(), port)
    except ServeError as error:
        fail(told(error))


manage.register(cli)
views.register(cli)
exporting.register(cli)


def _width() -> int:
    try:
        return max(60, os.get_terminal_size(sys.stdout.fileno()).columns)
    except OSError:
        return 100


def usage_line(error: click.UsageError) -> str:
    """Click's usage error as one line: what was wrong, then where the help is."""
    message = sanitize_line(error.format_message()).rstrip(".").replace(". Did you", "; did you")
    message = message.replace("。 ", "；").rstrip("。")
    message = message[:1].lower() + message[1:]
    command = error.ctx.command_path if error.ctx is not None else "reader"
    return _("{message} (see {command} --help)").format(message=message, command=command)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; turn every failure into one readable line."""
    fit_output_to_charset()
    try:
        cli.main(args=argv, prog_name="reader", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.UsageError as error:
        fail(usage_line(error), error.exit_code)
    except click.ClickException as error:
        fail(sanitize_line(error.format_message()), error.exit_code)
    except click.exceptions.Abort:
        fail(_("aborted"), 130)
    except KeyboardInterrupt:
        fail(_("interrupted"), 130)
    except Stopped as stop:
        # Everything the command started has been ended on the way here; fetches still under
        # way in their threads would hold the exit back until their deadline, so go now.
        with contextlib.suppress(OSError):  # a hang-up may have taken the terminal with it
            click.echo("reader: " + _("stopped by {signal}").format(signal=stop.name), err=True)
            sys.stdout.flush()
        os._exit(128 + stop.number)
    except LibraryError as error:
        fail(told(error))
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as error:
        if os.environ.get("READER_DEBUG"):
            raise
        fail(
            _("unexpected error: {error} (READER_DEBUG=1 shows details)").format(
                error=f"{type(error).__name__}: {error}"
            )
        )
