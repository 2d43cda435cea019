"""Many SSH sessions on one library (issue 13, item 3): ten readers connected through a real sshd
while an import writes to the library; how long each takes to answer a key, and its memory.

Set-up: the cached synthetic library of `--size` articles (`bench.store_library`), copied, plus
60 short articles (`Probe 001` to `Probe 060`, newer than all the others, so the first rows of
the list), each with a token in its body that no other article has. A throwaway sshd on
127.0.0.1 (`bench.sshd`) has one key per reader, each forcing `reader --restrict --user readerNN
--db LIBRARY`, as the README's SSH recipe does. Ten `ssh -tt` clients run on pseudo-terminals of
120x40 that this process reads without pause.

Each session opens the first probe from its list. Then, while a loop of
`reader import` adds generated articles to the library (one file of 200 articles, one
transaction, after another), keys are typed: `J` (open the next article of the list) and `K`
(the previous one), in turn. A key's time runs from writing it to the client's terminal until
the body token of the article it opens has come back through SSH: the whole answer, drawn.

- one at a time: each session in turn gets a key and its answer is awaited;
- all at once: the same key is written to every session together, as ten people might type.

Memory: each session's reader process (VmRSS when the keys are done, and its peak VmHWM), and
the two sshd processes that carry the session.

    python -m bench.ssh_sessions [--quick] [--sessions 10] [--rounds 20] [--size 10000]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.generate import articles
from bench.sshd import (
    SshdError,
    SshServer,
    find_sshd,
    forced_reader,
    reader_processes,
    resident_kib,
)
from bench.store_library import build_library, label, reader_commit, write_results
from reader.models import ArticleDraft
from reader.store.library import Library

SIZE = (120, 40)
PROBES = 60
GOAL_MS = 500.0
READY_S = 180.0
ANSWER_S = 10.0
IMPORT_BATCH = 200
IMPORT_FILES = 40
CATEGORY = "Probe"


def token(n: int) -> bytes:
    """The body token of probe article `n` (1 is the newest, first in the list)."""
    return f"probe-token-{n:03d}-end".encode()


def prepare_library(size: int, folder: Path) -> Path:
    """A copy of the cached library of `size`, with the probes and an `Incoming` category for
    the import."""
    record = build_library(size, log=False)
    db = folder / "team.db"
    with sqlite3.connect(record["db"]) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    base = datetime(2030, 1, 1)
    with Library(db) as library:
        library.save(
            [ArticleDraft(title="Incoming", body="Where the import goes.", category=("Incoming",))],
            source="bench",
        )
        library.save(
            [
                ArticleDraft(
                    title=f"Probe {n:03d}",
                    body=f"{token(n).decode()}\n\nA short article for timing keys.",
                    category=(CATEGORY,),
                    published=base - timedelta(hours=n),
                )
                for n in range(1, PROBES + 1)
            ],
            source="bench",
        )
    return db


class Session:
    """One `ssh -tt` client on a pseudo-terminal, its output kept as it arrives."""

    def __init__(self, command: list[str]) -> None:
        master, slave = os.openpty()
        rows_cols = struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, rows_cols)
        env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.arrivals: list[tuple[int, float]] = []
        """(output length after a read, when that read returned), in order."""
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            with self.changed:
                if not data:
                    self.output += b"\0EOF"
                    self.changed.notify_all()
                    return
                self.output += data
                self.arrivals.append((len(self.output), time.monotonic()))
                self.changed.notify_all()

    def mark(self) -> int:
        """Where the output is now (answers are looked for after it)."""
        with self.changed:
            return len(self.output)

    def send(self, keys: bytes) -> None:
        """Type `keys`."""
        os.write(self.master, keys)

    def wait_for(self, wanted: bytes, since: int, timeout: float) -> float | None:
        """The monotonic time at which `wanted` had arrived after `since` (when the read that
        completed it returned, however late this looks), or None."""
        end = time.monotonic() + timeout
        with self.changed:
            while True:
                found = self.output.find(wanted, since)
                if found >= 0:
                    complete = found + len(wanted)
                    return next(t for length, t in self.arrivals if length >= complete)
                if self.output.endswith(b"\0EOF"):
                    return None
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)
        self.reader.join(timeout=10)


def open_first_probe(session: Session) -> bool:
    """Wait for the list (All articles, where the probes are the newest), open its first row."""
    if session.wait_for(b"Probe 001", 0, READY_S) is None:
        return False
    since = session.mark()
    session.send(b"\r")
    return session.wait_for(token(1), since, READY_S) is not None


def new_articles(folder: Path, first: int, files: int) -> list[Path]:
    """JSON Lines files of the generated articles after the library's own (new to it)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(files):
        path = folder / f"incoming-{number:03d}.jsonl"
        items = articles(IMPORT_BATCH, start=first + number * IMPORT_BATCH)
        path.write_text(
            "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items),
            encoding="utf-8",
        )
        made.append(path)
    return made


