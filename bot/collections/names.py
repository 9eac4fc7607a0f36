"""Names of collections and ids of added articles: short, safe slugs.

A collection's name is a folder name under the collections folder, so it is validated
before it ever reaches the file system: lower-case letters, digits and inner hyphens, at
most `MAX_NAME_CHARS` (no dots, slashes or `..`, so no path can climb out).
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserFacingError

SHARED = "shared"
MAX_NAME_CHARS = 64
# Article ids made from titles: long enough to recognise, short enough to type.
MAX_SLUG_CHARS = 60

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class CollectionError(UserFacingError):
    """A collection or article operation that cannot be done; the message says why."""


def valid_name(name: str) -> str:
    """The collection name, checked: `CollectionError` if it could not be a folder name."""
    if len(name) > MAX_NAME_CHARS:
        raise CollectionError(f"a collection name has at most {MAX_NAME_CHARS} characters")
    if not _NAME.fullmatch(name):
        raise CollectionError(
            "a collection name is lower-case letters, digits and hyphens"
            " (not first or last), such as server-1234"
        )
    return name


def server_collection(server_id: int) -> str:
    """The name of a Discord server's own collection."""
    return f"server-{server_id}"


def slug(text: str, fallback: str = "article") -> str:
    """Text as an article id: ASCII letters and digits joined by hyphens, at most
    `MAX_SLUG_CHARS`, cut at a hyphen ('Budget 2024: explained' -> 'budget-2024-explained')."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(words) > MAX_SLUG_CHARS:
        cut = words[: MAX_SLUG_CHARS + 1].rfind("-")
        words = words[: cut if cut > 0 else MAX_SLUG_CHARS].strip("-")
    return words or fallback
