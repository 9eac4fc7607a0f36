"""Find a pasted page's headline, byline, date and standfirst around where its text starts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.corpus.byline import ROLE_WORDS, Byline, clean_byline, is_place, parse_byline
from bot.corpus.dates import find_date, find_yearless, has_date, is_date_line, is_modified_line
from bot.corpus.furniture import is_furniture, is_sentence, word_count
from bot.corpus.headline import is_headline, is_list_item

# How far above the article's first paragraph its headline and byline may sit.
_HEADER_REACH = 30
# A headline-down paste can hold a long share bar between headline and text.
_FIRST_LINE_REACH = 60
# Lines under the first paragraph still searched for a byline or date, and how many
# paragraphs (standfirst, caption) may come before them.
_META_REACH = 12
_MAX_LEAD_PARAGRAPHS = 2
_MIN_PROSE_WORDS = 15
_MIN_HEADLINE_ABOVE = 5
# "1:39 PM ET", "3 hours ago": when the page gives a time but no date.
_CLOCK_LINE = re.compile(
    r"\W*(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?|\d+\s+(?:minutes?|hours?)\s+ago)\W*$",
    re.IGNORECASE,
)
# "Alex Perry 1 day ago": a bare name with the page's relative time is a byline line.
_AGO = re.compile(r"\b\d+\s+(?:second|minute|hour|day|week|month)s?\s+ago\b", re.IGNORECASE)
_CLOCK_END = re.compile(r"\s*[ap]\.m\.$", re.IGNORECASE)
_BY_START = re.compile(r"\W*by\s", re.IGNORECASE)
# A date or byline line is short: a longer line is prose that mentions one.
_MAX_META_WORDS = 25

_PUBLISHED = re.compile(r"(?:published|posted|updated)(?: on)?", re.IGNORECASE)
# What the byline's person is, on the line under it: "Seattle Times business reporter".
_ROLE = re.compile(rf"(?:[\w&’'-]+\s+){{0,5}}(?:{'|'.join(ROLE_WORDS)})", re.IGNORECASE)
_SITE_NAV = re.compile(r"\b(?:sign|log) (?:in|out|up)\b|\b(?:skip|jump) to\b", re.I)

_Named = tuple[str | None, str | None]  # (author, place)


@dataclass(frozen=True)
class PageHeader:
    """What the lines above the article say: headline, standfirst, byline, date."""

    title_index: int | None
    standfirst: str | None = None
    author: str | None = None
    place: str | None = None
    date: str | None = None
    day_line: str | None = None  # a byline or date line giving the day without its year


def find_headline(lines: list[str], body_start: int) -> int | None:
    """Give the index of the headline: the nearest headline-shaped line above the article.

    Bylines and dates sit between headline and body; the search starts above the first.
    """
    top = max(0, body_start - _HEADER_REACH)
    if (
        body_start <= _FIRST_LINE_REACH
        and lines
        and is_headline(lines[0], first_line=True)
        and not any(_SITE_NAV.search(line) for line in lines[1:body_start])
    ):
        # The paste starts at the headline, as when selecting from it down; a sign-in bar
        # under the first line says the paste is a whole page that starts elsewhere.
        return 0
    shown_twice = _shown_twice(lines, top, body_start)
    if shown_twice is not None:
        return shown_twice
    meta = [i for i in range(top, body_start) if _is_meta(lines[i])]
    start = meta[0] if meta else body_start
    for index in range(start - 1, top - 1, -1):
        if _SITE_NAV.search(lines[index]):
            break  # the site's sign-in bar: above it are menus and teasers, not the header
        if is_headline(lines[index]):
            # A standfirst sits between headline and byline and may look like one; it has
            # the headline right above it and ends like a sentence or runs longer.
            above = index - 1
            if (
                above >= top
                and is_headline(lines[above])
                and _reads_as_standfirst(lines[index], lines[above])
            ):
                return above
            return index
    for index in range(start, body_start):
        if is_headline(lines[index]):
            return index
    return None


def _shown_twice(lines: list[str], top: int, body_start: int) -> int | None:
    """A headline-shaped line the page shows twice above the text (over the picture, then
    over the byline, or in a share bar) is the headline; give its last place."""
    seen: dict[str, int] = {}
    found: int | None = None
    for index in range(top, body_start):
        text = lines[index].strip()
        if text in seen and is_headline(text):
            found = index
        seen.setdefault(text, index)
    return found


def header_end(lines: list[str], body_start: int) -> int:
    """Give where the body starts once the byline and date lines under a standfirst are seen.

    A long standfirst or a caption can come before the byline; it is header, not body.
    A date further down, after more than two paragraphs, belongs to the body.
    """
    end = body_start
    prose_seen = 0
    for index in range(body_start, min(len(lines), body_start + _META_REACH)):
        if _is_meta(lines[index]) or (index == end and parse_byline(lines[index])):
            end = index + 1
        elif index == end > body_start and _ROLE.fullmatch(lines[index].strip()):
            end = index + 1  # "Seattle Times business reporter" under the byline
        elif word_count(lines[index]) >= _MIN_PROSE_WORDS:
            prose_seen += 1
            if prose_seen > _MAX_LEAD_PARAGRAPHS:
                break
    return end


def header_floor(lines: list[str], title_index: int | None, body_start: int) -> int:
    """The first line the body may reach back to: below the title and every meta line."""
    floor = 0 if title_index is None else title_index + 2  # the line under it: standfirst
    for index in range(floor, body_start):
        if _is_meta(lines[index]) or parse_byline(lines[index]):
            floor = index + 1
    return floor


def _reads_as_standfirst(line: str, above: str) -> bool:
    return is_sentence(line) or word_count(line) > word_count(above) >= _MIN_HEADLINE_ABOVE


def _is_meta(line: str) -> bool:
    if word_count(line) > _MAX_META_WORDS and not _BY_START.match(line):
        return False
    byline = parse_byline(line)
    if byline is not None and (byline.prefixed or _AGO.search(line)):
        return True
    # A dateline is a label, not a sentence: "On March 3, 2021, the council met." is text.
    label = _CLOCK_END.sub("", line.strip())
    return word_count(line) <= 15 and not is_sentence(label) and has_date(line)


def read_page_header(lines: list[str], title_index: int | None, body_start: int) -> PageHeader:
    """Read standfirst, byline and date from the lines around the headline."""
    first = max(0, _first_showing(lines, title_index, body_start) - 3)
    window = list(range(first, body_start))
    date_at, date = _first_date(lines, window)
    clock_at = next((i for i in window if _is_clock_line(lines[i])), None)
    author, place = _author(lines, window, date_at if date_at is not None else clock_at)
    after_title = [i for i in window if title_index is None or i > title_index]
    standfirst = next(
        (lines[i] for i in after_title if _is_standfirst(lines[i]) and i != date_at), None
    )
    day_line = (
        None if date else next((lines[i] for i in window if _has_yearless_day(lines[i])), None)
    )
    return PageHeader(title_index, standfirst, author, place, date, day_line)


def _has_yearless_day(line: str) -> bool:
    """A date line or a byline whose date has no year: "By Jo Doe March 18 at 3:57 PM"."""
    match = find_yearless(line) if word_count(line) <= _MAX_META_WORDS else None
    if match is None:
        return False
    rest = clean_byline(line[: match.start()] + " " + line[match.end() :])
    return not rest or _PUBLISHED.fullmatch(rest) is not None or parse_byline(rest) is not None


def _is_clock_line(line: str) -> bool:
    if _CLOCK_LINE.match(line):
        return True
    return word_count(line) <= _MAX_META_WORDS and _AGO.search(line) is not None


def _first_showing(lines: list[str], title_index: int | None, body_start: int) -> int:
    """Where the headline first shows: a page may show it again right above the text,
    with the byline and date under its first showing."""
    if title_index is None:
        return body_start
    earlier = range(max(0, body_start - _FIRST_LINE_REACH), title_index)
    return next((i for i in earlier if lines[i] == lines[title_index]), title_index)


def _first_date(lines: list[str], window: list[int]) -> tuple[int | None, str | None]:
    dated = [
        (i, d) for i in window if _is_meta(lines[i]) and (d := find_date(lines[i])) is not None
    ]
    published = [(i, d) for i, d in dated if not is_modified_line(lines[i])]
    best = published or dated
    return best[0] if best else (None, None)


def _author(
    lines: list[str], window: list[int], date_at: int | None
) -> tuple[str | None, str | None]:
    bylines = [
        (i, b)
        for i in window
        if (word_count(lines[i]) <= _MAX_META_WORDS or _BY_START.match(lines[i]))
        and (b := parse_byline(lines[i])) is not None
    ]
    prefixed = [(i, b) for i, b in bylines if b.prefixed]
    if prefixed:
        return _named(prefixed[0][1])
    # A bare "Firstname Lastname" line counts only near a date line.
    if date_at is not None:
        near = [(i, b) for i, b in bylines if abs(i - date_at) <= 3]
        # "Alex Perry 1 day ago": the name that carries the page's time is the byline.
        near.sort(key=lambda ib: not (ib[0] == date_at and _AGO.search(lines[ib[0]])))
        if near:
            index, byline = near[0]
            return byline.author, byline.place or _place_after(lines, index, date_at)
    return None, None


def _named(byline: Byline) -> _Named:
    return byline.author, byline.place


def _place_after(lines: list[str], index: int, date_at: int) -> str | None:
    # "Alex Woodward" then "New York": the line under a bare byline is its place.
    after = index + 1
    if after < len(lines) and after != date_at and is_place(lines[after]):
        return lines[after].strip()
    return None


def _is_standfirst(line: str) -> bool:
    if is_furniture(line) or is_list_item(line) or is_date_line(line) or parse_byline(line):
        return False
    return (is_sentence(line) or is_headline(line)) and 6 <= word_count(line) <= 60
