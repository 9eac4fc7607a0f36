"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os


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
