"""Files with YAML front matter: fields win, paragraphs keep their positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.corpus import ArticleError, find_article_files, parse_article

EVAL = Path("/work/shared/eval/squadshifts-new-wiki")


def test_front_matter_fields_win_over_guesses_from_the_text() -> None:
    text = (
        "---\ntitle: The real title\nauthor: Ann Author\ndate: 2021-05-06\n"
        "url: https://example.org/a\nsource: Example Weekly\nplace: Leeds\n"
        "standfirst: A short summary.\n---\n\n"
        "A guessed title\n\nBy Someone Else\n12 June 2020\n\nThe body text.\n"
    )
    article = parse_article("a", text.encode(), ".txt")
    assert article.title == "The real title"
    assert article.author == "Ann Author"
    assert article.date == "2021-05-06"
    assert (article.url, article.source, article.place) == (
        "https://example.org/a",
        "Example Weekly",
        "Leeds",
    )
    assert article.standfirst == "A short summary."
    # No filtering in front matter files: every block is a paragraph.
    assert article.paragraphs == (
        "A guessed title",
        "By Someone Else 12 June 2020",
        "The body text.",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-05-06", "2021-05-06"),
        ("2021-05-06 14:30:00", "2021-05-06T14:30"),
        ("2021-05-06T14:30:00+02:00", "2021-05-06T14:30"),
        ('"Wednesday 26 January 2022 21:28"', "2022-01-26T21:28"),
        ('"January 26, 2022"', "2022-01-26"),
        ('"sometime last spring"', None),
        ("2022", None),
    ],
)
def test_front_matter_dates_are_normalised_to_iso(value: str, expected: str | None) -> None:
    text = f"---\ntitle: T\ndate: {value}\n---\n\nBody.\n"
    assert parse_article("a", text.encode(), ".md").date == expected


def test_numbers_and_booleans_in_front_matter_are_kept_as_written() -> None:
    text = "---\ntitle: 1.50\nauthor: yes\nsource: 0x1F\ndate: 2021-05-06\n---\n\nBody.\n"
    article = parse_article("a", text.encode(), ".md")
    assert (article.title, article.author, article.source) == ("1.50", "yes", "0x1F")
    assert article.date == "2021-05-06"


def test_broken_yaml_is_a_clear_error() -> None:
    text = b"---\ntitle: [unclosed\nauthor: x\n---\n\nBody.\n"
    with pytest.raises(ArticleError, match="front matter is not valid YAML"):
        parse_article("a", text, ".txt")


def test_impossible_yaml_date_is_a_clear_error() -> None:
    with pytest.raises(ArticleError, match="front matter is not valid YAML"):
        parse_article("a", b"---\ndate: 2022-13-45\n---\n\nBody.\n", ".txt")


def test_markdown_title_falls_back_to_heading_then_file_name() -> None:
    with_heading = b"---\nauthor: A\n---\n\n# From the heading\n\nBody *kept* as is.\n"
    article = parse_article("x/y", with_heading, ".md")
    assert article.title == "From the heading"
    assert article.paragraphs == ("Body *kept* as is.",)
    without = parse_article("notes/field-trip_2023", b"---\nauthor: A\n---\n\nBody.\n", ".md")
    assert without.title == "field trip 2023"


def test_front_matter_block_lines_are_joined_but_inner_spacing_kept() -> None:
    text = b"---\ntitle: T\n---\n\nOne  paragraph \n  over two lines.\n\n\n\nTwo.\n"
    assert parse_article("a", text, ".txt").paragraphs == (
        "One  paragraph over two lines.",
        "Two.",
    )


def test_front_matter_with_no_body_is_no_body_text() -> None:
    with pytest.raises(ArticleError, match="no body text"):
        parse_article("a", b"---\ntitle: T\n---\n\n  \n", ".txt")


@pytest.mark.skipif(not EVAL.is_dir(), reason=f"evaluation set not present at {EVAL}")
def test_eval_corpus_loads_with_paragraph_positions_matching_questions() -> None:
    root = EVAL / "corpus"
    files, skipped = find_article_files(root)
    assert skipped == []
    articles = {p.stem: parse_article(p.stem, p.read_bytes(), p.suffix) for p in files}
    assert len(articles) == 48
    assert sum(len(a.paragraphs) for a in articles.values()) == 1581
    lines = (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines if line.strip()]
    assert questions
    for question in questions:
        paragraph = articles[question["article"]].paragraphs[question["paragraph"]]
        for answer in question["answers"]:
            assert answer in paragraph, (question["id"], answer)


def test_front_matter_over_a_pasted_page_fixes_fields_and_keeps_furniture_out() -> None:
    page = (Path(__file__).parent / "fixtures" / "whole-page.txt").read_text()
    text = f"---\npasted: true\nauthor: Jane Q. Doe\ndate: 2021-03-04\n---\n{page}"
    article = parse_article("fixed", text.encode(), ".txt")
    assert (article.author, article.date) == ("Jane Q. Doe", "2021-03-04")
    assert article.title == "Harbour towns turn old ferries into floating libraries"
    assert article.paragraphs[0].startswith("The first ferry to reopen")
    assert not any("Skip navigation" in p or "comment" in p for p in article.paragraphs)
