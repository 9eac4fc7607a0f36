"""fetch() on a real local server: what it returns, and the limits it keeps."""

from __future__ import annotations

import re
import time

import pytest
from local_net import SYSTEM_NAMES, policy
from local_site import PAGE

from bot.fetch import FetchError, FetchKind, Network, fetch


def test_a_page_is_fetched_with_its_type_and_charset(site):
    got = fetch(site.url("/page"), policy(), network=SYSTEM_NAMES)
    assert got.requested_url == got.final_url == site.url("/page")
    assert (got.status, got.content_type, got.charset, got.body) == (
        200,
        "text/html",
        "utf-8",
        PAGE,
    )


def test_the_user_agent_names_the_bot(site):
    fetch(site.url("/page"), policy(), network=SYSTEM_NAMES)
    agent = site.requests[-1][1]["user-agent"]
    assert agent.startswith("citebot/") and "Discord bot" in agent


def test_plain_text_keeps_the_charset_the_server_named(site):
    got = fetch(site.url("/plain"), policy(), network=SYSTEM_NAMES)
    assert got.content_type == "text/plain" and got.charset == "iso-8859-1"
    assert got.body.decode(got.charset) == "Plain text, café.\n"


def test_a_gzip_page_arrives_decompressed(site):
    got = fetch(site.url("/gzip-page"), policy(), network=SYSTEM_NAMES)
    assert got.body == PAGE


@pytest.mark.parametrize(
    ("path", "kind", "message"),
    [
        ("/image", FetchKind.PAGE, "sent image/png, not a web page"),
        ("/no-type", FetchKind.PAGE, "127.0.0.1 sent content of no stated type, not a web page"),
        ("/page", FetchKind.FEED, "sent text/html, not an RSS or Atom feed"),
        ("/feed/rss", FetchKind.PAGE, "sent application/rss+xml, not a web page"),
        ("/image", FetchKind.ATTACHMENT, "not a text file"),
    ],
)
def test_a_wrong_content_type_is_refused(site, path, kind, message):
    with pytest.raises(FetchError, match=re.escape(message)) as caught:
        fetch(site.url(path), policy(kind), network=SYSTEM_NAMES)
    assert not caught.value.transient


@pytest.mark.parametrize(("path", "transient"), [("/404", False), ("/500", True)])
def test_an_http_error_is_reported_and_only_a_server_error_is_worth_retrying(site, path, transient):
    with pytest.raises(FetchError, match=f"HTTP error {path[1:]}") as caught:
        fetch(site.url(path), policy(), network=SYSTEM_NAMES)
    assert caught.value.transient is transient


def test_a_huge_page_is_cut_off_at_the_cap_without_reading_it_all(site):
    with pytest.raises(FetchError, match="larger than the 100 KB limit"):
        fetch(site.url("/huge"), policy(max_bytes=100 * 1024), network=SYSTEM_NAMES)
    # The server offered 200 MB; it got to send only what the socket buffers held when the
    # fetcher hung up (a few MB at most on loopback), not the whole body.
    deadline = time.monotonic() + 5
    while "/huge" not in site.bytes_sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert site.bytes_sent["/huge"] < 32 * 1024 * 1024


def test_a_declared_size_over_the_cap_is_refused_before_reading(site):
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the 1 MB limit"):
        fetch(site.url("/huge-declared"), policy(max_bytes=1024 * 1024), network=SYSTEM_NAMES)
    assert time.monotonic() - started < 2  # the server then stalls for 3 s: not waited for


def test_a_gzip_bomb_is_cut_off_at_the_cap_after_decompression(site):
    with pytest.raises(FetchError, match="larger than the 1 MB limit"):
        fetch(site.url("/gzip-bomb"), policy(max_bytes=1024 * 1024), network=SYSTEM_NAMES)


def test_an_encoding_that_was_not_asked_for_is_refused(site):
    with pytest.raises(FetchError, match="compressed as 'br'"):
        fetch(site.url("/brotli"), policy(), network=SYSTEM_NAMES)


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_a_trickling_server_is_cut_off_at_the_total_deadline(site, path):
    # Each byte comes within the 2 s read time-out; only the total deadline stops it.
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1\.5 seconds") as caught:
        fetch(site.url(path), policy(total_seconds=1.5), network=SYSTEM_NAMES)
    assert 1.4 < time.monotonic() - started < 2.5
    assert caught.value.transient


def test_a_server_that_stops_sending_hits_the_read_timeout(site):
    started = time.monotonic()
    with pytest.raises(FetchError, match="stopped answering"):
        fetch(
            site.url("/huge-declared"),
            policy(read_seconds=0.5, max_bytes=300 * 1024 * 1024),
            network=SYSTEM_NAMES,
        )
    assert time.monotonic() - started < 2


def test_a_closed_port_is_a_transient_connection_failure():
    with pytest.raises(FetchError, match=r"Could not connect to 127\.0\.0\.1") as caught:
        fetch("http://127.0.0.1:9/", policy(), network=SYSTEM_NAMES)
    assert caught.value.transient


def test_spaces_and_non_ascii_letters_in_a_link_are_sent_percent_encoded(site):
    with pytest.raises(FetchError, match="HTTP error 404"):
        fetch(site.url("/Straße Nord?q=über"), policy(), network=SYSTEM_NAMES)
    assert site.requests[-1][0] == "/Stra%C3%9Fe%20Nord?q=%C3%BCber"


def test_a_name_that_takes_too_long_to_resolve_is_cut_off_at_the_deadline(site):
    def slow_dns(host: str, port: int) -> list[str]:
        time.sleep(3)
        return ["127.0.0.1"]

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"slow\.example took longer than 0\.5 seconds"):
        fetch(
            site.url("/page", host="slow.example"),
            policy(total_seconds=0.5),
            network=Network(slow_dns, SYSTEM_NAMES.connect),
        )
    assert time.monotonic() - started < 1.5
