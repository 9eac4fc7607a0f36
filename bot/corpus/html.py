"""Extract an article's main text and metadata from an HTML page with trafilatura."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

import trafilatura

from bot.corpus.dates import find_date
from bot.corpus.model import Article, ArticleError

log = logging.getLogger(__name__)

_TIME_PROPERTIES = frozenset({"article:published_time", "og:published_time", "datepublished"})


def parse_html_article(article_id: str, html: str, fallback_title: str) -> Article:
    """Parse an HTML page into an Article: main text only, no navigation or footer."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception as exc:
        # trafilatura and lxml can fail in many ways on malformed pages; none is our bug.
        log.debug("trafilatura failed on %s", article_id, exc_info=True)
        raise ArticleError(f"could not parse HTML: {type(exc).__name__}") from exc
    text = getattr(doc, "text", None) or ""
    title = _clean(getattr(doc, "title", None))
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    if paragraphs and title and " ".join(paragraphs[0].split()) == title:
        paragraphs = paragraphs[1:]  # the <h1> repeats the title; it is not body text
    if not paragraphs:
        raise ArticleError("no article text found in HTML")
    return Article(
        id=article_id,
        title=title or fallback_title,
        paragraphs=tuple(paragraphs),
        author=_clean(getattr(doc, "author", None)),
        date=_date(getattr(doc, "date", None), html),
        url=_clean(getattr(doc, "url", None)),
        source=_clean(getattr(doc, "sitename", None)),
        standfirst=_clean(getattr(doc, "description", None)),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date(extracted: object, html: str) -> str | None:
    """Prefer the page's published time (trafilatura keeps only the day) when they agree."""
    day = find_date(extracted) if isinstance(extracted, str) else None
    published = _published_time(html)
    if published and (day is None or published.startswith(day)):
        return published
    return day


def _published_time(html: str) -> str | None:
    finder = _MetaTimeFinder()
    try:
        finder.feed(html[:200_000])  # the <head> is at the top; no need to scan it all
        finder.close()
    except Exception:  # html.parser is lenient, but never let metadata sink an article
        log.debug("could not scan meta tags", exc_info=True)
    return find_date(finder.value) if finder.value else None


class _MetaTimeFinder(HTMLParser):
    """Collect the first published-time <meta> value."""

    def __init__(self) -> None:
        super().__init__()
        self.value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta" or self.value is not None:
            return
        fields = {name: value or "" for name, value in attrs}
        key = (fields.get("property") or fields.get("name") or fields.get("itemprop") or "").lower()
        if key in _TIME_PROPERTIES and fields.get("content"):
            self.value = fields["content"]
