"""Every wrong `--db` is one line on stderr naming the file, a non-zero exit, and no change.

HOSTILE.md D: "unreadable, read-only, corrupt or non-SQLite file given as --db: a one-line error
naming the file, exit non-zero, nothing overwritten". Files are compared by SHA-256 before and
after every command.

Tests run as root, where file permissions do not stop writes. Read-only is therefore covered
four ways: a 0444 file (reader's own check of the permission bits; the kernel would let root
write, so this proves reader does not try), an immutable file (`chattr +i`: the kernel refuses
even root), a read-only bind mount in a private mount namespace, and a 0444 file used by an
unprivileged user. The last three are skipped, saying why, where the system does not allow them.
The unprivileged user runs reader from a copy that anyone can read, so the test works wherever
the checkout is, a private home folder included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.foreign import FOREIGN, NEWER, fingerprint, unmarked_library
from support.library import make_drafts
from support.library import run_cli as run

import reader
from reader.store import Library
from reader.store.schema import APPLICATION_ID, SCHEMA_VERSION

READING: list[list[str]] = [
    ["list"],
    ["list", "--json"],
    ["show", "1"],
    ["show", "--no-count", "1"],
    ["random"],
    ["categories"],
    ["search", "第1篇"],
]
WRITING: list[list[str]] = [["import", "SOURCE"], ["demo"], ["reindex"], ["refresh"]]
COMMANDS = READING + WRITING


def sha(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def command(args: list[str], db: Path, source: Path) -> list[str]:
    """`args` with `--db` and the import source filled in."""
    return [args[0], "--db", str(db), *(str(source) if a == "SOURCE" else a for a in args[1:])]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A Markdown file to import."""
    path = tmp_path / "source" / "note.md"
    path.parent.mkdir()
    path.write_text("# 一篇笔记\n\n正文。\n", encoding="utf-8")
    return path


