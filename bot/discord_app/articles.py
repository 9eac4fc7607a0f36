"""Choosing an article by name: autocomplete suggestions and validating what was typed.

Discord does not enforce autocomplete suggestions, so whatever arrives is resolved again.
"""

from __future__ import annotations

from bot.citation import shorten
from bot.index.search import SearchIndex

MAX_CHOICES = 25
CHOICE_LIMIT = 100


def article_choices(index: SearchIndex, current: str) -> list[tuple[str, str]]:
    """Up to 25 (title, id) suggestions whose title or id contains what was typed."""
    needle = current.strip().casefold()
    choices = []
    for article in index.articles:
        if len(article.id) > CHOICE_LIMIT:
            continue  # cannot be a choice value; still reachable by typing its title
        if needle in article.title.casefold() or needle in article.id.casefold():
            choices.append((shorten(article.title, CHOICE_LIMIT) or article.id, article.id))
        if len(choices) == MAX_CHOICES:
            break
    return choices


def resolve_article(index: SearchIndex, typed: str) -> str | None:
    """The id of the article meant by an id, an exact title, or a unique title prefix."""
    typed = typed.strip()
    if index.article(typed) is not None:
        return typed
    folded = typed.casefold()
    exact = [a.id for a in index.articles if a.title.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    prefixed = [a.id for a in index.articles if a.title.casefold().startswith(folded)]
    return prefixed[0] if len(prefixed) == 1 and folded else None
