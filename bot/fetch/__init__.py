"""Safe fetching of web pages, feeds and attachments, for a bot that fetches what users name.

Public API (synchronous; async callers run it in a worker thread, `asyncio.to_thread`):

    fetch(url, policy, *, network=None) -> Fetched     raises FetchError
    policy_for(kind, settings) -> FetchPolicy           the operator's limits for a kind
    FetchPolicy(kind, max_bytes, total_seconds, connect_seconds, read_seconds,
                max_redirects, allow_private, user_agent)
    FetchKind.PAGE | FEED | ATTACHMENT                  which content types are accepted
    Fetched(requested_url, final_url, status, content_type, charset, body)
    FetchError(UserFacingError)                         .transient: worth retrying later
    parse_feed(body, url, charset=None) -> Feed        raises FeedError   (bot/fetch/feeds.py)
    Feed(title, link, entries: tuple[FeedEntry, ...])
    FeedEntry(id, link, title, author, published)       published: ISO 8601 UTC or None
    new_entries(entries, seen_ids, limit=None) -> tuple[FeedEntry, ...]   oldest first
    add_limiter(adds=10, seconds=600, clock=...) -> Cooldown   per-server limit on adding

What a fetch enforces: http and https only, no user:password in links; connect and read
time-outs and a total deadline (name lookups included) that a slowly trickling server
cannot stretch; a size cap on
the bytes received and on the bytes after gzip/deflate decoding, checked while reading;
the content types of the kind; at most 5 redirects, each re-checked like the first URL; no
private, loopback, link-local, shared, reserved, multicast, unspecified or cloud metadata
address (IPv4, IPv6, and IPv4 inside IPv6), checked on the addresses the name resolves to,
on every hop, with the connection made to the checked address (no second DNS lookup) while
TLS verifies the certificate for the host name; `allow_private` lifts the ban on private,
loopback and link-local addresses (never on metadata, multicast, reserved or unspecified
ones). Environment proxies (HTTP_PROXY) are not used: a proxy would connect on our behalf to
addresses we never checked.

Why httpcore: it is the well-kept HTTP/1.1 engine under httpx (by Encode), and its public
`NetworkBackend` interface is the one place where a connection's address can be chosen,
after the check, while TLS still gets the real host name; urllib3 needs a private method
overridden for that, and requests and httpx follow redirects and read proxy settings that
would both have to be turned off. Redirects are followed here, one checked hop at a time.
"""

from bot.fetch.client import Fetched, checked_url, fetch
from bot.fetch.errors import FetchError
from bot.fetch.feeds import Feed, FeedEntry, FeedError, new_entries, parse_feed
from bot.fetch.limits import add_limiter
from bot.fetch.network import Network
from bot.fetch.policy import FetchKind, FetchPolicy, policy_for, user_agent

__all__ = [
    "Feed",
    "FeedEntry",
    "FeedError",
    "FetchError",
    "FetchKind",
    "FetchPolicy",
    "Fetched",
    "Network",
    "add_limiter",
    "checked_url",
    "fetch",
    "new_entries",
    "parse_feed",
    "policy_for",
    "user_agent",
]
