"""Find pictures' alt text that a pasted page shows again as the caption under them.

A gallery pastes as each picture's alt text on its own line, then the caption the page
shows under the pictures as a lone list item ("• Clockwise from top: …") that repeats
most of their words. The caption is what readers see and stays; the alt text goes.
"""

from __future__ import annotations

import re

from bot.corpus.headline import is_list_item

# How far above its caption an alt-text line may sit, and how much of it the caption says.
_ALT_REACH = 4
_MIN_SHARED = 0.7
_MIN_ALT_WORDS = 3
_MIN_TWIN_WORDS = 6
_MIN_TWIN = 0.5
_MAX_TWIN = 0.85
_WORD = re.compile(r"\w+")


def doubled_captions(lines: list[str], start: int, end: int) -> frozenset[int]:
    """The indices of alt-text lines that the lone list item under them repeats."""
    found: set[int] = set(_twins(lines, start, end))
    for index in range(start, end):
        if not _lone_item(lines, index):
            continue
        caption = _words(lines[index])
        alts = [j for j in _above(lines, index, start) if _told_by(lines[j], caption)]
        found.update(alts)
    return frozenset(found)


def _twins(lines: list[str], start: int, end: int) -> set[int]:
    """Two lines in a row that say the same: a picture's alt text, then its caption.

    The page shows the caption with its credit ("… Credit: AFP"); the text never says a
    sentence twice in a row.
    """
    twins: set[int] = set()
    for index in range(start, end - 1):
        first, second = lines[index], lines[index + 1]
        if is_list_item(first) or is_list_item(second):
            continue
        a, b = _words(first), _words(second)
        # Alike as a whole (Jaccard): a short line's words inside a long one are not a twin.
        shared = len(a & b) / max(1, len(a | b))
        if min(len(a), len(b)) < _MIN_TWIN_WORDS:
            continue
        if shared == 1:
            twins.add(index)  # the same paragraph twice (a summary, then the text): once
        elif _MIN_TWIN <= shared < _MAX_TWIN:
            # Reworded: a picture's alt text and its caption. Nearly the same words are
            # sentences of a kind in the text ("Item 1 costs…", "Item 2 costs…").
            twins.update((index, index + 1))
    return twins


def _lone_item(lines: list[str], index: int) -> bool:
    if not is_list_item(lines[index]):
        return False
    before = index > 0 and is_list_item(lines[index - 1])
    after = index + 1 < len(lines) and is_list_item(lines[index + 1])
    return not (before or after)


def _above(lines: list[str], index: int, start: int) -> range:
    return range(index - 1, max(start, index - _ALT_REACH) - 1, -1)


def _told_by(line: str, caption: set[str]) -> bool:
    words = _words(line)
    if len(words) < _MIN_ALT_WORDS or is_list_item(line):
        return False
    return len(words & caption) >= _MIN_SHARED * len(words)


def _words(line: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(line)}
