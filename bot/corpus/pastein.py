"""Parse plain text pasted from a news web page into an Article, dropping site furniture."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.corpus.blocks import text_units
from bot.corpus.bodylines import body_paragraphs, reach_back
from bot.corpus.byline import Byline, is_place, parse_byline, wire_dateline
from bot.corpus.dates import parse_date_line
from bot.corpus.extent import Extent, find_extent, is_prose
from bot.corpus.furniture import is_caption, is_furniture, tail_start, word_count
from bot.corpus.header import find_headline, header_end, header_floor, read_page_header
from bot.corpus.headline import is_headline
from bot.corpus.model import Article, ArticleError
from bot.corpus.signature import signature
from bot.corpus.yearless import date_without_year

log = logging.getLogger(__name__)

# Bylines, dates and standfirsts sit in the first few lines under the headline.
_HEADER_WINDOW = 8
_MAX_STANDFIRSTS = 2
_MAX_TITLE_WORDS = 40
# Lines between a headline and the text under it (share bar, byline, picture) when a line
# above the headline is not the article's start.
_MIN_HEADER_LINES = 4


@dataclass(frozen=True)
class Header:
    """What the lines under the headline say about the article, and where the body starts."""

    end: int
    standfirst: str | None = None
    author: str | None = None
    place: str | None = None
    date: str | None = None


def parse_pastein(article_id: str, text: str, fallback_title: str) -> Article:
    """Parse a pasted web page (or a plain note) into title, metadata and body paragraphs."""
    units = _join_split_bylines(_drop_leading_furniture(text_units(text)))
    if not units:
        raise ArticleError("no body text")
    extent = find_extent(units)
    if extent is None:
        return _parse_note(article_id, units, fallback_title)
    return _parse_page(article_id, units, _below_headline(units, extent), fallback_title)


def _parse_page(article_id: str, units: list[str], extent: Extent, fallback: str) -> Article:
    """A page pasted from a browser: the article is its main run of prose."""
    title_index = find_headline(units, extent.start)
    start = header_end(units, extent.start)
    header = read_page_header(units, title_index, start)
    start = reach_back(units, start, header_floor(units, title_index, start))
    end = min(extent.end, start + tail_start(units[start:]))
    body = body_paragraphs(units, start, end, units)
    if not body:
        raise ArticleError("no body text")
    title = units[title_index].lstrip("#").strip() if title_index is not None else fallback
    dateline = wire_dateline(body[0])
    author, date = header.author, header.date
    if author is None:
        author, footer_date = signature(units, end)
        date = date or footer_date
    if date is None and header.day_line is not None:
        date = date_without_year(units, header.day_line)
    return Article(
        id=article_id,
        title=title,
        paragraphs=tuple(body),
        author=author,
        date=date,
        source=dateline[1] if dateline else None,
        place=header.place or (dateline[0] if dateline else None),
        standfirst=header.standfirst,
    )


def _parse_note(article_id: str, units: list[str], fallback_title: str) -> Article:
    """A short note or a page without a run of prose: title first, then the text."""
    title = units[0].lstrip("#").strip()
    if word_count(title) > _MAX_TITLE_WORDS or not title:
        # A long first paragraph is body text, not a headline.
        title, units = fallback_title, ["", *units]
    header = read_header(units)
    body = clean_body(units[header.end :])
    if not body:
        raise ArticleError("no body text")
    header, source = _with_wire_dateline(header, body[0])
    return Article(
        id=article_id,
        title=title,
        paragraphs=tuple(body),
        author=header.author,
        date=header.date,
        source=source,
        place=header.place,
        standfirst=header.standfirst,
    )


def _below_headline(units: list[str], extent: Extent) -> Extent:
    """Start the article under its headline when its first "paragraph" stands above it.

    A notice ("The author chose to make this story unlisted…") right above the headline,
    then a share bar, then the text: the notice is page furniture, the text starts below.
    """
    start = extent.start
    if start + 1 >= extent.end or not is_headline(units[start + 1]):
        return extent
    if find_headline(units, start) is not None:
        return extent  # the headline is above: a subheading under the first paragraph
    following = next((i for i in range(start + 2, extent.end) if is_prose(units[i])), extent.end)
    if following - start - 1 < _MIN_HEADER_LINES:
        return extent
    return Extent(start=following, end=extent.end)


def _join_split_bylines(units: list[str]) -> list[str]:
    """Join a lone "By" line to the name under it, as the page shows them side by side."""
    joined: list[str] = []
    for unit in units:
        if joined and joined[-1].strip().lower() == "by":
            joined[-1] = f"{joined[-1].strip()} {unit.strip()}"
        else:
            joined.append(unit)
    return joined


def _drop_leading_furniture(units: list[str]) -> list[str]:
    start = 0
    while start < len(units) and is_furniture(units[start]):
        start += 1
    return units[start:]


def read_header(units: list[str]) -> Header:
    """Find standfirst, byline, place and date among the lines after the title (units[0])."""
    window = units[1 : 1 + _HEADER_WINDOW]
    dates = [parse_date_line(unit) for unit in window]
    bylines = [_byline(unit, any(dates)) for unit in window]
    meta = [i for i in range(len(window)) if dates[i] or bylines[i]]
    if not meta:
        return Header(end=1)
    lead = [unit for unit in window[: meta[0]] if not is_furniture(unit)]
    if len(lead) > _MAX_STANDFIRSTS:
        log.debug("date or byline too far below the title to be a header")
        return Header(end=1)
    end = _meta_run_end(window, meta[0], meta)
    byline = next((b for b in bylines[:end] if b), None)
    place = byline.place if byline else None
    if byline and place is None:
        after = bylines.index(byline) + 1
        if after < end and not dates[after] and is_place(window[after]):
            place = window[after]
    return Header(
        end=end + 1,
        standfirst=lead[0] if lead else None,
        author=byline.author if byline else None,
        place=place,
        date=next((d for d in dates[:end] if d), None),
    )


def _meta_run_end(window: list[str], first: int, meta: list[int]) -> int:
    """Give the end of the header lines: meta lines with only non-prose lines between them.

    A date further down, after a paragraph of prose, belongs to the body.
    """
    end = first + 1
    for index in range(first + 1, len(window)):
        line = window[index]
        if index in meta:
            end = index + 1
        elif is_place(line) and index == end:
            end = index + 1  # "New York" under the byline
        elif not (is_furniture(line) or is_caption(line)):
            break
    return end


def _byline(unit: str, has_date: bool) -> Byline | None:
    byline = parse_byline(unit)
    # A bare "Firstname Lastname" line is only a byline next to a date line.
    if byline and (byline.prefixed or has_date):
        return byline
    return None


def clean_body(units: list[str]) -> list[str]:
    """Cut the trailing furniture block, then drop furniture and caption lines."""
    kept = units[: tail_start(units)]
    return [unit for unit in kept if not is_furniture(unit) and not is_caption(unit)]


def _with_wire_dateline(header: Header, first: str) -> tuple[Header, str | None]:
    dateline = wire_dateline(first)
    if dateline is None:
        return header, None
    place, agency = dateline
    return replace(header, place=header.place or place), agency
