"""`reader views`, `reader related` and `reader tag`: the reader's views, related articles and
the tags of an article."""

from __future__ import annotations

import click

from reader.cli.common import _db, db_option, fail, json_option, open_library, user_option
from reader.cli.output import dumps, summary_json
from reader.models import View
from reader.text.i18n import _
from reader.text.sanitize import sanitize_line


def register(cli: click.Group) -> None:
    """Add the commands of this module to `reader`."""
    cli.add_command(views_command)
    cli.add_command(related_command)
    cli.add_command(tag_command)


def _count(view: View) -> str:
    return f"{view.total:,}" if view.exact else f"{view.total:,}+"


@click.command("views")
@db_option
@user_option
@json_option
@click.pass_context
def views_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Unread, Starred and your saved searches (`reader search --save`), with counts."""
    with open_library(_db(ctx, db), create=False) as library:
        found = library.views()
    if as_json:
        click.echo(
            dumps(
                [
                    {
                        "kind": v.kind,
                        "name": v.name,
                        "query": v.query,
                        "total": v.total,
                        "unread": v.unread,
                        "exact": v.exact,
                    }
                    for v in found
                ]
            )
        )
        return
    for view in found:
        what = f"  {view.query}" if view.query else ""
        counts = _("{total}, {unread} unread").format(total=_count(view), unread=f"{view.unread:,}")
        name = view.name if view.kind == "search" else _(view.name)
        line = f"{name}  ({counts}){what}"
        click.echo(sanitize_line(line))


@click.command("related")
@db_option
@user_option
@json_option
@click.option("--limit", type=click.IntRange(min=1, max=50), default=5, show_default=True)
@click.argument("article_id", type=click.IntRange(min=1))
@click.pass_context
def related_command(
    ctx: click.Context, db: str | None, as_json: bool, limit: int, article_id: int
) -> None:
    """The articles most like ARTICLE_ID (shared rare words, category and tags)."""
    with open_library(_db(ctx, db), create=False) as library:
        if library.get(article_id) is None:
            fail(_("no article with id {id} in {path}").format(id=article_id, path=library.path))
        found = library.related(article_id, limit)
        paths = [library.category_path(s.category_id) for s in found]
    if as_json:
        click.echo(dumps([summary_json(s, p) for s, p in zip(found, paths, strict=True)]))
        return
    for summary, path in zip(found, paths, strict=True):
        where = sanitize_line("/".join(path))
        click.echo(f"{summary.id:>7}  {sanitize_line(summary.title)}  ({where})")


@click.command(
    "tag", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False}
)
@db_option
@user_option
@json_option
@click.argument("article_id", type=click.IntRange(min=1))
@click.argument("changes", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def tag_command(
    ctx: click.Context, db: str | None, as_json: bool, article_id: int, changes: tuple[str, ...]
) -> None:
    """Add (+TAG) and remove (-TAG) tags of an article; with none, print its tags."""
    add = [c[1:] for c in changes if c.startswith("+")]
    remove = [c[1:] for c in changes if c.startswith("-")]
    odd = [c for c in changes if not c.startswith(("+", "-"))]
    if odd:
        fail(
            _("write +TAG to add a tag and -TAG to remove one, not {word!r}").format(word=odd[0]), 2
        )
    with open_library(_db(ctx, db), create=False) as library:
        article = library.get(article_id)
        if article is None:
            fail(_("no article with id {id} in {path}").format(id=article_id, path=library.path))
        if changes:
            change = library.retag(article_id, add=add, remove=remove)
            article = library.get(article_id)
            assert article is not None
            message = change.shown()
        else:
            message = " ".join(f"#{t}" for t in article.tags) or _("no tags")
    if as_json:
        click.echo(dumps({"id": article_id, "tags": list(article.tags)}))
    else:
        click.echo(sanitize_line(message))