class Writer(threading.Thread):
    """`reader import` of generated articles into Incoming, one file after another."""

    def __init__(self, db: Path, folder: Path, size: int) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.files = new_articles(folder, first=size, files=IMPORT_FILES)
        self.stop = threading.Event()
        self.imports = 0
        self.added = 0
        self.seconds = 0.0
        self.failures: list[str] = []

    def run(self) -> None:
        began = time.monotonic()
        for path in self.files * 50:
            if self.stop.is_set():
                break
            done = subprocess.run(
                [sys.executable, "-m", "reader", "import", "--db", str(self.db), "--json",
                 "--category", "Incoming", str(path)],
                capture_output=True, text=True, check=False,
                env={**os.environ, "READER_SQLITE_WARNING": "0"},
            )  # fmt: skip
            if done.returncode != 0:
                self.failures.append(done.stderr.strip()[-200:])
            else:
                self.imports += 1
                self.added += int(json.loads(done.stdout)["added"])
        self.seconds = time.monotonic() - began


def timed_keys(
    sessions: list[Session], rounds: int, together: bool, position: list[int]
) -> list[list[float]]:
    """Milliseconds per key per session; `position` is each session's open probe number."""
    times: list[list[float]] = [[] for _ in sessions]
    for _ in range(rounds):
        steps = []
        for index, session in enumerate(sessions):
            forward = position[index] == 1
            target = position[index] + (1 if forward else -1)
            steps.append((index, session, b"J" if forward else b"K", target))
        groups = [steps] if together else [[step] for step in steps]
        for group in groups:
            marks = [session.mark() for _, session, _, _ in group]
            sent = []
            for _, session, key, _ in group:
                sent.append(time.monotonic())
                session.send(key)
            for (index, session, _, target), since, began in zip(group, marks, sent, strict=True):
                came = session.wait_for(token(target), since, ANSWER_S)
                times[index].append((came - began) * 1000 if came else ANSWER_S * 1000)
                position[index] = target
    return times


def sshd_chain(pid: int) -> list[int]:
    """The sshd processes above a reader (its session and its privileged monitor)."""
    found = []
    current = pid
    for _ in range(4):
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            parent = int(stat[1])
            name = Path(f"/proc/{parent}/comm").read_text().strip()
        except (OSError, ValueError, IndexError):
            break
        if name.startswith("sshd"):
            found.append(parent)
        current = parent
    return found[:2]


def peak_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "max_ms": round(max(ordered), 1),
    }


def measure(sessions_wanted: int, rounds: int, size: int, work: Path) -> dict[str, Any]:
    """Run the whole measurement; the result record."""
    db = prepare_library(size, work)
    server = SshServer(work / "sshd")
    env = {
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "home" / "config"),
        "XDG_DATA_HOME": str(work / "home" / "data"),
        "READER_SQLITE_WARNING": "0",
    }
    users = [f"reader{n:02d}" for n in range(1, sessions_wanted + 1)]
    keys = [
        server.add_key(user, forced_reader(["--restrict", "--user", user, "--db", str(db)], env))
        for user in users
    ]
    server.start()
    sessions: list[Session] = []
    writer = Writer(db, work / "incoming", size)
    try:
        began = time.monotonic()
        sessions = [Session(server.ssh(key, "-tt")) for key in keys]
        opened = [open_first_probe(session) for session in sessions]
        if not all(opened):
            raise RuntimeError(f"{opened.count(False)} of {len(sessions)} sessions never opened")
        ready_s = time.monotonic() - began
        readers: dict[str, int] = {}
        for found in reader_processes(str(db)):
            cmdline = Path(f"/proc/{found}/cmdline").read_bytes().split(b"\0")
            if b"--restrict" in cmdline:
                readers[cmdline[cmdline.index(b"--user") + 1].decode()] = found
        position = [1] * len(sessions)
        load_before = os.getloadavg()[0]
        writer.start()
        alone = timed_keys(sessions, rounds, together=False, position=position)
        together = timed_keys(sessions, rounds, together=True, position=position)
        writer.stop.set()
        writer.join()
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))
        per_session: list[dict[str, Any]] = []
        for index, user in enumerate(users):
            pid = readers.get(user)
            chain = sshd_chain(pid) if pid else []
            per_session.append(
                {
                    "user": user,
                    "one_at_a_time": _stats(alone[index]),
                    "all_at_once": _stats(together[index]),
                    "rss_mb": round((resident_kib(pid) or 0) / 1024, 1) if pid else None,
                    "peak_mb": round((peak_kib(pid) or 0) / 1024, 1) if pid else None,
                    "sshd_mb": round(sum(resident_kib(p) or 0 for p in chain) / 1024, 1),
                }
            )
    finally:
        writer.stop.set()
        for session in sessions:
            session.close()
        server.stop()
    every_alone = [t for times in alone for t in times]
    every_together = [t for times in together for t in times]
    rss: list[float] = [s["rss_mb"] for s in per_session if s["rss_mb"]]
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": reader_commit(),
        "machine": (
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        ),
        "library": {"articles": size + PROBES + 1, "label": label(size)},
        "sessions": len(sessions),
        "rounds": rounds,
        "terminal": f"{SIZE[0]}x{SIZE[1]}",
        "ready_s": round(ready_s, 1),
        "import": {
            "files": writer.imports,
            "articles": writer.added,
            "seconds": round(writer.seconds, 1),
            "failures": writer.failures[:3],
        },
        "one_at_a_time": _stats(every_alone),
        "all_at_once": _stats(every_together),
        "rss_mb": {
            "median": round(statistics.median(rss), 1) if rss else None,
            "max": max(rss) if rss else None,
        },
        "per_session": per_session,
        "load_average": load,
        "goal_ms": GOAL_MS,
        "met": max(every_alone) < GOAL_MS,
    }


