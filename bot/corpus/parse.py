"""Turn an article file's bytes into an Article, whatever its format."""

from __future__ import annotations

import logging

from bot.corpus.decode import decode_article, normalise_newlines
from bot.corpus.frontmatter import (
    parse_front_matter_article,
    split_front_matter,
    with_front_matter,
)
from bot.corpus.html import parse_html_article
from bot.corpus.model import Article, ArticleError
from bot.corpus.pastein import parse_pastein

log = logging.getLogger(__name__)

HTML_SUFFIXES = frozenset({".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})


def parse_article(article_id: str, data: bytes, suffix: str) -> Article:
    """Parse a file's bytes into an Article; any problem is raised as ArticleError."""
    text = normalise_newlines(decode_article(data))
    if not text.strip():
        raise ArticleError("empty article")
    suffix = suffix.lower()
    fallback_title = title_from_id(article_id)
    front = split_front_matter(text.lstrip("\ufeff"))
    if suffix in HTML_SUFFIXES:
        # A page saved with front matter on top (`citebot add --title ...`): the page is
        # read as HTML and the fields win, as for a paste marked `pasted: true`.
        if front is None:
            return parse_html_article(article_id, text, fallback_title)
        return with_front_matter(parse_html_article(article_id, front[1], fallback_title), front[0])
    if front is not None:
        yaml_text, body = front
        markdown = suffix in MARKDOWN_SUFFIXES
        return parse_front_matter_article(article_id, yaml_text, body, fallback_title, markdown)
    return parse_pastein(article_id, text, fallback_title)


def title_from_id(article_id: str) -> str:
    """Make a readable title from an article id: 'news/us-talks_2022' -> 'us talks 2022'."""
    name = article_id.rsplit("/", 1)[-1]
    return " ".join(name.replace("-", " ").replace("_", " ").split()) or article_id or "untitled"
