"""https: the connection goes to the checked address, TLS verifies the host name.

trustme makes a throw-away certificate authority and a certificate for `news.example`; the
local site serves it on 127.0.0.1, and the stand-in internet routes news.example's public
address there.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme
from local_net import PUBLIC, internet, policy
from local_site import PAGE, Site, serve

from bot.fetch import FetchError, Network, fetch

CLOSED = policy(allow_private=False)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_site(authority: trustme.CA) -> Iterator[tuple[Site, list[str | None]]]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("news.example").configure_cert(server)
    names: list[str | None] = []

    def remember(sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        names.append(name)

    server.sni_callback = remember  # type: ignore[assignment]
    with serve(tls=server) as running:
        yield running, names


def _trusting(authority: trustme.CA, names: dict[str, str]) -> Network:
    client = ssl.create_default_context()
    authority.configure_trust(client)
    routed = internet(names)
    return Network(routed.resolve, routed.connect, client)


def test_https_to_the_checked_address_verifies_the_host_name_and_sends_it_as_sni(
    tls_site, authority
):
    site, names = tls_site
    network = _trusting(authority, {"news.example": PUBLIC})
    got = fetch(site.url("/page", host="news.example"), CLOSED, network=network)
    assert got.body == PAGE
    assert names == ["news.example"]


def test_a_certificate_for_another_name_is_refused(tls_site, authority):
    site, _ = tls_site
    network = _trusting(authority, {"other.example": PUBLIC})
    with pytest.raises(FetchError, match=r"other\.example's certificate could not be verified"):
        fetch(site.url("/page", host="other.example"), CLOSED, network=network)


def test_a_certificate_from_an_unknown_authority_is_refused(tls_site):
    site, _ = tls_site
    with pytest.raises(FetchError, match="certificate could not be verified"):
        fetch(
            site.url("/page", host="news.example"),
            CLOSED,
            network=internet({"news.example": PUBLIC}),
        )
