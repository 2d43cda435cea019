"""What the commands of `reader` share: opening the library, the common options, one-line
errors and category paths."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from reader import paths
from reader.models import ROOT_SCOPE, ArticleSummary
from reader.store import MAX_ID, Library, LibraryError
from reader.text.i18n import N_, _
from reader.text.sanitize import sanitize_line

SQLITE_WARNING_ENV = "READER_SQLITE_WARNING"
DB_HELP = N_("Library file (default: $READER_DB, else the platform data folder).")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit; the message is sanitised, as it may quote a source."""
    click.echo(f"reader: {sanitize_line(message)}", err=True)
    sys.exit(code)


def split_category(text: str | None) -> tuple[str, ...]:
    """`国际/亚洲` -> ('国际', '亚洲'); also accepts `›` and `>` between names."""
    if not text:
        return ()
    for sep in ("›", ">"):
        text = text.replace(sep, "/")
    return tuple(part.strip() for part in text.split("/") if part.strip())


def open_library(
    db: str | None, *, create: bool, warn: bool = True, write: bool = False
) -> Library:
    """Open the library named by `--db`, or the default one (whose folder is made on demand),
    for the reader identity chosen with `--user` (see `_chosen_user`).

    With `warn`, known risks of the SQLite in use are printed once (see `warn_once`). With
    `write` (commands that change the library), a library that can only be read is refused in
    one line; otherwise why it can only be read (`Library.notice`) is printed, if it says.
    """
    user = _chosen_user()
    if db:
        library = Library(Path(db), create=create, user=user)
    else:
        path = paths.default_db()
        if not os.environ.get(paths.DB_ENV):
            path.parent.mkdir(parents=True, exist_ok=True)
        library = Library(path, create=True, user=user)
    if write:
        try:
            library.check_writable()
        except LibraryError:
            library.close()
            raise
    elif library.notice is not None:
        click.echo(f"reader: {sanitize_line(library.notice)}", err=True)
    if warn:
        warn_once(library.warnings)
    return library


class ArticleId(click.ParamType):
    """An article's id on the command line: a whole number from 1 to SQLite's largest."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """The id as an int; anything else is a usage error naming what was given."""
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not 1 <= number <= MAX_ID:
            self.fail(
                _("{value!r} is not an article id (a whole number from 1 to {largest})").format(
                    value=str(value), largest=MAX_ID
                ),
                param,
                ctx,
            )
        return number


ARTICLE_ID = ArticleId()


def warn_once(warnings: Sequence[str]) -> list[str]:
    """Print each warning about the SQLite in use on stderr, once per user and SQLite version;
    return the warnings printed (none if they were shown before).

    `READER_SQLITE_WARNING=0` silences them.
    """
    if not warnings or os.environ.get(SQLITE_WARNING_ENV, "").strip() == "0":
        return []
    marker = paths.data_dir() / f".warned-sqlite-{sqlite3.sqlite_version}"
    if marker.exists():
        return []
    for warning in warnings:
        click.echo(f"reader: {_('warning')}: {warning}", err=True)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # warned again next time
    return list(warnings)


def resolve_scope(library: Library, category: str | None) -> int:
    """The scope id for `--category`, or the whole library; an unknown path is an error."""
    names = split_category(category)
    if not names:
        return ROOT_SCOPE
    found = library.find_category(names)
    if found is None:
        fail(
            _("no category {path!r} in {library} (see `reader categories`)").format(
                path="/".join(names), library=library.path
            )
        )
    return found.id


def with_paths(library: Library, items: Sequence[ArticleSummary]) -> list[tuple[Any, Any]]:
    """Pair each summary with its category path (looked up once per category)."""
    cache: dict[int, tuple[str, ...]] = {}
    rows = []
    for item in items:
        if item.category_id not in cache:
            cache[item.category_id] = library.category_path(item.category_id)
        rows.append((item, cache[item.category_id]))
    return rows


db_option = click.option("--db", "db", metavar="PATH", default=None, help=DB_HELP)
USER_HELP = N_(
    "Whose read marks, stars, reading positions and saved state to use "
    "[default: $READER_USER, else the login name]."
)


def _remember_user(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)
        ctx.obj["user"] = value


def _chosen_user() -> str | None:
    """The `--user` given to this command or to `reader` itself, if any."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.obj and ctx.obj.get("user") is not None:
            return str(ctx.obj["user"])
        ctx = ctx.parent
    return None


user_option = click.option(
    "--user",
    metavar="NAME",
    default=None,
    expose_value=False,
    is_eager=True,
    callback=_remember_user,
    help=USER_HELP,
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
jsonl_option = click.option(
    "--jsonl", "as_jsonl", is_flag=True, help="Print JSON Lines: one object a line, as they come."
)
category_option = click.option(
    "--category", metavar="PATH", default=None, help="Category path, e.g. 国际/亚洲."
)


def _db(ctx: click.Context, db: str | None) -> str | None:
    return db or (ctx.obj or {}).get("db")
