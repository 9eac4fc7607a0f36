"""A paragraph as the analyzer sees it: worked out once when indexing, stored beside the text.

Answering re-ranks 30 candidates and highlights up to 10 passages per question. Tokenizing,
stemming and sentence-splitting them again at question time was most of `answer()`'s cost
on a large corpus, where the stem cache is cold for the long tail of words. The index
stores each paragraph's token terms and Punkt sentences instead; reading them back costs
microseconds, and they are by construction the terms its postings were built from.
"""

from __future__ import annotations

import bisect
import itertools
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.text import (
    fold_case,
    is_stdlib_safe,
    normalize_token,
    split_sentences,
    stdlib_tokens,
    token_spans,
)

Span = tuple[int, int]
# A Punkt sentence: its character span and how many of the paragraph's tokens it holds.
SentenceLayout = tuple[int, int, int]

_UINT32 = np.dtype("<u4")


@dataclass(frozen=True)
class ParagraphAnalysis:
    """Each surface token's index term (None: a stop word) and the paragraph's sentences.

    Tokens are those of `bot.text.token_spans`, in order; the sentences' token counts add
    up to the number of tokens.
    """

    terms: tuple[str | None, ...]
    sentences: tuple[SentenceLayout, ...]

    def encode(self, numbering: dict[str, int]) -> tuple[bytes, bytes]:
        """Two blobs for the store: term id + 1 per token (0 for a stop word), sentences.

        Terms missing from `numbering` are added to it, numbered in order of appearance.
        """
        ids = [0 if t is None else numbering.setdefault(t, len(numbering)) + 1 for t in self.terms]
        return _blob(ids), _blob([n for sentence in self.sentences for n in sentence])

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


def analyse_paragraph(
    text: str, term_of: Callable[[str], str | None] = normalize_token
) -> ParagraphAnalysis:
    """Tokenize, stem and sentence-split one paragraph, as it is indexed.

    `term_of` maps a surface token to its term (`bot.text.normalize_token` or, when
    indexing, a `TermCache`'s lookup); it is given tokens of the case-folded text.
    """
    dealt, sentences = paragraph_tokens(text)
    terms = tuple(map(term_of, itertools.chain.from_iterable(dealt)))
    counts = map(len, dealt)
    layout = tuple((start, end, n) for (start, end), n in zip(sentences, counts, strict=True))
    return ParagraphAnalysis(terms, layout)


def paragraph_tokens(text: str) -> tuple[list[list[str]], list[Span]]:
    """A paragraph's sentences and the tokens of each (read from the case-folded text), as
    `analyse_paragraph` finds them; indexing maps the tokens itself (`bot.index.analysis`)."""
    sentences = split_sentences(text) or [(0, len(text))]
    return sentence_tokens(fold_case(text), sentences), sentences


def layout_blob(sentences: Sequence[Span], counts: Iterable[int]) -> bytes:
    """The stored sentences (`ParagraphAnalysis.encode`'s second blob): each sentence's span
    and how many tokens it holds."""
    spans = zip(sentences, counts, strict=True)
    return _blob([n for (start, end), count in spans for n in (start, end, count)])


def sentence_tokens(text: str, sentences: Sequence[Span]) -> list[list[str]]:
    """The text's tokens dealt to its (one or more) sentences by where each token starts.

    A sentence takes the tokens that start before its end; the last one takes the rest, so
    no token is lost whatever the splitter left out.
    """
    bounds = list(itertools.pairwise([0, *(end for _, end in sentences[:-1]), len(text)]))
    if is_stdlib_safe(text):
        # A sentence ends after ".?!" and closing marks, before a space or punctuation, so
        # no token runs across an end: tokenizing between ends is tokenizing the text.
        return [stdlib_tokens(text, start, end) for start, end in bounds]
    spans = token_spans(text)
    return [_spans_between(text, spans, start, end) for start, end in bounds]


def tokens_between(text: str, start: int, end: int) -> list[str]:
    """The tokens of `text` that start at or after `start` and before `end`."""
    if is_stdlib_safe(text):
        return stdlib_tokens(text, start, end)
    return _spans_between(text, token_spans(text), start, end)


def _spans_between(text: str, spans: list[Span], start: int, end: int) -> list[str]:
    first = bisect.bisect_left(spans, (start, -1))
    last = bisect.bisect_left(spans, (end, -1))
    return [text[a:b] for a, b in spans[first:last]]


def _blob(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)
