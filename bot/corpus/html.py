"""Extract an article's main text and metadata from an HTML page with trafilatura."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura

from bot.corpus.dates import find_date, is_date_line
from bot.corpus.extent import teaser_cut
from bot.corpus.furniture import is_boilerplate, is_furniture
from bot.corpus.htmlmeta import (
    TIME_PROPERTIES,
    author_from,
    page_meta,
    printed_byline,
    printed_date,
)
from bot.corpus.model import Article, ArticleError
from bot.corpus.recover import recover_paragraphs

log = logging.getLogger(__name__)

# trafilatura writes list items as "- item".
_LIST_DASH = re.compile(r"^[-•*]\s+")
_COUNT_LINE = re.compile(r"\d[\d,]*\s+(?:comments?|shares?|views?|replies)", re.IGNORECASE)
_TITLE_REPEAT_REACH = 3
_OPENING_CHARS = 80
_MAX_CONTACT_WORDS = 15
_BYLINE_REACH = 3
_MAX_HEADER_WORDS = 40
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_EMAIL = re.compile(r"<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
# trafilatura writes table rows as "| a | b |"; a one-cell row is a layout table holding a
# picture's caption ("| Schematic from hell! |"), not data.
_ONE_CELL_ROW = re.compile(r"\|[^|]*\|")


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
    meta = page_meta(html)
    text = getattr(doc, "text", None) or ""
    title = _clean(getattr(doc, "title", None))
    author = author_from(meta, getattr(doc, "author", None)) or printed_byline(html)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    standfirst = _clean(getattr(doc, "description", None))
    paragraphs = _body(html, lines, _Header(title, author, standfirst))
    if not paragraphs:
        raise ArticleError("no article text found in HTML")
    return Article(
        id=article_id,
        title=title or fallback_title,
        paragraphs=tuple(paragraphs),
        author=author,
        date=_date(getattr(doc, "date", None), meta, html),
        url=_clean(getattr(doc, "url", None)),
        source=_clean(getattr(doc, "sitename", None)),
        standfirst=standfirst,
    )


@dataclass(frozen=True)
class _Header:
    """What the page says above its text: none of it is body text again."""

    title: str | None
    author: str | None
    standfirst: str | None


def _body(html: str, lines: list[str], header: _Header) -> list[str]:
    """The extracted lines cleaned, with the article's text the extractor left out put back.

    The <h1> repeating the title is not body text, nor are byline, date and share lines.
    """
    paragraphs = clean_paragraphs(below_byline(lines, header.author), header.title)
    return recover_paragraphs(html, paragraphs, header.author, lambda p: _is_text(p, header))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date(extracted: object, meta: dict[str, str], html: str) -> str | None:
    """Prefer the page's published time (trafilatura keeps only the day) when they agree.

    A page that declares no time but prints its date under the headline is read as
    printed: trafilatura's guess may take "3/09/15" day first, or a date from the URL.
    """
    day = find_date(extracted) if isinstance(extracted, str) else None
    declared = next((meta[key] for key in TIME_PROPERTIES if key in meta), None)
    published = find_date(declared) if declared else None
    if published and (day is None or published.startswith(day)):
        return published
    if declared is None:
        return printed_date(html) or day
    return day


def clean_paragraphs(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop the title repeated as text, date and share lines, and teasers after a marker."""
    key = _key(title or "")
    kept = [
        p
        for index, p in enumerate(paragraphs)
        if not (index < _TITLE_REPEAT_REACH and _key(p) == key)
        and not is_furniture(_LIST_DASH.sub("", p))
        and not is_date_line(_LIST_DASH.sub("", p))
        and not _COUNT_LINE.fullmatch(_LIST_DASH.sub("", p))
        and not _ONE_CELL_ROW.fullmatch(p)
        and not _is_contact_line(p)
    ]
    return kept[: teaser_cut(kept)]


def _is_contact_line(paragraph: str) -> bool:
    # "Submit comments on this post to <jo@example.org>.": how to reach the writer.
    return len(paragraph.split()) <= _MAX_CONTACT_WORDS and _EMAIL.search(paragraph) is not None


def _is_text(paragraph: str, header: _Header) -> bool:
    """Tell whether a block left out by the extractor is text: not furniture, a date
    line, the title, a byline or the standfirst (kept as the article's standfirst)."""
    if is_boilerplate(paragraph) or (header.author and _only_names(paragraph, header.author)):
        return False
    if header.standfirst and _same_opening(paragraph, header.standfirst):
        return False
    return bool(clean_paragraphs([paragraph], header.title))


def _same_opening(text: str, standfirst: str) -> bool:
    # The page's description may be cut short ("... the changing status of computation in").
    reach = min(len(standfirst), _OPENING_CHARS)
    return _key(text)[:reach] == _key(standfirst)[:reach]


def below_byline(paragraphs: list[str], author: str | None) -> list[str]:
    """Drop a byline line naming the author near the top, and the header lines above it.

    Above "Richard (R.J.) Eskow" sit the headline and the standfirst, not the text; a
    long paragraph there is text all the same.
    """
    if author is None:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:_BYLINE_REACH]):
        if _only_names(paragraph, author):
            above = [p for p in paragraphs[:index] if len(p.split()) > _MAX_HEADER_WORDS]
            return _unsigned([*above, *paragraphs[index + 1 :]], author)
    return _unsigned(paragraphs, author)


def _unsigned(paragraphs: list[str], author: str) -> list[str]:
    # "Bradley M. Kuhn <bkuhn@ebb.org>" under a post: the writer's signature, not text.
    return [p for p in paragraphs if not _only_names(p, author)]


def _only_names(paragraph: str, author: str) -> bool:
    named = _EMAIL.sub(" ", _PARENTHESES.sub(" ", _BY.sub("", paragraph)))
    return _key(named.strip(" —–-,")) == _key(author)


def _key(text: str) -> str:
    # "Burned Her Up" and “Burned Her Up” are one title: quotes are typography.
    return " ".join(text.translate(_QUOTES).split()).casefold()
