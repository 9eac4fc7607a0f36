"""Pasted pages whose article is broken up by charts, recurring subheadings and lists."""

from __future__ import annotations

import pytest
from support import harbour_paragraphs, parse_paste

from bot.corpus import parse_article


def test_an_article_split_by_a_long_chart_is_kept_whole() -> None:
    # A chart pastes as dozens of axis labels: more lines than a gallery, few words.
    chart = ["[gif]", "Ferry spending per year", *(f"’{n}" for n in range(10, 60))]
    lines = [
        "Ferry budget explained",
        "By Sam Lee",
        *harbour_paragraphs("budget", 3),
        *chart,
        *harbour_paragraphs("timetable", 4),
    ]
    article = parse_paste(lines)
    assert article.paragraphs[0].startswith("Paragraph 0 about the budget")
    assert article.paragraphs[-1].startswith("Paragraph 3 about the timetable")


def test_a_recurring_subheading_and_its_short_sentence_are_text() -> None:
    lines = [
        "How the ferry timetable is planned",
        "By Sam Lee",
        *harbour_paragraphs("plan", 2),
        "Goals",
        "Isolation",
        "Each route runs on its own boat and crew.",
        "Track the boats",
        "Riders can see where every boat is right now.",
        "Design",
        *harbour_paragraphs("design", 1),
        "Isolation",
        *harbour_paragraphs("crews", 2),
    ]
    paragraphs = parse_paste(lines).paragraphs
    assert paragraphs.count("Isolation") == 2
    assert "Track the boats" in paragraphs
    assert "Riders can see where every boat is right now." in paragraphs


def test_a_label_the_page_repeats_often_is_not_a_subheading() -> None:
    lines = ["How the ferry timetable is planned", "By Sam Lee"]
    for topic in ("plan", "design", "crews", "fares"):
        lines += ["Sponsored content", *harbour_paragraphs(topic, 2)]
    assert "Sponsored content" not in parse_paste(lines).paragraphs


def test_a_blog_signature_under_the_text_gives_the_author() -> None:
    lines = ["How the ferry timetable is planned", *harbour_paragraphs("plan", 5)]
    signed = parse_paste([*lines, "Posted by Sam Lee at 12:55 AM", "Labels: ferries"])
    assert signed.author == "Sam Lee"
    split = parse_paste([*lines, "Written on Mar 17 by", "Jo Bloggs", "Follow"])
    assert split.author == "Jo Bloggs"


def test_a_name_further_down_the_page_is_not_a_signature() -> None:
    lines = ["How the ferry timetable is planned", *harbour_paragraphs("plan", 5)]
    assert parse_paste([*lines, *(["Labels: ferries"] * 9), "By Sam Lee"]).author is None


def test_a_short_line_under_the_headline_is_not_wrapped_into_it() -> None:
    text = "Ferry exploit makes it easy to crash the harbour booking servers\nKevin\n\n"
    article = parse_article(
        "page", (text + "\n\n".join(harbour_paragraphs("plan", 5))).encode(), ".txt"
    )
    assert article.title == "Ferry exploit makes it easy to crash the harbour booking servers"


def test_a_two_line_wrapped_paragraph_is_still_one() -> None:
    from bot.corpus.blocks import text_units

    wrapped = "The council met on Monday and voted to keep the late ferry\nrunning all winter."
    assert text_units(wrapped) == [wrapped.replace("\n", " ")]


def test_a_subheading_over_its_pictures_alt_text_is_kept() -> None:
    title = "How the ferry timetable is planned"
    lines = [title, "By Sam Lee", *harbour_paragraphs("plan", 2)]
    for heading in ("Count the riders first", "Then draw the routes", "Publish it early"):
        lines += [heading, title, *harbour_paragraphs(heading.split()[-1], 2)]
    paragraphs = parse_paste(lines).paragraphs
    assert "Then draw the routes" in paragraphs
    assert title not in paragraphs


def test_list_items_heading_their_paragraphs_are_kept_and_menus_are_not() -> None:
    lines = [
        "How the ferry timetable is planned",
        "By Sam Lee",
        *harbour_paragraphs("plan", 2),
        "  • New process",
        *harbour_paragraphs("process", 1),
        "  • Share on Reddit",
        *harbour_paragraphs("sharing", 1),
        " 1. The handoff",
        *harbour_paragraphs("handoff", 1),
        "  • Feed",
        "Sam Lee is the author of a book on ferries.",
    ]
    paragraphs = parse_paste(lines).paragraphs
    assert "New process" in paragraphs
    assert any(p.endswith("The handoff") for p in paragraphs)
    assert not {"Share on Reddit", "Feed"} & set(paragraphs)


def test_alt_text_repeated_by_the_caption_under_it_goes_and_the_caption_stays() -> None:
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 2)]
    lines += [
        "A bin of old ferry bells.",
        "The harbour master's desk, seen from the door.",
        "  • Clockwise from top: a bin of old ferry bells; the harbour master's desk, seen from the door",
        *harbour_paragraphs("bells", 2),
    ]
    paragraphs = parse_paste(lines).paragraphs
    assert "A bin of old ferry bells." not in paragraphs
    assert "The harbour master's desk, seen from the door." not in paragraphs
    assert any(p.startswith("Clockwise from top") for p in paragraphs)


def test_a_surname_ending_like_a_weekday_keeps_its_letters() -> None:
    from bot.corpus.byline import parse_byline
    from bot.corpus.dates import find_date

    line = "By STEVEN DAVIDOFF SOLOMON JULY 29, 2016"
    byline = parse_byline(line)
    assert byline is not None and byline.author == "Steven Davidoff Solomon"
    assert find_date(line) == "2016-07-29"
    assert find_date("Thu 3 Jan 2019 02.00 EST") == "2019-01-03T02:00"


