"""The SSH set-up of the README, end to end: a real OpenSSH server on 127.0.0.1 whose keys each
force `reader --restrict --user NAME --db SHARED` with `restrict,pty`, real `ssh -tt` clients in
tmux, keys typed and screens read.

Two readers at once keep their own read marks, stars and counts on one library, and both see an
import made meanwhile; a key gives the reader and nothing else (no shell, no forwarding, no SFTP,
no browser or file started from inside the app, no identity or library from the client's
variables); a session's reader ends with its connection.

The server allows every forwarding, SFTP and the client variables `READER_*` and `TEXTUAL_*`
(see `bench.sshd`): only the key's line and the reader's restricted mode stand in the way.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from support.tmux import Tmux

from bench.sshd import (
    SshdError,
    SshServer,
    environment_of,
    find_sshd,
    forced_reader,
    reader_processes,
)
from reader.models import ArticleDraft
from reader.store import Library

pytestmark = [
    pytest.mark.ssh,
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

SIZE = (120, 40)
DEADLINE = 30.0
CATEGORY = "Team"
TITLES = ["Alpha notes", "Beta notes", "Gamma notes", "Delta notes", "Epsilon notes"]
LINK = "https://example.org/team/alpha"
IMPORTED = "Imported while both read"


@pytest.fixture(scope="session")
def sshd_binary() -> Path:
    path, why = find_sshd()
    if path is None:
        pytest.skip(why)
    return path


def team_library(path: Path) -> Path:
    """Five articles in one category, newest first as listed; the newest has a web link."""
    base = datetime(2024, 6, 1, 12, 0)
    drafts = [
        ArticleDraft(
            title=title,
            body=f"{title}: what the team wrote down.",
            category=(CATEGORY,),
            url=LINK if n == 0 else "",
            published=base - timedelta(days=n),
        )
        for n, title in enumerate(TITLES)
    ]
    with Library(path) as library:
        library.save(drafts, source="tests")
    return path


class Team:
    """A server whose keys give the reader on one shared library; clients opened in tmux."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = team_library(folder / "team.db")
        self.home = folder / "server-home"
        self.config = folder / "server-config"
        (self.config / "reader").mkdir(parents=True)
        # The server account's keymap: `x` is the random key (and `r` no longer is).
        (self.config / "reader" / "keymap.toml").write_text(
            '"main.random" = "x"\n', encoding="utf-8"
        )
        self.browser_ran = folder / "browser-ran"
        browser = folder / "fake-browser"
        browser.write_text(f'#!/bin/sh\necho "$@" > {shlex.quote(str(self.browser_ran))}\n')
        browser.chmod(0o755)
        self.server = SshServer(folder / "sshd")
        self.terminals: list[Tmux] = []

    def environment(self) -> dict[str, str]:
        """What the server account sets up for the reader (in the forced command)."""
        return {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.config),
            "XDG_DATA_HOME": str(self.home / "data"),
            "BROWSER": str(self.folder / "fake-browser"),
            "READER_SQLITE_WARNING": "0",
        }

    def key(self, name: str, *args: str) -> Path:
        """A key forcing `reader --restrict ARGS`."""
        return self.server.add_key(name, forced_reader(["--restrict", *args], self.environment()))

    def reader_key(self, user: str) -> Path:
        """The README's line: `reader --restrict --user USER --db SHARED`."""
        return self.key(user, "--user", user, "--db", str(self.db))

    def open(
        self,
        key: Path,
        *remote: str,
        options: tuple[str, ...] = (),
        flags: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> Tmux:
        """`ssh -tt` with `key` in a new terminal (optionally asking for `remote` to be run)."""
        command = self.server.ssh(key, "-tt", *flags, options=options)
        line = shlex.join(command) + (" -- " + shlex.join(remote) if remote else "")
        terminal = Tmux(
            line,
            SIZE,
            self.folder / f"tmux-{len(self.terminals)}.conf",
            settings=("set -g set-clipboard on",),
            env=env,
        )
        self.terminals.append(terminal)
        return terminal

    def readers(self) -> list[int]:
        """The reader processes this team's keys started (running with its server home)."""
        found = []
        for pid in reader_processes("--restrict"):
            try:
                if environment_of(pid).get("HOME") == str(self.home):
                    found.append(pid)
            except OSError:  # ended meanwhile
                pass
        return found

    def close(self) -> None:
        """Close every client; their readers end with the connections (ended here if not, so
        that no test leaves one behind; `test_a_reader_ends_with_its_connection` checks it)."""
        for terminal in self.terminals:
            terminal.close()
        self.server.stop()
        end = time.monotonic() + DEADLINE
        while (left := self.readers()) and time.monotonic() < end:
            time.sleep(0.05)
        for pid in left:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def team(tmp_path: Path, sshd_binary: Path) -> Iterator[Team]:
    made = Team(tmp_path)
    try:
        yield made
    finally:
        made.close()


def start(team: Team) -> None:
    try:
        team.server.start()
    except SshdError as error:
        pytest.skip(str(error))


def wait_until(check: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.05)


def marks(screen: str, title: str) -> tuple[str, str] | None:
    """A list row's unread and star marks (`●`, `★`, or a space each), if the row is shown."""
    found = re.search(r"││([●\s])([★\s]) +" + re.escape(title), screen)
    return (found.group(1), found.group(2)) if found else None


def counts(screen: str, category: str) -> tuple[int, int] | None:
    """A tree node's unread / total counts, if shown."""
    found = re.search(re.escape(category) + r" (\d+)/(\d+)", screen)
    return (int(found.group(1)), int(found.group(2))) if found else None


def ready(terminal: Tmux) -> str:
    """Wait for the app to show the team's list and counts."""
    return terminal.wait_for(
        lambda s: marks(s, TITLES[-1]) is not None and counts(s, "All articles") is not None,
        "the reader's panes",
    )


def open_team(terminal: Tmux, panes_back: int = 1) -> None:
    """Go back `panes_back` panes to the tree and open the team's category (which reads its
    list from the library): below the Unread and Starred views and All articles."""
    terminal.keys(*["BTab"] * panes_back)
    terminal.keys("g", "j", "j", "j", "Enter")


def test_two_readers_at_once_keep_their_own_state(team: Team) -> None:
    alice_key, bob_key = team.reader_key("alice"), team.reader_key("bob")
    start(team)
    alice, bob = team.open(alice_key), team.open(bob_key)
    first = ready(alice)
    ready(bob)
    assert counts(first, "All articles") == (5, 5)

    # Alice opens the newest article (which reads it) and stars it.
    alice.keys("Enter")
    alice.wait_for(lambda s: marks(s, TITLES[0]) == (" ", " "), "alice's article read")
    alice.keys("s")
    shown = alice.wait_for(
        lambda s: marks(s, TITLES[0]) == (" ", "★") and counts(s, "All articles") == (4, 5),
        "alice's star and the tree's counts after her read mark",
    )
    assert counts(shown, "All articles") == (4, 5)

    # Bob, connected all along, reads the list afresh: unread, unstarred, all five unread.
    open_team(bob)
    theirs = bob.wait_for(lambda s: marks(s, TITLES[0]) is not None, "bob's list")
    assert marks(theirs, TITLES[0]) == ("●", " ")
    assert counts(theirs, "All articles") == (5, 5)

    # An import from a third process, on the server, while both are connected.
    note = team.folder / "imported.md"
    note.write_text(
        f"---\ntitle: {IMPORTED}\ndate: 2031-01-01\n---\n\nNew for everyone.\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "reader", "import", "--db", str(team.db), "--category", CATEGORY,
         str(note)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for terminal, panes_back in ((alice, 2), (bob, 1)):
        open_team(terminal, panes_back)
        seen = terminal.wait_for(lambda s: marks(s, IMPORTED) is not None, "the import")
        assert marks(seen, IMPORTED) == ("●", " "), seen
    assert marks(bob.screen(), TITLES[0]) == ("●", " ")
    assert marks(alice.screen(), TITLES[0]) == (" ", "★")


def test_an_import_shows_in_both_sessions_without_a_key(team: Team) -> None:
    alice_key, bob_key = team.reader_key("alice"), team.reader_key("bob")
    start(team)
    alice, bob = team.open(alice_key), team.open(bob_key)
    ready(alice)
    ready(bob)
    note = team.folder / "imported.md"
    note.write_text(
        f"---\ntitle: {IMPORTED}\ndate: 2031-01-01\n---\n\nNew for everyone.\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "reader", "import", "--db", str(team.db), "--category", CATEGORY,
         str(note)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for terminal in (alice, bob):
        seen = terminal.wait_for(lambda s: marks(s, IMPORTED) is not None, "the live update")
        assert counts(seen, "All articles") == (6, 6)


def test_the_key_gives_the_reader_and_no_shell(team: Team) -> None:
    key = team.reader_key("alice")
    start(team)
    # Asked for a shell command with a terminal: the reader opens instead.
    terminal = team.open(key, "sh", "-c", "id; echo escaped")
    screen = ready(terminal)
    assert "uid=" not in screen and "escaped" not in screen
    # Without a terminal (what scp, rsync and scripts ask for): one line, no shell.
    done = subprocess.run(
        [*team.server.ssh(key), "--", "sh", "-c", "id; echo escaped"],
        capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "uid=" not in done.stdout + done.stderr and "escaped" not in done.stdout
    assert "the app needs a terminal" in done.stdout + done.stderr
    # SFTP: the subsystem gets the forced command too, which is not an SFTP server.
    batch = team.folder / "sftp-batch"
    fetched = team.folder / "fetched"
    batch.write_text(f"get {team.db} {fetched}\n", encoding="utf-8")
    done = subprocess.run(
        team.server.sftp(key, batch),
        capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and not fetched.exists()


def test_the_key_forwards_nothing(team: Team) -> None:
    key = team.reader_key("alice")
    start(team)
    with socket.socket() as target:
        target.bind(("127.0.0.1", 0))
        target.listen()
        target.setblocking(False)
        port = target.getsockname()[1]

        # -W (what ProxyJump uses): refused at once.
        done = subprocess.run(
            [*team.server.ssh(key, "-W", f"127.0.0.1:{port}")],
            capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL,
            check=False,
        )  # fmt: skip
        assert done.returncode != 0 and "forwarding failed" in done.stderr

        # -R: the server refuses to listen for the client.
        done = subprocess.run(
            [*team.server.ssh(key, "-N", "-R", f"127.0.0.1:0:127.0.0.1:{port}",
                              options=("ExitOnForwardFailure=yes",))],
            capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL,
            check=False,
        )  # fmt: skip
        assert done.returncode != 0 and "forwarding failed" in done.stderr

        # -L: the client listens, but the server opens nothing for it.
        local = find_free_port()
        client = subprocess.Popen(
            team.server.ssh(key, "-N", "-L", f"127.0.0.1:{local}:127.0.0.1:{port}"),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        try:
            connection = connect_when_listening(local, client)
            with connection:
                connection.settimeout(DEADLINE)
                assert connection.recv(1) == b""  # closed: the channel was refused
            with pytest.raises(BlockingIOError):
                target.accept()
        finally:
            # SIGKILL: what is tested is the server's refusal, and an ssh client told to end
            # with SIGTERM may wait on its connection first.
            client.kill()
            client.wait(timeout=DEADLINE)
        assert "refused local port forward" in team.server.log.read_text(encoding="utf-8")


def find_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def connect_when_listening(port: int, client: subprocess.Popen[str]) -> socket.socket:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        assert client.poll() is None, "ssh -L ended"
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"ssh -L never listened on {port}")


def test_restricted_app_ignores_the_clients_variables_and_starts_nothing(team: Team) -> None:
    """A key forcing only `reader --restrict` (identity and library by default): the client's
    READER_USER, READER_DB and TEXTUAL_* reach the process (the server accepts them) but do not
    choose anything; no agent or X11 forwarding; the server's keymap; links copied, not opened."""
    key = team.key("anyone")
    start(team)
    client_db = team.folder / "client.db"
    textual_log = team.folder / "textual.log"
    shots = team.folder / "shots"
    client_config = team.folder / "client-config"
    (client_config / "reader").mkdir(parents=True)
    (client_config / "reader" / "keymap.toml").write_text('"main.random" = "z"\n')
    sent = {
        "READER_USER": "mallory",
        "READER_DB": str(client_db),
        "TEXTUAL_LOG": str(textual_log),
        "TEXTUAL_SCREENSHOT": "1",
        "TEXTUAL_SCREENSHOT_LOCATION": str(shots),
        "XDG_CONFIG_HOME": str(client_config),
    }
    agent_socket = team.folder / "agent.sock"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(agent_socket)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(agent_socket.exists, "ssh-agent's socket")
        setenv = " ".join(f"{name}={value}" for name, value in sent.items())
        terminal = team.open(
            key,
            options=(f"SetEnv={setenv}", "ForwardAgent=yes", "ForwardX11=yes"),
            env={"SSH_AUTH_SOCK": str(agent_socket), "DISPLAY": ":73"},
        )
        terminal.wait_for(lambda s: "Welcome to reader" in s, "the demo library")
        default_db = team.home / "data" / "reader" / "library.db"
        [pid] = team.readers()
        seen = environment_of(pid)
        assert seen.get("READER_USER") == "mallory"  # the server passed it on...
        assert "SSH_AUTH_SOCK" not in seen and "DISPLAY" not in seen  # ...but no forwarding

        # The server's keymap: `x` opens a random article (the client's would have made it `z`).
        terminal.keys("x")
        terminal.wait_for(lambda s: "Home ›" in s, "a random article (x)")
        terminal.keys("s")
        terminal.wait_for(lambda s: "★" in s, "the star")
        with sqlite3.connect(default_db) as conn:
            readers = [row[0] for row in conn.execute("SELECT name FROM readers")]
        assert readers == [team.server.account]
        assert not client_db.exists() and not textual_log.exists() and not shots.exists()
    finally:
        agent.terminate()
        agent.wait()


def test_inside_the_app_nothing_runs_or_writes_on_the_server(team: Team) -> None:
    key = team.reader_key("alice")
    start(team)
    terminal = team.open(key)
    ready(terminal)
    # O on an article with a link: copied with OSC 52 through SSH (tmux keeps it), no browser.
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "Home ›" in s, "the article")
    terminal.keys("O")
    terminal.wait_for(lambda s: f"Copied {LINK}" in s and "open browsers)" in s, "the copy")
    wait_until(lambda: terminal.pasted() == LINK, "the link in the client's clipboard")
    assert not team.browser_ran.exists()
    # The palette offers no screenshot (it would write a file on the server).
    terminal.keys("C-p")
    terminal.wait_for(lambda s: "Search for commands" in s, "the command palette")
    terminal.keys("screensh")
    terminal.wait_for(lambda s: "No matches found" in s, "the palette's answer")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "No matches found" not in s, "the palette to close")
    # Ctrl+Z does not suspend it: it still answers a key.
    terminal.keys("C-z")
    terminal.keys("?")
    terminal.wait_for(
        lambda s: "Show every key and what it does" in s, "the help screen after Ctrl+Z"
    )
    assert not list(team.home.rglob("*.svg")) and not list(Path.cwd().glob("reader_*.svg"))


def test_a_reader_ends_with_its_connection(team: Team) -> None:
    key = team.reader_key("alice")
    start(team)
    terminal = team.open(key)
    ready(terminal)
    [pid] = team.readers()
    terminal.close()
    wait_until(lambda: not Path(f"/proc/{pid}").exists(), "the reader to end")
