"""Fetch a web page to add it: through `bot.fetch`'s checks, then read as the page it is."""

from __future__ import annotations

from bot.collections.source import Source, page_source
from bot.fetch import FetchPolicy, Network, fetch


def fetch_page(url: str, policy: FetchPolicy, *, network: Network | None = None) -> Source:
    """The page at `url` as a source to add (blocking). `FetchError` says why it could not
    be fetched: refused address, too large, too slow, not a page."""
    fetched = fetch(url, policy, network=network)
    body = _utf8(fetched.body, fetched.charset)
    return page_source(fetched.requested_url, fetched.final_url, body, fetched.content_type)


def _utf8(body: bytes, charset: str | None) -> bytes:
    """The body in UTF-8 when the server named another charset the file could not show
    (the saved file is read as UTF-8, or as cp1252 when it is not UTF-8)."""
    if not charset or charset.lower().replace("_", "-") in {"utf-8", "utf8"}:
        return body
    try:
        return body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body  # a wrong label: the bytes are read as any article file's are
