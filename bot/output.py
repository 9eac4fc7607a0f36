"""Answers for the terminal: plain text with citations, and the stable JSON schema."""

from __future__ import annotations

import textwrap
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
        closest = "; ".join(answer.closest_articles)
        return NO_ANSWER_MESSAGE + (f"\nClosest articles: {closest}" if closest else "")
    blocks = []
    for p in answer.passages:
        quote = textwrap.fill(p.text, width=width, initial_indent="> ", subsequent_indent="> ")
        blocks.append(f"{quote}\n{p.citation.format_with_link(p.rank)}")
    return "\n\n".join(blocks)


def answer_to_line(answer: Answer) -> str:
    """One line per question, for batch use: the top citation and its best sentence."""
    if not answer.passages:
        return f"{answer.question}\t{answer.status.value}"
    top = answer.passages[0]
    return f"{answer.question}\t{top.citation.format(top.rank)}\t{top.sentence_text()}"
