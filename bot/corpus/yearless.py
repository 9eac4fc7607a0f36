"""Date a byline that prints its day without the year ("March 18 at 3:57 PM").

Sites print this year's dates without the year. The year is taken only from what the page
itself says: the year of its copyright notice ("© 1996-2015"), which sites print as the
year the page is served, the year they leave off their dates; else the same day printed in
full elsewhere on it ("March 18, 2015" in a caption). A page that says neither gets no
date: a year is never guessed.
"""

from __future__ import annotations

import re

from bot.corpus.dates import all_dates, find_yearless, read_yearless
from bot.corpus.furniture import word_count

_COPYRIGHT = re.compile(r"©|\bcopyright\b|\(c\)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A copyright notice is a short footer line; a long line mentioning copyright is prose.
_MAX_NOTICE_WORDS = 30
# Any year works for reading the month and day alone; a leap year keeps 29 February.
_ANY_LEAP_YEAR = 2000


def date_without_year(lines: list[str], day_line: str) -> str | None:
    """Give the ISO date of day_line's yearless day, in the year the page gives, or None."""
    match = find_yearless(day_line)
    if match is None:
        return None
    month_day = read_yearless(match, _ANY_LEAP_YEAR)
    if month_day is None:
        return None
    year = _copyright_year(lines) or _year_printed_in_full(lines, month_day[5:10])
    return read_yearless(match, year) if year else None


def _year_printed_in_full(lines: list[str], month_day: str) -> int | None:
    for line in lines:
        for iso in all_dates(line):
            if iso[5:10] == month_day:
                return int(iso[:4])
    return None


def _copyright_year(lines: list[str]) -> int | None:
    years = [
        int(year)
        for line in lines
        if word_count(line) <= _MAX_NOTICE_WORDS and _COPYRIGHT.search(line)
        for year in _YEAR.findall(line)
    ]
    return max(years) if years else None
