"""Local sources larger than what is read whole: a feed over 20 MB, a JSON Lines file over 256 MB.

`reader import` runs as a real process; its peak memory is measured from outside (the largest
resident size among the children of a small parent process). The files are just over the sizes
that used to be refused, so that each import takes seconds; `bench/big_sources.py` measures a
128 MB feed, a 1 GB JSON Lines file and a million-article export. A large file is saved in
batches (`reader.ingest.batches`): killed part-way, the library keeps whole batches, and
importing the file again completes it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

from support.crash import library_problems, reader_process, run_reader, wait_until

from reader.ingest.batches import BATCH_ARTICLES
from reader.ingest.feeds import MAX_FEED_BYTES
from reader.ingest.limits import MAX_FILE_BYTES
from reader.store import Library

MB = 1024 * 1024
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"peak_mb": peak, "code": done.returncode, "out": done.stdout}))
"""


def _import(db: Path, source: Path) -> dict[str, Any]:
    """Run `reader import` in a fresh parent process: its exit code, output and peak memory
    (of the import and any helper it starts)."""
    command = [sys.executable, "-m", "reader", "import", "--db", str(db), str(source)]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def write_feed(path: Path, megabytes: float, *, atom: bool = False, cut: bool = False) -> int:
    """An RSS (or Atom) file of at least `megabytes` MB; the number of its entries. `cut` ends
    the file inside an entry."""
    body = "<p>" + "这是一个很大的订阅源里的一段正文。Some text. " * 30 + "</p>"
    count = 0
    with path.open("w", encoding="utf-8") as out:
        if atom:
            out.write('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                      "<title>大订阅源</title><link href='https://big.example/'/>\n")  # fmt: skip
        else:
            out.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                      "<title>大订阅源</title><link>https://big.example/</link>\n")  # fmt: skip
        while out.tell() < megabytes * MB:
            if atom:
                out.write(f"<entry><title>条目 {count}</title><id>urn:big:{count}</id>"
                          f"<link href='https://big.example/{count}'/>"
                          f"<updated>2024-03-01T08:00:00Z</updated>"
                          f"<content type='html'><![CDATA[{body}]]></content></entry>\n")  # fmt: skip
            else:
                out.write(f"<item><title>条目 {count}</title><guid>urn:big:{count}</guid>"
                          f"<link>https://big.example/{count}</link>"
                          f"<pubDate>Fri, 01 Mar 2024 08:00:00 GMT</pubDate>"
                          f"<description><![CDATA[{body}]]></description></item>\n")  # fmt: skip
            count += 1
        if cut:
            out.write("<item><title>半个条目</title><description>没有写完")
        else:
            out.write("</feed>\n" if atom else "</channel></rss>\n")
    return count


def write_jsonl(path: Path, count: int, megabytes: int) -> None:
    """`count` articles over at least `megabytes` MB: each record carries its share of the size in
    a field the import reads past (`headings`, as `reader list --json` prints it), so that the
    file is large while its articles stay quick to save."""
    filler = "目录" * (megabytes * MB // count // 6 + 1)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = {"title": f"文章 {n}", "body": f"正文 {n}。", "guid": f"big:{n}",
                      "headings": [filler]}  # fmt: skip
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def articles(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        count: int = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    return count


def test_a_feed_over_the_cap_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.rss"
    count = write_feed(path, 26)
    assert path.stat().st_size > MAX_FEED_BYTES
    result = _import(tmp_path / "lib.db", path)
    assert result["code"] == 0, result
    assert f"{count} added" in result["out"], result["out"]
    assert result["peak_mb"] < 400, result["peak_mb"]
    db = tmp_path / "lib.db"
    assert library_problems(db) == []
    with Library(db, create=False) as library:
        [hit] = [h for h in library.search("条目 1234", limit=20) if h.summary.title == "条目 1234"]
        article = library.get(hit.summary.id)
        assert article is not None and article.url == "https://big.example/1234"
        assert "很大的订阅源" in article.body and "<p>" not in article.body
        assert [source.kind for source in library.sources()] == ["feed"]  # remembered


def test_an_atom_feed_over_the_cap_cut_short_gives_its_whole_entries(tmp_path: Path) -> None:
    path = tmp_path / "big.atom"
    count = write_feed(path, 21, atom=True, cut=True)
    code, out, err = run_reader("import", "--db", str(tmp_path / "lib.db"), str(path))
    assert code == 0, err
    assert f"{count} added" in out
    assert f"the feed ends early (inside an entry); {count:,} complete entries imported" in out


def test_a_json_lines_file_over_the_cap_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    count = BATCH_ARTICLES + 2_000
    write_jsonl(path, count, MAX_FILE_BYTES // MB + 8)
    assert path.stat().st_size > MAX_FILE_BYTES
    db = tmp_path / "lib.db"
    result = _import(db, path)
    assert result["code"] == 0, result
    assert f"{count} added" in result["out"], result["out"]
    assert result["peak_mb"] < 300, result["peak_mb"]
    assert library_problems(db) == [] and articles(db) == count


def committed(db: Path, process: subprocess.Popen[bytes]) -> bool:
    """True once the import has committed a batch (or has ended)."""
    try:
        return articles(db) > 0 or process.poll() is not None
    except sqlite3.Error:
        return process.poll() is not None


def test_a_large_file_killed_part_way_keeps_whole_batches_and_is_completed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.jsonl"
    count = 3 * BATCH_ARTICLES
    write_jsonl(path, count, MAX_FILE_BYTES // MB + 8)
    db = tmp_path / "lib.db"
    process = reader_process("import", "--db", str(db), str(path))
    try:
        wait_until(partial(committed, db, process), 120, "the first batch")
        assert process.poll() is None, "the import ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert library_problems(db) == []
    kept = articles(db)
    assert 0 < kept < count and kept % BATCH_ARTICLES == 0, kept
    code, out, err = run_reader("import", "--db", str(db), str(path), timeout=300)
    assert code == 0, err
    assert f"{count - kept} added, 0 updated, {kept} unchanged" in out, out
    assert library_problems(db) == [] and articles(db) == count
