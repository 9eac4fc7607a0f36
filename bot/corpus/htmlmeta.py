"""Read a page's own metadata (<meta> tags) and clean the author trafilatura guessed."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

from bot.corpus.byline import ROLE_WORDS, parse_byline
from bot.corpus.dates import parse_date_line

log = logging.getLogger(__name__)

TIME_PROPERTIES = frozenset({"article:published_time", "og:published_time", "datepublished"})
# Where pages declare their author, most specific first ("byl" is "By NAME" as printed).
AUTHOR_PROPERTIES = (
    "author", "article:author", "og:article:author", "byl", "parsely-author",
    "sailthru.author", "dc.creator",
)  # fmt: skip
_URL = re.compile(r"\(?\s*(?:https?://|www\.)\S*\)?|\bhttps?\b", re.IGNORECASE)
_MONTH_WORD = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE
)
# The <head> is at the top; no need to scan a whole page for it.
_HEAD_CHARS = 200_000
# A byline is printed within the first blocks under the headline.
_BYLINE_BLOCKS = 40
_MAX_BYLINE_WORDS = 25
_BY = re.compile(r"\W*by\s+\S", re.IGNORECASE)
_ROLE_WORDS = frozenset(ROLE_WORDS)
_SKIPPED = frozenset({"script", "style", "noscript", "nav", "template"})
_BLOCKS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 br section article header footer td span time".split()
)


def page_meta(html: str) -> dict[str, str]:
    """The page's <meta> values by lower-cased name/property/itemprop (first of each)."""
    finder = _MetaFinder()
    try:
        finder.feed(html[:_HEAD_CHARS])
        finder.close()
    except Exception:  # html.parser is lenient, but never let metadata sink an article
        log.debug("could not scan meta tags", exc_info=True)
    return finder.values


def author_from(meta: dict[str, str], extracted: object) -> str | None:
    """The article's author: declared in <meta>, else trafilatura's guess, cleaned.

    Each candidate is read as a byline: navigation words ("Username"), URLs and handles
    are not names, and a name printed in capitals is given in its own case.
    """
    for key in AUTHOR_PROPERTIES:
        name = clean_author(meta.get(key, ""))
        if name:
            return name
    return clean_author(extracted) if isinstance(extracted, str) else None


def clean_author(raw: str) -> str | None:
    """One name per person, in their own case, from a possibly messy author string."""
    names: list[str] = []
    for part in re.split(r"\s*[;|]\s*", raw):
        text = _MONTH_WORD.sub("", _URL.sub(" ", part)).strip(" ,")
        if not text or text.startswith(("http", "/")):
            continue
        byline = parse_byline(text if text.lower().startswith("by ") else f"By {text}")
        if byline is None or len(byline.author.split()) < 2:
            continue
        name = _without_role(byline.author)
        if not any(name.casefold() == seen.casefold() for seen in names):
            names.append(name)
    # A second "name" after the first is usually a handle or a site ("Ebb Org").
    return names[0] if names else None


def _without_role(name: str) -> str:
    """'Ben Silverman Games Editor' -> 'Ben Silverman': the job title printed with the name.

    A role is a role word and usually one word before it ("Staff Writer"); two words of
    the name always stay.
    """
    words = name.split()
    if len(words) < 3 or words[-1].lower() not in _ROLE_WORDS:
        return name
    keep = len(words) - 2 if len(words) >= 4 else len(words) - 1
    return " ".join(words[:keep])


def printed_byline(html: str) -> str | None:
    """The first "By Name" line printed after the page's <h1>, as a reader sees it."""
    for block in _blocks_after_h1(html)[:_BYLINE_BLOCKS]:
        text = " ".join(block.split())
        if not _BY.match(text) or len(text.split()) > _MAX_BYLINE_WORDS:
            continue
        byline = parse_byline(text)
        if byline is not None and len(byline.author.split()) >= 2:
            return byline.author
    return None


def printed_date(html: str) -> str | None:
    """The first line under the page's <h1> that is only a date ("3/09/15 8:00am")."""
    for block in _blocks_after_h1(html)[:_BYLINE_BLOCKS]:
        date = parse_date_line(" ".join(block.split()))
        if date is not None:
            return date
    return None


def _blocks_after_h1(html: str) -> list[str]:
    reader = _TextBlocks()
    try:
        reader.feed(html[: 4 * _HEAD_CHARS])
        reader.close()
    except Exception:
        log.debug("could not read the page's text blocks", exc_info=True)
    return reader.blocks


class _TextBlocks(HTMLParser):
    """The page's text after its first <h1>, one string per block element."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._seen_h1 = False
        self._skip = 0
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()
        self._seen_h1 = self._seen_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._seen_h1 and not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = "".join(self._current).strip()
        if text:
            self.blocks.append(text)
        self._current = []


class _MetaFinder(HTMLParser):
    """Collect <meta> values by name, property or itemprop."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            return
        fields = {name: value or "" for name, value in attrs}
        key = (fields.get("property") or fields.get("name") or fields.get("itemprop") or "").lower()
        content = fields.get("content", "").strip()
        if key and content and key not in self.values:
            self.values[key] = content
