"""Feeds: RSS and Atom fetched from the local site, parsed into entries; new ones picked."""

from __future__ import annotations

from pathlib import Path

import pytest
from local_net import SYSTEM_NAMES, policy

from bot.fetch import FeedEntry, FeedError, FetchKind, fetch, new_entries, parse_feed

FEEDS = Path(__file__).parent / "feeds"


def _fetch_feed(site, path):
    got = fetch(site.url(path), policy(FetchKind.FEED), network=SYSTEM_NAMES)
    return parse_feed(got.body, got.final_url, got.charset)


def test_an_rss_feed_gives_its_entries_with_absolute_links_and_utc_dates(site):
    feed = _fetch_feed(site, "/feed/rss")
    assert (feed.title, feed.link) == ("Harbour News", "https://news.example/")
    assert feed.entries == (
        FeedEntry(
            "harbour-1002",
            "https://news.example/2024/ferry-timetable",
            "Ferry timetable changes in May",
            "Ana Souza",
            "2024-05-02T06:30:00+00:00",
        ),
        FeedEntry(
            "harbour-1001",
            site.url("/2024/lighthouse"),  # relative: resolved against the feed's URL
            "Lighthouse reopens after repairs",
            "Tom Berg",  # from "desk@news.example (Tom Berg)"
            "2024-05-01T12:00:00+00:00",
        ),
    )  # the item without a link is left out: there is nothing to fetch


def test_an_atom_feed_gives_its_entries(site):
    feed = _fetch_feed(site, "/feed/atom")
    assert feed.title == "Field Notes"
    assert [(e.id, e.link, e.author, e.published) for e in feed.entries] == [
        (
            "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
            "https://notes.example/swifts",
            "Mira Okafor",
            "2024-03-10T09:00:00+00:00",
        ),
        (
            "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6b",
            "https://notes.example/undated",
            "",
            None,
        ),
    ]


def test_a_malformed_feed_is_an_error_with_a_short_reason(site):
    with pytest.raises(FeedError, match=r"^The feed is malformed: [a-z ]+\.$"):
        _fetch_feed(site, "/feed/malformed")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"just some words",
        b"<html><body><p>A page, not a feed.</p></body></html>",
        b"\xff\xfe\x00<<",
    ],
)
def test_a_document_that_is_not_a_feed_is_an_error(body):
    with pytest.raises(FeedError):
        parse_feed(body, "https://news.example/feed")


def test_a_feed_with_a_small_fault_but_usable_entries_is_accepted():
    # An unescaped "&" makes the XML invalid; feedparser's lenient parser still reads it.
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Fish & chips</title>'
        b"<item><title>Cod & haddock</title><link>https://news.example/cod</link></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, "https://news.example/feed")
    assert [(e.title, e.link) for e in feed.entries] == [
        ("Cod & haddock", "https://news.example/cod")
    ]


def test_a_body_naming_a_local_file_is_not_opened(tmp_path):
    # feedparser opens bytes that name an existing file: a "feed" saying /etc/passwd must not
    # be read from disk.
    local = tmp_path / "feed.xml"
    local.write_bytes((FEEDS / "rss.xml").read_bytes())
    with pytest.raises(FeedError):
        parse_feed(str(local).encode(), "https://news.example/feed")


def test_a_body_that_is_a_url_is_not_fetched():
    with pytest.raises(FeedError):
        parse_feed(b"http://127.0.0.1:9/feed", "https://news.example/feed")


def _entry(n: int, published: str | None = None) -> FeedEntry:
    return FeedEntry(f"id-{n}", f"https://news.example/{n}", f"Entry {n}", "", published)


def test_new_entries_leave_out_the_seen_ones_and_come_oldest_first_by_date():
    entries = [
        _entry(1, "2024-05-01T00:00:00+00:00"),
        _entry(3, "2024-05-03T00:00:00+00:00"),
        _entry(2, "2024-05-02T00:00:00+00:00"),
    ]
    assert new_entries(entries, {"id-2"}) == (entries[0], entries[1])


def test_new_entries_without_dates_take_the_document_as_newest_first():
    entries = [_entry(3), _entry(2, "2024-05-02T00:00:00+00:00"), _entry(1)]
    assert [e.id for e in new_entries(entries, set())] == ["id-1", "id-2", "id-3"]


def test_new_entries_keep_only_the_newest_when_limited_and_count_a_repeated_id_once():
    entries = [_entry(3), _entry(3), _entry(2), _entry(1)]
    assert [e.id for e in new_entries(entries, set(), limit=2)] == ["id-2", "id-3"]
    assert new_entries(entries, {"id-1", "id-2", "id-3"}) == ()
