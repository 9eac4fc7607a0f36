"""Find who wrote a pasted post when its header does not say: a signature or a bio below.

Blogs sign their posts at the bottom ("Posted by A at 12:55 AM", "Written on Mar 17 by"
then the name), and news sites end the text with the writer's bio ("Dan Goodin Dan is the
Security Editor at …"). Both are read only right around the end of the text.
"""

from __future__ import annotations

import re

from bot.corpus.byline import parse_byline
from bot.corpus.dates import find_date
from bot.corpus.furniture import word_count

# A blog's signature sits within a few lines under the text, on a short line.
_FOOTER_REACH = 8
_MAX_FOOTER_WORDS = 12
_ENDS_WITH_BY = re.compile(r"\bby\s*$", re.IGNORECASE)
# A bio opens with the name (the first name may be repeated from a picture's label), then
# says what the person does.
_BIO = re.compile(
    r"(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}?)\s+(?:[A-Z][\w'’-]+\s+)?"
    r"(?:is|was|covers|writes|reports|has (?:covered|written|reported|been))\s"
)
# The bio may be the text's last paragraph or sit a few lines under it.
_BIO_ABOVE = 2
_BIO_BELOW = 8
# "The Council is…", "Mr Smith was…": a sentence of the text, not a writer's bio.
_NOT_NAMES = frozenset(
    "the a an this that these those it he she they we our his her its their mr mrs ms dr"
    " in on at for but and or so when after before".split()
)


def signature(units: list[str], end: int) -> tuple[str | None, str | None]:
    """Give (author, date) from a signature under the text, else (bio author, None)."""
    signed = _signed(units, end)
    if signed[0] is not None:
        return signed
    return _bio_author(units, end), None


def _signed(units: list[str], end: int) -> tuple[str | None, str | None]:
    for index in range(end, min(len(units), end + _FOOTER_REACH)):
        line = units[index]
        if word_count(line) > _MAX_FOOTER_WORDS:
            continue
        named = line
        if _ENDS_WITH_BY.search(line) and index + 1 < len(units):
            named = f"By {units[index + 1].strip()}"  # "Written on Feb 24 by" / "Jo Bloggs"
        byline = parse_byline(named)
        if byline is not None and byline.prefixed:
            return byline.author, find_date(line)
    return None, None


def _bio_author(units: list[str], end: int) -> str | None:
    for index in range(max(0, end - _BIO_ABOVE), min(len(units), end + _BIO_BELOW)):
        match = _BIO.match(units[index].strip())
        if match is None:
            continue
        name = match.group("name")
        byline = parse_byline(name)
        if byline is not None and name.split()[0].lower() not in _NOT_NAMES:
            return byline.author
    return None
