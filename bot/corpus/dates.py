"""Recognise publication dates as written on news pages and give them in ISO 8601."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:(?:,|\s-|\s\|)?\s*(?:at\s+)?(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})"
    r"(?::\d{2})?\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
# Time zones are dropped: the page's own clock time is what readers saw and cite.
_ZONE = r"(?:\s*\(?(?:[a-z]{2,5})?\s*(?:[+-]\d{1,2}(?::?\d{2})?)?\)?)?"
_PREFIX = (
    r"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date)"
    r"(?:\s+on)?\s*:?\s*)?"
)
_DATE_FORMS = (
    rf"{_WEEKDAY}{_DAY}\s+{_MONTH},?\s+{_YEAR}{_TIME}",
    rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}",
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T\s](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
)
_DATE_LINE = [re.compile(rf"{_PREFIX}{form}{_ZONE}", re.IGNORECASE) for form in _DATE_FORMS]
_DATE_ANYWHERE = [re.compile(rf"\b{form}", re.IGNORECASE) for form in _DATE_FORMS]
# Date lines are short; longer lines are prose that merely mentions a date.
_MAX_DATE_LINE = 80


def parse_date_line(line: str) -> str | None:
    """Give the ISO date of a line that is only a date (with optional 'Published'-like prefix)."""
    text = line.strip()
    if len(text) > _MAX_DATE_LINE:
        return None
    for pattern in _DATE_LINE:
        match = pattern.fullmatch(text)
        if match:
            return _iso(match)
    return None


def find_date(text: str) -> str | None:
    """Give the ISO form of the first date found in free text (front matter strings)."""
    for pattern in _DATE_ANYWHERE:
        match = pattern.search(text[:200])
        if match:
            return _iso(match)
    return None


def iso_from_value(value: object) -> str | None:
    """Normalise a YAML date, datetime or string to ISO 8601, or None."""
    if isinstance(value, dt.datetime):
        return _format(value.date(), value.hour, value.minute)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return find_date(value)
    return None


def _iso(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    month_text = parts["month"].lower()
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3]]
    try:
        day = dt.date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None
    if parts.get("hour") is None:
        return day.isoformat()
    hour, minute = int(parts["hour"]), int(parts["minute"])
    ampm = (parts.get("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day.isoformat()
    return _format(day, hour, minute)


def _format(day: dt.date, hour: int, minute: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"
