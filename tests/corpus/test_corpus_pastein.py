"""Pasted news pages: metadata, body paragraphs, and site furniture left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import Article, ArticleError, parse_article

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parents[2] / "corpus" / "us-no-concessions-to-russia-over-ukraine.txt"
FURNITURE_WORDS = (
    "regist", "sign in", "sign up", "comment", "recaptcha", "refresh", "cookie", "privacy",
    "terms of", "newsletter", "share", "read more", "related topics", "photograph:",
    "image source", "image caption", "explore more", "reuse this content", "reporting by",
    "editing by", "our standards", "advertisement", "skip to content", "updated 2 years",
)  # fmt: skip


def load(path: Path) -> Article:
    return parse_article(path.stem, path.read_bytes(), path.suffix)


def assert_no_furniture(article: Article) -> None:
    for paragraph in article.paragraphs:
        lowered = paragraph.lower()
        found = [word for word in FURNITURE_WORDS if word in lowered]
        assert not found, f"furniture {found} in {paragraph!r}"


@pytest.fixture(scope="module")
def seed() -> Article:
    return load(SEED)


def test_seed_metadata_comes_from_the_header_lines(seed: Article) -> None:
    assert seed.title == (
        "US made no concessions to Russia over Ukraine in formal response to Putin demands, "
        "Blinken says"
    )
    assert seed.standfirst == "‘Nato’s door is open, remains open, and that is our commitment’"
    assert seed.author == "Alex Woodward"
    assert seed.place == "New York"
    assert seed.date == "2022-01-26T21:28"


def test_seed_body_is_every_paragraph_in_order_and_verbatim(seed: Article) -> None:
    # The file has 19 body blocks between the header and the registration wall, and one
    # full sentence without a final period (the embassy line) that is body text too.
    assert len(seed.paragraphs) == 20
    assert seed.paragraphs[0].startswith("The US has delivered its formal response")
    assert seed.paragraphs[6].startswith(
        "The US’s formal response – which was delivered by John Sullivan, "
    )
    assert seed.paragraphs[-1] == (
        "“But as I said, there are going to be serious economic consequences,” he added."
    )
    raw = SEED.read_text(encoding="utf-8")
    assert all(paragraph in raw for paragraph in seed.paragraphs)


def test_seed_drops_captions_and_the_registration_wall(seed: Article) -> None:
    assert_no_furniture(seed)
    text = "\n".join(seed.paragraphs)
    assert "New shipment of Russian military equipment" not in text
    assert "Thank you for registering" not in text
    assert "Please refresh" not in text


def test_seed_keeps_the_full_sentence_that_has_no_final_period(seed: Article) -> None:
    embassy = (
        "A recent message from the US Embassy in Ukraine has urged American citizens to "
        "leave the country"
    )
    assert seed.paragraphs[12] == embassy
    assert seed.paragraphs[11].startswith("Russia has also demanded")
    assert seed.paragraphs[13].startswith("The embassy said it would remain open")


def test_bbc_style_page_keeps_byline_without_affiliation_and_drops_related_topics() -> None:
    article = load(FIXTURES / "bbc-style.txt")
    assert article.title == (
        "Turkey earthquake: Rescuers pull survivors from rubble days after quake"
    )
    assert (article.author, article.date) == ("Jane Smith", "2023-03-03")
    assert article.paragraphs[0].startswith("Rescue workers in southern Turkey")
    assert article.paragraphs[-1].startswith("Aid agencies have warned")
    assert "What happens next?" in article.paragraphs  # a question subheading is text
    assert len(article.paragraphs) == 6
    assert_no_furniture(article)


def test_guardian_style_page_reads_name_in_place_byline_and_drops_photo_captions() -> None:
    article = load(FIXTURES / "guardian-style.txt")
    assert article.title.startswith("Blinken postpones China trip")
    assert article.standfirst == (
        "The secretary of state said the incursion was an irresponsible act and a clear "
        "violation of US sovereignty"
    )
    assert (article.author, article.place) == ("Julian Borger", "Washington")
    assert article.date == "2023-02-05T14:00"  # published, not "Last modified"
    assert len(article.paragraphs) == 4
    assert article.paragraphs[-1].startswith("Officials said the craft posed no")
    assert_no_furniture(article)


def test_reuters_style_page_takes_place_and_agency_from_the_dateline() -> None:
    article = load(FIXTURES / "reuters-style.txt")
    assert article.author == "Humeyra Pamuk and Simon Lewis"
    assert article.date == "2022-01-26T21:45"
    assert (article.place, article.source) == ("Washington", "Reuters")
    assert article.paragraphs[0].startswith("WASHINGTON, Jan 26 (Reuters) - The United States")
    assert article.paragraphs[-1].startswith("Russia has massed some 100,000 troops")
    assert len(article.paragraphs) == 4
    assert_no_furniture(article)


def test_plain_note_has_title_and_paragraphs_but_no_byline_or_date() -> None:
    article = load(FIXTURES / "plain-note.txt")
    assert article.title == "Notes on the reading group"
    assert (article.author, article.date, article.place, article.standfirst) == (None,) * 4
    assert len(article.paragraphs) == 3


def test_hard_wrapped_paragraphs_are_joined_into_one() -> None:
    text = (
        "A wrapped note\n\nThis paragraph was written in an editor that wraps lines at\n"
        "seventy-two columns, so one paragraph spans several lines of\n"
        "the file.\n\nA second paragraph.\n"
    )
    article = parse_article("note", text.encode(), ".txt")
    assert article.paragraphs == (
        "This paragraph was written in an editor that wraps lines at seventy-two columns, "
        "so one paragraph spans several lines of the file.",
        "A second paragraph.",
    )


def test_pasted_lines_without_blank_lines_are_separate_paragraphs() -> None:
    first = "The council met on Monday evening to discuss the budget for the coming year. " * 2
    second = "Members agreed to publish the draft before the next meeting in the town hall. " * 2
    text = f"Council budget\n{first.strip()}\nA caption line under a photo\n{second.strip()}\n"
    article = parse_article("council", text.encode(), ".txt")
    assert article.paragraphs == (first.strip(), second.strip())


def test_a_date_in_the_body_is_not_taken_for_the_header() -> None:
    body = "\n\n".join(f"Paragraph {n} says something about the meeting." for n in range(5))
    text = f"Minutes\n\n{body}\n\n3 March 2023\n"
    article = parse_article("minutes", text.encode(), ".txt")
    assert article.date is None
    # The bare date line itself is a short non-sentence, dropped like a caption.
    assert article.paragraphs[-1] == "Paragraph 4 says something about the meeting."


def test_markdown_without_front_matter_takes_its_heading_as_title() -> None:
    article = parse_article("md", b"# The heading\n\nSome *body* text here.\n", ".md")
    assert article.title == "The heading"
    assert article.paragraphs == ("Some *body* text here.",)


def test_title_alone_is_no_body_text() -> None:
    with pytest.raises(ArticleError, match="no body text"):
        parse_article("t", b"Just a title\n", ".txt")


def test_a_date_after_the_first_body_paragraph_does_not_swallow_it() -> None:
    text = (
        "Harbour ferry saved\n\nBy Maria Lopez\n\n"
        "Residents voted on Saturday to keep the ferry running for ten more years.\n\n"
        "14 May 2023\n\nThe ferry carries about 400 passengers a day in summer.\n"
    )
    article = parse_article("ferry", text.encode(), ".txt")
    assert article.author == "Maria Lopez"
    assert article.date is None
    assert article.paragraphs == (
        "Residents voted on Saturday to keep the ferry running for ten more years.",
        "The ferry carries about 400 passengers a day in summer.",
    )
