"""The interface's language: chosen from READER_LANG and the locale, the catalogues complete and
compiled, dates in the language's style, messages said later in the language of then."""

from __future__ import annotations

import pytest
from support.messages import problems

from reader.text.i18n import (
    LOCALE_VARIABLES,
    _,
    format_date,
    format_datetime,
    language,
    language_of,
    later,
    later_plural,
    ngettext,
)


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No locale variable set at all."""
    for variable in (*LOCALE_VARIABLES, "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh_SG", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_Hans", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh_TW.UTF-8", "zh_TW"),
        ("zh_HK.Big5-HKSCS", "zh_TW"),
        ("zh_MO", "zh_TW"),
        ("zh-Hant", "zh_TW"),
        ("zh_TW@latin", "zh_TW"),
        ("en_US.UTF-8", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("fr_FR", "en"),
        ("en", "en"),
    ],
)
def test_locale_names(value: str, expected: str) -> None:
    assert language_of(value) == expected


def test_reader_lang_overrides_the_locale(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setenv("LANG", "zh_CN.UTF-8")
    assert language() == "zh_CN"
    no_locale.setenv("READER_LANG", "zh_TW")
    assert language() == "zh_TW"
    no_locale.setenv("READER_LANG", "en")
    assert language() == "en"


def test_the_locale_variables_in_posix_order(no_locale: pytest.MonkeyPatch) -> None:
    assert language() == "en"
    no_locale.setenv("LANG", "zh_TW.UTF-8")
    assert language() == "zh_TW"
    no_locale.setenv("LC_MESSAGES", "zh_CN.UTF-8")
    assert language() == "zh_CN"
    no_locale.setenv("LC_ALL", "C")
    assert language() == "en"


def test_strings_are_looked_up_when_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _("All articles") == "All articles"
    monkeypatch.setenv("READER_LANG", "zh_CN")
    assert _("All articles") == "全部文章"
    assert ngettext("{count} article", "{count} articles", 3).format(count=3) == "3 篇文章"
    monkeypatch.setenv("READER_LANG", "zh_TW")
    assert _("Search") == "搜尋"
    assert _("Tags") == "標籤"


def test_dates_in_the_languages_style(monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = "2024-11-13T17:49:38"
    assert format_datetime(stamp) == "2024-11-13 17:49"
    assert format_date(stamp) == "2024-11-13"
    for lang in ("zh_CN", "zh_TW"):
        monkeypatch.setenv("READER_LANG", lang)
        assert format_datetime(stamp) == "2024年11月13日 17:49"
        assert format_datetime(stamp, seconds=True) == "2024年11月13日 17:49:38"
        assert format_date("2024-01-05") == "2024年1月5日"
        assert format_date("not a date") == "not a date"


def test_a_message_said_later_keeps_its_english(monkeypatch: pytest.MonkeyPatch) -> None:
    said = later(
        "Deleted {articles}", articles=later_plural("{count} article", "{count} articles", 1)
    )
    monkeypatch.setenv("READER_LANG", "zh_CN")
    assert said.english() == "Deleted 1 article"
    assert said.shown() == "已删除 1 篇文章"


def test_every_message_is_translated_and_compiled() -> None:
    """Every string marked in reader/, the command's help and click's messages have a
    translation in both catalogues, and the .mo files are compiled from the .po files
    (`make messages` fixes what this names)."""
    assert problems() == []
