"""RSS and Atom documents (already fetched) to feed entries, with feedparser.

A malformed document is refused only when nothing usable came out of it: feedparser sets its
`bozo` flag for small faults that real feeds often have (a wrong declared encoding, an
unescaped `&`) and then still reads their entries with its lenient parser. A document with a
fault and no entries, or that is no feed at all (an HTML page), is a FeedError.
"""

from __future__ import annotations

import io
import re
import time
import xml.sax
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.errors import UserFacingError

_EMAIL_AND_NAME = re.compile(r"^[^\s@()]+@[^\s()]+\s*\(([^()]+)\)$")


class FeedError(UserFacingError):
    """The document is not a feed citebot can read; the message says why in one line."""


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: the page it links to and what the feed says about it."""

    id: str  # the entry's id or guid; its link when it has neither
    link: str  # absolute URL of the entry's page
    title: str = ""
    author: str = ""
    published: str | None = None  # ISO 8601 in UTC, "2024-05-01T12:00:00+00:00"


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and entries in document order (entries without a link out)."""

    title: str
    link: str
    entries: tuple[FeedEntry, ...]


def parse_feed(body: bytes, url: str, charset: str | None = None) -> Feed:
    """The feed in `body`, fetched from `url` (relative links resolve against it).

    `charset` is the one the server named (Fetched.charset); without it the document's own
    XML declaration decides, as for any XML.
    """
    headers = {
        "content-location": url,
        "content-type": "application/xml" + (f"; charset={charset}" if charset else ""),
    }
    # A stream, never bytes or str: feedparser fetches a str that looks like a URL and opens
    # bytes that name an existing file, so a feed whose body is "/etc/passwd" would be read.
    parsed: Any = feedparser.parse(io.BytesIO(body), response_headers=headers)
    entries = tuple(e for e in (_entry(raw) for raw in parsed.entries) if e is not None)
    if not entries and isinstance(parsed.get("bozo_exception"), xml.sax.SAXParseException):
        raise FeedError(f"The feed is malformed: {parsed.bozo_exception.getMessage()}.")
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        raise FeedError("That is not an RSS or Atom feed.")
    feed = parsed.get("feed", {})
    return Feed(_text(feed.get("title")), _text(feed.get("link")), entries)


def new_entries(
    entries: Iterable[FeedEntry], seen_ids: Set[str], limit: int | None = None
) -> tuple[FeedEntry, ...]:
    """Entries whose id is not in `seen_ids`, oldest first; only the newest `limit` if given.

    Oldest first so that articles are added in the order they were written. Dates order them
    when every new entry has one; otherwise the document's order is taken as newest first,
    as RSS and Atom feeds are written. An id repeated in the feed counts once.
    """
    fresh: dict[str, FeedEntry] = {}
    for entry in entries:
        if entry.id not in seen_ids and entry.id not in fresh:
            fresh[entry.id] = entry
    newest_first = list(fresh.values())
    if newest_first and all(e.published for e in newest_first):
        newest_first.sort(key=lambda e: e.published or "", reverse=True)  # stable on ties
    if limit is not None:
        newest_first = newest_first[: max(limit, 0)]
    return tuple(reversed(newest_first))


def _entry(raw: Any) -> FeedEntry | None:
    link = _text(raw.get("link"))
    if not link.startswith(("http://", "https://")):
        return None  # nothing to fetch: no link, or a mailto: or relative one left unresolved
    entry_id = _text(raw.get("id")) or link
    author = _author(raw)
    published = _iso(raw.get("published_parsed") or raw.get("updated_parsed"))
    return FeedEntry(entry_id, link, _text(raw.get("title")), author, published)


def _author(raw: Any) -> str:
    # RSS's <author> is "email (Name)": keep the name. feedparser's own split misreads an
    # address whose top-level domain is longer than four letters, so it is done here.
    written = _text(raw.get("author"))
    match = _EMAIL_AND_NAME.match(written)
    if match:
        return match.group(1).strip()
    return _text(raw.get("author_detail", {}).get("name")) or written


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _iso(parsed: time.struct_time | None) -> str | None:
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()  # feedparser gives UTC
    except (TypeError, ValueError):
        return None
