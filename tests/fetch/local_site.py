"""A small web site on 127.0.0.1 for the fetch tests: pages, feeds and misbehaving servers.

A stdlib ThreadingHTTPServer in a thread: each route is a function of the request handler.
Slow and huge routes stop by themselves (bounded in time and bytes) or when the client
hangs up, so a test never leaves a busy thread behind.
"""

from __future__ import annotations

import contextlib
import gzip
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "feeds"
PAGE = b"<html><head><title>A page</title></head><body><p>Hello from the page.</p></body></html>"

Route = Callable[["Handler"], None]


@dataclass
class Site:
    """The running server: its base URL and what it saw."""

    port: int
    scheme: str = "http"
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The URL of `path` on this server under `host` (which tests resolve themselves)."""
        return f"{self.scheme}://{host}:{self.port}{path}"


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        # The client hangs up on a huge or slow answer, as it should.
        with contextlib.suppress(OSError):
            route(self)

    def reply(self, body: bytes, content_type: str, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: Site


def _page(h: Handler) -> None:
    h.reply(PAGE, "text/html; charset=utf-8")


def _plain(h: Handler) -> None:
    h.reply("Plain text, café.\n".encode("latin-1"), "text/plain; charset=ISO-8859-1")


def _image(h: Handler) -> None:
    h.reply(b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")


def _no_type(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    h.wfile.write(PAGE)


def _slow(h: Handler) -> None:
    """Headers at once, then one byte every 0.2 s for up to 30 s: each read is quick."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    _trickle(h, b"<p>" + b"x" * 150 + b"</p>")


def _slow_headers(h: Handler) -> None:
    """The status line and headers themselves a byte at a time."""
    _trickle(h, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: y\r\n" * 30)


def _trickle(h: Handler, data: bytes) -> None:
    for i in range(len(data)):
        h.wfile.write(data[i : i + 1])
        h.wfile.flush()
        time.sleep(0.2)


def _huge(h: Handler) -> None:
    """200 MB with no Content-Length (read until the connection closes)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"y" * 65536
    sent = 0
    try:
        while sent < 200 * 1024 * 1024:
            h.wfile.write(chunk)
            sent += len(chunk)
    finally:
        h.server.site.bytes_sent["/huge"] = sent
    h.close_connection = True


def _huge_declared(h: Handler) -> None:
    """Says 200 MB in Content-Length, then sends a little and waits."""
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Content-Length", str(200 * 1024 * 1024))
    h.end_headers()
    h.wfile.write(b"y" * 1000)
    time.sleep(3)


_BOMB = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)


def _gzip_bomb(h: Handler) -> None:
    h.reply(_BOMB, "text/html", Content_Encoding="gzip")


def _gzip_page(h: Handler) -> None:
    h.reply(gzip.compress(PAGE), "text/html", Content_Encoding="gzip")


def _brotli(h: Handler) -> None:
    h.reply(b"\x0b\x02\x80hello\x03", "text/html", Content_Encoding="br")


def _loop_a(h: Handler) -> None:
    h.redirect("/loop-b")


def _loop_b(h: Handler) -> None:
    h.redirect("/loop-a", status=301)


def _chain(n: int) -> Route:
    def route(h: Handler) -> None:
        h.redirect(f"/chain/{n - 1}" if n > 1 else "/page", status=307)

    return route


def _redirect_to(location: str) -> Route:
    def route(h: Handler) -> None:
        h.redirect(location.replace("PORT", str(h.server.site.port)))

    return route


def _status(code: int) -> Route:
    def route(h: Handler) -> None:
        h.reply(b"<p>error</p>", "text/html", status=code)

    return route


def _feed(name: str, content_type: str) -> Route:
    def route(h: Handler) -> None:
        h.reply((FEEDS / name).read_bytes(), content_type)

    return route


ROUTES: dict[str, Route] = {
    "/page": _page,
    "/plain": _plain,
    "/image": _image,
    "/no-type": _no_type,
    "/slow": _slow,
    "/slow-headers": _slow_headers,
    "/huge": _huge,
    "/huge-declared": _huge_declared,
    "/gzip-bomb": _gzip_bomb,
    "/gzip-page": _gzip_page,
    "/brotli": _brotli,
    "/loop-a": _loop_a,
    "/loop-b": _loop_b,
    **{f"/chain/{n}": _chain(n) for n in range(1, 7)},
    "/to-loopback": _redirect_to("http://127.0.0.1:PORT/page"),
    "/to-inside-name": _redirect_to("http://inside.example:PORT/page"),
    "/to-metadata": _redirect_to("http://169.254.169.254/latest/meta-data/"),
    "/to-ftp": _redirect_to("ftp://127.0.0.1/file"),
    "/to-relative": _redirect_to("../page?x=1#frag"),
    "/nowhere": _redirect_to(""),
    "/500": _status(500),
    "/404": _status(404),
    "/feed/rss": _feed("rss.xml", "application/rss+xml; charset=utf-8"),
    "/feed/atom": _feed("atom.xml", "application/atom+xml"),
    "/feed/malformed": _feed("malformed.xml", "application/rss+xml"),
    "/feed/as-html": _feed("rss.xml", "text/html"),
}


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[Site]:
    """Serve the routes on 127.0.0.1 (with TLS when given a server context)."""
    server = _Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.site = Site(server.server_address[1], "https" if tls else "http")
    # A short poll: shutdown() waits up to one interval, once per test.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
