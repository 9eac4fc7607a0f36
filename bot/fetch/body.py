"""Reading a response body within the size cap, gzip or deflate included."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from bot.fetch.errors import FetchError

ACCEPT_ENCODING = "gzip, deflate"


def read_capped(chunks: Iterable[bytes], encoding: str, limit: int, what: str) -> bytes:
    """The body from `chunks`, decoded per Content-Encoding; FetchError past `limit` bytes.

    Both the bytes received and the bytes decoded are capped, and reading stops at the first
    chunk past the cap: a huge page, or a small gzip bomb, never sits whole in memory.
    """
    decoder = _decoder(encoding, what)
    body = bytearray()
    received = 0
    for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise too_large(what, limit)
        if decoder is None:
            body += chunk
        else:
            body += _inflate(decoder, chunk, limit - len(body), what)
        if len(body) > limit:
            raise too_large(what, limit)
    if decoder is not None:
        body += decoder.flush()  # empty unless the compressed stream was cut short
        if len(body) > limit:
            raise too_large(what, limit)
    return bytes(body)


def _inflate(decoder: zlib._Decompress, chunk: bytes, room: int, what: str) -> bytes:
    try:
        # At most one byte past the room left: enough to know the cap is passed (and then
        # the input not yet inflated does not matter).
        return decoder.decompress(chunk, room + 1)
    except zlib.error:
        raise FetchError(f"The {what} came damaged (its compression is broken).") from None


def too_large(what: str, limit: int) -> FetchError:
    """The error for a body over the cap."""
    return FetchError(f"The {what} is larger than the {size_text(limit)} limit.")


def size_text(n: int) -> str:
    """`n` bytes in the unit people read: 5 MB, 200 KB."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


def _decoder(encoding: str, what: str) -> zlib._Decompress | None:
    name = encoding.strip().lower()
    if name in {"", "identity"}:
        return None
    if name in {"gzip", "x-gzip", "deflate"}:
        return zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: a gzip or zlib header, either
    raise FetchError(f"The {what} came compressed as {name!r}, which citebot cannot read.")
