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
_WORD = re.compile(r"\w+")


def doubled_captions(lines: list[str], start: int, end: int) -> frozenset[int]:
    """The indices of alt-text lines that the lone list item under them repeats."""
    found: set[int] = set()
    for index in range(start, end):
        if not _lone_item(lines, index):
            continue
        caption = _words(lines[index])
        alts = [j for j in _above(lines, index, start) if _told_by(lines[j], caption)]
        found.update(alts)
    return frozenset(found)


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
