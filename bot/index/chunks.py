"""A paragraph read chunk by chunk: its terms and its meaning-model ids from one lookup.

The meaning vectors are built from white-space separated chunks (`bot.meaning`), the index
terms from the tokens of the case-folded text (`bot.paragraph`). For plain text the two
meet: no token crosses white space, so a paragraph's tokens are its chunks' tokens in turn,
and a chunk's tokens are those of its lower case. Each distinct chunk is then looked up
once for both (its model ids and its tokens' term codes, packed), instead of once in the
model's chunk cache and once per token in the term codes: at a million paragraphs, lookups
in dictionaries of hundreds of thousands of entries were most of an indexing worker's
time. Text for which that is not certain goes token by token (`coded_paragraph`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter

import numpy as np

from bot.meaning import CHUNK_CACHE, Embedder
from bot.paragraph import layout_blob
from bot.text import folds_to_lower, is_stdlib_safe, split_sentences, stdlib_tokens

CODE = np.dtype(np.uint32)  # how term codes are packed (`bot.index.analysis.TermTable.code`)
Entry = tuple[bytes, bytes]  # a chunk's model ids and its tokens' term codes, packed

_model_ids, _codes = itemgetter(0), itemgetter(1)


class ChunkCache(dict[str, Entry]):
    """chunk -> (its model ids, its tokens' codes), for one reindex; at most `cap` chunks.

    `code` maps a token (of lower-cased text) to its term's code; a chunk is only ever
    taken from text that `coded_paragraph` reads chunk by chunk.
    """

    def __init__(self, embedder: Embedder, code: Callable[[str], int], cap: int = CHUNK_CACHE):
        super().__init__()
        self._embedder, self._code, self._cap = embedder, code, cap

    def __missing__(self, chunk: str) -> Entry:
        lowered = chunk.lower()
        tokens = stdlib_tokens(lowered, 0, len(lowered))
        entry = (
            self._embedder.packed_ids(chunk),
            np.fromiter(map(self._code, tokens), dtype=CODE, count=len(tokens)).tobytes(),
        )
        if len(self) < self._cap:
            self[chunk] = entry
        return entry


@dataclass(frozen=True)
class CodedParagraph:
    """A paragraph's token codes, stored sentences and model ids (without the title's)."""

    codes: bytes
    sentences: bytes
    model_ids: bytes


def coded_paragraph(text: str, chunks: ChunkCache) -> CodedParagraph | None:
    """The paragraph chunk by chunk, or None when that might differ from token by token.

    That takes text that stdlib `re` tokenizes as nltk does and whose case folds to its
    lower case character by character (`bot.text`), and sentences that end at white space
    or at the end: then each sentence's tokens (`bot.paragraph.sentence_tokens`) are the
    tokens of its chunks.
    """
    if not (is_stdlib_safe(text) and folds_to_lower(text)):
        return None
    sentences = split_sentences(text) or [(0, len(text))]
    ends = [end for _, end in sentences[:-1]]
    if not all(_at_white_space(text, end) for end in ends):
        return None
    codes, model_ids, counts = [], [], []
    for start, end in pairwise([0, *ends, len(text)]):
        entries = list(map(chunks.__getitem__, text[start:end].split()))
        sentence = b"".join(map(_codes, entries))
        codes.append(sentence)
        counts.append(len(sentence) // CODE.itemsize)
        model_ids.append(b"".join(map(_model_ids, entries)))
    return CodedParagraph(b"".join(codes), layout_blob(sentences, counts), b"".join(model_ids))


def _at_white_space(text: str, end: int) -> bool:
    """Whether no chunk runs across this sentence end (as `str.split` finds chunks)."""
    return 0 < end < len(text) and (text[end - 1].isspace() or text[end].isspace())
