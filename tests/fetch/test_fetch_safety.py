"""What fetch() refuses to reach, with the private-address allowance off.

Every test runs on a stand-in internet (local_net.py): a connection to anything but loopback
raises LeftTheMachine, so a removed check fails the test without sending a packet out.
"""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st
from local_net import PUBLIC, SYSTEM_NAMES, LeftTheMachine, internet, policy

from bot.fetch import FetchError, Network, fetch
from bot.fetch.addresses import refusal
from bot.fetch.network import system_connect

REFUSED = "citebot does not fetch from it"
CLOSED = policy(allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",  # shared address space (carrier-grade NAT)
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[fd00:ec2::254]/",
        "http://[ff02::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:7f00:1::1]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
    ],
)
def test_an_address_inside_the_network_is_refused(url):
    with pytest.raises(FetchError, match=REFUSED) as caught:
        fetch(url, CLOSED, network=internet({}))
    assert not caught.value.transient


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
def test_metadata_multicast_and_unspecified_addresses_stay_refused_when_private_is_allowed(url):
    with pytest.raises(FetchError, match="reserved, multicast or cloud metadata"):
        fetch(url, policy(allow_private=True), network=internet({}))


def test_localhost_is_refused_by_what_it_resolves_to(site):
    with pytest.raises(
        FetchError, match=f"localhost is a private or local network address.*{REFUSED}"
    ):
        fetch(site.url("/page", host="localhost"), CLOSED, network=SYSTEM_NAMES)
    # The same URL is fetched once private addresses are allowed: the name was resolved.
    assert fetch(site.url("/page", host="localhost"), policy(), network=SYSTEM_NAMES).status == 200


def test_a_numeric_spelling_of_loopback_is_caught_after_resolution(site):
    # "127.1" is no IP address to Python's ipaddress, but the resolver reads it as 127.0.0.1.
    with pytest.raises(FetchError, match=REFUSED):
        fetch(site.url("/page", host="127.1"), CLOSED, network=SYSTEM_NAMES)
    assert fetch(site.url("/page", host="127.1"), policy(), network=SYSTEM_NAMES).status == 200


def test_a_public_name_that_resolves_inside_is_refused(site):
    with pytest.raises(FetchError, match=f"innocent.example is a private.*{REFUSED}"):
        fetch(
            site.url("/page", host="innocent.example"),
            CLOSED,
            network=internet({"innocent.example": "10.1.2.3"}),
        )


def test_a_name_with_one_inside_address_among_public_ones_is_refused(site):
    def resolve(host: str, port: int) -> list[str]:
        return [PUBLIC, "127.0.0.1"]

    with pytest.raises(FetchError, match=REFUSED):
        fetch(
            site.url("/page", host="mixed.example"),
            CLOSED,
            network=Network(resolve, system_connect),
        )


def test_a_public_address_is_fetched(site):
    got = fetch(
        site.url("/page", host="news.example"), CLOSED, network=internet({"news.example": PUBLIC})
    )
    assert got.status == 200
    assert site.requests[-1][1]["host"] == f"news.example:{site.port}"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-loopback", f"127.0.0.1 is a private or local network address.*{REFUSED}"),
        ("/to-inside-name", f"inside.example is a private.*{REFUSED}"),
        ("/to-metadata", "169.254.169.254 is a reserved, multicast or cloud metadata"),
    ],
)
def test_a_redirect_from_a_public_site_to_an_inside_address_is_refused(site, path, message):
    network = internet({"news.example": PUBLIC, "inside.example": "127.0.0.1"})
    with pytest.raises(FetchError, match=message):
        fetch(site.url(path, host="news.example"), CLOSED, network=network)
    assert site.requests[-1][0] == path  # the first hop was made; the second never left


def test_the_name_is_resolved_once_and_the_connection_goes_to_the_checked_address(site):
    # A rebinding DNS answers a public address first and loopback after: a second lookup
    # (by the HTTP library, at connect time) would reach inside.
    answers = iter([PUBLIC, "127.0.0.1", "127.0.0.1"])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return [next(answers)]

    routed = internet({})
    got = fetch(
        site.url("/page", host="news.example"), CLOSED, network=Network(rebinding, routed.connect)
    )
    assert got.status == 200 and calls == ["news.example"]


def test_the_stand_in_internet_catches_a_connection_that_leaves_the_machine():
    # Guards the guard: with the check lifted, the test network itself stops the packet.
    with pytest.raises(LeftTheMachine):
        fetch("http://10.0.0.1/", policy(allow_private=True), network=internet({}))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://127.0.0.1/file", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("gopher://127.0.0.1/", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("data:text/html,<p>hi</p>", "Only http:// and https://"),
        ("127.0.0.1/page", "Only http:// and https://"),
        ("http:///page", "no server name"),
        ("http://user:secret@127.0.0.1/", "user name or password"),
        ("http://127.0.0.1:99999/", "not a valid web address"),
        ("http://" + "a" * 3000 + ".example/", "longer than 2048"),
    ],
)
def test_links_that_are_not_plain_http_are_refused_before_any_connection(url, message):
    with pytest.raises(FetchError, match=message):
        fetch(url, policy(), network=internet({}))


def test_a_redirect_to_another_scheme_is_refused(site):
    with pytest.raises(FetchError, match="Only http:// and https://"):
        fetch(site.url("/to-ftp"), policy(), network=SYSTEM_NAMES)


@given(
    st.one_of(
        st.text(max_size=80),
        st.builds(
            "{}://{}".format,
            st.sampled_from(["http", "https", "HTTP", "ftp"]),
            st.text(max_size=60),
        ),
    )
)
def test_any_text_as_a_link_ends_in_a_fetch_error_and_never_leaves_the_machine(text):
    # The stand-in DNS knows no name and loopback is refused: nothing may be fetched, and
    # every link, however odd, must end in the one error type the bot shows to users.
    with pytest.raises(FetchError):
        fetch(text, CLOSED, network=internet({}))


def test_loopback_is_allowed_when_private_addresses_are():
    assert refusal(ip_address("::1"), allow_private=True) is None
    assert refusal(ip_address("127.0.0.1"), allow_private=True) is None
    assert refusal(ip_address("::1"), allow_private=False) == "a private or local network address"
    assert refusal(ip_address("240.0.0.1"), allow_private=True) is not None
