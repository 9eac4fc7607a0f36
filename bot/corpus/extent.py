"""Find where the article is in a pasted page: its run of prose among the site's furniture.

A pasted page is the article's paragraphs (long lines that end like sentences) with menus,
share buttons, teasers, comment forms and footers around and between them (short lines,
list items, image placeholders). The article is the run of prose lines, allowing a few
other lines between them, that carries the most prose words, weighted by how densely it
is prose: a comment thread has long lines too, but each comes with names, dates and
"reply" links.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from bot.corpus.byline import parse_byline
from bot.corpus.dates import is_date_line
from bot.corpus.furniture import is_boilerplate, is_furniture, is_image, is_sentence, word_count
from bot.corpus.headline import is_headline

# A paragraph of prose: a sentence of 15+ words, or any line of 30+ words.
_PROSE_SENTENCE_WORDS = 15
_PROSE_ANY_WORDS = 30
# More other lines than this in a row end a run of prose (pictures, captions, pull quotes
# and embedded players sit between an article's paragraphs), and so does a section marker.
_MAX_GAP = 15
# A run must hold this many prose words to be taken for an article at all.
MIN_ARTICLE_WORDS = 80
# A short line that opens a section of something else: related stories, comments...
_SECTION_MARKER = re.compile(
    r"(?:\W*(?:related|recommended|more (?:from|on|in|stories|news|videos?)|most (?:read|popular)"
    r"|trending|comments?|view comments|leave a (?:comment|reply)|add (?:a )?comment"
    r"|you (?:may|might) also like|read next|up next|editor'?s picks"
    r"|what to read next|around the web|from the web|other [\w ]{0,20}(?:columns|stories|articles))"
    r"\b)",
    re.IGNORECASE,
)
_MARKER_MAX_WORDS = 5
_RESUME_REACH = 8
_FULL_SENTENCE_WORDS = 12
# A neighbouring run of prose joins the article across at most this many other lines.
_MAX_MERGE_GAP = 40
# A chart or a gallery pastes as many tiny lines (axis labels, counts): a longer insert of
# at most this many words a line on average still joins the text around it.
_MAX_INSERT_GAP = 120
_INSERT_WORDS_PER_LINE = 2
_MIN_MERGE_SHARE = 0.6
_MAX_BYLINE_WORDS = 12


@dataclass(frozen=True)
class Extent:
    """The article's lines: [start, end) of the page's lines, start at its first prose."""

    start: int
    end: int


def is_prose(line: str) -> bool:
    """Tell whether a line reads as a paragraph of article prose."""
    if is_furniture(line) or is_image(line):
        return False
    words = word_count(line)
    return words >= _PROSE_ANY_WORDS or (words >= _PROSE_SENTENCE_WORDS and is_sentence(line))


def is_section_marker(line: str) -> bool:
    """Tell whether a short line opens a section of other content ("Related coverage")."""
    return word_count(line) <= _MARKER_MAX_WORDS and _SECTION_MARKER.match(line) is not None


def find_extent(lines: list[str]) -> Extent | None:
    """Give the article's extent, or None when no run of prose is long enough."""
    prose = [is_prose(line) for line in lines]
    runs = _runs(prose)
    best: tuple[float, int] | None = None
    for number, (start, end) in enumerate(runs):
        words = _prose_words(lines, prose, start, end)
        score = words * _prose_share(lines, prose, start, end)
        if words >= MIN_ARTICLE_WORDS and (best is None or score > best[0]):
            best = (score, number)
    if best is None:
        return None
    start, end = _merged(lines, prose, runs, best[1])
    start = _skip_notices(lines, prose, start, end)
    end = _cut_at_marker(lines, prose, start, end)
    return Extent(start=start, end=_last_sentences(lines, end))


def _last_sentences(lines: list[str], end: int) -> int:
    """Take in full sentences right after the last paragraph (a closing line, a bio)."""
    while end < len(lines) and word_count(lines[end]) >= _FULL_SENTENCE_WORDS:
        line = lines[end]
        if is_furniture(line) or is_boilerplate(line) or is_section_marker(line):
            break
        end += 1
    return end


def _prose_words(lines: list[str], prose: list[bool], start: int, end: int) -> int:
    return sum(word_count(lines[i]) for i in range(start, end) if prose[i])


