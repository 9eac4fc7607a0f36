"""A news site on 127.0.0.1 for the feed tests: an RSS feed whose entries link to pages that
are served too, and feeds that are slow, malformed or gone.

A stdlib ThreadingHTTPServer in a thread. `publish` adds an entry (and its page) to the
feed while the server runs, as a site publishing an article does.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

# Three news stories, each with words no other one (or the filler corpus) has.
STORIES = {
    "lighthouse": (
        "Lighthouse keeper counts ships",
        [
            "The lighthouse keeper on the northern cape counted 412 ships passing in March.",
            "Most of them were trawlers heading for the herring grounds beyond the reef.",
            "The keeper logs every vessel by hand in a ledger kept since 1911.",
        ],
    ),
    "bakery": (
        "Bakery wins the rye contest",
        [
            "The corner bakery on Mill Street won the regional rye bread contest on Sunday.",
            "Its sourdough starter is said to be older than the bakery building itself.",
            "The judges praised the crust and the caraway seeds in the winning loaf.",
        ],
    ),
    "glacier": (
        "Glacier retreats past the hut",
        [
            "The glacier above the valley retreated past the old climbers' hut this summer.",
            "Researchers measured a loss of forty metres of ice since the last survey.",
            "The hut, built on the ice edge in 1950, now stands on bare rock.",
        ],
    ),
}


def story_page(name: str) -> bytes:
    title, paragraphs = STORIES[name]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{escape(title)} | Valley News</title></head>"
        f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


@dataclass
class FeedSite:
    """The running site: publish stories to its feed; see what was requested."""

    port: int
    # (id, path, title, day of April): newest first, as feeds list them
    entries: list[tuple[str, str, str, int]] = field(default_factory=list)
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def publish(self, name: str, *, page: bool = True) -> None:
        """Add the story to the feed (newest first, as feeds list them); its page too
        unless `page` is False (a dead link)."""
        title = STORIES[name][0] if name in STORIES else name
        self.entries.insert(0, (f"valley-{name}", f"/news/{name}", title, len(self.entries) + 1))
        if page:
            self.pages[f"/news/{name}"] = (200, "text/html; charset=utf-8", story_page(name))

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{self.url(path)}</link>"
            f'<guid isPermaLink="false">{escape(entry_id)}</guid>'
            "<author>desk@valley.example (Kim Lund)</author>"
            f"<pubDate>{day:02d} Apr 2024 09:00:00 GMT</pubDate></item>"
            for entry_id, path, title, day in self.entries
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Valley News</title><link>{self.url('/')}</link>{items}</channel></rss>"
        ).encode()


def _handler(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            if self.path == "/feed.xml":
                status, kind, body = 200, "application/rss+xml", site.rss()
            elif self.path == "/slow.xml":
                time.sleep(3)  # beyond the tests' 1 s time-out
                status, kind, body = 200, "application/rss+xml", site.rss()
            elif self.path == "/malformed.xml":
                status, kind, body = 200, "application/rss+xml", b"<rss><channel><item>"
            else:
                status, kind, body = site.pages.get(self.path, (404, "text/plain", b"gone"))
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up on a slow answer, as it should

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving() -> Iterator[FeedSite]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    site = FeedSite(server.server_address[1])
    server.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
