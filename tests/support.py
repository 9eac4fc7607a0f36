"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index


def front_matter_article(title: str, paragraphs: list[str], **meta: str) -> str:
    """An article file in the front matter format."""
    header = "\n".join(f"{key}: {value}" for key, value in {"title": title, **meta}.items())
    return f"---\n{header}\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def isolate_environment(monkeypatch, tmp_path) -> None:
    """No stray .env or CITEBOT_* settings from the machine running the tests."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CITEBOT_") or name == "DISCORD_TOKEN":
            monkeypatch.delenv(name)


def parse_paste(lines: list[str]):  # -> bot.corpus.Article
    """A pasted page (one block per line) parsed as a .txt article."""
    from bot.corpus import parse_article

    return parse_article("page", "\n\n".join(lines).encode(), ".txt")


def harbour_paragraphs(topic: str, count: int) -> list[str]:
    """Body paragraphs long enough to read as an article's text."""
    return [
        f"Paragraph {n} about the {topic} explains what changed this year and why the "
        "council thinks the money is well spent on the harbour and its ferry."
        for n in range(count)
    ]


# Filler paragraphs keep each question term in fewer than half of the paragraphs, so
# rank-bm25's idf gives it a positive weight.
FILLER = [
    "Gardeners plant tulips in autumn for colour in spring.",
    "The orchestra rehearsed the symphony twice before the concert.",
    "Bakers knead dough slowly so that the bread rises evenly.",
    "Sailors read the stars to keep their course at night.",
]


def write_corpus(tmp_path: Path, paragraphs: list[str]) -> Path:
    """`tmp_path/corpus`, holding one article: the paragraphs, then the filler."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "---\ntitle: Test\nsource: test\n---\n\n" + "\n\n".join(paragraphs + FILLER) + "\n"
    (corpus / "test.txt").write_text(text)
    return corpus


@contextmanager
def built(tmp_path: Path, paragraphs: list[str]) -> Iterator[SearchIndex]:
    """An index of the paragraphs and the filler, closed when the test is done with it."""
    reindex(write_corpus(tmp_path, paragraphs), tmp_path / "index.db")
    index = load_index(tmp_path / "index.db")
    try:
        yield index
    finally:
        index.close()


# A question a sentence model must read for: the decoy shares its words (hot, cold, someone,
# doing, gets); the answer shares one word and says what is asked in other words.
SPACEWALK_QUESTION = "How hot or cold does it get for someone doing a spacewalk?"
SPACEWALK_DECOY = (
    "Someone doing laundry on the station gets to choose between hot and cold water for the wash."
)
SPACEWALK_ANSWER = (
    "During a spacewalk, temperatures swing between 250 degrees Fahrenheit in sunlight and "
    "minus 250 in shadow, so the suit keeps the astronaut comfortable in both."
)
