"""Find publication dates as news pages print them and give them in ISO 8601.

A regular expression only *locates* a date-like stretch of text (a month name or a
numeric day/month/year, with an optional clock time); reading it is left to dateparser,
a maintained parser that knows the forms newspapers print ("JAN. 13, 2017", "Thu 3 Jan
2019 02.00 EST", "3/09/15 8:00am"). It read every date form of the ingest-pages set that
python-dateutil also read, plus the "14.00"-style clock times dateutil refuses.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import warnings

import dateparser

log = logging.getLogger(__name__)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
# A weekday starts a word: the "MON" of "SOLOMON JULY 29, 2016" is a name's end.
_WEEKDAY = r"(?:(?<![^\W\d_])(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_TIME = (
    r"(?P<time>(?:\s*(?:,|\||•|-|–|:|at|\s)\s*)(?:at\s+)?\d{1,2}(?:[:.h]\d{2})(?::\d{2})?"
    r"\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?|\s*(?:,|\||•)?\s*\d{1,2}\s*[ap]\.?m\.?)?"
)
_FORMS = (
    rf"{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}",
    rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}",
    r"\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})(?!\d)",
    r"(?:19|20)\d{2}-\d{2}-\d{2}(?:[T\s]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
)
# Pasted pages glue words together ("Yahoo FinanceOctober 13, 2016", "Nolan22 Dec 2016"):
# a date may follow a letter, but not continue a lower-case word ("Summary 12, 2015").
_LOCATE = re.compile(rf"(?<![\d/.])(?P<date>{'|'.join(_FORMS)}){_TIME}", re.IGNORECASE)
# A day printed without its year ("March 18 at 3:57 PM", "Thu 3 Jan"), as sites print
# this year's dates: readable only once the page gives the year (see yearless.py).
_YEARLESS = re.compile(
    rf"(?<![\w/.])(?P<date>{_WEEKDAY}(?:{_MONTH}\s+{_DAY}|{_DAY}\s+{_MONTH}))"
    rf"(?!\w|,?\s*{_YEAR}){_TIME}",
    re.IGNORECASE,
)
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T\s]\d{2}:\d{2}")
# Date lines are short; longer lines are prose that merely mentions a date.
_MAX_DATE_LINE = 80
_PREFIX = re.compile(
    r"(?:(?:first\s+|last\s+)?(?:published|posted|updated|modified|date)(?:\s+on)?\s*:?\s*)",
    re.IGNORECASE,
)
_NOISE = re.compile(r"[\s•|/,:;.()\[\]-]+")
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}


def find_date(text: str) -> str | None:
    """Give the ISO form of the first readable date in text (its first 300 characters)."""
    for match in _LOCATE.finditer(text[:300]):
        iso = _read(match) if _starts_word(text, match) else None
        if iso:
            return iso
    return None


def find_yearless(text: str) -> re.Match[str] | None:
    """Find a day printed without its year ("March 18 at 3:57 PM") in a short line."""
    return _YEARLESS.search(text[:300])


def read_yearless(match: re.Match[str], year: int) -> str | None:
    """Give the ISO form of a day without its year, in the given year."""
    return _read_parts(f"{match.group('date')} {year}", match.group("time"))


def all_dates(text: str) -> list[str]:
    """Give the ISO forms of every readable full date in text."""
    return [iso for m in _LOCATE.finditer(text) if _starts_word(text, m) and (iso := _read(m))]


def starts_with_date(text: str) -> bool:
    """Tell whether text opens with a full date ("May 17, 2012 One of the mosaics ...")."""
    return _LOCATE.match(text) is not None


def strip_dates(text: str) -> str:
    """The text with every date-like stretch (and its clock time) taken out."""
    return _LOCATE.sub(" ", text)


def parse_date_line(line: str) -> str | None:
    """Give the ISO date of a line that is only a date, with an optional 'Published' label."""
    match = _date_line_match(line.strip())
    return _read(match) if match else None


def is_date_line(line: str) -> bool:
    """Tell whether a line is only a date (by its shape: cheap, nothing is parsed)."""
    return _date_line_match(line.strip()) is not None


def ends_with_date(text: str) -> bool:
    """Tell whether text ends with a full date ("… to Solve JULY 26, 2016"): a teaser's label."""
    stripped = text.rstrip()
    tail = stripped[-_MAX_DATE_LINE:]
    return any(
        m.end() == len(tail) and _starts_word(tail, m) and m.start() > 0
        for m in _LOCATE.finditer(tail)
    )


def has_date(text: str) -> bool:
    """Tell whether text holds something shaped like a full date (nothing is parsed)."""
    return any(_starts_word(text, m) for m in _LOCATE.finditer(text[:300]))


def _date_line_match(text: str) -> re.Match[str] | None:
    if len(text) > _MAX_DATE_LINE:
        return None
    match = _LOCATE.search(text)
    if match is None or not _starts_word(text, match):
        return None
    rest = _PREFIX.sub(" ", text[: match.start()] + " " + text[match.end() :])
    return None if _NOISE.sub("", rest) else match


def is_modified_line(line: str) -> bool:
    """Tell whether a date line gives the last change rather than the publication."""
    return re.search(r"\b(?:updated|modified|edited)\b", line, re.IGNORECASE) is not None


def iso_from_value(value: object) -> str | None:
    """Normalise a YAML date, datetime or string to ISO 8601, or None."""
    if isinstance(value, dt.datetime):
        return _format(value, with_time=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return find_date(value)
    return None


def _starts_word(text: str, match: re.Match[str]) -> bool:
    before = text[match.start() - 1 : match.start()]
    return not (before.isalpha() and match.group()[0].islower())


def _read(match: re.Match[str]) -> str | None:
    return _read_parts(match.group("date"), match.group("time"))


def _read_parts(date_text: str, time_raw: str | None) -> str | None:
    time_text = (time_raw or "").strip(" ,|•-–:")
    with_time = bool(time_text) or _ISO_TIME.match(date_text) is not None
    text = f"{date_text} {time_text.removeprefix('at ')}".strip()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = _parse_day(text)
            if parsed is None and time_text:
                parsed, with_time = _parse_day(date_text), False
    except (ValueError, OverflowError, RecursionError):
        log.debug("unreadable date %r", text)
        return None
    return _format(parsed, with_time) if parsed else None


@functools.lru_cache(maxsize=4096)
def _parse_day(text: str) -> dt.datetime | None:
    # Cached: a page repeats its dates (teasers, comments), and parsing costs a millisecond.
    parsed: dt.datetime | None = dateparser.parse(text, languages=["en"], settings=_SETTINGS)
    return parsed


def _format(moment: dt.datetime, with_time: bool) -> str:
    # Time zones are dropped: the page's own clock time is what readers saw and cite.
    if not with_time:
        return moment.date().isoformat()
    return f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}"