def real_library(path: Path, count: int = 300) -> Path:
    """A library of `count` articles, checkpointed so the file alone holds everything."""
    with Library(path) as lib:
        lib.save(make_drafts(count))
        lib.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _garbage(size: int) -> bytes:
    return (hashlib.sha256(b"reader").digest() * (size // 32 + 1))[:size]


def not_sqlite(path: Path) -> None:
    path.write_bytes("这不是数据库。not a database\n".encode() * 200)


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def damaged_header(path: Path) -> None:
    real_library(path)
    data = bytearray(path.read_bytes())
    data[0:16] = b"NOT SQLITE HERE!"
    path.write_bytes(bytes(data))


def damaged_middle(path: Path) -> None:
    real_library(path)
    data = bytearray(path.read_bytes())
    start, end = 4096, len(data) - 4096  # every page but the first (the schema) and the last
    data[start:end] = _garbage(end - start)
    path.write_bytes(bytes(data))


BAD_FILES = {
    "not-sqlite": (not_sqlite, "is not a reader library"),
    "zero-bytes": (zero_bytes, "is an empty file"),
    "damaged-header": (damaged_header, "is not a reader library"),
    "damaged-middle": (damaged_middle, "is damaged"),
}


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_library_files(
    kind: str,
    args: list[str],
    tmp_path: Path,
    source: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make, message = BAD_FILES[kind]
    db = tmp_path / "library.db"
    make(db)
    before = sha(db)
    code, out, err = run(command(args, db, source), capsys)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("reader: ") and "Traceback" not in err
    assert str(db) in err and message in err
    assert sha(db) == before


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_missing_folder(
    args: list[str], tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "no such folder" / "library.db"
    code, out, err = run(command(args, db, source), capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert str(db) in err
    assert not db.parent.exists()


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_folder(
    args: list[str], tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "a folder"
    folder.mkdir()
    code, out, err = run(command(args, folder, source), capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"{folder} is a folder" in err
    assert list(folder.iterdir()) == []


def test_errors_from_a_real_process_have_no_traceback(tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    damaged_middle(db)
    before = sha(db)
    done = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(db) in done.stderr and sha(db) == before


# -- read-only libraries -----------------------------------------------------------------------


def check_read_only(db: Path, source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reading works, `show` says the view was not counted, writes fail in one line."""
    before = sha(db)
    code, out, err = run(["list", "--db", str(db), "--json"], capsys)
    assert code == 0 and err == "" and out.count('"id"') == 50
    code, out, err = run(["show", "--db", str(db), "--no-count", "1"], capsys)
    assert code == 0 and err == "" and "第0篇" in out
    code, out, err = run(["show", "--db", str(db), "1"], capsys)
    assert code == 0 and "第0篇" in out
    assert err == f"reader: {db} is read-only; this view was not counted\n"
    code, _, err = run(["categories", "--db", str(db)], capsys)
    assert code == 0 and err == ""
    code, out, err = run(["random", "--db", str(db), "--json"], capsys)
    assert code == 0 and err == "" and "第" in out
    for args in (["import", str(source)], ["demo"]):
        code, out, err = run([args[0], "--db", str(db), *args[1:]], capsys)
        assert code == 1 and out == ""
        assert err == f"reader: {db} is read-only; it can be read but not changed\n"
    assert sha(db) == before
    with Library(db, create=False) as lib:
        assert lib.readonly
        assert lib.get(1).views == 0  # type: ignore[union-attr]


def test_read_only_file_by_permission_bits(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 0444 file. As root the kernel would allow writing: reader refuses on its own."""
    db = real_library(tmp_path / "library.db")
    db.chmod(0o444)
    try:
        check_read_only(db, source, capsys)
    finally:
        db.chmod(0o644)


@pytest.fixture
def immutable_library(tmp_path: Path) -> Iterator[Path]:
    """A library marked immutable with `chattr +i` (skipped where that is not possible)."""
    db = real_library(tmp_path / "library.db")
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not allowed here: {done.stderr.strip()}")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


def test_immutable_file(
    immutable_library: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The kernel refuses any write to the file, even root's."""
    check_read_only(immutable_library, source, capsys)


def test_read_only_mount(tmp_path: Path) -> None:
    """A library on a read-only filesystem: a bind mount, in a private mount namespace."""
    folder = tmp_path / "mounted"
    folder.mkdir()
    db = real_library(folder / "library.db")
    before = sha(db)
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    script = (
        'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" || exit 99\n'
        'touch "$1/probe" 2>/dev/null && exit 98\n'
        'for args in "list --json" "show 1" "show --no-count 1" "import $2" "demo"; do\n'
        '  "$3" -m reader $args --db "$1/library.db" >"$4/out" 2>"$4/err"\n'
        '  echo "$args|$?|$(wc -l <"$4/out")|$(cat "$4/err")"\n'
        "done\n"
    )
    source = tmp_path / "note.md"
    source.write_text("# 笔记\n\n正文\n", encoding="utf-8")
    arguments = [str(folder), str(source), sys.executable, str(tmp_path)]
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode in (99, 98) or "unshare failed" in done.stderr:
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.strip()[:200]}")
    rows = {line.split("|")[0]: line.split("|")[1:] for line in done.stdout.splitlines()}
    code, lines, err = rows["list --json"]
    assert code == "0" and int(lines) > 50 and err == ""
    assert rows["show --no-count 1"][0] == "0" and rows["show --no-count 1"][2] == ""
    assert rows["show 1"][0] == "0" and "this view was not counted" in rows["show 1"][2]
    for writer in (f"import {source}", "demo"):
        code, _, err = rows[writer]
        assert code == "1" and err == f"reader: {db} is read-only; it can be read but not changed"
    assert sha(db) == before
    assert sorted(p.name for p in folder.iterdir()) == ["library.db"]


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder another user can enter (pytest's own is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="reader-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def readable_copy(source: Path, target: Path) -> None:
    """Copy the folder `source` to `target` so that every user can read the copy.

    Files that every user may read already are hard links where the filesystem allows (nothing
    to copy); the others are copied and made readable. Folders are made enterable.
    """

    def place(src: str, dst: str) -> None:
        if os.stat(src).st_mode & 0o004:
            try:
                os.link(src, dst)
                return
            except OSError:
                pass  # another filesystem, or links not allowed: copy instead
        shutil.copy2(src, dst)
        os.chmod(dst, os.stat(dst).st_mode | 0o444)

    shutil.copytree(source, target, copy_function=place)
    for folder, _, _ in os.walk(target):
        os.chmod(folder, 0o755)


RunAsNobody = Callable[[list[str]], subprocess.CompletedProcess[str]]


@pytest.fixture
def as_nobody(shared_tmp: Path) -> RunAsNobody:
    """A function that runs `python -m reader ARGS` as `nobody`, in `shared_tmp`.

    The checkout and its environment may sit in a folder only root can enter (a home folder), so
    `nobody` gets readable copies of the environment's packages and of `reader`, and runs the base
    interpreter that the environment's `python` links to. Skips only when that interpreter itself
    cannot be run by another user.
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as another user")
    packages = shared_tmp / "packages"
    readable_copy(Path(sysconfig.get_paths()["purelib"]), packages / "site")
    readable_copy(Path(reader.__file__).parent, packages / "source" / "reader")
    python = os.path.realpath(sys.executable)
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", python]
    env = {
        **os.environ,
        "HOME": str(shared_tmp),
        "PYTHONPATH": os.pathsep.join([str(packages / "source"), str(packages / "site")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }

    def run_python(args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, check=False, env=env, cwd=shared_tmp
        )

    probe = run_python(["-c", "import os; print(os.getuid())"])
    if probe.stdout.strip() != "65534":
        pytest.skip(f"{python} cannot be run by another user: {probe.stderr.strip()[:200]}")
    return lambda args: run_python(["-m", "reader", *args])


def test_read_only_file_for_an_ordinary_user(shared_tmp: Path, as_nobody: RunAsNobody) -> None:
    """A 0444 file and a 0555 folder opened by `nobody`: the kernel itself refuses writes."""
    db = real_library(shared_tmp / "library.db")
    db.chmod(0o444)
    shared_tmp.chmod(0o555)
    before = sha(db)
    try:
        listed = as_nobody(["list", "--db", str(db), "--limit", "3"])
        assert listed.returncode == 0 and listed.stdout.count("\n") == 3, listed.stderr
        shown = as_nobody(["show", "--db", str(db), "1"])
        assert shown.returncode == 0 and "第0篇" in shown.stdout
        assert "this view was not counted" in shown.stderr
        demo = as_nobody(["demo", "--db", str(db)])
        assert demo.returncode == 1 and demo.stderr.count("\n") == 1
        assert "read-only" in demo.stderr and str(db) in demo.stderr
        unreadable = shared_tmp / "private.db"
        shared_tmp.chmod(0o755)
        real_library(unreadable).chmod(0o000)
        hidden = as_nobody(["list", "--db", str(unreadable)])
        assert hidden.returncode == 1
        assert hidden.stderr == f"reader: cannot read {unreadable}: permission denied\n"
    finally:
        shared_tmp.chmod(0o755)
    assert sha(db) == before


def test_a_damaged_page_anywhere_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Damage one page at a time: a command either works or fails cleanly, leaving the file.

    `random` moves the shuffle on (a write) only once the article was read, and `show` counts
    the view after printing the article; a write that meets the damage is rolled back.
    """
    base = real_library(tmp_path / "base.db").read_bytes()
    db = tmp_path / "library.db"
    commands = [["random"], ["show", "200"], ["show", "--no-count", "5"], ["list", "--json"]]
    failed = 0
    for page in range(1, len(base) // 4096):
        data = bytearray(base)
        data[page * 4096 : (page + 1) * 4096] = _garbage(4096)
        for args in commands:
            db.write_bytes(bytes(data))
            before = sha(db)
            code, out, err = run([args[0], "--db", str(db), *args[1:]], capsys)
            if code == 0:
                continue
            failed += 1
            # `show` prints the article before it counts the view: the count may be what failed.
            assert code == 1 and (out == "" or args == ["show", "200"]), (page, args)
            assert err.count("\n") == 1 and str(db) in err and "unexpected" not in err
            assert sha(db) == before, (page, args, err)
    assert failed >= 10  # the damage was met often enough for the test to mean something


# -- other programs' SQLite files, and libraries of a newer reader --------------------------------


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("kind", list(FOREIGN))
def test_another_programs_database_is_never_changed(
    kind: str, args: list[str], tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line says what the file is; the file and its folder stay byte for byte as they were
    (no `-wal` or `-shm` file appears, no journal mode or header is changed)."""
    make, what = FOREIGN[kind]
    db = tmp_path / "theirs.db"
    make(db)
    before = fingerprint(db)
    code, out, err = run(command(args, db, source), capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"reader: {db} is an SQLite database of another program ")
    assert what in err and err.endswith("; nothing was changed\n")
    assert fingerprint(db) == before


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("kind", list(NEWER))
def test_a_newer_readers_library_is_read_and_never_changed(
    kind: str, args: list[str], tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reading commands work and say, in one line, that the library is opened read-only."""
    db = tmp_path / "library.db"
    NEWER[kind](db)
    before = fingerprint(db)
    code, out, err = run(command(args, db, source), capsys)
    assert code == 0 and "科技" in out
    assert err == (
        f"reader: {db} was made by a newer reader ("
        + (
            f"library version {SCHEMA_VERSION + 1}"
            if kind == "newer-version"
            else "library newer migrations"
        )
        + f"; this reader knows up to version {SCHEMA_VERSION}), so it is opened read-only; "
        "upgrade reader to change it\n"
    )
    assert fingerprint(db) == before


@pytest.mark.parametrize("args", WRITING, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("kind", list(NEWER))
def test_a_newer_readers_library_refuses_every_write(
    kind: str, args: list[str], tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "library.db"
    NEWER[kind](db)
    before = fingerprint(db)
    code, out, err = run(command(args, db, source), capsys)
    assert code == 1 and out == ""
    assert err == (
        f"reader: {db} was made by a newer reader; this one can read it but not change it, "
        "and nothing was changed (upgrade reader)\n"
    )
    assert fingerprint(db) == before


def _marks(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("PRAGMA application_id").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
        )
    finally:
        conn.close()


def test_a_new_library_is_marked_as_readers(tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    Library(db).close()
    assert _marks(db) == (APPLICATION_ID, SCHEMA_VERSION)


def test_a_library_from_before_the_marks_is_recognised_and_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "library.db"
    unmarked_library(db)
    assert _marks(db) == (0, 0)
    code, out, err = run(["list", "--db", str(db), "--json"], capsys)
    assert code == 0 and err == "" and out.count('"id"') == 30
    assert _marks(db) == (APPLICATION_ID, SCHEMA_VERSION)
    with Library(db, create=False) as library:
        assert library.check() == [] and library.counts() == (30, 30)


def test_a_read_only_library_from_before_the_marks_can_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "library.db"
    unmarked_library(db, later=False)
    db.chmod(0o444)
    try:
        before = fingerprint(db)
        code, out, err = run(["list", "--db", str(db), "--json"], capsys)
        assert code == 0 and err == "" and out.count('"id"') == 30
        assert fingerprint(db) == before
    finally:
        db.chmod(0o644)
