"""A tiny web site on 127.0.0.1 for /add: the pages a test puts in `Pages.routes`.

A stdlib ThreadingHTTPServer in a daemon thread; a path not in `routes` is a 404.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GLASS_TITLE = "The glassblower of Murano"
GLASS_QUESTION = "Who was the glassblower of Murano?"
GLASS_PAGE = f"""<!doctype html>
<html><head><title>{GLASS_TITLE}</title>
<meta name="author" content="Lucia Verre">
<meta property="article:published_time" content="2024-03-06">
</head><body><article>
<h1>{GLASS_TITLE}</h1>
<p>The glassblower Marco Serena learned his trade from his grandmother on the island of
Murano, where furnaces have burned since the thirteenth century.</p>
<p>Every morning he gathered molten sand on the end of a long iron pipe and turned it slowly
over the flame until it glowed orange.</p>
<p>Tourists crowd the workshop doors in summer, but the real work happens in winter when the
canals are quiet.</p>
<p>His best known piece is a chandelier of four hundred blue leaves that hangs in a hotel on
the Grand Canal.</p>
<p>He still signs every bowl with a small scratched fish on the base, a mark his grandmother
used before him.</p>
</article></body></html>
""".encode()


@dataclass
class Pages:
    """The running site: its routes (path -> (body, content type)) and the paths asked for."""

    port: int = 0
    routes: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        pages = self.server.pages
        pages.asked.append(self.path)
        found = pages.routes.get(self.path)
        if found is None:
            self.send_error(404)
            return
        body, content_type = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet test output


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    pages: Pages


@contextmanager
def serve_pages() -> Iterator[Pages]:
    """Serve a site with the glassblower's page at /glass until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.pages = Pages(server.server_address[1], {"/glass": (GLASS_PAGE, "text/html")})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
