"""HTML pages whose header (headline, standfirst, byline, tags) trafilatura keeps as text."""

from __future__ import annotations

import pytest

from bot.corpus import parse_article
from bot.corpus.htmlmeta import clean_author

BODY = "".join(
    f"<p>Paragraph {n} about the ferry explains what changed this year and why the council "
    "thinks the money is well spent on the harbour and its ferry.</p>"
    for n in range(5)
)


def _page(head: str, top: str) -> bytes:
    return (f"<html><head>{head}</head><body><article>{top}{BODY}</article></body></html>").encode()


def test_the_title_repeated_with_curly_quotes_is_not_text() -> None:
    head = '<title>Ferry "Burned Her Up" Inquiry</title>'
    article = parse_article("page", _page(head, "<p>Ferry “Burned Her Up” Inquiry</p>"), ".html")
    assert article.paragraphs[0].startswith("Paragraph 0")


def test_the_standfirst_and_byline_above_the_text_are_not_text() -> None:
    head = '<title>Ferry plan</title><meta name="author" content="Richard Eskow">'
    top = (
        "<p>Councils talk a good game about ferries. The harbour is just a budget line</p>"
        "<p>Richard (R.J.) Eskow</p>"
        "<p>Topics: ferries, harbour, council budget, Editor's Picks</p>"
    )
    article = parse_article("page", _page(head, top), ".html")
    assert article.author == "Richard Eskow"
    assert article.paragraphs[0].startswith("Paragraph 0")
    assert len(article.paragraphs) == 5


def test_a_paragraph_that_only_mentions_the_author_stays() -> None:
    head = '<title>Ferry plan</title><meta name="author" content="Sam Lee">'
    top = "<p>Sam Lee has covered the harbour for ten years and rode every ferry it has.</p>"
    article = parse_article("page", _page(head, top), ".html")
    assert article.paragraphs[0].startswith("Sam Lee has covered the harbour")


def test_the_writers_signature_under_the_post_is_not_text() -> None:
    head = '<title>Ferry plan</title><meta name="author" content="Bradley M. Kuhn">'
    html = (
        f"<html><head>{head}</head><body><article>{BODY}"
        "<p>Bradley M. Kuhn &lt;bkuhn@example.org&gt;</p></article></body></html>"
    )
    article = parse_article("page", html.encode(), ".html")
    assert article.paragraphs[-1].startswith("Paragraph 4")


def test_a_long_paragraph_above_the_byline_line_stays_text() -> None:
    head = '<title>Ferry plan</title><meta name="author" content="Sam Lee">'
    lead = (
        "<p>The council met on Monday night and, after three hours of questions from the "
        "residents of the harbour and the islands, agreed the new timetable for the ferry "
        "that has carried cars and people across the sound since before the war ended.</p>"
    )
    article = parse_article("page", _page(head, f"{lead}<p>Sam Lee</p>"), ".html")
    assert article.paragraphs[0].startswith("The council met on Monday night")
    assert "Sam Lee" not in article.paragraphs


@pytest.mark.parametrize(
    ("printed", "author"),
    [
        ("Ben Silverman Games Editor", "Ben Silverman"),
        ("Jane Doe Reporter", "Jane Doe"),
        ("Eleanor Ainge Roy", "Eleanor Ainge Roy"),
    ],
)
def test_the_job_title_printed_with_the_authors_name_is_not_the_name(
    printed: str, author: str
) -> None:
    assert clean_author(printed) == author
