"""HTML pages: main text and metadata through trafilatura, page furniture left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import ArticleError, parse_article

PAGE = Path(__file__).parent / "fixtures" / "news-page.html"


def test_html_page_gives_metadata_from_meta_tags() -> None:
    article = parse_article("news-page", PAGE.read_bytes(), ".html")
    assert article.title == "Harbour town votes to keep its ferry"
    assert article.author == "Maria Lopez"
    assert article.date == "2023-05-14T09:30"
    assert article.source == "Coastal Courier"
    assert article.url == "https://courier.example/news/harbour-ferry"


def test_html_page_body_is_the_article_paragraphs_only() -> None:
    article = parse_article("news-page", PAGE.read_bytes(), ".htm")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Residents of Port Ellen voted")
    assert article.paragraphs[-1].startswith("The new budget will replace")
    text = " ".join(article.paragraphs).lower()
    for furniture in ("cookie", "subscribe", "privacy", "all rights reserved", "sport"):
        assert furniture not in text


def test_html_without_article_text_is_rejected() -> None:
    # A page rendered by JavaScript: nothing to read without running it.
    page = (
        b"<html><head><title>App</title></head>"
        b'<body><div id="root"></div><script>render()</script></body></html>'
    )
    with pytest.raises(ArticleError, match="no article text found in HTML"):
        parse_article("empty", page, ".html")


def _page(head: str, byline: str, extra: str = "") -> bytes:
    body = "".join(
        f"<p>Paragraph {n} tells how the harbour council spent the ferry money this year, "
        "and what the residents who use the boat every day think about the new timetable.</p>"
        for n in range(6)
    )
    return (
        f"<html><head><title>Ferry money explained</title>{head}</head><body>"
        f"<nav><a href='/login'>{byline}</a></nav><article><h1>Ferry money explained</h1>"
        f"<div class='byline'>{byline}</div>{body}{extra}</article></body></html>"
    ).encode()


def test_html_author_declared_in_meta_wins_over_a_navigation_word() -> None:
    page = _page('<meta name="author" content="Maria Lopez">', "Username")
    assert parse_article("p", page, ".html").author == "Maria Lopez"


@pytest.mark.parametrize(
    ("declared", "author"),
    [
        ("Bradley M. Kuhn (http://example.org/bkuhn/)", "Bradley M. Kuhn"),
        ("By JEFFREY GETTLEMAN", "Jeffrey Gettleman"),
        ("Username", None),
        ("Jane Doe; JANE DOE", "Jane Doe"),
    ],
)
def test_html_author_is_one_person_once_in_their_own_case(declared: str, author) -> None:
    from bot.corpus.htmlmeta import clean_author

    assert clean_author(declared) == author


def test_html_teasers_under_a_related_marker_are_not_article_text() -> None:
    # Each teaser is a headline and a standfirst, as "Related" blocks show them.
    teasers = "<h2>Related stories</h2>" + "".join(
        f"<h3>Keeper number {n} retires</h3><p>The lighthouse keeper retires after forty years "
        "on the rock, and her successor has never seen a storm.</p>"
        for n in range(2)
    )
    article = parse_article("p", _page("", "", teasers), ".html")
    text = " ".join(article.paragraphs)
    assert "lighthouse" not in text
    assert "Ferry money explained" not in article.paragraphs
    assert len(article.paragraphs) == 6


def test_html_author_printed_under_the_headline_when_no_metadata_names_one() -> None:
    # The page's only author markup is a sign-in link; the byline is plain text.
    page = (
        _page("", "", "")
        .replace(b"<nav>", b"<nav><a rel='author' class='author' href='/login'>Username</a>")
        .replace(
            b"<div class='byline'></div>",
            b"<p>By <a href='/sam'>Sam Lee</a> March 18 at 3:57 PM Follow @samlee</p>",
        )
    )
    assert parse_article("p", page, ".html").author == "Sam Lee"
