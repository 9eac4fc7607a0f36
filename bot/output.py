"""Answers for the terminal: plain text with citations, and the stable JSON schema."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from functools import lru_cache
from typing import Any

from bot.answer import MAX_QUESTION_CHARS, MAX_QUESTION_TERMS, Answer, AnswerStatus, Passage

JSON_SCHEMA_VERSION = 1

NO_TERMS_MESSAGE = "That question has no searchable words: ask about something in the articles."
NO_ANSWER_MESSAGE = "Nothing in the articles answers this."
TRUNCATED_MESSAGE = (
    f"the question is long: only its first {MAX_QUESTION_CHARS:,} characters"
    f" and {MAX_QUESTION_TERMS} search terms were used"
)


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The documented JSON form of an answer (see README, "JSON output")."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "question": answer.question,
        "status": answer.status.value,
        "passages": [_passage_json(p) for p in answer.passages],
        "closest_articles": list(answer.closest_articles),
        "question_truncated": answer.truncated,
    }


def _passage_json(p: Passage) -> dict[str, Any]:
    c = p.citation
    return {
        "rank": p.rank,
        "score": p.score,
        "relevance": round(p.relevance, 4),
        "article_id": c.article_id,
        "title": c.title,
        "author": c.author,
        "date": c.date,
        "url": c.url,
        "paragraph": c.paragraph,
        "text": p.text,
        "best_sentences": [p.text[s:e] for s, e in p.best_sentences],
        "best_sentence_spans": [list(span) for span in p.best_sentences],
        "matched_terms": list(p.matched_terms),
        "highlights": [list(span) for span in p.highlights],
        "citation": c.format_with_link(p.rank),
    }


def answer_to_text(answer: Answer, width: int = 88) -> str:
    """The answer as the bot gives it, as plain text: quoted passages, then their citations."""
    if answer.status is AnswerStatus.NO_SEARCH_TERMS:
        return NO_TERMS_MESSAGE
    if answer.status is AnswerStatus.NO_RELEVANT_PASSAGE:
        closest = terminal_safe("; ".join(answer.closest_articles))
        return NO_ANSWER_MESSAGE + (f"\nClosest articles: {closest}" if closest else "")
    blocks = []
    for p in answer.passages:
        text = terminal_safe(p.text)
        quote = textwrap.fill(text, width=width, initial_indent="> ", subsequent_indent="> ")
        blocks.append(f"{quote}\n{terminal_safe(p.citation.format_with_link(p.rank))}")
    return "\n\n".join(blocks)


def answer_to_line(answer: Answer) -> str:
    """One line per question, for batch use: the top citation and its best sentence."""
    question = terminal_safe(answer.question)
    if not answer.passages:
        return f"{question}\t{answer.status.value}"
    top = answer.passages[0]
    cited, sentence = top.citation.format(top.rank), top.sentence_text()
    return f"{question}\t{terminal_safe(cited)}\t{terminal_safe(sentence)}"


# What a terminal acts on instead of showing: control characters (escape sequences start
# with ESC or CSI, and can clear the screen, set the title or the clipboard), format
# characters (bidirectional overrides reorder what follows), line and paragraph
# separators, and lone surrogates (file name bytes that are not UTF-8).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


@lru_cache(maxsize=4096)
def _shown(character: str) -> str:
    if unicodedata.category(character) not in _UNSAFE_CATEGORIES:
        return character
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_safe(text: str) -> str:
    """Text for a terminal: every control or format character shown as an escape (\\x1b)."""
    return _NOT_PRINTABLE_ASCII.sub(lambda m: _shown(m[0]), text)


def json_line(value: Any) -> str:
    """Compact JSON with the same characters `terminal_safe` escapes written as \\uXXXX
    (still the exact strings: any character may be escaped in a JSON string)."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_PRINTABLE_ASCII.sub(lambda m: _json_escape(m[0]), text)


def _json_escape(character: str) -> str:
    # json's own escape: a surrogate pair beyond U+FFFF, a lone surrogate as itself.
    return character if _shown(character) == character else json.dumps(character)[1:-1]
