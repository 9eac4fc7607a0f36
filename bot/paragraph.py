"""A paragraph as the analyzer sees it: worked out once when indexing, stored beside the text.

Answering re-ranks 30 candidates and highlights up to 10 passages per question. Tokenizing,
stemming and sentence-splitting them again at question time was most of `answer()`'s cost
on a large corpus, where the stem cache is cold for the long tail of words. The index
stores each paragraph's token terms and scoring sentences instead; reading them back costs
microseconds, and they are by construction the terms its postings were built from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.text import normalize_token, scoring_sentences, token_spans

Span = tuple[int, int]
# A scoring sentence: its character span and how many of the paragraph's tokens it holds.
SentenceLayout = tuple[int, int, int]

_UINT32 = np.dtype("<u4")


@dataclass(frozen=True)
class ParagraphAnalysis:
    """Each surface token's index term (None: a stop word) and the scoring sentences.

    Tokens are those of `bot.text.token_spans`, in order; the sentences' token counts add
    up to the number of tokens.
    """

    terms: tuple[str | None, ...]
    sentences: tuple[SentenceLayout, ...]

    def index_terms(self) -> list[str]:
        """The index terms in order, stop words left out: what BM25 counts."""
        return [term for term in self.terms if term is not None]

    def encode(self, term_ids: dict[str, int]) -> tuple[bytes, bytes]:
        """Two blobs for the store: term id + 1 per token (0 for a stop word), sentences."""
        tokens = [0 if term is None else term_ids[term] + 1 for term in self.terms]
        return _blob(tokens), _blob([n for sentence in self.sentences for n in sentence])

    @classmethod
    def decode(
        cls, tokens: bytes, sentences: bytes, terms: Sequence[str | None]
    ) -> ParagraphAnalysis:
        """The analysis from `encode`'s blobs; `terms[id + 1]` is each term, `terms[0]` None."""
        ids = np.frombuffer(tokens, dtype=_UINT32).tolist()
        flat = np.frombuffer(sentences, dtype=_UINT32).tolist()
        return cls(
            terms=tuple(map(terms.__getitem__, ids)),
            sentences=tuple(zip(flat[0::3], flat[1::3], flat[2::3], strict=True)),
        )


def analyse_paragraph(text: str) -> ParagraphAnalysis:
    """Tokenize, stem and split one paragraph (at index time, or when nothing is stored)."""
    spans = token_spans(text)
    terms = tuple(normalize_token(text[start:end]) for start, end in spans)
    sentences = scoring_sentences(text) or [(0, len(text))]
    return ParagraphAnalysis(terms, sentence_layout(spans, sentences))


def sentence_layout(
    tokens: Sequence[Span], sentences: Sequence[Span]
) -> tuple[SentenceLayout, ...]:
    """Deal tokens to (one or more) sentences by where they start, keeping every token."""
    # The last sentence takes the rest: nothing is lost whatever the splitter left out.
    layout, taken = [], 0
    for number, (start, end) in enumerate(sentences):
        first = taken
        last = number == len(sentences) - 1
        while taken < len(tokens) and (last or tokens[taken][0] < end):
            taken += 1
        layout.append((start, end, taken - first))
    return tuple(layout)


def _blob(values: list[int]) -> bytes:
    return np.asarray(values, dtype=_UINT32).tobytes()
