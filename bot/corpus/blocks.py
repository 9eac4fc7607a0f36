"""Split plain text into paragraphs: blank-line blocks, one line each unless hard-wrapped."""

from __future__ import annotations

import re

from bot.corpus.furniture import is_sentence

_BLANK_LINES = re.compile(r"\n[^\S\n]*\n")
# Editors wrap at 72-80 columns; pasted web paragraphs are single lines far longer.
_WRAP_MIN = 40
_WRAP_MAX = 100
# Text browsers paste a superscript as "^": "the 19^th century" reads "the 19th century".
_SUPERSCRIPT_ORDINAL = re.compile(r"(?<=\d)\^(st|nd|rd|th)\b")


def split_blocks(text: str) -> list[list[str]]:
    """Split text on blank lines into blocks of stripped, non-empty lines."""
    blocks = []
    for chunk in _BLANK_LINES.split(text):
        lines = [line.strip() for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)
    return blocks


def text_units(text: str) -> list[str]:
    """Give the text's paragraphs: hard-wrapped blocks joined, other blocks one per line."""
    units: list[str] = []
    for lines in split_blocks(_SUPERSCRIPT_ORDINAL.sub(r"\1", text)):
        if _is_hard_wrapped(lines):
            units.append(" ".join(lines))
        else:
            units.extend(lines)
    return units


def _is_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2 or any(len(line) > _WRAP_MAX for line in lines):
        return False
    inner = lines[:-1]
    if any(len(line) < _WRAP_MIN for line in inner):
        return False
    # Lines that all end a sentence are separate paragraphs, not one wrapped one.
    if all(is_sentence(line) for line in inner):
        return False
    # A headline with a short line under it ("Kevin", a byline) is two lines: a wrapped
    # two-line paragraph ends its sentence, or fills more of its last line.
    return len(lines) > 2 or is_sentence(lines[-1]) or len(lines[-1]) >= _WRAP_MIN // 2
