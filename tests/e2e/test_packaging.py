"""A non-editable install works: the wheel ships the styles, the demo articles and the page of
`reader serve`.

The wheel is built offline from the source tree (`pip wheel --no-build-isolation --no-index`,
which needs hatchling in the dev environment) and installed with `--no-deps` into a fresh virtual
environment whose only link to the project's environment is a `.pth` line naming its
site-packages, for the dependencies. That line adds the folder to `sys.path` without running the
`.pth` files in it, so the project's editable install stays out and `reader` comes from the wheel.
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import textwrap
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


def run_installed(bin_dir: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a program of the installed environment away from the source tree."""
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
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
