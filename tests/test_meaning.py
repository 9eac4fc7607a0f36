"""The meaning model's tokenizing shortcut gives exactly the tokenizer's own ids."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.meaning import Embedder, id_dtype, load_embedder

SEED = Path(__file__).resolve().parents[1] / "corpus"

AWKWARD_CHUNKS = [
    "Troops,",
    "(NATO)",
    "“quoted”",
    "don’t",
    "1,000,000",
    "é",
    "naïve-café",
    "北京",
    "🚀🚀",
    "\u0301",
    "\ufffd",
    "a" * 300,
    "https://example.org/a?b=c",
    "▁already-marked",
]


def tokenizer_ids(embedder: Embedder, chunk: str) -> list[int]:
    ids: list[int] = embedder.tokenizer.encode(chunk, add_special_tokens=False).ids
    return ids


def test_chunk_ids_equal_the_tokenizers_on_awkward_and_real_text() -> None:
    embedder = load_embedder()
    real = {chunk for path in SEED.rglob("*.*") for chunk in path.read_text().split()}
    chunks = sorted(real) + AWKWARD_CHUNKS
    assert len(chunks) > 300
    for chunk in chunks:
        assert embedder._encode(chunk) == tokenizer_ids(embedder, chunk), chunk


def test_a_lone_surrogate_is_tokenized_as_a_question_mark() -> None:
    # The tokenizer refuses a string that is not valid Unicode; a file's bad bytes were
    # decoded with surrogates escaped, and the replacement keeps the rest of the chunk.
    embedder = load_embedder()
    assert embedder._encode("a\ud800b") == tokenizer_ids(embedder, "a?b")


def reference_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Each text's vector the plain way: the tokenizer's ids of every chunk, then the sum
    of their rows, normalized as before ids were packed."""
    out = np.zeros((len(texts), embedder.weights.shape[1]), dtype=np.float32)
    for row, text in enumerate(texts):
        ids = [i for chunk in text.split() for i in tokenizer_ids(embedder, chunk)]
        if ids:
            out[row] = embedder.weights[np.array(ids, dtype=np.intp)].sum(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out.astype(np.float16)


def test_packed_chunk_ids_give_the_vectors_of_the_tokenizers_ids() -> None:
    embedder = load_embedder()
    texts = [p for path in sorted(SEED.rglob("*.*")) for p in path.read_text().split("\n\n")]
    texts += [" ".join(AWKWARD_CHUNKS), "", "   ", "Troops Troops,\n(NATO)"]
    vectors = embedder.embed(texts)
    assert vectors.tobytes() == reference_vectors(embedder, texts).tobytes()
    assert embedder.embed(texts).tobytes() == vectors.tobytes()  # from the warm cache


def test_ids_are_packed_in_the_narrowest_type_that_holds_every_row() -> None:
    assert id_dtype(65_536) == np.uint16
    assert id_dtype(65_537) == np.uint32
    assert load_embedder().token_ids("the troops").dtype == np.uint16
