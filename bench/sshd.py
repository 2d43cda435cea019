"""A throwaway OpenSSH server on 127.0.0.1, for the SSH tests and the many-sessions benchmark.

It runs as the account that starts it (root on CI, where it logs keys in as root, and only for
their forced command), on a free port, with its own host key, `sshd_config`, `authorized_keys` and
client configuration in one folder, and nothing else of the machine's SSH set-up: no PAM, no
system `authorized_keys`, no `known_hosts` but its own. The server allows every kind of
forwarding, the SFTP subsystem and more client variables than a default one (`READER_*` and
`TEXTUAL_*`), so that only what each key's line says (`restrict` and the forced command) stands
between a client and the machine.

Debian's `openssh-server` is installed with apt when missing and we are root; `find_sshd` says
why not otherwise, for callers to skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")
DEADLINE_S = 20.0


class SshdError(RuntimeError):
    """The server could not be started; the message says why (its last log line)."""


def find_sshd() -> tuple[Path | None, str]:
    """sshd's path, installing Debian's package when missing (as root); else None and why."""
    if SSHD.exists() and shutil.which("ssh") and shutil.which("ssh-keygen"):
        return SSHD, ""
    if shutil.which("apt-get") is None:
        return None, "OpenSSH's server is not installed and there is no apt-get to install it"
    if os.geteuid() != 0:
        return None, "OpenSSH's server is not installed and installing it needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "openssh-server", "openssh-client"]
    for step in (["apt-get", "update", "-qq"], install):
        done = subprocess.run(step, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"could not install openssh-server with apt-get: {last}"
    if not SSHD.exists():
        return None, f"apt-get installed openssh-server but {SSHD} is missing"
    return SSHD, ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def forced_reader(args: Sequence[str], env: Mapping[str, str]) -> str:
    """The shell command a key forces: this Python's `reader` with `args`, in `env` (what the
    server's account would have set up: its home, config folder, browser)."""
    assigned = [f"{name}={value}" for name, value in env.items()]
    words = ["env", *assigned, sys.executable, "-m", "reader", *args]
    return " ".join(shlex.quote(word) for word in words)


