"""Adding a web page by its address: fetched through bot.fetch from a local server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from collection_site import Pages, serving

from bot.collections import AlreadyAdded, Overrides, add_article, collection, open_collection
from bot.collections.pages import fetch_page
from bot.fetch import FetchError, FetchKind, policy_for

NEWS_PAGE = (Path(__file__).parent.parent / "corpus" / "fixtures" / "news-page.html").read_bytes()
GREEK = "<html><head><title>Νέα</title></head><body><article><p>{}</p></article></body></html>"
GREEK_TEXT = (
    "Το καφενείο στην προκυμαία άνοιξε ξανά τη Δευτέρα μετά από έναν χειμώνα επισκευών,"
    " και οι ιδιοκτήτες είπαν ότι η πρώτη εβδομάδα είχε περισσότερο κόσμο από κάθε καλοκαίρι."
)

PAGES: Pages = {
    "/news/ferry": (200, "text/html; charset=utf-8", NEWS_PAGE, {}),
    "/old-link": (301, "text/html", b"", {"Location": "/news/ferry"}),
    "/greek": (
        200,
        "text/html; charset=iso-8859-7",
        GREEK.format(GREEK_TEXT).encode("iso-8859-7"),
        {},
    ),
    "/notes.txt": (
        200,
        "text/plain",
        b"Notes\n\nThe river flooded the lower town twice in May.",
        {},
    ),
    "/picture": (200, "image/png", b"\x89PNG\r\n", {}),
}


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving(PAGES) as url:
        yield url


@pytest.fixture
def policy(settings):
    return policy_for(FetchKind.PAGE, replace(settings, fetch_allow_private=True))


def test_a_page_added_by_address_is_read_as_html_and_cites_its_address(settings, site, policy):
    target = collection(settings, "server-1")
    report = add_article(
        target, fetch_page(f"{site}/news/ferry", policy), Overrides(author="Jo Doe")
    )
    assert (report.title, report.author, report.paragraphs) == (
        "Harbour town votes to keep its ferry",
        "Jo Doe",
        4,
    )
    assert report.url == f"{site}/news/ferry"
    index = open_collection(target)
    assert index.article(report.article_id).url == f"{site}/news/ferry"


def test_an_address_that_redirects_to_an_added_page_names_it(settings, site, policy):
    target = collection(settings, "server-1")
    first = add_article(target, fetch_page(f"{site}/news/ferry", policy))
    with pytest.raises(AlreadyAdded) as caught:
        add_article(target, fetch_page(f"{site}/old-link", policy))
    assert caught.value.existing.article_id == first.article_id


def test_a_page_in_another_charset_is_saved_as_utf8(settings, site, policy):
    report = add_article(collection(settings, "server-1"), fetch_page(f"{site}/greek", policy))
    assert report.first_paragraph == GREEK_TEXT


def test_a_text_page_is_saved_as_text(settings, site, policy):
    target = collection(settings, "server-1")
    report = add_article(target, fetch_page(f"{site}/notes.txt", policy))
    assert (target.folder / f"{report.article_id}.txt").is_file()
    assert report.paragraphs == 1


@pytest.mark.parametrize(("path", "message"), [("/picture", "image"), ("/missing", "404")])
def test_what_is_not_a_page_is_refused_and_nothing_is_saved(settings, site, policy, path, message):
    target = collection(settings, "server-1")
    with pytest.raises(FetchError, match=message):
        add_article(target, fetch_page(f"{site}{path}", policy))
    assert not target.folder.exists()


def test_a_local_address_is_refused_without_the_allowance(settings, site):
    with pytest.raises(FetchError):
        fetch_page(f"{site}/news/ferry", policy_for(FetchKind.PAGE, settings))
