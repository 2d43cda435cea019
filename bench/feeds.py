"""The synthetic library as RSS 2.0 feeds, for benchmarks against feed readers.

One feed per top-level category of the generator (twelve, the largest with ~38 % of the items),
each titled with that category's name. A feed is written as parts of at most `PART_ITEMS` items,
each a complete RSS document with the feed's title (`reader import` refuses a single local feed
over 20 MB; its parts land in one category since they share the title). `FeedServer` serves each
feed whole, the parts' items streamed one after the other, on 127.0.0.1, for programs that read
a feed from one URL. Bodies are the generator's Markdown as HTML (`<p>`, `<h2>`) in CDATA.

Files are cached under `bench/data/feeds-v<generator>-s<seed>/`, one folder per block of the
generator, so the 10k feeds are the first block of the 100k feeds.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.generate import BLOCK, GENERATOR_VERSION, articles, model
from bench.store_library import DATA

PART_ITEMS = 2_000
"""Items per part file: about 11 MB, under `reader import`'s 20 MB cap for one feed file."""

_CHUNK = 1 << 20


def feed_titles(seed: int = 1) -> list[str]:
    """The feeds' titles (the generator's top-level categories), in the generator's order."""
    return [path[0] for path in model(seed).categories if len(path) == 1]


def _body_html(markdown: str) -> str:
    blocks = []
    for block in markdown.split("\n\n"):
        if block.startswith("## "):
            blocks.append(f"<h2>{html.escape(block[3:], quote=False)}</h2>")
        else:
            blocks.append(f"<p>{html.escape(block, quote=False)}</p>")
    return "".join(blocks)


def item_xml(article: dict[str, Any]) -> str:
    """One `<item>`: title, link, guid, date, author and the body as HTML."""
    published = datetime.fromisoformat(article["published"]).replace(tzinfo=UTC)
    url = html.escape(article["url"])
    body = _body_html(article["body"]).replace("]]>", "]]&gt;")
    return (
        f"<item><title>{html.escape(article['title'], quote=False)}</title>"
        f'<link>{url}</link><guid isPermaLink="true">{url}</guid>'
        f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
        f"<dc:creator>{html.escape(article['author'], quote=False)}</dc:creator>"
        f"<description><![CDATA[{body}]]></description></item>\n"
    )


def feed_head(number: int, title: str) -> str:
    """The document up to the first item."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n'
        f"<title>{html.escape(title, quote=False)}</title>"
        f"<link>https://bench.example/feeds/{number:02d}</link>"
        f"<description>Synthetic feed {number}</description>\n"
    )


FEED_TAIL = "</channel></rss>\n"


def folder(seed: int = 1) -> Path:
    """Where the feeds of `seed` are cached."""
    return DATA / f"feeds-v{GENERATOR_VERSION}-s{seed}"


def _write_block(block: int, seed: int) -> list[dict[str, Any]]:
    """Write the part files of one generator block; return their index entries."""
    out = folder(seed) / f"block-{block:04d}"
    done = out.with_suffix(".json")  # beside the folder: `reader import FOLDER` reads it all
    if done.exists():
        return list(json.loads(done.read_text(encoding="utf-8")))
    out.mkdir(parents=True, exist_ok=True)
    titles = feed_titles(seed)
    number = {title: n for n, title in enumerate(titles)}
    items: dict[int, list[str]] = {n: [] for n in range(len(titles))}
    for article in articles(BLOCK, seed, block * BLOCK):
        items[number[article["category"][0]]].append(item_xml(article))
    index = []
    for feed, chunk in items.items():
        for part in range(0, len(chunk), PART_ITEMS):
            head = feed_head(feed, titles[feed]).encode()
            body = "".join(chunk[part : part + PART_ITEMS]).encode()
            path = out / f"feed{feed:02d}-part{part // PART_ITEMS}.xml"
            path.write_bytes(head + body + FEED_TAIL.encode())
            index.append(
                {
                    "feed": feed,
                    "path": str(path.relative_to(folder(seed))),
                    "items": min(PART_ITEMS, len(chunk) - part),
                    "start": len(head),
                    "end": len(head) + len(body),
                }
            )
    done.write_text(json.dumps(index), encoding="utf-8")
    return index


def write_feeds(size: int, seed: int = 1, jobs: int = 2) -> list[dict[str, Any]]:
    """Write (or find) the part files of the first `size` articles; return their index.

    Each entry holds the feed number, the part's path relative to `folder(seed)`, its item
    count and the byte range of its items.
    """
    if size % BLOCK:
        raise ValueError(f"feeds come in blocks of {BLOCK:,} articles")
    blocks = range(size // BLOCK)
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            found = list(pool.map(_write_block, blocks, itertools.repeat(seed)))
    else:
        found = [_write_block(b, seed) for b in blocks]
    return [entry for block in found for entry in block]


def part_paths(index: list[dict[str, Any]], seed: int = 1) -> list[Path]:
    """Every part file, as `reader import` is given them."""
    return [folder(seed) / e["path"] for e in index]


def feed_sizes(index: list[dict[str, Any]]) -> dict[int, int]:
    """Items per feed number."""
    sizes: dict[int, int] = {}
    for entry in index:
        sizes[entry["feed"]] = sizes.get(entry["feed"], 0) + entry["items"]
    return sizes


class _Handler(BaseHTTPRequestHandler):
    """GET /feedNN.xml: the head, the items of every part of feed NN, the tail."""

    server: _Server

    def do_GET(self) -> None:
        """Stream one whole feed."""
        name = self.path.strip("/").removesuffix(".xml").removeprefix("feed")
        parts = self.server.parts.get(int(name)) if name.isdigit() else None
        if not parts:
            self.send_error(404)
            return
        head = feed_head(int(name), self.server.titles[int(name)]).encode()
        tail = FEED_TAIL.encode()
        length = len(head) + sum(e["end"] - e["start"] for e in parts) + len(tail)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(head)
        for entry in parts:
            with (self.server.root / entry["path"]).open("rb") as part:
                part.seek(entry["start"])
                left = entry["end"] - entry["start"]
                while left:
                    chunk = part.read(min(_CHUNK, left))
                    self.wfile.write(chunk)
                    left -= len(chunk)
        self.wfile.write(tail)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the benchmark prints its own progress."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    parts: dict[int, list[dict[str, Any]]]
    titles: list[str]
    root: Path


@contextmanager
def serve(index: list[dict[str, Any]], seed: int = 1) -> Iterator[list[str]]:
    """Serve each feed whole on 127.0.0.1; yields the feeds' URLs, largest feed first."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.parts = {}
    for entry in index:
        server.parts.setdefault(entry["feed"], []).append(entry)
    server.titles = feed_titles(seed)
    server.root = folder(seed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    sizes = feed_sizes(index)
    order = sorted(sizes, key=lambda n: (-sizes[n], n))
    try:
        yield [f"http://127.0.0.1:{port}/feed{n:02d}.xml" for n in order]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