class SshServer:
    """sshd on 127.0.0.1 with keys whose lines force a command; `ssh()` builds client calls."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.account = pwd.getpwuid(os.geteuid()).pw_name
        self.port = 0
        self.host_key = folder / "host_ed25519"
        _keygen(self.host_key)
        self.authorized = folder / "authorized_keys"
        self.authorized.write_text("", encoding="utf-8")
        self.authorized.chmod(0o600)
        self.config = folder / "sshd_config"
        self.client_config = folder / "ssh_config"
        self.known_hosts = folder / "known_hosts"
        self.log = folder / "sshd.log"
        self.process: subprocess.Popen[bytes] | None = None

    def add_key(self, name: str, command: str, options: str = "restrict,pty") -> Path:
        """A new client key whose line forces `command` with `options`; its private key file."""
        key = self.folder / f"id_{name}"
        _keygen(key)
        public = key.with_suffix(".pub").read_text(encoding="utf-8").strip()
        quoted = command.replace("\\", "\\\\").replace('"', '\\"')
        with self.authorized.open("a", encoding="utf-8") as lines:
            lines.write(f'command="{quoted}",{options} {public}\n')
        return key

    def start(self) -> None:
        """Start the server (a few tries for a free port); SshdError says why it would not."""
        if os.geteuid() == 0 and not PRIVSEP_DIR.exists():
            # What the package's tmpfiles rule makes at boot, where no boot ran (containers).
            PRIVSEP_DIR.mkdir(mode=0o755)
        problem = "no try"
        for _ in range(3):
            self.port = free_port()
            self._write_configs()
            checked = subprocess.run(
                [str(SSHD), "-t", "-f", str(self.config)], capture_output=True, text=True
            )
            if checked.returncode != 0:
                raise SshdError(f"sshd refused its configuration: {_last(checked.stderr)}")
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [str(SSHD), "-D", "-e", "-f", str(self.config)],
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            problem = self._wait_listening()
            if not problem:
                return
            self.stop()
        raise SshdError(f"sshd did not start: {problem}")

    def _wait_listening(self) -> str:
        assert self.process is not None
        end = time.monotonic() + DEADLINE_S
        while time.monotonic() < end:
            if self.process.poll() is not None:
                return _last(self.log.read_text(encoding="utf-8", errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return ""
            except OSError:
                time.sleep(0.02)
        return f"not listening on 127.0.0.1:{self.port} after {DEADLINE_S:.0f} s"

    def stop(self) -> None:
        """Stop the listener (sessions end with their clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def ssh(self, key: Path, *args: str, options: Sequence[str] = ()) -> list[str]:
        """The `ssh` command line that connects with `key` (then `args`: -tt, a command...)."""
        extra = [word for option in options for word in ("-o", option)]
        return [
            "ssh", "-F", str(self.client_config), "-i", str(key), "-p", str(self.port),
            *extra, *args, f"{self.account}@127.0.0.1",
        ]  # fmt: skip

    def sftp(self, key: Path, batch: Path) -> list[str]:
        """The `sftp` command line that runs `batch` with `key`."""
        return [
            "sftp", "-F", str(self.client_config), "-i", str(key), "-P", str(self.port),
            "-b", str(batch), f"{self.account}@127.0.0.1",
        ]  # fmt: skip

    def _write_configs(self) -> None:
        self.config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.host_key}",
                    "PidFile none",
                    "UsePAM no",
                    # The throwaway files live under /tmp, which StrictModes would refuse.
                    "StrictModes no",
                    f"AuthorizedKeysFile {self.authorized}",
                    "AuthorizedPrincipalsFile none",
                    "PubkeyAuthentication yes",
                    "AuthenticationMethods publickey",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin forced-commands-only",
                    "PermitUserEnvironment no",
                    # Everything a careless server allows: only the keys' lines may stop it.
                    "AllowTcpForwarding yes",
                    "AllowAgentForwarding yes",
                    "AllowStreamLocalForwarding yes",
                    "X11Forwarding yes",
                    "PermitTunnel yes",
                    "PermitTTY yes",
                    "Subsystem sftp internal-sftp",
                    "AcceptEnv LANG LC_* READER_* TEXTUAL_*",
                    "MaxStartups 50",
                    "MaxSessions 50",
                    "LogLevel VERBOSE",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        public = self.host_key.with_suffix(".pub").read_text(encoding="utf-8").split()
        self.known_hosts.write_text(
            f"[127.0.0.1]:{self.port} {public[0]} {public[1]}\n", encoding="utf-8"
        )
        self.client_config.write_text(
            "\n".join(
                [
                    "Host *",
                    f"  UserKnownHostsFile {self.known_hosts}",
                    "  GlobalKnownHostsFile /dev/null",
                    "  StrictHostKeyChecking yes",
                    "  BatchMode yes",
                    "  IdentitiesOnly yes",
                    "  IdentityAgent none",
                    "  ControlMaster no",
                    "  ControlPath none",
                    "  ConnectTimeout 20",
                    "  LogLevel ERROR",
                    "",
                ]
            ),
            encoding="utf-8",
        )


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
    )


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def reader_processes(marker: str) -> list[int]:
    """The ids of the `reader` processes whose command line holds `marker` (a library path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        text = [word.decode(errors="replace") for word in words]
        if "reader" in text and any(marker in word for word in text):
            found.append(int(entry.name))
    return found


def environment_of(pid: int) -> dict[str, str]:
    """The environment a process was started with."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.decode(errors="replace").partition("=") for item in raw.split(b"\0") if item)
    return {name: value for name, _, value in pairs}


def resident_kib(pid: int) -> int | None:
    """A process's resident memory now (VmRSS), in KiB; None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
