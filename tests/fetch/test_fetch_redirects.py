"""Redirects: followed up to five, each one checked, loops caught."""

from __future__ import annotations

import pytest
from local_net import SYSTEM_NAMES, policy
from local_site import PAGE

from bot.fetch import FetchError, fetch


def test_five_redirects_are_followed_to_the_page(site):
    got = fetch(site.url("/chain/5"), policy(), network=SYSTEM_NAMES)
    assert (got.requested_url, got.final_url, got.body) == (
        site.url("/chain/5"),
        site.url("/page"),
        PAGE,
    )


def test_a_sixth_redirect_is_refused(site):
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        fetch(site.url("/chain/6"), policy(), network=SYSTEM_NAMES)
    assert [path for path, _ in site.requests] == [f"/chain/{n}" for n in range(6, 0, -1)]


def test_a_lower_redirect_limit_is_kept(site):
    with pytest.raises(FetchError, match="redirects more than 2 times"):
        fetch(site.url("/chain/3"), policy(max_redirects=2), network=SYSTEM_NAMES)


def test_a_redirect_loop_is_named_as_such(site):
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch(site.url("/loop-a"), policy(), network=SYSTEM_NAMES)
    assert len(site.requests) == 2


def test_a_relative_redirect_resolves_against_the_page_and_drops_the_fragment(site):
    got = fetch(site.url("/to-relative"), policy(), network=SYSTEM_NAMES)
    assert got.final_url == site.url("/page?x=1")


def test_a_redirect_that_says_nowhere_is_an_error(site):
    with pytest.raises(FetchError, match="without saying where"):
        fetch(site.url("/nowhere"), policy(), network=SYSTEM_NAMES)


def test_the_requested_url_is_given_back_in_canonical_form(site):
    got = fetch(f"  HTTP://127.0.0.1:{site.port}/page#section  ", policy(), network=SYSTEM_NAMES)
    assert got.requested_url == got.final_url == site.url("/page")
