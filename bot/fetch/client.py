"""fetch(): one URL to one checked, size-capped, content-checked response body."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpcore

from bot.fetch.body import ACCEPT_ENCODING, read_capped, size_text
from bot.fetch.errors import FetchError
from bot.fetch.network import Deadline, DeadlinePassed, GuardedBackend, Network
from bot.fetch.policy import ACCEPT_HEADERS, KIND_NAMES, NOUNS, FetchPolicy, user_agent

log = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_URL_CHARS = 2048
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"


@dataclass(frozen=True)
class Fetched:
    """A fetched body and what the server said about it."""

    requested_url: str  # as checked_url() writes it: the same link always reads the same
    final_url: str  # after redirects, written the same way
    status: int
    content_type: str  # the media type alone, lower case: "text/html"
    charset: str | None  # from the Content-Type header, when it names one
    body: bytes  # decompressed, at most the policy's max_bytes


def fetch(url: str, policy: FetchPolicy, *, network: Network | None = None) -> Fetched:
    """Fetch `url` under `policy`, following up to `policy.max_redirects` redirects.

    Synchronous: call it from a worker thread in async code. Raises FetchError, with a
    one-line message for the user, for anything the policy refuses or the server fails.
    """
    network = network or Network()
    deadline = Deadline(policy.total_seconds)
    backend = GuardedBackend(network, policy.allow_private, deadline)
    requested = current = checked_url(url)
    # Certificates and host names are verified (certifi's roots unless the network says).
    tls = network.ssl_context or _default_tls()
    with httpcore.ConnectionPool(ssl_context=tls, network_backend=backend, retries=0) as pool:
        seen = {current}
        for _ in range(policy.max_redirects + 1):
            result = _guarded_get(pool, current, policy, deadline)
            if isinstance(result, Fetched):
                log.debug("fetched %s (%d bytes)", result.final_url, len(result.body))
                return replace(result, requested_url=requested)
            if result in seen:
                raise FetchError(f"{_host(url)} redirects in a loop.")
            seen.add(result)
            current = result
    raise FetchError(f"{_host(url)} redirects more than {policy.max_redirects} times.")


def checked_url(url: str) -> str:
    """`url` made canonical (IDNA host, no fragment), or FetchError if it cannot be fetched."""
    url = url.strip()
    if len(url) > MAX_URL_CHARS:
        raise FetchError(f"The link is longer than {MAX_URL_CHARS} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise FetchError("That is not a valid web address.") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchError("Only http:// and https:// links can be fetched.")
    if not host:
        raise FetchError("That link has no server name.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("Links with a user name or password are not fetched.")
    netloc = f"[{host}]" if ":" in host else host
    netloc += "" if port is None else f":{port}"
    # Spaces and non-ASCII letters are sent percent-encoded, as browsers do; escapes already
    # in the link are kept as written.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    query = quote(parts.query, safe=_PATH_SAFE + "?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


def _guarded_get(
    pool: httpcore.ConnectionPool, url: str, policy: FetchPolicy, deadline: Deadline
) -> Fetched | str:
    """One request: the Fetched result or the next URL; network failures as FetchError."""
    host = _host(url)
    try:
        return _get(pool, url, policy)
    except DeadlinePassed:
        raise _too_slow(host, policy) from None
    except httpcore.TimeoutException:
        if deadline.passed():
            raise _too_slow(host, policy) from None
        raise FetchError(f"{host} stopped answering.", transient=True) from None
    except httpcore.ConnectError as exc:
        if isinstance(exc.__context__, ssl.SSLCertVerificationError):
            raise FetchError(f"{host}'s certificate could not be verified.") from None
        raise FetchError(f"Could not connect to {host}.", transient=True) from None
    except httpcore.ProtocolError:
        raise FetchError(f"{host} sent a response that is not valid HTTP.") from None
    except httpcore.NetworkError:
        raise FetchError(f"The connection to {host} broke off.", transient=True) from None


def _get(pool: httpcore.ConnectionPool, url: str, policy: FetchPolicy) -> Fetched | str:
    timeouts = {
        "connect": policy.connect_seconds,
        "read": policy.read_seconds,
        "write": policy.read_seconds,
        "pool": policy.connect_seconds,
    }
    with pool.stream(
        "GET", url, headers=_headers(url, policy), extensions={"timeout": timeouts}
    ) as response:
        header = _header_reader(response)
        if response.status in REDIRECTS:
            return _redirect_target(url, header("location"))
        _check_status(url, response.status)
        media_type, charset = _content_type(url, header("content-type"), policy)
        what = NOUNS[policy.kind]
        length = header("content-length")
        if length.isdigit() and int(length) > policy.max_bytes:
            raise FetchError(f"The {what} is larger than the {size_text(policy.max_bytes)} limit.")
        chunks = response.iter_stream()
        body = read_capped(chunks, header("content-encoding"), policy.max_bytes, what)
        return Fetched(url, url, response.status, media_type, charset, body)


def _headers(url: str, policy: FetchPolicy) -> list[tuple[str, str]]:
    return [
        ("Host", urlsplit(url).netloc),
        ("User-Agent", policy.user_agent or user_agent()),
        ("Accept", ACCEPT_HEADERS[policy.kind]),
        ("Accept-Encoding", ACCEPT_ENCODING),
    ]


def _header_reader(response: httpcore.Response) -> Callable[[str], str]:
    def header(name: str) -> str:
        for key, value in response.headers:
            if key.decode("latin-1").lower() == name:
                return value.decode("latin-1").strip()
        return ""

    return header


def _redirect_target(url: str, location: str) -> str:
    if not location:
        raise FetchError(f"{_host(url)} redirects without saying where to.")
    return checked_url(urljoin(url, location))  # scheme and host re-checked on every hop


def _check_status(url: str, status: int) -> None:
    if 200 <= status < 300:
        return
    # Server errors and "too many requests" may pass; a missing page will not.
    transient = status >= 500 or status in {408, 429}
    raise FetchError(f"{_host(url)} answered with HTTP error {status}.", transient=transient)


def _content_type(url: str, raw: str, policy: FetchPolicy) -> tuple[str, str | None]:
    media_type, _, params = raw.partition(";")
    media_type = media_type.strip().lower()
    if media_type not in policy.accepted_types:
        shown = media_type or "content of no stated type"
        raise FetchError(f"{_host(url)} sent {shown}, not {KIND_NAMES[policy.kind]}.")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"').lower()
    return media_type, charset


def _too_slow(host: str, policy: FetchPolicy) -> FetchError:
    return FetchError(
        f"{host} took longer than {policy.total_seconds:g} seconds to send it.", transient=True
    )


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


@lru_cache(maxsize=1)
def _default_tls() -> ssl.SSLContext:
    # Loading certifi's roots takes tens of milliseconds; one context serves every thread.
    return httpcore.default_ssl_context()
