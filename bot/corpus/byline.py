"""Recognise bylines, places and wire-service datelines in pasted news pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.corpus.dates import strip_dates

_BY = re.compile(r"(?:by|words by|written by|posted by)\s*:?\s+(?P<rest>.+)", re.IGNORECASE)
# "By Alex Heath, a deputy editor and author of …": the name, then who they are.
_LONG_BY = re.compile(r"^((?:by|words by|written by|posted by)\s*:?\s+[^,.(]+?)\s*[,(].*$", re.I)
# What surrounds a name on a byline line: list bullets, dates, times, handles, "Follow".
_BULLET = re.compile(r"^(?:[•◦▪●□*·/|>-]+|\d{1,2}[.)])\s*")
_NOISE = re.compile(
    r"@\w+|\bfollow\b|\b\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:\s+at\s+\d{1,2}[:.]\d{2}\s*[ap]\.?m\.?)?\b|\bat\s+\d{1,2}[:.]\d{2}\s*[ap]\.?m\.?",
    re.IGNORECASE,
)
# A picture's file name or alt text pasted before the name: "dsteer-headshot Dave Steer".
_FILE_NAME = re.compile(r"^(?:[a-z0-9]*[-_0-9][a-z0-9_-]*\s+)+")
# What a byline's person is, printed with or under the name ("Games Editor").
ROLE_WORDS = (
    "reporter",
    "editor",
    "correspondent",
    "writer",
    "columnist",
    "contributor",
    "producer",
    "critic",
)
# Site-interface words that sit where a byline does but never name a person.
NAV_WORDS = frozenset(
    "username password login logout menu search home subscribe share comments comment"
    " navigation skip email print tweet follow more options sign register account homepage"
    " logo".split()
)
# "Name in Place" (Guardian) and "Name, BBC News" / "Name | Reuters" (most others).
_IN_PLACE = re.compile(r"(?P<names>.+?)\s+in\s+(?P<place>[^,|]+)")
_AFFILIATION = re.compile(r"\s*(?:,|\||\s[-–—]\s).*$")
_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&)\s*")
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "bin", "al"}
)
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z .'’-]{1,40}?)(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s+\((?P<agency>Reuters|AP|AFP|Bloomberg|UPI|dpa)\)\s+[-–—]"
)
_MAX_BYLINE_CHARS = 120


@dataclass(frozen=True)
class Byline:
    """Who wrote the piece and, when the byline says it, where from."""

    author: str
    place: str | None = None
    prefixed: bool = False


def parse_byline(line: str) -> Byline | None:
    """Read a byline ('By A and B, BBC News', 'Alex Woodward', 'Julian Borger in Kyiv')."""
    text = _LONG_BY.sub(r"\1", clean_byline(line))
    if len(text) > _MAX_BYLINE_CHARS or any(c.isdigit() for c in text) or not text:
        return None
    by = _BY.fullmatch(text)
    names = by.group("rest") if by else text
    place = None
    in_place = _IN_PLACE.fullmatch(names)
    if in_place and is_place(in_place.group("place")):
        names, place = in_place.group("names"), in_place.group("place").strip()
    names = _AFFILIATION.sub("", names) if by else names
    names = names.strip(" ,;:-–—|")
    if not _are_names(names, allow_single=by is not None):
        return None
    return Byline(author=_own_case(names), place=place, prefixed=by is not None)


def clean_byline(line: str) -> str:
    """A byline line without bullets, dates, times, handles or 'Follow' links."""
    text = _BULLET.sub("", line.strip())
    text = _FILE_NAME.sub("", text)
    text = strip_dates(text)
    text = _NOISE.sub(" ", text)
    text = re.sub(r"(?<!\S)\d+(?!\S)", " ", text)  # counts glued to a date: "2016651"
    return re.sub(r"^\W+|\W+$", "", " ".join(text.split()))


def _own_case(names: str) -> str:
    # "JEFFREY GETTLEMAN" is typography, not the name: print it as the person writes it.
    return names.title() if names.isupper() else names


def _are_names(text: str, allow_single: bool) -> bool:
    people = [part for part in _SEPARATORS.split(text) if part]
    return bool(people) and all(_is_name(person, allow_single) for person in people)


def _is_name(text: str, allow_single: bool) -> bool:
    words = [word for word in text.split() if word.lower() not in _PARTICLES]
    if not (1 if allow_single else 2) <= len(words) <= 4:
        return False
    if any(word.lower().strip(".") in NAV_WORDS for word in words):
        return False
    return all(_is_name_word(word) for word in words)


def _is_name_word(word: str) -> bool:
    core = word.replace("-", "").replace("'", "").replace("’", "").rstrip(".")
    return bool(core) and core.isalpha() and word[0].isupper()


def is_place(line: str) -> bool:
    """Tell whether a line could be a place name: 1-3 capitalised words, no digits."""
    words = line.strip().replace(",", " ").split()
    if not 1 <= len(words) <= 3 or len(line) > 40:
        return False
    return all(_is_name_word(word) for word in words)


def wire_dateline(paragraph: str) -> tuple[str, str] | None:
    """Give (place, agency) from a 'WASHINGTON, Jan 26 (Reuters) -' opening, if present."""
    match = _DATELINE.match(paragraph[:120])
    if not match:
        return None
    return match.group("place").strip().title(), match.group("agency")
