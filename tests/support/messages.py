"""The translation catalogues: extract the messages, update the catalogues, compile them.

`python -m tests.support.messages` (`make messages`) writes `reader/locale/reader.pot` from
the strings marked in `reader/` (`_`, `N_`, `ngettext`, `later`, `later_plural`), the help of the `reader` command and
click's own messages; merges it into each language's `reader.po`, and compiles the `.mo` files
the package ships. `--check` changes nothing and says what is missing or out of date (a test
runs it). Uses Babel, a development dependency only.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from reader.cli import cli
from reader.cli.language import help_texts
from reader.text.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "later": None, "later_plural": (1, 2)}
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def _extract(catalog: Catalog, folder: Path, prefix: str) -> None:
    for filename, lineno, message, comments, context in extract_from_dir(
        str(folder), [("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(
            message,
            locations=[(f"{prefix}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )


def template() -> Catalog:
    """Every message the reader can show in English."""
    catalog = Catalog(project="reader", domain=DOMAIN, charset="utf-8")
    _extract(catalog, ROOT / "reader", "reader")
    _extract(catalog, Path(click.__file__).parent, "click")
    for text in help_texts(cli):
        catalog.add(text, locations=[("reader/cli (command help)", 0)])
    return catalog


def po_path(language: str) -> Path:
    """The catalogue of a language."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, omit_header=False, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def read(language: str) -> Catalog:
    """A language's catalogue as it is on disk."""
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def problems() -> list[str]:
    """What is missing or stale: messages without a translation, fuzzy translations, `.mo`
    files that do not match their `.po`."""
    found: list[str] = []
    wanted = {m.id for m in template() if m.id}
    for language in LANGUAGES:
        catalog = read(language)
        for msgid in sorted(wanted, key=str):
            message = catalog.get(msgid)
            if message is None:
                found.append(f"{language}: no translation of {msgid!r}")
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                found.append(f"{language}: no translation of {msgid!r}")
            elif message.fuzzy:
                found.append(f"{language}: fuzzy translation of {msgid!r}")
        mo = po_path(language).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            found.append(f"{language}: {mo.name} is not compiled from {po_path(language).name}")
    return found


def update() -> None:
    """Write the template, merge it into each catalogue, compile them."""
    pot = template()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(_po_bytes(pot))
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
            catalog.update(pot, update_header_comment=False)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="reader", charset="utf-8")
            catalog.update(pot)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_po_bytes(catalog))
        catalog = read(language)
        path.with_suffix(".mo").write_bytes(_mo_bytes(catalog))


def main() -> int:
    """`--check`: print the problems and exit 1 if there are any; else update everything."""
    if "--check" in sys.argv[1:]:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    update()
    for line in problems():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
