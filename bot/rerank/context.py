"""The contextual model's say in ranking, on small indexes (`bot.context_model`).

After the second stage has ordered the candidates, their scores become shares of the best
one's, the best `CONTEXT_DEPTH` of them get `CONTEXT_WEIGHT` times their contextual cosine
with the question, and those are ordered again.
Only the best few: on the own-words set depth 5, 10 and 30 gave the same Hit@1, and each
passage the model has not read yet costs about 30 ms. Only on indexes of at most
`CONTEXT_INDEX_LIMIT` paragraphs: the question alone costs about 12 ms, more than a whole
answer at 100k paragraphs, and on a large index most candidates are new to the model.

Passage vectors are remembered with the index they were read for (the last
`CACHE_SIZE` of them) and forgotten with it: a process that reindexes all day holds only
the vectors of the indexes it still serves.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from bot.context_model import ContextModelError, Vectors, load_context_model
from bot.index.backend import SearchBackend
from bot.index.search import StoredParagraph
from bot.meaning import passage_text

log = logging.getLogger(__name__)

# The largest weight at which half A of neither own-words nor squadshifts loses Hit@1 (own-words
# alone would take 3, where squadshifts loses 2 points); both halves B gain. Measured with
# benchmarks/context_rerank.py; the table is in the README.
CONTEXT_WEIGHT = 1.5
CONTEXT_DEPTH = 10
CONTEXT_INDEX_LIMIT = 5_000
# Passages remembered per index: 1.5 KB each, so at most 3 MB an index.
CACHE_SIZE = 2_000


class PassageVectors:
    """Passage text -> its contextual vector, computed on first use; the last `size` kept."""

    def __init__(self, encode: Callable[[list[str]], Vectors], size: int = CACHE_SIZE) -> None:
        self._encode = encode
        self._size = size
        self._vectors: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def of(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in order."""
        keys = [
            hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()
            for text in texts
        ]
        with self._lock:
            known = {key: self._vectors[key] for key in keys if key in self._vectors}
            for key in known:
                self._vectors.move_to_end(key)
        first: dict[bytes, int] = {}  # each unknown text's first place (a text may come twice)
        for i, key in enumerate(keys):
            if key not in known:
                first.setdefault(key, i)
        if missing := list(first.values()):
            fresh = self._encode([texts[i] for i in missing])
            with self._lock:
                for i, vector in zip(missing, fresh, strict=True):
                    known[keys[i]] = self._vectors[keys[i]] = vector
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return np.vstack([known[key] for key in keys])


def reorder_by_context(
    question: str,
    ranked: list[tuple[StoredParagraph, float]],
    index: SearchBackend,
) -> list[tuple[StoredParagraph, float]]:
    """`ranked` (best first, from `index`) with its head re-scored by the contextual model,
    on a small index; unchanged on a large one or when the model cannot be loaded."""
    if index.paragraph_count > CONTEXT_INDEX_LIMIT or not ranked or not question.strip():
        return ranked
    try:
        asked = _question(question)
    except ContextModelError as error:
        _warn_once(str(error))
        return ranked
    head, tail = ranked[:CONTEXT_DEPTH], ranked[CONTEXT_DEPTH:]
    texts = [passage_text(p.article.title, p.text) for p, _ in head]
    cosines = passage_vectors(index).of(texts) @ asked
    # Scores as a share of the best, so that the weight means the same on every question.
    top = ranked[0][1] if ranked[0][1] > 0 else 1.0
    rescored = [
        (paragraph, score / top + CONTEXT_WEIGHT * float(cosine))
        for (paragraph, score), cosine in zip(head, cosines, strict=True)
    ]
    rescored.sort(key=lambda pair: (-pair[1], pair[0].doc))
    return rescored + [(paragraph, score / top) for paragraph, score in tail]


def _encode(texts: list[str]) -> Vectors:
    return load_context_model().encode(texts)


_BY_INDEX: dict[int, PassageVectors] = {}
_BY_INDEX_LOCK = threading.Lock()


def passage_vectors(index: SearchBackend) -> PassageVectors:
    """The passage vectors remembered for this index (dropped when the index is)."""
    key = id(index)
    with _BY_INDEX_LOCK:
        found = _BY_INDEX.get(key)
        if found is None:
            found = _BY_INDEX[key] = PassageVectors(_encode)
            # Runs when the index is freed, before its id can be given to another object.
            weakref.finalize(index, _BY_INDEX.pop, key, None)
        return found


@lru_cache(maxsize=256)  # the same question asked again (or paged through) costs nothing
def _question(question: str) -> Vectors:
    vector: Vectors = _encode([question])[0]
    vector.flags.writeable = False
    return vector


@lru_cache(maxsize=1)
def _warn_once(reason: str) -> None:
    log.warning("ranking without the contextual model: %s", reason)
