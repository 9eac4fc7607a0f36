"""Whole pages and headline-down pastes: where the article is, its byline, date and title."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import parse_article
from bot.corpus.byline import parse_byline
from bot.corpus.dates import find_date

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def page():
    path = FIXTURES / "whole-page.txt"
    return parse_article(path.stem, path.read_bytes(), path.suffix)


def test_whole_page_paste_takes_the_headline_not_the_navigation(page) -> None:
    assert page.title == "Harbour towns turn old ferries into floating libraries"


def test_whole_page_paste_reads_an_upper_case_byline_with_its_date(page) -> None:
    assert (page.author, page.date) == ("Jane Doe", "2021-03-03")


def test_whole_page_paste_keeps_subheadings_lists_and_unpunctuated_sentences(page) -> None:
    assert "How the boats are converted" in page.paragraphs
    assert (
        "The conversion plan lists three stages: Strip the engine room and fuel lines "
        "Fit shelving and reading rooms on the car deck "
        "Connect the hull to shore power and broadband"
    ) in page.paragraphs
    assert any(p.startswith("A spokesperson for the harbour authority") for p in page.paragraphs)
    assert page.paragraphs[0].startswith("The first ferry to reopen")
    assert page.paragraphs[-1].startswith("Visitor numbers will be published")


def test_whole_page_paste_drops_navigation_captions_teasers_and_comments(page) -> None:
    text = "\n".join(page.paragraphs)
    for furniture in ("Skip navigation", "Sign in", "Children reading on the former car deck",
                      "Island bakery", "Lighthouse keeper", "comment", "All rights reserved",
                      "Share", "Tweet"):  # fmt: skip
        assert furniture not in text
    assert len(page.paragraphs) == 8


def test_byline_and_date_under_a_standfirst_and_a_caption_are_the_header() -> None:
    text = (
        "Council votes to keep the night buses running\n"
        "The vote ends a year of uncertainty for shift workers who rely on the late routes, "
        "and the council says the money is found.\n"
        "[bus-depot]\n"
        "A night bus leaving the depot on Friday, when drivers staged a short protest about pay.\n"
        "By\n"
        "Sam Lee\n"
        "Published Thu 4 Mar 2021 07.30 GMT\n"
        + "\n".join(
            f"Paragraph {n} of the report explains how the routes will be paid for by the "
            "council over the next three years, with help from the regional transport fund."
            for n in range(4)
        )
    )
    article = parse_article("buses", text.encode(), ".txt")
    assert article.title == "Council votes to keep the night buses running"
    assert (article.author, article.date) == ("Sam Lee", "2021-03-04T07:30")
    assert article.standfirst is not None and article.standfirst.startswith("The vote ends")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Paragraph 0")


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By JEFFREY GETTLEMAN JAN. 13, 2017", "Jeffrey Gettleman"),
        ("by Steven Musil January 18, 2017 11:00 PM PST", "Steven Musil"),
        ("Tuesday 15 October 2019 by Bradley M. Kuhn", "Bradley M. Kuhn"),
        ("  • by: Laurie Oakes", "Laurie Oakes"),
        ("// By Arun Sai Krishnan • Nov 11, 2020", "Arun Sai Krishnan"),
        ("By Alex Heath, a deputy editor and author of the Command Line newsletter.", "Alex Heath"),
        ("Dan Goodin - Apr 16, 2015 8:02 pm UTC", "Dan Goodin"),
        ("By Erin Cunningham March 18 at 3:57 PM  Follow @erinmcunningham", "Erin Cunningham"),
    ],
)
def test_bylines_as_newspapers_print_them(line: str, author: str) -> None:
    byline = parse_byline(line)
    assert byline is not None and byline.author == author


@pytest.mark.parametrize("line", ["Username", "Sign In", "Share via Email", "Menu Search"])
def test_navigation_words_are_never_an_author(line: str) -> None:
    assert parse_byline(line) is None
    assert parse_byline(f"By {line}") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("By JEFFREY GETTLEMAN JAN. 13, 2017", "2017-01-13"),
        ("by Steven Musil January 18, 2017 11:00 PM PST", "2017-01-18T23:00"),
        ("Thu 3 Jan 2019 02.00 EST", "2019-01-03T02:00"),
        ("16 November 2017 • 2:15pm", "2017-11-16T14:15"),
        ("3/09/15 8:00am", "2015-03-09T08:00"),
        ("posted on April 21, 2015, at 11:29 a.m.", "2015-04-21T11:29"),
        ("Yahoo FinanceOctober 13, 2016", "2016-10-13"),
        ("Summary 12, 2015", None),
        ("2022-13-45", None),
    ],
)
def test_dates_as_newspapers_print_them(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


def _paragraphs(topic: str, count: int) -> list[str]:
    return [
        f"Paragraph {n} about the {topic} explains what changed this year and why the "
        "council thinks the money is well spent on the harbour and its ferry."
        for n in range(count)
    ]


def test_an_article_split_by_a_long_gallery_is_kept_whole() -> None:
    gallery = [f"[photo-{n}]\nPhoto {n}" for n in range(12)]
    lines = [
        "Ferry budget explained",
        "By Sam Lee",
        *_paragraphs("budget", 3),
        *gallery,
        *_paragraphs("timetable", 3),
    ]
    article = parse_article("gallery", "\n".join(lines).encode(), ".txt")
    assert len(article.paragraphs) == 6
    assert article.paragraphs[-1].startswith("Paragraph 2 about the timetable")


def test_a_short_first_paragraph_with_a_date_is_text_not_a_dateline() -> None:
    lines = [
        "Ferry budget explained",
        "By Sam Lee",
        "On March 3, 2021, the council met to settle the ferry budget.",
        *_paragraphs("budget", 4),
    ]
    article = parse_article("dated", "\n".join(lines).encode(), ".txt")
    assert article.paragraphs[0] == "On March 3, 2021, the council met to settle the ferry budget."
    assert (article.author, article.date) == ("Sam Lee", None)


def test_headline_down_paste_keeps_its_first_line_as_title_over_a_long_share_bar() -> None:
    share_bar = [f"Share on Network {n}" for n in range(40)]
    lines = ["Ferry budget explained", *share_bar, *_paragraphs("budget", 4)]
    article = parse_article("shared", "\n".join(lines).encode(), ".txt")
    assert article.title == "Ferry budget explained"


def test_markup_pasted_at_the_top_is_never_the_title() -> None:
    lines = [
        '<img height="1" width="1" src="https://pixel.example/tr?id=1">',
        "Ferry budget explained",
        "By Sam Lee",
        *_paragraphs("budget", 4),
    ]
    article = parse_article("pixel", "\n".join(lines).encode(), ".txt")
    assert article.title == "Ferry budget explained"


def test_a_paragraph_also_shown_as_the_summary_on_top_is_still_text() -> None:
    first = _paragraphs("summary", 1)[0]
    lines = ["Ferry budget explained", first, "By Sam Lee", first, *_paragraphs("budget", 3)]
    article = parse_article("summary", "\n".join(lines).encode(), ".txt")
    assert article.paragraphs[0] == first
    assert len(article.paragraphs) == 4


def test_a_short_title_case_headline_is_not_taken_for_a_name() -> None:
    lines = ["Obama's Last Stand", "By Sam Lee", *_paragraphs("speech", 4)]
    article = parse_article("stand", "\n".join(lines).encode(), ".txt")
    assert (article.title, article.author) == ("Obama's Last Stand", "Sam Lee")
