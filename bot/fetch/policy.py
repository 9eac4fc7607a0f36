"""What a fetch may do: kinds of content, size and time limits, the address allowance."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata

from bot.config import Settings

MAX_REDIRECTS = 5
# Connect and read time-outs: one stalled step fails fast even when the total deadline is long.
STEP_TIMEOUT_SECONDS = 10.0


class FetchKind(StrEnum):
    """What is being fetched; each kind accepts its own content types."""

    PAGE = "page"
    FEED = "feed"
    ATTACHMENT = "attachment"


# Media types accepted per kind (the part of Content-Type before any parameters).
_TEXT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown"}
)
ACCEPTED_TYPES: dict[FetchKind, frozenset[str]] = {
    FetchKind.PAGE: _TEXT_TYPES,
    FetchKind.ATTACHMENT: _TEXT_TYPES,
    FetchKind.FEED: frozenset(
        {
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/x-rss+xml",
            "application/x-atom+xml",
            "application/xml",
            "text/xml",
        }
    ),
}

# What each kind is called in an error message ("... is an image, not a web page").
KIND_NAMES: dict[FetchKind, str] = {
    FetchKind.PAGE: "a web page (HTML, text or Markdown)",
    FetchKind.FEED: "an RSS or Atom feed",
    FetchKind.ATTACHMENT: "a text file (.txt, .md or .html)",
}

# What the body is called in a message ("The page is larger than ...").
NOUNS: dict[FetchKind, str] = {
    FetchKind.PAGE: "page",
    FetchKind.FEED: "feed",
    FetchKind.ATTACHMENT: "file",
}

# The Accept header sent per kind: servers that negotiate send the right type.
ACCEPT_HEADERS: dict[FetchKind, str] = {
    FetchKind.PAGE: "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8",
    FetchKind.FEED: "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8",
    FetchKind.ATTACHMENT: "text/plain,text/markdown,text/html;q=0.9",
}


def user_agent() -> str:
    """The User-Agent header: names the bot and its version, so site owners know who asks."""
    try:
        version = metadata.version("citebot")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        version = "0"
    return f"citebot/{version} (Discord bot that answers questions with cited passages)"


@dataclass(frozen=True)
class FetchPolicy:
    """The limits of one fetch. Build it from Settings with `policy_for`."""

    kind: FetchKind = FetchKind.PAGE
    max_bytes: int = 10 * 1024 * 1024  # the body as received and after decompression
    total_seconds: float = 20.0  # deadline for the whole fetch, redirects included
    connect_seconds: float = STEP_TIMEOUT_SECONDS
    read_seconds: float = STEP_TIMEOUT_SECONDS  # longest wait for any single read
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False
    user_agent: str = ""  # empty: user_agent()

    @property
    def accepted_types(self) -> frozenset[str]:
        """The media types this kind accepts."""
        return ACCEPTED_TYPES[self.kind]


def policy_for(kind: FetchKind, settings: Settings) -> FetchPolicy:
    """The policy for fetching `kind` under the operator's settings."""
    step = min(STEP_TIMEOUT_SECONDS, settings.fetch_timeout_seconds)
    return FetchPolicy(
        kind=kind,
        max_bytes=settings.fetch_max_bytes,
        total_seconds=settings.fetch_timeout_seconds,
        connect_seconds=step,
        read_seconds=step,
        allow_private=settings.fetch_allow_private,
    )
