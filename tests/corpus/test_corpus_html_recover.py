"""Article text trafilatura leaves out of a page (captions, the writer's note) comes back;
what the page marks as beside its text, teasers and templates do not."""

from __future__ import annotations

from bot.corpus import parse_article

HEAD = '<title>Ferry plan</title><meta name="author" content="Sam Lee">'
CAPTION = "The mayor said the new ferry would run every twenty minutes from May. (Reuters)"
BIO = "Sam Lee covers the harbour and the council for the paper since 2015."


def _para(number: int) -> str:
    return (
        f"<p>Paragraph {number} about the ferry explains what changed this year and why the "
        "council thinks the money is well spent on the harbour and its ferry.</p>"
    )


def _page(inner: str, after: str = "", head: str = HEAD) -> bytes:
    return (
        f"<html><head>{head}</head><body><div class='page'><article>{inner}</article>"
        f"{after}</div></body></html>"
    ).encode()


def _paragraphs(inner: str, after: str = "", head: str = HEAD) -> list[str]:
    return list(parse_article("page", _page(inner, after, head), ".html").paragraphs)


def _video(caption: str) -> str:
    return (
        f"<div class='inline-video'><div class='video-caption'><span>{caption}</span></div></div>"
    )


def test_a_videos_caption_between_paragraphs_comes_back_in_its_place() -> None:
    paragraphs = _paragraphs(_para(0) + _para(1) + _video(CAPTION) + _para(2) + _para(3))
    assert paragraphs[2] == CAPTION
    assert paragraphs[3].startswith("Paragraph 2")
    assert len(paragraphs) == 5


def test_the_writers_note_outside_the_article_element_comes_back_last() -> None:
    after = f"<div class='more'><div class='sig'><p>{BIO}</p></div></div>"
    paragraphs = _paragraphs("".join(_para(n) for n in range(4)), after)
    assert paragraphs[-1] == BIO


def test_other_lines_outside_the_article_stay_out() -> None:
    after = (
        "<div class='more'><p>Kim Park covers the harbour and the council since 2011.</p>"
        "<p>Sam Lee: 555-0100, or ask for the harbour desk at the paper any day.</p></div>"
    )
    paragraphs = _paragraphs("".join(_para(n) for n in range(4)), after)
    assert len(paragraphs) == 4


def test_a_pictures_caption_in_a_figure_stays_out() -> None:
    figure = (
        "<figure><img src='a.jpg'><figcaption>The old ferry leaves the harbour for the last "
        "time on a grey morning in March.</figcaption></figure>"
    )
    paragraphs = _paragraphs(_para(0) + _para(1) + figure + _para(2) + _para(3))
    assert not any("old ferry" in p for p in paragraphs)


def test_a_pull_quote_in_an_aside_stays_out() -> None:
    aside = "<aside><p>Thinks the money is well spent on the harbour, says the council.</p></aside>"
    paragraphs = _paragraphs(_para(0) + _para(1) + aside + _para(2) + _para(3))
    assert len(paragraphs) == 4


def test_a_teaser_link_headline_and_template_text_stay_out() -> None:
    teaser = (
        "<div><a href='/x'><div>Why are the council's ferries always late? Read it.</div></a></div>"
    )
    link = _video("<a href='/y'>The harbour's new timetable, stop by stop, in full.</a> Go.")
    headline = _video("At least seven ferries cancelled after storm hits the harbour")
    template = _video("Sign in to watch this video and more from the harbour desk today.")
    player = _video("This video is not available in your region. Try again later.")
    inner = _para(0) + teaser + link + _para(1) + headline + template + player + _para(2) + player
    paragraphs = _paragraphs(inner + _para(3))
    assert len(paragraphs) == 4


def test_contact_details_and_the_standfirst_stay_out() -> None:
    head = HEAD + '<meta name="description" content="The council backs a new ferry, and the">'
    contact = _video("Sam Lee: 555-0100 or slee@example.org; on the harbour desk every day.")
    standfirst = _video(
        "The council backs a new ferry, and the harbour finally gets its timetable."
    )
    inner = _para(0) + standfirst + _para(1) + contact + _para(2) + _para(3)
    assert len(_paragraphs(inner, head=head)) == 4


def test_the_standfirst_above_the_first_paragraph_stays_out() -> None:
    inner = _video("The council backs a new ferry. The harbour gets a timetable at last.")
    paragraphs = _paragraphs(inner + "".join(_para(n) for n in range(4)))
    assert paragraphs[0].startswith("Paragraph 0")


def test_a_lead_pictures_caption_under_the_byline_comes_back_first() -> None:
    header = "<h1>Ferry plan</h1><p>By Sam Lee</p><p>March 13, 2015 9:00PM</p>"
    lead = "<p class='caption'>The new ferry on its first trial run. Source: Supplied</p>"
    paragraphs = _paragraphs(header + lead + "".join(_para(n) for n in range(4)))
    assert paragraphs[0] == "The new ferry on its first trial run. Source: Supplied"
    assert paragraphs[1].startswith("Paragraph 0")


def test_an_xhtml_page_declaring_its_encoding_gets_its_caption_back() -> None:
    page = _page(_para(0) + _para(1) + _video(f"Café: {CAPTION}") + _para(2) + _para(3))
    prolog = b'<?xml version="1.0" encoding="iso-8859-1"?>'
    article = parse_article("page", prolog + page, ".html")
    assert article.paragraphs[2] == f"Café: {CAPTION}"


def test_a_note_in_the_articles_footer_and_a_dated_slide_stay_out() -> None:
    footer = (
        "<footer><div>Sam has been obsessed with ferries since he was a small boy.</div></footer>"
    )
    slide = _video("May 17, 2012 One of the old ferries, seen from the harbour wall at dusk.")
    inner = _para(0) + _para(1) + slide + _para(2) + _para(3) + footer
    assert len(_paragraphs(inner)) == 4


def test_a_short_line_with_an_email_address_is_contact_details_not_text() -> None:
    contact = "<p>Submit comments on this post to &lt;slee@example.org&gt;.</p>"
    paragraphs = _paragraphs("".join(_para(n) for n in range(4)) + contact)
    assert paragraphs[-1].startswith("Paragraph 3")
