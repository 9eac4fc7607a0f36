"""The only way a fetch reaches the network: checked addresses, under one deadline.

httpcore hands every new connection to a network backend with the URL's host name; this
backend resolves the name once, checks every address (bot/fetch/addresses.py) and connects
to a checked address. httpcore still gives the real host name to TLS, so the certificate
is verified for the name (SNI and hostname check), not for the address.

Every read, write, TLS handshake and connect is given at most the time left before the
fetch's deadline, so a server that trickles a byte a second, in the headers or the body,
is cut off at the deadline rather than at each read's time-out.
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import httpcore

from bot.fetch.addresses import Resolver, checked_addresses, system_resolve
from bot.fetch.errors import FetchError

Connector = Callable[[str, int, float | None], httpcore.NetworkStream]


def system_connect(address: str, port: int, timeout: float | None) -> httpcore.NetworkStream:
    """A TCP connection to `address` (an IP address, never a name)."""
    return httpcore.SyncBackend().connect_tcp(address, port, timeout=timeout)


@dataclass(frozen=True)
class Network:
    """How names are resolved, connections opened and certificates trusted.

    The default is the system's resolver and certifi's roots; tests pass a local stand-in.
    """

    resolve: Resolver = system_resolve
    connect: Connector = system_connect
    ssl_context: ssl.SSLContext | None = None  # None: httpcore's default, certifi's roots


class DeadlinePassed(Exception):
    """The fetch's total time ran out (turned into a FetchError naming the host)."""


class Deadline:
    """The end of a fetch's time, on a monotonic clock."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._end = clock() + seconds

    def passed(self) -> bool:
        """True once the time is up."""
        return self._clock() >= self._end

    def clamp(self, timeout: float | None) -> float:
        """`timeout` cut to the time left, or DeadlinePassed when none is left."""
        left = self._end - self._clock()
        if left <= 0:
            raise DeadlinePassed
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, self._deadline.clamp(timeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


def _resolve_within(resolve: Resolver, deadline: Deadline, host: str, port: int) -> Sequence[str]:
    """`resolve(host, port)`, or DeadlinePassed if it is still waiting when time is up.

    The system resolver has no time-out of its own to give (it waits as long as resolv.conf
    says, for each server), so it runs in a thread of its own that is left to finish.
    """
    answer: list[Sequence[str] | BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            answer.append(resolve(host, port))
        except BaseException as exc:  # handed over to the waiting thread
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="citebot-resolve", daemon=True).start()
    if not done.wait(deadline.clamp(None)):
        raise DeadlinePassed
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return answer[0]


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to checked addresses, and only before the deadline."""

    def __init__(self, network: Network, allow_private: bool, deadline: Deadline) -> None:
        self._network = network
        self._allow_private = allow_private
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        resolve = partial(_resolve_within, self._network.resolve, self._deadline)
        addresses = checked_addresses(host, port, resolve, self._allow_private)
        failure: Exception | None = None
        for address in addresses:  # in the resolver's order, as the system would
            try:
                stream = self._network.connect(str(address), port, self._deadline.clamp(timeout))
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert failure is not None  # checked_addresses never returns an empty list
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchError("citebot fetches over the network only.")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)
