"""Pasted pages whose metadata or text needs evidence from elsewhere on the page."""

from __future__ import annotations

from support import harbour_paragraphs, parse_paste


def test_a_superscript_ordinal_pasted_with_a_caret_reads_as_printed() -> None:
    line = "The harbour has served the island since the 19^th century and the 21^st goes on."
    article = parse_paste(
        ["How the ferry timetable is planned", "By Sam Lee", line, *harbour_paragraphs("plan", 3)]
    )
    assert article.paragraphs[0] == (
        "The harbour has served the island since the 19th century and the 21st goes on."
    )


HEADER = ["How the ferry timetable is planned", "By Sam Lee March 18 at 3:57 PM  Follow @samlee"]


def test_a_day_without_its_year_takes_the_year_of_the_pages_copyright() -> None:
    article = parse_paste(
        [*HEADER, *harbour_paragraphs("plan", 4), "© 1996-2015 The Harbour Gazette"]
    )
    assert (article.author, article.date) == ("Sam Lee", "2015-03-18T15:57")


def test_a_day_without_its_year_takes_the_year_the_page_prints_with_that_day() -> None:
    caption = "March 18, 2015 The ferry leaves the harbour at dawn. Jo Doe/Harbour Gazette"
    article = parse_paste(
        [*HEADER, *harbour_paragraphs("plan", 4), caption, *harbour_paragraphs("crews", 2)]
    )
    assert article.date == "2015-03-18T15:57"


def test_a_day_without_its_year_and_no_year_on_the_page_gives_no_date() -> None:
    # Another day's full date is no evidence of the year: no date rather than a guess.
    other = "On June 2, 2012, the council first debated the ferry and its timetable for hours."
    article = parse_paste([*HEADER, *harbour_paragraphs("plan", 3), other])
    assert article.author == "Sam Lee" and article.date is None


def test_a_name_with_the_pages_relative_time_is_the_byline_under_the_headline() -> None:
    nav = ["• News", "• Sports", "• Money", "Sign in"]
    header = [
        "Island ferry gets a new timetable for the winter",
        "Harbour Daily Harbour Daily",
        "Harbour Daily",
        "Sam Lee 1 day ago",
        "SHARE",
        "TWEET",
    ]
    teaser = ["Council weighs bridge plan", "Why the bridge plan is back on the table again"]
    article = parse_paste([*nav, *header, *teaser, *harbour_paragraphs("plan", 4)])
    assert article.title == "Island ferry gets a new timetable for the winter"
    assert article.author == "Sam Lee"


def test_a_short_line_introducing_a_list_is_one_paragraph_with_it() -> None:
    steps = ["  1. poll tasks ready for execution", "  2. push tasks onto the right queues"]
    lines = ["How the task runner works", "By Sam Lee", *harbour_paragraphs("runner", 3)]
    article = parse_paste([*lines, "repeat every second:", *steps, *harbour_paragraphs("queue", 2)])
    assert (
        "repeat every second: 1. poll tasks ready for execution 2. push tasks onto the right queues"
    ) in article.paragraphs
    menu = parse_paste(
        [*lines, "Filed under:", "• money", "• ferries", *harbour_paragraphs("queue", 2)]
    )
    assert not any("Filed under" in p for p in menu.paragraphs)


def test_the_header_under_the_headlines_first_showing_is_read_when_it_is_shown_again() -> None:
    headline = "How to plan your ferry trips without waiting at the pier"
    lines = [
        "• News",
        "Sign in",
        headline,
        "Sam Lee",
        "Filed to: ferries",
        "• harbour",
        "• travel",
        "3/09/15 8:00am",
        *(f"• Share to Site{n}" for n in range(12)),
        headline,
        *harbour_paragraphs("plan", 4),
    ]
    article = parse_paste(lines)
    assert (article.title, article.date) == (headline, "2015-03-09T08:00")
    assert not any(p.startswith("Filed to") for p in article.paragraphs)


def test_the_writers_role_under_the_byline_is_not_text() -> None:
    caption = (
        "Harbour master Ann Ray stands near the ferry at the quay on a grey morning in March, "
        "as the crew loads the first cars of the day onto the deck."
    )
    lines = [
        "How the ferry timetable is planned",
        "April 28, 2019 at 6:01 am",
        caption,
        "By Sam Lee",
        "Harbour Gazette transport reporter",
        *harbour_paragraphs("plan", 4),
    ]
    article = parse_paste(lines)
    assert article.author == "Sam Lee"
    assert article.paragraphs[0].startswith("Paragraph 0")


