"""The data layer never imports Textual (DESIGN.md: data moves one way).

Each check runs in a fresh interpreter, since this test process has long since imported Textual
for the UI tests, and looks at `sys.modules` afterwards.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import reader.export
import reader.ingest
import reader.store


def loaded_after(code: str, cwd: Path | None = None) -> list[str]:
    """Run `code` in a fresh interpreter; return the Textual modules it left in `sys.modules`."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=cwd
    )
    assert done.returncode == 0, done.stderr
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def modules_of(package: object) -> list[str]:
    """Every module of a package, by full name."""
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return [info.name for info in pkgutil.walk_packages(package.__path__, prefix)]  # type: ignore[attr-defined]


def test_the_probe_sees_textual_when_it_is_imported() -> None:
    assert "textual.app" in loaded_after("import reader.ui.app")


def test_store_and_ingest_modules_do_not_import_textual() -> None:
    names = [
        *modules_of(reader.store),
        *modules_of(reader.ingest),
        *modules_of(reader.export),
        "reader.cli",
        "reader.cli.importing",
        "reader.cli.output",
        "reader.cli.exporting",
        "reader.cli.streams",
        "reader.models",
        "reader.paths",
        "reader.text.sanitize",
        "reader.text.outline",
    ]
    assert "reader.store.library" in names and "reader.ingest.markdown" in names
    assert loaded_after("\n".join(f"import {name}" for name in names)) == []


@pytest.mark.parametrize(
    "args",
    [
        ["demo"],
        ["import", "{folder}"],
        ["list", "--json"],
        ["list"],
        ["show", "1"],
        ["show", "--json", "--no-count", "1"],
        ["random", "--json"],
        ["categories", "--json"],
        ["paths"],
    ],
    ids=lambda a: " ".join(a),
)
def test_non_app_commands_do_not_import_textual(args: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# 标题\n\n正文\n", encoding="utf-8")
    (folder / "b.txt").write_text("标题二\n\n正文二\n", encoding="utf-8")
    (folder / "c.jsonl").write_text('{"title": "三"}\n', encoding="utf-8")
    db = tmp_path / "library.db"
    from reader.ingest.demo import write_demo

    with reader.store.Library(db) as lib:
        write_demo(lib)
    argv = [a.replace("{folder}", str(folder)) for a in args]
    argv[1:1] = [] if argv[0] == "paths" else ["--db", str(db)]
    code = (
        "from reader.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
    )
    assert loaded_after(code) == []


def test_text_helpers_import_nothing_else_of_the_project() -> None:
    import reader.text

    names = modules_of(reader.text)
    assert "reader.text.query" in names and "reader.text.urls" in names
    probe = (
        "\n".join(f"import {name}" for name in names) + "\nimport json, sys\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('reader.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert [name for name in loaded if not name.startswith("reader.text")] == []


def test_migrations_hold_their_own_sql_and_import_no_live_code() -> None:
    """What a released migration does must never change with the code it would import."""
    import ast

    import reader.store.schema as schema

    tree = ast.parse(Path(schema.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert [name for name in imported if name and name.startswith("reader")] == []


def test_only_serve_loads_the_web_server() -> None:
    """`reader serve` imports textual-serve and aiohttp when it runs; the other commands and
    the app (each browser session's too) start without them."""
    probe = (
        "import sys\n"
        "from reader.cli import cli, run_app\n"
        "from reader.cli import {module}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual_serve', 'aiohttp')))\n"
    )
    for module, loads in (("served", False), ("serve", True)):
        done = subprocess.run(
            [sys.executable, "-c", probe.format(module=module)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert (done.stdout.strip() != "[]") is loads, (module, done.stdout)