def _merged(
    lines: list[str], prose: list[bool], runs: list[tuple[int, int]], best: int
) -> tuple[int, int]:
    """Join the best run with neighbours that continue it across a long insert.

    A gallery or a long list can hold more than _MAX_GAP lines between two parts of one
    article; a neighbour joins when it is itself mostly prose and nothing between says a
    new section begins (a "Related" marker, a copyright line, a sign-up block). Above
    the article, a lone paragraph joins too when no headline stands between: a review's
    verdict over its score box and pros and cons (a headline, byline or date between would
    say the text starts under it, the paragraph above being a teaser or a standfirst);
    below it, a lone paragraph is more likely a teaser.
    """
    first = last = best
    while last + 1 < len(runs) and _continues(lines, prose, runs[last], runs[last + 1]):
        last += 1
    while first > 0 and _continues(lines, prose, runs[first - 1], runs[first]):
        first -= 1
    return runs[first][0], runs[last][1]


def _continues(
    lines: list[str], prose: list[bool], before: tuple[int, int], after: tuple[int, int]
) -> bool:
    gap = range(before[1], after[0])
    if not _joinable_gap(lines, gap) or sum(prose[after[0] : after[1]]) < 2:
        return False
    if sum(prose[before[0] : before[1]]) < 2 and not _plain_gap(lines, gap):
        return False
    if any(is_section_marker(lines[i]) or is_boilerplate(lines[i]) for i in gap):
        return False
    shares = (_prose_share(lines, prose, *run) for run in (before, after))
    return min(shares) >= _MIN_MERGE_SHARE


def _plain_gap(lines: list[str], gap: range) -> bool:
    """No headline, "By" line or date line in the gap: none says the text starts below."""
    return not any(_opens_article(lines[i]) for i in gap)


def _opens_article(line: str) -> bool:
    if is_headline(line) or is_date_line(line):
        return True
    byline = parse_byline(line) if word_count(line) <= _MAX_BYLINE_WORDS else None
    return byline is not None and byline.prefixed


def _joinable_gap(lines: list[str], gap: range) -> bool:
    if len(gap) <= _MAX_MERGE_GAP:
        return True
    words = sum(word_count(lines[i]) for i in gap)
    return len(gap) <= _MAX_INSERT_GAP and words <= _INSERT_WORDS_PER_LINE * len(gap)


def _skip_notices(lines: list[str], prose: list[bool], start: int, end: int) -> int:
    """Step past cookie and sign-in notices that stand apart above the article."""
    while start < end and is_boilerplate(lines[start]):
        following = next((i for i in range(start + 1, end) if prose[i]), end)
        if following - start < 2:
            break
        start = following
    return start


def _prose_share(lines: list[str], prose: list[bool], start: int, end: int) -> float:
    """The share of the run's characters that are in prose lines."""
    chars = [min(len(lines[i]), 2000) for i in range(start, end)]
    return sum(c for c, p in zip(chars, prose[start:end], strict=True) if p) / max(1, sum(chars))


def _runs(prose: list[bool]) -> list[tuple[int, int]]:
    """Runs of prose lines with at most _MAX_GAP other lines between neighbours."""
    runs: list[tuple[int, int]] = []
    start = last = -1
    for index, is_para in enumerate(prose):
        if not is_para:
            continue
        if start < 0 or index - last - 1 > _MAX_GAP:
            if start >= 0:
                runs.append((start, last + 1))
            start = index
        last = index
    if start >= 0:
        runs.append((start, last + 1))
    return runs


def _cut_at_marker(lines: list[str], prose: list[bool], start: int, end: int) -> int:
    """End the article at a "Related"/"Comments" marker followed by less prose than before.

    Teasers and comments under such a marker are prose too; the article is the larger part.
    """
    words_before = 0
    total = sum(word_count(lines[i]) for i in range(start, end) if prose[i])
    for index in range(start, end):
        line = lines[index]
        # Less than half as much prose after it as before, and no two paragraphs in a row
        # right after it: teasers (each under its picture), not the article's rest.
        if (
            is_section_marker(line)
            and 2 * (total - words_before) < words_before
            and not _text_resumes(prose, index + 1)
        ):
            return index
        if prose[index]:
            words_before += word_count(line)
    return end


def teaser_cut(paragraphs: list[str]) -> int:
    """Where teasers under a "Related"/"Comments" marker start in extracted paragraphs."""
    prose = [is_prose(p) for p in paragraphs]
    return _cut_at_marker(paragraphs, prose, 0, len(paragraphs))


def _text_resumes(prose: list[bool], index: int) -> bool:
    """Tell whether two prose lines in a row follow within a few lines (a short insert)."""
    window = prose[index : index + _RESUME_REACH]
    return any(a and b for a, b in itertools.pairwise(window))
