"""Which addresses a fetch may connect to, decided on the addresses a name resolves to.

A name is resolved once, every address it resolves to is checked, and the connection is
made to a checked address (bot/fetch/network.py): there is no second lookup that a DNS
rebinding attack could answer differently. Matching host names as strings ("localhost",
"127.0.0.1") would miss `127.1`, `0x7f.1`, `[::ffff:127.0.0.1]` and any public name
that points inside.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

from bot.fetch.errors import FetchError

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

# Cloud instance metadata services hand out credentials: refused even when the operator
# allows private addresses, since no article lives there.
METADATA_ADDRESSES = frozenset(
    ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, Google Cloud, Azure, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS container task metadata
        "fd00:ec2::254",  # AWS metadata over IPv6
        "100.100.100.200",  # Alibaba Cloud
    )
)
# IPv6 ranges that carry an IPv4 address inside: the IPv4 address is the one reached.
_NAT64 = IPv6Network("64:ff9b::/96")
_SIXTOFOUR = IPv6Network("2002::/16")


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host` (IPv4 and IPv6), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    # Drop an IPv6 scope ("fe80::1%eth0"): the address, not the interface, is checked.
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def refusal(address: IPAddress, allow_private: bool) -> str | None:
    """Why a fetch may not connect to `address`, or None when it may."""
    inner = _embedded_ipv4(address) or address
    if (
        inner in METADATA_ADDRESSES
        or inner.is_unspecified
        or inner.is_multicast
        or (inner.is_reserved and not inner.is_loopback)  # ::1 lies in IPv6's reserved ::/8
    ):
        return "a reserved, multicast or cloud metadata address"
    if inner.is_global or allow_private:
        return None
    return "a private or local network address"


def checked_addresses(
    host: str, port: int, resolve: Resolver, allow_private: bool
) -> list[IPAddress]:
    """`host`'s addresses, all of them allowed, or FetchError naming the host only."""
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [ip_address(a) for a in resolve(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise FetchError(f"Could not find the server {host}.", transient=True) from None
        if not addresses:
            raise FetchError(f"Could not find the server {host}.", transient=True)
    # One bad address refuses the name: a name that resolves to both a public and a private
    # address could be tried on the private one when the public one fails.
    for address in addresses:
        reason = refusal(address, allow_private)
        if reason is not None:
            # The address itself is not shown: it would reveal the inside of the network.
            raise FetchError(f"{host} is {reason}: citebot does not fetch from it.")
    return addresses


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def _embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _SIXTOFOUR:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None