def test_the_writers_bio_under_the_text_gives_the_author() -> None:
    lines = ["How the ferry timetable is planned", *harbour_paragraphs("plan", 5)]
    bio = "Sam Lee Sam is the transport editor at the Harbour Gazette, which he joined in 2012."
    assert parse_paste([*lines, bio]).author == "Sam Lee"
    closing = "The Council is expected to publish the timetable in the spring, officials said."
    assert parse_paste([*lines, closing]).author is None


def test_alt_text_then_its_reworded_caption_both_go_and_a_doubled_paragraph_stays() -> None:
    alt = (
        "Harbour master Ann Ray, right, meets ferry captains Tom Bell and Joe Kay of the "
        "island service on the quay in 2006."
    )
    caption = (
        "Harbour master Ann Ray, right, meets ferry captains Tom Bell, centre, and Joe Kay "
        "in 2006 on the quay. Credit: JO DOE/ AFP"
    )
    summary = " ".join(harbour_paragraphs("summary", 2))  # a long paragraph, shown twice
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 2)]
    lines += [summary, summary, alt, caption, *harbour_paragraphs("crews", 2)]
    paragraphs = parse_paste(lines).paragraphs
    assert alt not in paragraphs and caption not in paragraphs
    assert paragraphs.count(summary) == 1


def test_teaser_headlines_with_their_dates_are_not_text() -> None:
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 3)]
    teaser = "Council Announces a New Ferry for the Island Route JULY 25, 2016"
    lines += [teaser, *harbour_paragraphs("crews", 2)]
    paragraphs = parse_paste(lines).paragraphs
    assert teaser not in paragraphs
    assert len(paragraphs) == 5


@pytest.mark.parametrize(
    "caption",
    [
        "A ferry leaves the quay at dawn on Thursday Credit:  JANE DOE/ AFP",
        "A ferry leaves the quay at dawn. In exchange, the crews get Sundays off. "
        "Credit Jane Doe/Agence France-Presse — Getty Images",
        "A ferry leaves the quay at dawn.CreditÁngel Roe/The Harbour Times",
        "Workers paint a ferry on the slipway at the harbour in 2016. (Jane Doe / AP)",
        "Workers paint a ferry on the slipway at the harbour in 1989. (AP)",
    ],
)
def test_a_caption_ending_in_its_credit_is_not_text(caption: str) -> None:
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 3)]
    paragraphs = parse_paste([*lines, caption, *harbour_paragraphs("crews", 2)]).paragraphs
    assert caption not in paragraphs
    assert len(paragraphs) == 5


def test_a_subheading_ending_in_an_abbreviation_is_not_a_credit() -> None:
    heading = "Heartbeat and Status Controller (HSC)"
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 3)]
    assert heading in parse_paste([*lines, heading, *harbour_paragraphs("crews", 2)]).paragraphs


def test_the_headline_the_page_shows_twice_wins_over_the_standfirst() -> None:
    headline = "'What is the sea telling us?': Tribes fear for the whales"
    standfirst = "Whale experts worry that changes in the ocean are behind the spike in beachings"
    lines = [
        "  • Newsletters",
        "  • Crosswords",
        headline,
        "Whale expert Hori Parata. Photograph: Jo Doe for the Gazette",
        standfirst,
        "by Jo Doe (reporting)",
        headline,
        "Thu 3 Jan 2019 02.00 EST",
        *harbour_paragraphs("whales", 5),
    ]
    article = parse_paste(lines)
    assert article.title == headline


def test_html_caption_in_a_one_cell_layout_table_is_not_text() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in harbour_paragraphs("plan", 4))
    table = "<table><tr><td>Schematic of the ferry deck from hell</td></tr></table>"
    data = "<table><tr><td>Route</td><td>Boats</td></tr><tr><td>North</td><td>3</td></tr></table>"
    html = (
        "<html><head><title>Ferry plan</title></head><body><article><h1>Ferry plan</h1>"
        f"{paragraphs}{table}{paragraphs}{data}</article></body></html>"
    )
    article = parse_article("page", html.encode(), ".html")
    text = "\n".join(article.paragraphs)
    assert "from hell" not in text
    assert "North" in text


def test_html_date_printed_under_the_headline_is_read_as_printed() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in harbour_paragraphs("plan", 4))
    html = (
        "<html><head><title>Ferry plan</title></head><body><article><h1>Ferry plan</h1>"
        f'<p><span class="published">3/09/15 8:00am</span></p>{paragraphs}</article></body></html>'
    )
    assert parse_article("page", html.encode(), ".html").date == "2015-03-09T08:00"


def test_teasers_above_the_sign_in_bar_are_not_the_headline() -> None:
    headline = "The ferry economy is a lie: what the harbour learned"
    lines = [
        "☆",
        "The quest to save the vanishing harbour Jo Doe",
        "Log out Sign in",
        "Sunday, Feb 1, 2015 11:57 AM UTC",
        headline,
        "Sam Lee",
        *harbour_paragraphs("ferries", 5),
    ]
    assert parse_paste(lines).title == headline


def test_a_first_line_above_a_sign_in_bar_is_not_taken_for_the_headline() -> None:
    lines = [
        "Ready to publish your harbour story?",
        "Sign in / Sign up",
        "Next story",
        *harbour_paragraphs("ferries", 5),
    ]
    assert parse_paste(lines).title != "Ready to publish your harbour story?"
    headline_down = ["Harbour towns keep their ferries", "Share on Facebook", *lines[2:]]
    assert parse_paste(headline_down).title == "Harbour towns keep their ferries"
