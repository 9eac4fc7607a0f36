"""The meaning model's tokenizing shortcut gives exactly the tokenizer's own ids."""

from __future__ import annotations

from pathlib import Path

from bot.meaning import Embedder, load_embedder

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