def markdown(result: dict[str, Any]) -> str:
    """The result as the Markdown report beside the JSON."""
    lines = [
        f"# {result['sessions']} SSH sessions on one library while an import writes",
        "",
        f"{result['date']}, commit {result['commit']}, {result['machine']}; library of "
        f"{result['library']['articles']:,} articles; terminals {result['terminal']}; "
        f"{result['rounds']} keys per session and mode; load average "
        f"{result['load_average'][0]} before the keys, {result['load_average'][1]} after; "
        f"all sessions ready in "
        f"{result['ready_s']} s. During the keys `reader import` added "
        f"{result['import']['articles']:,} articles in {result['import']['files']} "
        f"transactions ({result['import']['seconds']} s).",
        "",
        "Key to answer: from writing `J`/`K` to the client's terminal until the opened "
        "article's body has come back through SSH.",
        "",
        "| session | one at a time: median / p90 / max | all at once: median / p90 / max "
        "| reader RSS (peak) | sshd |",
        "|---|---|---|---|---|",
    ]
    for s in result["per_session"]:
        a, t = s["one_at_a_time"], s["all_at_once"]
        lines.append(
            f"| {s['user']} | {a['median_ms']} / {a['p90_ms']} / {a['max_ms']} ms "
            f"| {t['median_ms']} / {t['p90_ms']} / {t['max_ms']} ms "
            f"| {s['rss_mb']} MB ({s['peak_mb']} MB) | {s['sshd_mb']} MB |"
        )
    a, t = result["one_at_a_time"], result["all_at_once"]
    lines += [
        f"| **all** | {a['median_ms']} / {a['p90_ms']} / {a['max_ms']} ms "
        f"| {t['median_ms']} / {t['p90_ms']} / {t['max_ms']} ms "
        f"| median {result['rss_mb']['median']} MB, max {result['rss_mb']['max']} MB | |",
        "",
        f"Goal: each session answers a key within {result['goal_ms']:.0f} ms (one at a time, "
        "the others connected and the import writing): "
        + ("met." if result["met"] else "**missed**.")
        + " All at once is ten keys written in the same millisecond, each opening an article"
        " (a read, a view counted and a read mark queued) on a machine of "
        f"{os.cpu_count()} CPUs.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table and write `bench/results/ssh-sessions.{json,md}`; a line and
    exit 0 when no sshd can be started here."""
    parser = argparse.ArgumentParser(prog="python -m bench.ssh_sessions", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 sessions, 5 keys each")
    parser.add_argument("--sizes", default="", help="ignored (bench.run passes it)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args(argv)
    sessions, rounds = (3, 5) if args.quick else (args.sessions, args.rounds)
    _, why = find_sshd()
    if why or shutil.which("ssh") is None:
        print(f"ssh sessions: skipped ({why or 'no ssh client'})", flush=True)
        return 0
    with tempfile.TemporaryDirectory(prefix="reader-ssh-bench-") as folder:
        try:
            result = measure(sessions, rounds, args.size, Path(folder))
        except SshdError as error:
            print(f"ssh sessions: skipped ({error})", flush=True)
            return 0
    write_results("ssh-sessions" + ("-quick" if args.quick else ""), result, markdown(result))
    print(markdown(result), flush=True)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
