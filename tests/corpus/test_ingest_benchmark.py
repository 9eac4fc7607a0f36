"""The ingestion benchmark's scoring: the definitions its figures rest on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.ingest import (
    Score,
    Truth,
    author_is_right,
    date_is_right,
    is_nav_author,
    is_reference_content,
    load_truth,
    normalise,
    reference_blocks,
    score_article,
    title_forms,
    title_is_right,
)
from bot.corpus import Article

REFERENCE = (
    "<div><h2>How the boats are converted</h2>"
    "<p>Engineers remove the engines and fuel tanks first, which takes six weeks.</p>"
    "<ul><li>Strip the engine room and the fuel lines</li><li>Fit shelving</li></ul>"
    "<figure><figcaption><p>Children reading on the car deck of the ferry on Monday</p>"
    "</figcaption></figure></div>"
)


def test_reference_blocks_are_innermost_blocks_and_captions_are_not_prose() -> None:
    assert reference_blocks(REFERENCE) == [
        ("How the boats are converted", False),
        ("Engineers remove the engines and fuel tanks first, which takes six weeks.", True),
        ("Strip the engine room and the fuel lines", False),
        ("Fit shelving", False),
        ("Children reading on the car deck of the ferry on Monday", False),
    ]


def test_normalise_makes_quotes_and_spaces_plain() -> None:
    assert normalise("“Nato’s  door”\u00a0is\u00adopen") == '"Nato\'s door" isopen'


def test_boilerplate_is_what_the_reference_does_not_contain() -> None:
    reference = " ".join(text for text, _ in reference_blocks(REFERENCE))
    assert is_reference_content("• Strip the engine room and the fuel lines", reference)
    assert not is_reference_content("Sign up for our newsletter", reference)


@pytest.mark.parametrize(
    ("got", "right"),
    [
        ("'Neutral' Snopes Fact-Checker", True),
        ("'neutral'  snopes fact-checker", True),
        ("Jump to navigation Skip navigation", False),
    ],
)
def test_title_may_drop_the_site_suffix(got: str, right: bool) -> None:
    forms = title_forms("'Neutral' Snopes Fact-Checker - Breitbart")
    assert title_is_right(got, forms) is right


def test_author_date_and_navigation_authors() -> None:
    assert author_is_right("JEFFREY GETTLEMAN", "Jeffrey Gettleman")
    assert author_is_right("Richard (R.J.) Eskow", "Richard Eskow")
    assert not author_is_right("Jeffrey Gettleman; JEFFREY GETTLEMAN", "Jeffrey Gettleman")
    assert not author_is_right("Joshua Sokol May", "Joshua Sokol")
    assert not author_is_right(None, "Joshua Sokol")
    assert is_nav_author("Username") and not is_nav_author("Dan Goodin")
    assert date_is_right("2015-03-09T08:00", "2015-03-09")
    assert not date_is_right("2015-09-03", "2015-03-09")


def test_score_counts_recall_boilerplate_and_metadata() -> None:
    blocks = reference_blocks(REFERENCE)
    truth = Truth(
        name="t",
        blocks=tuple(b for b in blocks if len(b[0].split()) >= 8),
        reference=" ".join(text for text, _ in blocks),
        titles=frozenset({"Ferry libraries"}),
        author="Jane Doe",
        date="2021-03-03",
        nav_lines=frozenset({"skip to content"}),
    )
    article = Article(
        id="t",
        title="Skip to content",
        paragraphs=(
            "Engineers remove the engines and fuel tanks first, which takes six weeks.",
            "Sign up for our newsletter",
        ),
        author="JANE DOE",
        date="2021-03-03T10:00",
    )
    score = Score()
    score_article(score, article, truth)
    assert (score.body, score.prose) == ([1, 3], [1, 1])
    assert (score.paragraphs, score.boilerplate) == (2, 1)
    assert (score.title, score.author, score.date) == ([0, 1], [1, 1], [1, 1])
    assert score.nav_titles == 1


def test_a_line_break_in_the_reference_separates_words() -> None:
    # "<strong>Not just social media<br></strong>A web editor…" reads as two phrases; joined
    # without a space the block could never be found in any article's text.
    html = "<ol><li><strong>Not just social media<br></strong>A web editor could do more</li></ol>"
    assert reference_blocks(html) == [("Not just social media A web editor could do more", False)]


def test_a_table_row_is_reference_content_when_its_cells_are() -> None:
    html = (
        "<table><tr><td><p>new</p></td><td><p>scheduled_timestamp of the task</p></td>"
        "<td><p>Pick up new tasks that are ready.</p></td></tr></table>"
    )
    reference = " ".join(text for text, _ in reference_blocks(html))
    row = "| new | scheduled_timestamp of the task | Pick up new tasks that are ready. |"
    assert is_reference_content(row, reference)
    assert not is_reference_content("| new | Sign up for our newsletter |", reference)


def test_the_headline_in_the_reference_is_the_title_not_missing_body(tmp_path: Path) -> None:
    title = "Why Neon Is the Ultimate Symbol of the 20th Century"
    body = "Neon lighting was novel when it first emerged in the early 1900s, and it still is."
    files = {
        "expected/p.json": json.dumps({"title": f"{title} - CityLab", "byline": "Sarah Archer"}),
        "expected/p.html": f"<div><h1>{title}</h1><p>{body}</p></div>",
        "html/p.html": f"<html><body><h1>{title}</h1><p>{body}</p></body></html>",
        "paste-headline-down/p.txt": f"{title}\n\n{body}\n",
        "paste-whole-page/p.txt": f"Menu\n\n{title}\n\n{body}\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    truth = load_truth(tmp_path, "p")
    assert truth.blocks == ((body, True),)
    assert is_reference_content(title, truth.reference)


def test_a_paragraph_that_is_only_a_link_is_not_prose() -> None:
    html = (
        "<div><p><a href='/a'><span>Related: Why the ferry costs more than the bridge</span></a></p>"
        "<p>The council, <a href='/b'>in a report</a>, says the ferry costs more each year.</p></div>"
    )
    assert reference_blocks(html) == [
        ("Related: Why the ferry costs more than the bridge", False),
        ("The council, in a report, says the ferry costs more each year.", True),
    ]
