"""A stand-in internet for the fetch tests, with its own DNS, that never leaves 127.0.0.1.

Names resolve through the test's own table (never through real DNS; `localhost` through the
system resolver, which answers it from /etc/hosts), and every connection is checked to go
to loopback: a broken address check fails the test with LeftTheMachine instead of sending
a packet to 10.0.0.1 or 169.254.169.254.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_address

import httpcore

from bot.fetch import FetchKind, FetchPolicy, Network
from bot.fetch.addresses import system_resolve
from bot.fetch.network import Connector, system_connect

# A public address (example.com's) that the stand-in internet routes to the local site.
PUBLIC = "93.184.216.34"


class LeftTheMachine(AssertionError):
    """A connection to an address that is not on this machine was attempted."""


def loopback_only(routes: Mapping[str, str] | None = None) -> Connector:
    """A connector that reaches only loopback, after routing `routes` (public -> local)."""

    def connect(address: str, port: int, timeout: float | None) -> httpcore.NetworkStream:
        target = (routes or {}).get(address, address)
        if not ip_address(target).is_loopback:
            raise LeftTheMachine(f"tried to connect to {address}")
        return system_connect(target, port, timeout)

    return connect


def internet(names: Mapping[str, str]) -> Network:
    """Names resolve through `names` only; the public address leads to the local site."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in names:
            raise OSError(f"no such name in the test's DNS: {host}")
        return [names[host]]

    return Network(resolve=resolve, connect=loopback_only({PUBLIC: "127.0.0.1"}))


# Real name resolution (for `localhost`), connections to loopback only.
SYSTEM_NAMES = Network(resolve=system_resolve, connect=loopback_only())


def policy(kind: FetchKind = FetchKind.PAGE, **changes: object) -> FetchPolicy:
    """Short time limits, private addresses allowed (the site is on 127.0.0.1)."""
    values: dict[str, object] = {
        "kind": kind,
        "allow_private": True,
        "total_seconds": 5.0,
        "connect_seconds": 2.0,
        "read_seconds": 2.0,
    }
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]
