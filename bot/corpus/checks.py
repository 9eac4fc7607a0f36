"""What an admin should check about an article's metadata after indexing it."""

from __future__ import annotations

from bot.corpus.headline import looks_like_navigation
from bot.corpus.parse import title_from_id


def metadata_warnings(
    article_id: str, title: str, author: str | None, date: str | None
) -> list[str]:
    """Problems with an article's title, author and date, each as a short phrase.

    Citations show all three, so a missing or wrong one is on screen in every answer;
    front matter fixes any of them (see the README).
    """
    problems = []
    if _title_is_navigation(title):
        problems.append(f"title looks like navigation: {title!r}")
    elif title == title_from_id(article_id):
        problems.append("no headline found: title taken from the file name")
    if not author:
        problems.append("no author")
    if not date:
        problems.append("no date")
    return problems


def _title_is_navigation(title: str) -> bool:
    text = title.strip()
    return not any(c.isalpha() for c in text) or text.startswith("[") or looks_like_navigation(text)
