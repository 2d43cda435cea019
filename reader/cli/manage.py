"""Commands that change the library: read marks in bulk, deleting, reorganising categories and
the feeds it follows (`reader mark-read`, `delete`, `category ...`, `feeds ...`).

Each prints one line saying what it did to what (or, with `--json`, an object), and exits 1 with
one line on stderr when it cannot.
"""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from reader.cli.common import (
    _db,
    category_option,
    db_option,
    fail,
    json_option,
    open_library,
    resolve_scope,
    split_category,
    user_option,
)
from reader.cli.output import dumps
from reader.models import ROOT_SCOPE, Change
from reader.store import Library
from reader.text.i18n import _, format_datetime, ngettext
from reader.text.sanitize import sanitize_line


def _report(change: Change, as_json: bool) -> None:
    if as_json:
        click.echo(dumps({"summary": change.summary, "articles": change.articles}))
    else:
        click.echo(sanitize_line(change.shown()))


def _date(text: str | None) -> str | None:
    """`--before` as the ISO text stored times compare against; one line if it is not a date."""
    if text is None:
        return None
    try:
        if len(text.strip()) <= 10:
            return date.fromisoformat(text.strip()).isoformat()
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None).isoformat()
    except ValueError:
        fail(_("not a date: {text!r} (write 2024-11-13 or 2024-11-13T17:49)").format(text=text), 2)


def _category(library: Library, path: str) -> int:
    scope = resolve_scope(library, path)
    if scope == ROOT_SCOPE:
        fail(_("name a category (e.g. 国际/亚洲), not the whole library"), 2)
    return scope


def register(cli: click.Group) -> None:
    """Add the commands of this module to `reader`."""
    cli.add_command(mark_read_command)
    cli.add_command(delete_command)
    cli.add_command(category_group)
    cli.add_command(feeds_group)


@click.command("mark-read")
@db_option
@user_option
@category_option
@click.option("--search", "query", metavar="QUERY", default=None, help="Only articles it finds.")
@click.option("--before", metavar="DATE", default=None, help="Only articles published before.")
@click.option("--unread", is_flag=True, help="Mark them unread instead.")
@json_option
@click.pass_context
def mark_read_command(
    ctx: click.Context,
    db: str | None,
    category: str | None,
    query: str | None,
    before: str | None,
    unread: bool,
    as_json: bool,
) -> None:
    """Mark read (or with --unread, unread) every article of a category, a search or a date."""
    cutoff = _date(before)
    with open_library(_db(ctx, db), create=False) as library:
        scope = resolve_scope(library, category)
        change = library.mark_read(scope=scope, query=query, before=cutoff, read=not unread)
    _report(change, as_json)


@click.command("delete")
@db_option
@user_option
@json_option
@click.argument("article_ids", nargs=-1, required=True, type=click.IntRange(min=1))
@click.pass_context
def delete_command(
    ctx: click.Context, db: str | None, as_json: bool, article_ids: tuple[int, ...]
) -> None:
    """Delete articles by id, for everyone (categories left empty go too)."""
    with open_library(_db(ctx, db), create=False) as library:
        missing = [i for i in article_ids if not library.summaries([i])]
        if missing:
            fail(_("no article with id {id} in {path}").format(id=missing[0], path=library.path))
        change = library.delete(list(dict.fromkeys(article_ids)))
    _report(change, as_json)


@click.group("category")
def category_group() -> None:
    """Rename, move, merge or delete a category (for everyone)."""


@category_group.command("rename")
@db_option
@user_option
@json_option
@click.argument("path")
@click.argument("new_name")
@click.pass_context
def category_rename(
    ctx: click.Context, db: str | None, as_json: bool, path: str, new_name: str
) -> None:
    """Give the category at PATH the name NEW_NAME."""
    with open_library(_db(ctx, db), create=False) as library:
        change = library.rename_category(_category(library, path), new_name)
    _report(change, as_json)


@category_group.command("move")
@db_option
@user_option
@json_option
@click.argument("path")
@click.argument("new_parent")
@click.pass_context
def category_move(
    ctx: click.Context, db: str | None, as_json: bool, path: str, new_parent: str
) -> None:
    """Move the category at PATH, with everything under it, under NEW_PARENT (`/`: the top)."""
    with open_library(_db(ctx, db), create=False) as library:
        moving = _category(library, path)
        parent = None if not split_category(new_parent) else _category(library, new_parent)
        change = library.move_category(moving, parent)
    _report(change, as_json)


