"""Tell a headline from navigation, labels and captions by the shape of the line."""

from __future__ import annotations

import re

from bot.corpus.byline import NAV_WORDS, parse_byline
from bot.corpus.dates import has_date, is_date_line
from bot.corpus.furniture import is_boilerplate, is_furniture, is_image, word_count

MIN_TITLE_WORDS = 3
_MAX_TITLE_WORDS = 30
_MAX_FIRST_LINE_WORDS = 40
# Markup and addresses are never a headline: '<img src="https://…">' pasted from a page.
_MARKUP = re.compile(r"<[a-z/!]|https?://|www\.|\w=[\"']", re.IGNORECASE)
_NAV_PHRASE = re.compile(
    r"\b(?:skip|jump) to\b|\b(?:sign|log) (?:in|up|out)\b|\bmain menu\b|\bnavigation\b"
    r"|^\W*(?:share|tweet|email|print|save|follow|subscribe|menu|search)\b",
    re.IGNORECASE,
)
# "logo. The Verge": a sentence break inside a line; a headline is one phrase.
_INNER_STOP = re.compile(r"\b[a-z]{2,}[.!?]\s+[A-Z]")
_LIST_ITEM = re.compile(r"^\s*(?:[•◦▪●□☆■▶►▼*·]|\d{1,3}[.)]\s)")
# "Benoit Tessier/Reuters" inside a line: a photo caption with its credit.
_CREDIT = re.compile(r"\b[A-Z][\w.'’-]+/[A-Z]")
# "Gallery: Xbox One X | 14 Photos": a gallery's label with its count, not a headline.
_GALLERY_COUNT = re.compile(r"\b\d+\s+(?:photos|pictures|images|slides|videos)\)?$", re.I)
_ENDS_WITH_FUNCTION_WORD = re.compile(r"\b(?:by|of|the|a|an|and|or|to|for|with|in|on)$", re.I)


def is_list_item(line: str) -> bool:
    """Tell whether a line is a bulleted or numbered list item as pasted."""
    return _LIST_ITEM.match(line) is not None


def looks_like_navigation(line: str) -> bool:
    """Tell whether a line reads as site navigation rather than a headline.

    Navigation is mostly interface words ("Sign in", "Share via Email") or says where to
    go ("Skip to content"); a headline may use one of them ("Home prices fall").
    """
    words = re.findall(r"[a-z]+", line.lower())
    if not words or _NAV_PHRASE.search(line):
        return True
    return 2 * sum(word in NAV_WORDS for word in words) >= len(words)


def is_headline(line: str, first_line: bool = False) -> bool:
    """Tell whether a line could be an article's headline (by its shape alone).

    The first line of a paste is the headline when it is not navigation or furniture:
    that is where a reader selecting "from the headline down" starts.
    """
    text = line.strip()
    words = word_count(text)
    limit = _MAX_FIRST_LINE_WORDS if first_line else _MAX_TITLE_WORDS
    if not MIN_TITLE_WORDS <= words <= limit or is_list_item(text):
        return False
    if is_image(text) or is_furniture(text) or looks_like_navigation(text):
        return False
    if (
        text.startswith("[")
        or _INNER_STOP.search(text)
        or _is_doubled(text)
        or _MARKUP.search(text)
    ):
        return False
    if _CREDIT.search(text) or is_date_line(text) or _GALLERY_COUNT.search(text):
        return False
    if _is_byline(text, first_line):
        return False
    if not first_line and (
        is_boilerplate(text)
        or _ends_like_label(text)
        or _ENDS_WITH_FUNCTION_WORD.search(text)
        or has_date(text)
    ):
        return False
    if text[0].islower() and not text[1:2].isupper():
        return False  # "on Feb 24" is a label; "iPhone sales" is a headline
    return sum(1 for word in text.split() if any(c.isalpha() for c in word)) >= MIN_TITLE_WORDS


def _ends_like_label(text: str) -> bool:
    # A headline has no final period, unless its last word is an abbreviation ("N.Y.C.").
    last = text.split()[-1]
    if text.endswith(".") and last.count(".") >= 2:
        return False
    return text.endswith((".", ":", "|", ","))


def _is_byline(text: str, first_line: bool = False) -> bool:
    # Title-case headlines read like names ("Obama's Last Stand"): only short lines are
    # names, and a paste's first line is a name only when it says "By".
    byline = parse_byline(text)
    if byline is None or byline.prefixed:
        return byline is not None
    return not first_line and (byline.place is not None or word_count(text) <= 3)


def _is_doubled(text: str) -> bool:
    # Pasted image links repeat their text: "Tech Insider Tech Insider".
    words = text.split()
    half = len(words) // 2
    return len(words) % 2 == 0 and words[:half] == words[half:]
