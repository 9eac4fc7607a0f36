"""The reading head: how likely a passage answers a question, from the contextual model's
token states (`bot.context_model`).

The sentence model compares one vector per text, so a passage about the question's subject
scores as high as one that says what is asked. The head looks at every question token: it
finds the passage tokens that token attends to (one attention step over learned 32-dimension
projections), compares the two, and adds each token's best cosine with any passage token.
A small network turns those comparisons into a probability. It has 29,954 weights, trained
by `benchmarks/reading_head.py` on half A of squadshifts-new-wiki's and natural-nq's
articles (each question's gold paragraphs against the other passages citebot found for it)
and checked on the other halves and on the own-words set, which it never saw. The weights
ship in `bot/models/reading-head.npz`; numpy runs them, in about 0.1 ms a passage.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.context_model import check_file

WEIGHTS_FILE = Path(__file__).parent.parent / "models" / "reading-head.npz"
WEIGHTS_SHA256 = "1a4cd2758928f7974dc30ccb2f1ed8e43201b0740d004c19436ab79a426ec851"

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ReadingHead:
    """The head's weights (each `(outputs, inputs)`, as trained) and its forward pass."""

    project: Floats
    project_bias: Floats
    value: Floats
    value_bias: Floats
    compare: Floats
    compare_bias: Floats
    compare2: Floats
    compare2_bias: Floats
    pool: Floats
    pool_bias: Floats
    out: Floats
    out_bias: Floats

    @classmethod
    def load(cls, path: Path) -> ReadingHead:
        """The head saved at `path` (an .npz of the arrays above)."""
        with np.load(path) as arrays:
            return cls(**{name: arrays[name].astype(np.float32) for name in cls.__annotations__})

    def likelihood(self, question: Floats, passage: Floats) -> float:
        """The probability (0-1) that the passage answers the question, from their token
        states (tokens x 384, float32)."""
        return float(self.likelihoods(question, [passage])[0])

    def likelihoods(self, question: Floats, passages: Sequence[Floats]) -> Floats:
        """`likelihood` for each passage, computed together: a few dozen numpy calls
        whatever the number of passages, so a thread that holds the GIL (the bot answers
        several questions at once) delays the head a few times, not hundreds."""
        longest = max(len(p) for p in passages)
        states = np.zeros((len(passages), longest, question.shape[1]), dtype=np.float32)
        padding = np.ones((len(passages), longest), dtype=bool)
        for i, passage in enumerate(passages):
            states[i, : len(passage)] = passage
            padding[i, : len(passage)] = False
        q = question @ self.project.T + self.project_bias
        keys = states @ self.project.T + self.project_bias
        values = states @ self.value.T + self.value_bias
        asked = (question @ self.value.T + self.value_bias)[None]
        attention = np.einsum("qd,nld->nql", q, keys) / np.sqrt(q.shape[1])
        attention[np.broadcast_to(padding[:, None, :], attention.shape)] = -np.inf
        attended = np.einsum("nql,nld->nqd", _softmax(attention), values)
        cosines = np.einsum("qc,nlc->nql", _unit(question), _unit(states))
        cosines[np.broadcast_to(padding[:, None, :], cosines.shape)] = -1.0
        best = cosines.max(axis=2, keepdims=True)
        asked = np.broadcast_to(asked, attended.shape)
        features = np.concatenate(
            [asked, attended, asked * attended, asked - attended, best], axis=2
        )
        hidden = _relu(features @ self.compare.T + self.compare_bias)
        compared = _relu(hidden @ self.compare2.T + self.compare2_bias)
        weights = _softmax((compared @ self.pool.T + self.pool_bias)[..., 0])
        pooled = np.concatenate(
            [np.einsum("nq,nqd->nd", weights, compared), compared.max(axis=1)], axis=1
        )
        logits = pooled @ self.out[0] + self.out_bias[0]
        out: Floats = (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)
        return out


@functools.lru_cache(maxsize=1)
def load_reading_head() -> ReadingHead:
    """The packaged head, checked against its published sha256 (`ContextModelError` if not)."""
    check_file(WEIGHTS_FILE, WEIGHTS_SHA256)
    return ReadingHead.load(WEIGHTS_FILE)


def _softmax(x: Floats) -> Floats:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    out: Floats = shifted / shifted.sum(axis=-1, keepdims=True)
    return out


def _relu(x: Floats) -> Floats:
    return np.maximum(x, 0.0)


def _unit(x: Floats) -> Floats:
    out: Floats = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-6)
    return out