@category_group.command("merge")
@db_option
@user_option
@json_option
@click.argument("path")
@click.argument("into")
@click.pass_context
def category_merge(ctx: click.Context, db: str | None, as_json: bool, path: str, into: str) -> None:
    """Merge the category at PATH into INTO: its articles and subcategories move in."""
    with open_library(_db(ctx, db), create=False) as library:
        change = library.merge_category(_category(library, path), _category(library, into))
    _report(change, as_json)


@category_group.command("delete")
@db_option
@user_option
@json_option
@click.option(
    "--keep-articles-in",
    metavar="PATH",
    default=None,
    help="Move the articles there instead of deleting them.",
)
@click.argument("path")
@click.pass_context
def category_delete(
    ctx: click.Context, db: str | None, as_json: bool, keep_articles_in: str | None, path: str
) -> None:
    """Delete the category at PATH with its subcategories, articles and feeds."""
    with open_library(_db(ctx, db), create=False) as library:
        doomed = _category(library, path)
        keep = _category(library, keep_articles_in) if keep_articles_in else None
        change = library.delete_category(doomed, keep_articles_in=keep)
    _report(change, as_json)


@click.group("feeds", invoke_without_command=True)
@db_option
@user_option
@json_option
@click.pass_context
def feeds_group(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """The feeds this library follows (`reader refresh` fetches them): list, add, remove."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(feeds_list, db=db, as_json=as_json)


@feeds_group.command("list")
@db_option
@user_option
@json_option
@click.pass_context
def feeds_list(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Every feed with its category, last fetch, status and last error."""
    with open_library(_db(ctx, db), create=False) as library:
        records = library.sources(kinds=("feed",))
        paths = {
            r.id: library.category_path(r.category_id) if r.category_id else () for r in records
        }
    if as_json:
        click.echo(
            dumps(
                [
                    {
                        "id": r.id,
                        "url": r.location,
                        "title": r.title,
                        "category": list(paths[r.id]),
                        "fetched_at": r.fetched_at,
                        "checked_at": r.checked_at,
                        "status": "failed" if r.last_error else ("ok" if r.checked_at else "new"),
                        "error": r.last_error,
                        "articles": r.articles,
                    }
                    for r in records
                ]
            )
        )
        return
    if not records:
        click.echo(_("No feeds yet: `reader feeds add URL` subscribes to one."))
        return
    for r in records:
        if r.last_error:
            status = _("failed: {error}").format(error=r.last_error)
        else:
            status = _("ok") if r.checked_at else _("new")
        when = format_datetime(r.checked_at) if r.checked_at else _("never")
        where = "/".join(paths[r.id]) or "-"
        articles = ngettext("{count} article", "{count} articles", r.articles)
        count = articles.format(count=f"{r.articles:>6}")
        line = f"{r.id:>4}  {count}  {where}  {r.location}  ({when}, {status})"
        click.echo(sanitize_line(line))


@feeds_group.command("add")
@db_option
@user_option
@category_option
@json_option
@click.argument("url")
@click.pass_context
def feeds_add(
    ctx: click.Context, db: str | None, category: str | None, as_json: bool, url: str
) -> None:
    """Subscribe to the feed at URL and fetch it (into --category if given)."""
    from reader.cli.importing import run_import

    if not url.lower().startswith(("http://", "https://")):
        fail(_("not a feed address: {url!r} (give an http:// or https:// URL)").format(url=url), 2)
    with open_library(_db(ctx, db), create=True) as library:
        report = run_import(library, [url], split_category(category), as_json=as_json)
    sys.exit(1 if report.failed else 0)


@feeds_group.command("remove")
@db_option
@user_option
@json_option
@click.option("--delete-articles", is_flag=True, help="Delete the articles it brought too.")
@click.argument("feed")
@click.pass_context
def feeds_remove(
    ctx: click.Context, db: str | None, as_json: bool, delete_articles: bool, feed: str
) -> None:
    """Unsubscribe from FEED (its URL or its id in `reader feeds`)."""
    with open_library(_db(ctx, db), create=False) as library:
        change = library.unsubscribe(feed, delete_articles=delete_articles)
    _report(change, as_json)
