"""Rendering with real discord.Embed objects: limits hold and article text stays inert."""

from __future__ import annotations

import re

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer import Answer, AnswerStatus, Passage
from bot.citation import Citation
from bot.corpus import SkippedFile
from bot.discord_app.pages import articles_embed, help_embed, reindex_embed
from bot.discord_app.render import answer_embed, no_answer_embed, paragraph_embed, quote, safe
from bot.index.build import ReindexSummary
from bot.index.search import IndexedArticle


def embed_text_length(embed: discord.Embed) -> int:
    return len(embed)  # discord.py's own count of title, description, fields, footer, author


def assert_within_limits(embed: discord.Embed) -> None:
    data = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    assert len(data.get("fields", [])) <= 25
    for field in data.get("fields", []):
        assert 1 <= len(field["name"]) <= 256
        assert 1 <= len(field["value"]) <= 1024
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    assert embed_text_length(embed) <= 6000


def passage(
    text: str,
    rank: int = 1,
    title: str = "A title",
    author: str | None = "Ann Author",
    url: str | None = "https://example.org/a",
    best: tuple[int, int] | None = None,
) -> Passage:
    return Passage(
        rank=rank,
        score=1.0,
        relevance=1.0,
        citation=Citation("a", title, author, "2022-01-26", url, 7),
        text=text,
        best_sentences=(best or (0, len(text)),),
        highlights=(),
        matched_terms=(),
    )


def test_answer_page_quotes_the_passage_with_best_sentence_in_bold_and_cites_it():
    text = "First sentence here. The best one is this. Last one."
    embed = answer_embed("Which one?", [passage(text, best=(21, 42))], 1, 1)
    field = embed.to_dict()["fields"][0]
    assert "**The best one is this.**" in field["value"]
    assert "[1] [A title](https://example.org/a) — Ann Author, 26 Jan 2022, ¶7" in field["value"]


def test_mentions_and_markdown_in_article_text_are_neutralised():
    text = (
        "@everyone look <@&123> and <@123456789012345678> **bold** _it_ ||spoiler|| `code` > quote"
    )
    value = quote(passage(text), 1000)
    assert "@everyone" not in value
    assert "<@123456789012345678>" not in value
    assert "**bold**" not in value and "\\*\\*bold\\*\\*" in value
    assert "\\|\\|spoiler\\|\\|" in value


def test_a_5000_character_paragraph_is_cut_on_sentence_boundaries_within_limits():
    sentences = [
        f"Sentence number {i} says something moderately long about troops." for i in range(80)
    ]
    text = " ".join(sentences)
    start = text.index("Sentence number 40")
    best = (start, start + len(sentences[40]))
    embed = answer_embed("q", [passage(text, best=best, rank=r) for r in range(1, 6)], 1, 1)
    assert_within_limits(embed)
    value = embed.to_dict()["fields"][0]["value"]
    assert "**Sentence number 40 says" in value
    assert value.startswith("…Sentence number")


def test_no_answer_names_the_closest_articles():
    result = Answer("banana bread?", AnswerStatus.NO_RELEVANT_PASSAGE, (), ("Nato talks",))
    embed = no_answer_embed(result)
    assert "Nothing in the articles answers this." in embed.description
    assert "Nato talks" in embed.description


def test_reindex_summary_lists_changes_and_skipped_files():
    summary = ReindexSummary(
        3, 40, ("new",), ("old",), (), 1, (SkippedFile("x.pdf", "unsupported"),), 0.5
    )
    text = reindex_embed(summary).description
    assert "Added: 1 (new)" in text and "Changed: 1 (old)" in text
    assert "x.pdf" in text and "unsupported" in text


def test_articles_page_and_help_fit():
    articles = tuple(
        IndexedArticle(f"id{i}", "T" * 300, "A", "2022-01-01", None, None, 5, i * 5)
        for i in range(40)
    )
    for page in (1, 4, 99):
        assert_within_limits(articles_embed(articles, page))
    assert_within_limits(help_embed())


hostile_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Z", "Cf"]),
    min_size=1,
    max_size=8000,
) | st.sampled_from(["@everyone " * 600, "*" * 7000, "\u200f\u202e" * 3000, "a" * 100_000])


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(hostile_text, min_size=1, max_size=5),
    question=hostile_text,
    title=hostile_text,
    author=st.none() | hostile_text,
)
def test_any_text_renders_within_discord_limits(texts, question, title, author):
    passages = [passage(t, rank=i + 1, title=title, author=author) for i, t in enumerate(texts)]
    assert_within_limits(answer_embed(question, passages, 1, 3))
    assert_within_limits(paragraph_embed(passages[0].citation, [(6, texts[0]), (7, texts[-1])], 7))
    assert_within_limits(
        no_answer_embed(Answer(question, AnswerStatus.NO_RELEVANT_PASSAGE, (), (title,)))
    )


def unescaped(rendered: str) -> str:
    """The characters of `rendered` that are not escaped by a preceding backslash."""
    out, i = [], 0
    while i < len(rendered):
        if rendered[i] == "\\":
            i += 2
            continue
        out.append(rendered[i])
        i += 1
    return "".join(out)


@given(hostile_text | st.text(alphabet="*_~|`>\\<@#&!0123456789 [](): everyonehr", max_size=200))
def test_safe_text_has_no_live_mention_and_no_unescaped_markdown(text):
    rendered = safe(text)
    assert "@everyone" not in rendered and "@here" not in rendered
    assert "<@" not in rendered and "<#" not in rendered
    live = unescaped(rendered)
    assert not set(live) & set("*_~|`\\")
    assert not any(line.lstrip().startswith("> ") for line in live.splitlines())  # no quote
    assert re.search(r"\[[^\]]*\]\([^)]*\)", live) is None  # no masked link can form
