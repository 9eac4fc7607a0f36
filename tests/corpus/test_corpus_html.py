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
