"""The command-line contract (DESIGN.md): commands, JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.library import make_drafts
from support.library import run_cli as run

from reader.cli import main
from reader.models import ArticleDraft
from reader.store import Library


@pytest.fixture
def filled(db_path: Path) -> Path:
    with Library(db_path) as lib:
        lib.save(make_drafts(5, category=("国际", "亚洲")), source="a")
        lib.save(make_drafts(3, category=("科技",), start=5), source="b")
        lib.save(
            [ArticleDraft(title="[@click=app.quit]x[/]", body="正文", url="https://example.org/q")],
            category=("国际",),
        )
    return db_path


def test_list_json_shape_and_order(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "--db", str(filled), "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 9
    assert {"id", "title", "category", "published", "views"} <= set(rows[0])
    published = [r["published"] for r in rows]
    assert published == sorted(published, reverse=True)
    assert rows[0]["published"][10] == "T"


def test_list_category_sort_and_limit(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "list",
            "--db",
            str(filled),
            "--category",
            "国际/亚洲",
            "--sort",
            "views",
            "--json",
            "--limit",
            "3",
        ],
        capsys,
    )
    rows = json.loads(out)
    assert code == 0 and len(rows) == 3
    assert all(r["category"] == ["国际", "亚洲"] for r in rows)
    assert [r["views"] for r in rows] == sorted((r["views"] for r in rows), reverse=True)


def test_list_text_shows_titles_literally(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "--db", str(filled)], capsys)
    assert code == 0 and "[@click=app.quit]x[/]" in out and "国际 › 亚洲" in out


def test_show_counts_a_view_unless_asked(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["list", "--db", str(filled), "--json", "--category", "科技"], capsys)
    article = json.loads(out)[0]
    _, out, _ = run(["show", "--db", str(filled), "--json", str(article["id"])], capsys)
    shown = json.loads(out)
    assert shown["views"] == article["views"] + 1
    assert shown["headings"] == ["为什么要读？"] and "body" in shown
    _, out, _ = run(
        ["show", "--db", str(filled), "--json", "--no-count", str(article["id"])], capsys
    )
    assert json.loads(out)["views"] == article["views"] + 1


def test_show_text_has_breadcrumb(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["list", "--db", str(filled), "--json", "--category", "科技"], capsys)
    first = json.loads(out)[0]
    code, out, _ = run(["show", "--db", str(filled), str(first["id"])], capsys)
    assert code == 0 and out.startswith("Home › 科技 › ")


def test_random_json_and_scope(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seen = set()
    for _ in range(3):
        code, out, _ = run(["random", "--db", str(filled), "--category", "科技", "--json"], capsys)
        picked = json.loads(out)
        assert code == 0 and picked["category"] == ["科技"]
        seen.add(picked["id"])
    assert len(seen) == 3


def test_categories_json(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["categories", "--db", str(filled), "--json"], capsys)
    tree = {tuple(c["path"]): c for c in json.loads(out)}
    assert code == 0
    assert tree[("国际",)]["articles"] == 6 and tree[("国际", "亚洲")]["articles"] == 5


def test_paths_honours_env(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_DB", str(tmp_path / "elsewhere.db"))
    code, out, _ = run(["paths", "--json"], capsys)
    assert code == 0 and json.loads(out)["library"] == str(tmp_path / "elsewhere.db")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "999999"],
        ["list", "--category", "没有/这个"],
        ["random", "--category", "nope"],
    ],
)
def test_errors_are_one_line(
    filled: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([args[0], "--db", str(filled), *args[1:]], capsys)
    assert code == 1 and out == ""
    assert err.startswith("reader: ") and err.count("\n") == 1


def test_bad_usage_exits_2(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["list", "--db", str(filled), "--sort", "colour"], capsys)
    assert code == 2 and "Traceback" not in err


def test_read_commands_never_create_a_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    code, _, err = run(["list", "--db", str(missing)], capsys)
    assert code == 1 and "does not exist" in err and not missing.exists()


def test_first_start_seeds_an_empty_default_library_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.cli import prepare_default_library
    from reader.ingest.demo import demo_drafts

    monkeypatch.delenv("READER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = tmp_path / "data" / "reader" / "library.db"
    assert not default.parent.exists()
    with prepare_default_library(None) as lib:
        assert lib.path == default and default.exists()
        assert lib.counts()[0] == len(demo_drafts()) >= 30
        lib.delete([item.id for item in lib.page(limit=500).items])
        assert lib.counts() == (0, 0)
    # Emptied by the user: the demo does not come back.
    with prepare_default_library(None) as lib:
        assert lib.counts() == (0, 0)


def test_first_start_leaves_other_libraries_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.cli import prepare_default_library

    chosen = tmp_path / "chosen.db"
    with prepare_default_library(str(chosen)) as lib:
        assert lib.counts() == (0, 0)  # an explicit --db is never seeded
    filled = tmp_path / "filled.db"
    with Library(filled) as lib:
        lib.save(make_drafts(2))
    monkeypatch.setenv("READER_DB", str(filled))
    with prepare_default_library(None) as lib:
        assert lib.counts() == (2, 2)  # a default library with articles is not seeded
    empty = tmp_path / "empty.db"
    Library(empty).close()
    empty.chmod(0o444)
    monkeypatch.setenv("READER_DB", str(empty))
    try:
        with prepare_default_library(None) as lib:
            assert lib.readonly and lib.counts() == (0, 0)  # read-only: opened, not seeded
    finally:
        empty.chmod(0o644)


def test_bare_reader_opens_the_app_on_the_prepared_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import reader.cli.terminal
    from reader.ui.app import ReaderApp

    shown: list[tuple[int, int]] = []

    def run(app: ReaderApp) -> None:
        assert app.notices == ()  # READER_SQLITE_WARNING=0 in the tests
        shown.append(app.library.counts())

    monkeypatch.setattr(ReaderApp, "run", run)
    monkeypatch.setattr(reader.cli.terminal, "not_a_terminal", lambda: None)  # CI has no tty
    main([])
    assert len(shown) == 1 and shown[0][0] >= 30
