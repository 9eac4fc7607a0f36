"""Choose the body paragraphs among an article's pasted lines: text in, furniture out.

Inside the article's extent every line is judged by its shape and its neighbours: prose
stays; a full sentence stays whatever its last character; a short line heading the prose
under it is a subheading and stays; list items inside the text stay; captions (next to an
image placeholder or a photo credit), credits, share buttons, lines the page repeats and
runs of one- to three-word items (tags, menus) go.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.corpus.extent import is_image, is_prose
from bot.corpus.furniture import is_boilerplate, is_furniture, is_sentence, word_count
from bot.corpus.headline import is_list_item

# An unpunctuated line this long is a sentence, not a caption.
FULL_SENTENCE_WORDS = 12
_MAX_HEADING_WORDS = 15
_NAV_ITEM_WORDS = 3
_BULLET = re.compile(r"^\s*(?:[•◦▪●□☆■▶►▼*·]\s*)")
# "Olena Shmahalo/Quanta Magazine", "JIM WATSON/AFP/Getty Images": a photo credit.
_CREDIT_LINE = re.compile(r"^[\w.'’ -]{2,40}/[\w.'’ /-]{2,40}$")
_CAPTION_MAX_WORDS = 60


def body_paragraphs(lines: list[str], start: int, end: int, page: list[str]) -> list[str]:
    """Give the paragraphs of lines[start:end], dropping what is not article text."""
    counts = Counter(_bare(line) for line in page)
    kept: list[str] = []
    for index in range(start, end):
        line = lines[index]
        if _keep(lines, index, start, end, counts):
            kept.append(_bare(line) if is_list_item(line) and _BULLET.match(line) else line)
    return kept


def _bare(line: str) -> str:
    return _BULLET.sub("", line).strip()


def _keep(lines: list[str], index: int, start: int, end: int, counts: Counter[str]) -> bool:
    line = lines[index]
    if is_furniture(line) or is_image(line) or is_credit(line):
        return False
    if _is_caption(lines, index):
        return False
    words = word_count(line)
    if words < FULL_SENTENCE_WORDS and counts[_bare(line)] > 1:
        return False  # repeated short lines: image alt text, teaser headlines, buttons
    if is_prose(line):
        return True
    if is_list_item(line):
        return words > _NAV_ITEM_WORDS and not is_boilerplate(line)
    if is_boilerplate(line):
        return False
    if words >= FULL_SENTENCE_WORDS or (is_sentence(line) and _between_prose(lines, index)):
        return True
    return words <= _MAX_HEADING_WORDS and _heads_prose(lines, index, end)


def is_credit(line: str) -> bool:
    """Tell whether a line is only a photo credit ("Name/Agency")."""
    text = line.strip()
    return word_count(text) <= 8 and _CREDIT_LINE.match(text) is not None


def _is_caption(lines: list[str], index: int) -> bool:
    """A non-prose line under an image placeholder, or any short line above a credit."""
    line = lines[index]
    if word_count(line) > _CAPTION_MAX_WORDS:
        return False
    after_image = index > 0 and is_image(lines[index - 1])
    before_credit = index + 1 < len(lines) and is_credit(lines[index + 1])
    return before_credit or (after_image and not _heads_prose(lines, index, len(lines)))


def _between_prose(lines: list[str], index: int) -> bool:
    before = index > 0 and is_prose(lines[index - 1])
    after = index + 1 < len(lines) and is_prose(lines[index + 1])
    return before and after


def _heads_prose(lines: list[str], index: int, end: int) -> bool:
    """A subheading: the next line is article prose."""
    return index + 1 < end and is_prose(lines[index + 1]) and not is_sentence(lines[index])
