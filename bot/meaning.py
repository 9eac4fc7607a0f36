"""Meaning: static sentence embeddings (WordLlama), for paraphrases that share no word.

WordLlama's `l2_supercat` model is a table of token vectors (32,000 tokens × 256
dimensions, MIT licence) distilled from large language models' input embeddings; a text's
vector is the mean of its tokens' vectors. The weights and the tokenizer ship inside the
`wordllama` wheel. Its own loader looks for the tokenizer under a folder name the wheel
does not use and then downloads it, so the packaged files are opened here directly and the
network is never touched (nor `wordllama`'s module, which configures logging on import).

Vectors are unit length and stored as float16 (512 bytes a paragraph): cosine similarity
is a dot product.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# Tokenizing in threads is pointless for one question, and a tokenizer that has used its
# thread pool warns when the process forks (reindexing forks worker processes).
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from safetensors.numpy import load_file
from tokenizers import Tokenizer

MODEL = "l2_supercat"
# SentencePiece's mark for a space, which the model's normalizer prepends to every text.
SPACE_MARK = "\u2581"
DIMENSIONS = 256
VECTOR_DTYPE = np.dtype("<f2")

Vectors = npt.NDArray[np.float16]


class _ChunkIds(dict[str, bytes]):
    """chunk -> its token ids as packed bytes, tokenized on first use; remembers at most
    `cap` chunks.

    Bytes rather than a list of ints: a text's ids are then one `b"".join` and one
    `np.frombuffer`, where a list of Python ints needed a conversion per id (on the 100k
    benchmark corpus, warm, about 50 µs a paragraph instead of 130), and a cached chunk
    takes one small object instead of a list and an int object per id.
    """

    def __init__(self, encode: Callable[[str], bytes], cap: int) -> None:
        super().__init__()
        self._encode = encode
        self._cap = cap

    def __missing__(self, chunk: str) -> bytes:
        ids = self._encode(chunk)
        if len(self) < self._cap:
            self[chunk] = ids
        return ids


def id_dtype(rows: int) -> np.dtype[Any]:
    """The narrowest unsigned integer that holds every row number of a `rows`-row table."""
    return np.dtype(np.uint16) if rows <= 1 << 16 else np.dtype(np.uint32)


@dataclass
class Embedder:
    """Text -> unit vector; each distinct white-space separated chunk is tokenized once."""

    weights: npt.NDArray[np.float32]
    tokenizer: Tokenizer
    _ids: np.dtype[Any] = field(init=False, repr=False)
    _chunks: _ChunkIds = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._ids = id_dtype(len(self.weights))
        self._chunks = _ChunkIds(self.packed_ids, CHUNK_CACHE)

    def token_ids(self, text: str) -> npt.NDArray[np.unsignedinteger[Any]]:
        """The model's token ids for a text, chunk by chunk (as the tokenizer would)."""
        # The tokenizer marks every space as "▁" and never merges across one, so tokens of
        # the white-space separated chunks are the tokens of the text; most chunks repeat.
        # One C-level pass: look every chunk up (map) and join their packed ids.
        return np.frombuffer(b"".join(map(self._chunks.__getitem__, text.split())), self._ids)

    def _encode(self, chunk: str) -> list[int]:
        # The tokenizer takes only valid Unicode: a lone surrogate becomes "?".
        valid = chunk.encode("utf-8", "replace").decode("utf-8")
        # The tokenizer's whole pipeline for a chunk with no space is: prepend "▁", then
        # BPE. Calling the BPE model directly gives the same ids (tests/test_meaning.py
        # compares them) and skips building an Encoding: 4.6 µs a chunk instead of 7.0,
        # which matters because a large corpus has millions of distinct chunks. An id
        # past the weights (none in the packaged model) reads the last row.
        last = len(self.weights) - 1
        return [min(token.id, last) for token in self.tokenizer.model.tokenize(SPACE_MARK + valid)]

    def packed_ids(self, chunk: str) -> bytes:
        """A chunk's ids packed as `token_ids` joins them (uncached: for callers that
        cache chunks themselves, `bot.index.chunks`)."""
        return np.array(self._encode(chunk), dtype=self._ids).tobytes()

    def embed(self, texts: list[str]) -> Vectors:
        """Unit vectors (float16), one row per text; a text with no tokens gets zeros."""
        return self.embed_ids([self.token_ids(text) for text in texts])

    def embed_packed(self, packed: list[bytes]) -> Vectors:
        """`embed` of texts given as their ids packed (`packed_ids` of each chunk, joined)."""
        return self.embed_ids([np.frombuffer(ids, dtype=self._ids) for ids in packed])

    def embed_ids(self, texts: list[npt.NDArray[np.unsignedinteger[Any]]]) -> Vectors:
        """`embed` of texts given as their token ids."""
        out = np.zeros((len(texts), self.weights.shape[1]), dtype=np.float32)
        for row, ids in enumerate(texts):
            if len(ids):
                # One gather and sum per text: 10x faster than np.add.reduceat over a batch.
                out[row] = self.weights[ids].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out.astype(np.float16)

    def embed_one(self, text: str) -> npt.NDArray[np.float32]:
        """One text's unit vector, as float32 for scoring."""
        return np.asarray(self.embed([text])[0], dtype=np.float32)


# Distinct chunks remembered per process: a long-running bot must not grow without bound.
CHUNK_CACHE = 1 << 20


@functools.lru_cache(maxsize=1)
def load_embedder() -> Embedder:
    """The packaged model, loaded once per process (about 35 MB, 0.1 s)."""
    root = package_folder("wordllama")
    weights = load_file(str(root / "weights" / f"{MODEL}_{DIMENSIONS}.safetensors"))
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / f"{MODEL}_tokenizer_config.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Embedder(np.ascontiguousarray(weights["embedding.weight"], dtype=np.float32), tokenizer)


def package_folder(name: str) -> Path:
    """Where an installed package's files are, without importing it (importing `wordllama`
    pulls in pydantic and requests, and configures logging)."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the {name} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def passage_text(title: str, paragraph: str) -> str:
    """What a paragraph's vector is made of: its article's title, then the paragraph.

    A paragraph rarely names its subject (the title does), and a question does; with the
    title, natural-nq Hit@1 0.686 -> 0.707 (benchmarks/quality.py, fourth round).
    """
    return f"{title}\n{paragraph}"


def to_blob(vectors: Vectors) -> bytes:
    """Vectors as a little-endian float16 blob."""
    return np.ascontiguousarray(vectors, dtype=VECTOR_DTYPE).tobytes()


def from_blob(blob: bytes) -> Vectors:
    """The rows of a blob written by `to_blob`."""
    return np.frombuffer(blob, dtype=VECTOR_DTYPE).reshape(-1, DIMENSIONS)


@functools.lru_cache(maxsize=1)  # constant for the process; reads package metadata
def model_fingerprint() -> str:
    """What decides a text's vector: the model, its size and the package version."""
    return f"{MODEL}-{DIMENSIONS}-{version('wordllama')}"