def test_a_list_of_the_articles_tags_is_not_text() -> None:
    tags = "In this article: ferries, harbour, council, budget, timetable, winter, islands"
    lines = ["How the ferry timetable is planned", "By Sam Lee", *harbour_paragraphs("plan", 4)]
    article = parse_paste([*lines, tags, *harbour_paragraphs("crews", 2)])
    assert tags not in article.paragraphs


def test_a_notice_right_above_the_headline_is_not_the_articles_start() -> None:
    notice = (
        "The author chose to make this story unlisted, which means only people with a link "
        "can see it. Are you sure you want to share it?"
    )
    headline = "How the ferry timetable is planned"
    share = ["• Share on Twitter", "• Share on Facebook", "• Share by email", "━━━━━━━━", "[1]"]
    lines = ["Ready to publish?", "Sign in / Sign up", "Next story", notice, headline, *share]
    article = parse_paste([*lines, *harbour_paragraphs("plan", 4)])
    assert article.title == headline
    assert notice not in article.paragraphs
    # A first paragraph followed by a subheading and the text is the article's start.
    first = "The council met on Monday and agreed the new timetable for the island ferry."
    kept = parse_paste(
        [headline, "By Sam Lee", first, "How the vote went", *harbour_paragraphs("plan", 3)]
    )
    assert kept.paragraphs[0] == first


def test_a_reviews_verdict_above_its_score_box_is_text_and_a_gallery_label_no_headline() -> None:
    verdict = (
        "The new ferry is the best boat the island has had. It is faster than any ferry "
        "before it, and it carries more cars in winter than the old one did all year."
    )
    box = ["Gallery: The new ferry | 14 Photos", "[dims]", "14", *(["• [dims]"] * 4), "+10"]
    box += ["Harbour Score", "Poor", "Good", "Excellent", "Buy Now", "87", "Pros"]
    box += ["• Fastest crossing the island has ever had", "• Room for twice as many cars"]
    box += ["Cons", "• Expensive", "Summary"]
    lines = ["New island ferry review: faster and bigger", "By Sam Lee", verdict, *box]
    article = parse_paste([*lines, *harbour_paragraphs("review", 5)])
    assert article.paragraphs[0] == verdict
    assert "Room for twice as many cars" in article.paragraphs
    assert not any("Gallery" in p for p in article.paragraphs)
    # With a headline between, the lone paragraph above belongs to something else.
    teaser = ["A lone teaser paragraph " + verdict, *box[1:], "Island ferry review: bigger"]
    other = parse_paste([*teaser, "By Sam Lee", *harbour_paragraphs("review", 5)])
    assert other.title == "Island ferry review: bigger"
    assert not any(p.startswith("A lone teaser") for p in other.paragraphs)


def test_the_first_paragraph_over_a_subheading_and_a_picture_stays_text() -> None:
    first = (
        "The council met on Monday and agreed the new timetable for the island ferry, "
        "after three hours of questions from residents of the harbour."
    )
    picture = ["[photo]", "The ferry at the quay", "Jo Doe/Harbour Gazette", "Share", "Tweet"]
    lines = ["How the ferry timetable is planned", "By Sam Lee", first, "How the vote went"]
    article = parse_paste([*lines, *picture, *harbour_paragraphs("plan", 4)])
    assert article.paragraphs[0] == first


def test_a_standfirst_far_above_the_byline_does_not_pull_the_byline_into_the_text() -> None:
    standfirst = (
        "The island's ferry will run every hour from March, the council says, and the "
        "fares for residents will not change until next year."
    )
    widgets = [f"{n} Photos" if n % 2 else "[dims]" for n in range(18)]  # a gallery
    lines = ["How the ferry timetable is planned", standfirst, *widgets, "By Sam Lee"]
    article = parse_paste([*lines, *harbour_paragraphs("plan", 4)])
    assert article.author == "Sam Lee"
    assert article.paragraphs[0].startswith("Paragraph 0")
