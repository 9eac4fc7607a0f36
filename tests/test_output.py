"""Terminal output shows control characters harmlessly; JSON output keeps exact strings."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.output import json_line, terminal_safe

UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Any code point, lone surrogates (undecodable file name bytes) included.
any_text = st.text(alphabet=st.characters(exclude_categories=()))
# Title escape sequences: clear screen, set the window title, write the clipboard.
HOSTILE = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07\u202eevil\r\nid\x9b31m"


def _unsafe(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in UNSAFE]


@given(any_text)
def test_terminal_text_holds_no_control_or_format_character(text):
    assert _unsafe(terminal_safe(text)) == []


@given(any_text.filter(lambda t: not _unsafe(t)))
def test_terminal_text_without_control_characters_is_unchanged(text):
    assert terminal_safe(text) == text


@given(st.dictionaries(any_text, any_text | st.lists(any_text)))
def test_json_lines_are_exact_and_hold_no_control_character(value):
    line = json_line(value)
    assert json.loads(line) == value
    assert _unsafe(line) == []


def test_escape_sequences_are_shown_not_run():
    shown = terminal_safe(HOSTILE)
    assert shown == (
        "\\x1b[2J\\x1b]0;owned\\x07\\x1b]52;c;ZXZpbA==\\x07\\u202eevil\\x0d\\x0aid\\x9b31m"
    )
