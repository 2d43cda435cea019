"""The language of the interface: Simplified Chinese, Traditional Chinese or English.

The language is chosen when a string is shown, not when a module is imported: `READER_LANG`
first, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one set). Chinese for Taiwan,
Hong Kong or Macau, or written `Hant`, is `zh_TW`; other Chinese is `zh_CN`; anything else is
English, the language the strings are written in. The catalogues are gettext's, in
`reader/locale/LANG/LC_MESSAGES/reader.mo` (`make messages` extracts, updates and compiles them).

`_()` translates, `ngettext()` picks the plural, and `N_()` only marks a string for extraction
where it must be translated later (click's help texts, tables built at import time).
`format_datetime()` and `format_date()` write an ISO date the way the language writes dates.
"""

from __future__ import annotations

import gettext
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "reader"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("zh_CN", "zh_TW")
"""The languages with a catalogue; English needs none."""
ENGLISH = "en"
LOCALE_VARIABLES = ("READER_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
_TRADITIONAL = {"tw", "hk", "mo", "hant"}


def language_of(value: str) -> str:
    """The interface language for a locale name: `zh_TW.UTF-8` -> `zh_TW`, `zh` -> `zh_CN`,
    `zh-Hant` -> `zh_TW`, `C` or `fr_FR` -> `en`."""
    name = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    parts = name.split("_")
    if parts[0] != "zh":
        return ENGLISH
    return "zh_TW" if _TRADITIONAL.intersection(parts[1:]) else "zh_CN"


def language() -> str:
    """The language strings are shown in now: `zh_CN`, `zh_TW` or `en`."""
    for variable in LOCALE_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value:
            return language_of(value)
    return ENGLISH


def is_chinese() -> bool:
    """Whether the interface is in Chinese (either script)."""
    return language() != ENGLISH


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, [lang], fallback=True)


def _(message: str) -> str:
    """`message` in the interface's language (itself if it has no translation)."""
    if not message:
        return message
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for `n`, in the interface's language."""
    return _translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown, with `_()`."""
    return message


def format_datetime(iso: str, *, seconds: bool = False) -> str:
    """An ISO date and time (`2024-11-13T17:49:38`) as the language writes it: `2024年11月13日
    17:49` in Chinese, `2024-11-13 17:49` in English; a bare date stays a date, and text that
    is not a date is returned as it is."""
    date_part, _sep, time_part = iso.partition("T")
    time_text = time_part[: 8 if seconds else 5]
    date_text = format_date(date_part)
    return f"{date_text} {time_text}" if time_text else date_text


def format_date(iso: str) -> str:
    """The date of an ISO date or date and time: `2024年11月13日` in Chinese, `2024-11-13` in
    English (or the text as it is if it is not a date)."""
    text = iso[:10]
    if not is_chinese():
        return text
    try:
        year, month, day = (int(part) for part in text.split("-"))
    except ValueError:
        return text
    return f"{year}年{month}月{day}日"


@dataclass(frozen=True, slots=True)
class Later:
    """A message to be said later, in the language of then: the store says what it did in
    English (for JSON and logs) and the app or the command line shows it in the reader's
    language. Values may be `Later` messages themselves."""

    text: str
    values: tuple[tuple[str, Any], ...] = ()
    plural: str | None = None
    count: int = 1

    def english(self) -> str:
        """The message in English (as `reader ... --json` prints it)."""
        return self._say(gettext.NullTranslations())

    def shown(self) -> str:
        """The message in the interface's language."""
        return self._say(_translations(language()))

    def _say(self, catalogue: gettext.NullTranslations) -> str:
        if self.plural is not None:
            template = catalogue.ngettext(self.text, self.plural, self.count)
        else:
            template = catalogue.gettext(self.text)
        values = {
            name: value._say(catalogue) if isinstance(value, Later) else value
            for name, value in self.values
        }
        return template.format(**values)


def later(text: str, **values: Any) -> Later:
    """`text` with its `{values}`, to be said later (see `Later`)."""
    return Later(text, tuple(values.items()))


def later_plural(singular: str, plural: str, count: int, **values: Any) -> Later:
    """A counted message (`{count}` is the count, written `1,234`), to be said later."""
    return Later(singular, (("count", f"{count:,}"), *values.items()), plural, count)


class SaidError(Exception):
    """An error whose message may be a `Later`: `str()` is its English (logs, JSON), and
    `shown()` the message in the interface's language."""

    def __init__(self, message: object = "", *args: object) -> None:
        self.said = message if isinstance(message, Later) else None
        super().__init__(message.english() if isinstance(message, Later) else message, *args)

    def shown(self) -> str:
        """The message in the interface's language."""
        return self.said.shown() if self.said is not None else str(self)


def told(error: BaseException) -> str:
    """What an error says, in the interface's language when it can (a `SaidError`)."""
    return error.shown() if isinstance(error, SaidError) else str(error)
