"""The command line in Chinese: help, usage errors and summaries follow READER_LANG or the
locale; what scripts read (--json, exit codes) is the same in every language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from support.library import run_cli as run


@pytest.fixture
def demo(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A library with the demo articles."""
    code, _out, _err = run(["demo", "--db", str(db_path)], capsys)
    assert code == 0
    return db_path


def test_help_in_simplified_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_CN")
    code, out, _err = run(["--help"], capsys)
    assert code == 0
    assert out.startswith("用法: reader")
    assert "选项:" in out and "命令:" in out
    assert "列出文章，最新的在前。" in out
    assert "显示此帮助并退出。" in out


def test_help_follows_the_locale_and_changes_between_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("READER_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    _code, out, _err = run(["list", "--help"], capsys)
    assert "只顯示未讀文章。" in out
    monkeypatch.setenv("LANG", "C.UTF-8")
    _code, out, _err = run(["list", "--help"], capsys)
    assert "Only unread articles." in out


def test_usage_error_in_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_TW")
    code, out, err = run(["list", "--bogus"], capsys)
    assert code == 2
    assert out == ""
    assert err == "reader: 沒有選項 '--bogus'；你是不是想用 '--user'？（見 reader list --help）\n"


def test_errors_and_summaries_in_chinese(
    demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_CN")
    code, _out, err = run(["show", "--db", str(demo), "999999"], capsys)
    assert code == 1
    assert err == f"reader: {demo} 中没有文章 999999\n"
    code, out, _err = run(["mark-read", "--db", str(demo)], capsys)
    assert code == 0
    assert out == "已把 37 篇文章 标为已读\n"
    code, out, _err = run(["show", "--db", str(demo), "--no-count", "1"], capsys)
    assert out.startswith("首页 › ")
    assert "2025年6月1日 09:00:00 · 阅读 0 次" in out


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["list", "--jsonl", "--all"],
        ["search", "--json", "茶"],
        ["show", "--json", "--no-count", "1"],
        ["categories", "--json"],
        ["views", "--json"],
        ["paths", "--json"],
    ],
    ids=lambda args: "-".join(args[:2]),
)
def test_json_is_the_same_in_every_language(
    demo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    outputs = []
    for lang in ("en", "zh_CN", "zh_TW"):
        monkeypatch.setenv("READER_LANG", lang)
        code, out, _err = run([*args, "--db", str(demo)] if args[0] != "paths" else args, capsys)
        assert code == 0
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].strip()


def test_a_change_summary_in_json_stays_english(
    demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_CN")
    code, out, _err = run(["mark-read", "--db", str(demo), "--json"], capsys)
    assert code == 0
    assert json.loads(out) == {"summary": "Marked 37 articles read", "articles": 37}


@pytest.mark.parametrize("command", [[], ["show"], ["import"], ["search"]])
def test_chinese_help_fits_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Click measures help by characters and breaks it at spaces; Chinese is two cells a
    character and has no spaces, so its help is wrapped by cells."""
    monkeypatch.setenv("READER_LANG", "zh_CN")
    monkeypatch.setenv("COLUMNS", "80")
    _code, out, _err = run([*command, "--help"], capsys)
    widths = [cell_len(line) for line in out.splitlines()]
    assert max(widths) <= 80, out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_library_and_search_errors_in_chinese(
    tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READER_LANG", "zh_CN")
    missing = tmp_path / "nowhere.db"
    code, _out, err = run(["list", "--db", str(missing)], capsys)
    assert code == 1
    assert err == f"reader: {missing} 不存在；请用 `reader import` 或 `demo` 创建\n"
    code, _out, err = run(["search", "--db", str(demo), "--", "-茶"], capsys)
    assert code == 1
    assert err == "reader: 没有要搜索的内容：请给出要找的词，而不只是要排除的词\n"
    monkeypatch.setenv("READER_LANG", "en")
    code, _out, err = run(["list", "--db", str(missing)], capsys)
    assert "does not exist" in err
