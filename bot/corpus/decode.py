"""Turn an article file's bytes into text, refusing binary and undecodable files."""

from __future__ import annotations

import codecs
import logging
import re

from bot.corpus.model import ArticleError

log = logging.getLogger(__name__)

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# C0 and C1 control characters other than the whitespace ones (\t \n \v \f \r).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Real text has next to no control characters; random bytes have about one in eight.
_MAX_CONTROL_SHARE = 0.01
# Latin-1 prose (French, German...) has well under a fifth of non-ASCII letters.
_MAX_NON_ASCII_SHARE = 0.2


def decode_article(data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM or not), UTF-16/32 with BOM, or legacy cp1252/Latin-1."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec, f"not valid {name} text")
            return _checked(text)
    if b"\x00" in data:
        raise ArticleError("binary file")
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text = _legacy(data)
    if _control_share(text) > _MAX_CONTROL_SHARE or _non_ascii_share(text) > _MAX_NON_ASCII_SHARE:
        raise ArticleError("not valid UTF-8 text")
    log.debug("decoded as cp1252/Latin-1")
    return text


def _strict(data: bytes, codec: str, reason: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ArticleError(reason) from exc


def _checked(text: str) -> str:
    if "\x00" in text or _control_share(text) > _MAX_CONTROL_SHARE:
        raise ArticleError("binary file")
    return text


def _legacy(data: bytes) -> str:
    # Latin-1 maps every byte; the table then gives 0x80-0x9F their cp1252 meaning
    # (curly quotes, dashes, euro), leaving the five bytes cp1252 leaves undefined.
    return data.decode("latin-1").translate(_CP1252_TABLE)


def _cp1252_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
    return table


_CP1252_TABLE = _cp1252_table()


def _control_share(text: str) -> float:
    # One regex pass: a per-character Python loop was a tenth of indexing time.
    return len(_CONTROLS.findall(text)) / len(text) if text else 0.0


def _non_ascii_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum(1 for c in visible if c > "\x7f") / len(visible)


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR line endings into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
