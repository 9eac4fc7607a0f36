"""The reading head (`bot.rerank.reading`): its forward pass, its packaged weights, and its
say in ranking a small index."""

import math

import numpy as np
import pytest
from support import SPACEWALK_ANSWER as ANSWER
from support import SPACEWALK_DECOY as DECOY
from support import SPACEWALK_QUESTION as QUESTION
from support import built

import bot.relevance as relevance
import bot.rerank.context as context
import bot.rerank.reading as reading
from bot.answer import AnswerStatus, answer
from bot.context_model import ContextModelError, load_context_model
from bot.rank import rank_paragraphs
from bot.relevance import unanswered_by_reading
from bot.rerank.context import CloseReading
from bot.rerank.reading import ReadingHead, load_reading_head
from bot.text import analyze


def random_head(dim: int = 4, seed: int = 0) -> ReadingHead:
    rng = np.random.default_rng(seed)

    def w(*shape: int) -> np.ndarray:
        return rng.normal(scale=0.05, size=shape).astype(np.float32)

    return ReadingHead(
        w(dim, 384), w(dim), w(dim, 384), w(dim), w(dim, 4 * dim + 1), w(dim),
        w(dim, dim), w(dim), w(1, dim), w(1), w(1, 2 * dim), w(1),
    )  # fmt: skip


def naive_likelihood(head: ReadingHead, question: np.ndarray, passage: np.ndarray) -> float:
    """The head's definition, one question token at a time."""
    relu = lambda x: np.maximum(x, 0)  # noqa: E731
    dim = head.project.shape[0]
    compared, pool_logits = [], []
    for token in question:
        query = head.project @ token + head.project_bias
        logits = [(head.project @ p + head.project_bias) @ query / math.sqrt(dim) for p in passage]
        weights = np.exp(np.array(logits) - max(logits))
        weights /= weights.sum()
        attended = sum(
            wt * (head.value @ p + head.value_bias) for wt, p in zip(weights, passage, strict=True)
        )
        asked = head.value @ token + head.value_bias
        best = max(token @ p / np.linalg.norm(token) / np.linalg.norm(p) for p in passage)
        features = np.concatenate([asked, attended, asked * attended, asked - attended, [best]])
        hidden = relu(head.compare @ features + head.compare_bias)
        c = relu(head.compare2 @ hidden + head.compare2_bias)
        compared.append(c)
        pool_logits.append(float(head.pool[0] @ c + head.pool_bias[0]))
    pool = np.exp(np.array(pool_logits) - max(pool_logits))
    pool /= pool.sum()
    mean = sum(p * c for p, c in zip(pool, compared, strict=True))
    logit = head.out[0] @ np.concatenate([mean, np.max(compared, axis=0)]) + head.out_bias[0]
    return float(1 / (1 + np.exp(-logit)))


def test_the_forward_pass_is_the_heads_definition_and_ignores_passage_token_order():
    rng = np.random.default_rng(1)
    head = random_head()
    question = rng.normal(size=(5, 384)).astype(np.float32)
    passage = rng.normal(size=(9, 384)).astype(np.float32)
    ours = head.likelihood(question, passage)
    assert 0 < ours < 1
    assert ours == pytest.approx(naive_likelihood(head, question, passage), abs=1e-5)
    shuffled = passage[rng.permutation(len(passage))]
    assert head.likelihood(question, shuffled) == pytest.approx(ours, abs=1e-6)


def test_the_packaged_head_reads_that_the_answer_answers_and_the_decoy_does_not():
    model, head = load_context_model(), load_reading_head()
    question = model.read(QUESTION).token_states()
    answers = head.likelihood(question, model.read(ANSWER).token_states())
    decoy = head.likelihood(question, model.read(DECOY).token_states())
    assert answers > 0.5 > decoy


def test_a_head_file_that_is_not_the_published_one_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(reading, "WEIGHTS_FILE", tmp_path / "reading-head.npz")
    (tmp_path / "reading-head.npz").write_bytes(b"not the head")
    load_reading_head.cache_clear()
    try:
        with pytest.raises(ContextModelError, match="not the published file"):
            load_reading_head()
    finally:
        load_reading_head.cache_clear()


def test_without_the_head_small_indexes_are_ranked_by_the_context_model_alone(
    tmp_path, monkeypatch
):
    def broken() -> ReadingHead:
        raise ContextModelError("reading-head.npz is missing")

    with built(tmp_path, [DECOY, ANSWER]) as index:
        with_head = rank_paragraphs(index, analyze(QUESTION), 3, question=QUESTION)
        monkeypatch.setattr(context, "load_reading_head", broken)
        without = rank_paragraphs(index, analyze(QUESTION), 3, question=QUESTION)
    assert with_head[0][0].position == without[0][0].position == 1
    assert [s for _, s in with_head] != [s for _, s in without]


def read(*likelihoods: float, closeness: float = 0.5) -> list[CloseReading]:
    return [CloseReading(likelihood, closeness) for likelihood in likelihoods]


def test_the_head_refuses_only_when_it_finds_no_answer_and_the_words_do_not_vouch_for_one():
    floor, vouched = relevance.READING_FLOOR, relevance.VOUCHED_RELEVANCE
    assert unanswered_by_reading(read(floor / 2, floor / 5), vouched - 0.1)
    assert not unanswered_by_reading(read(floor / 2, floor * 2), vouched - 0.1)  # one may answer
    assert not unanswered_by_reading(read(floor / 2), vouched)  # the words vouch for it
    assert not unanswered_by_reading([], 0.0)  # no close reading (a large index)


def test_close_reading_refuses_when_no_candidate_is_about_the_question_nor_likely_to_answer():
    floor, doubt = relevance.CLOSENESS_FLOOR, relevance.CLOSENESS_LIKELIHOOD
    far = [CloseReading(doubt / 2, floor - 0.01), CloseReading(doubt / 3, floor - 0.1)]
    assert unanswered_by_reading(far, 1.0)  # whatever the words share
    assert not unanswered_by_reading([*far, CloseReading(0.0, floor)], 1.0)  # one is about it
    assert not unanswered_by_reading([*far, CloseReading(doubt, 0.0)], 1.0)  # one may answer


def test_a_question_on_a_neighbouring_topic_is_refused_because_the_head_reads_no_answer(
    own_words_index, monkeypatch
):
    # The own-words set's HTTPS article shares "https" and much meaning with the question,
    # enough for the relevance bar; none of its passages says how to turn HTTPS on in
    # WordPress. The same index answers a question the article does answer.
    index = own_words_index
    off_topic = "how do i turn on https for my wordpress blog?"
    assert answer(index, off_topic).status is AnswerStatus.NO_RELEVANT_PASSAGE
    assert answer(index, "does https make a website slower?").status is AnswerStatus.ANSWERED
    monkeypatch.setattr(relevance, "READING_FLOOR", 0.0)  # the relevance bar alone
    assert answer(index, off_topic).status is AnswerStatus.ANSWERED
    assert answer(index, off_topic, min_relevance=0.0).passages


def test_a_question_that_only_shares_a_name_with_a_passage_is_refused_as_not_about_it(
    own_words_index, monkeypatch
):
    # The racing-suit paragraph of the own-words set names this weekend's Indianapolis 500:
    # the question's rarest words are there, so it passes the relevance bar, but the
    # contextual model finds no candidate about who won the race.
    index = own_words_index
    off_topic = "who won the indianapolis 500 this year"
    assert answer(index, off_topic).status is AnswerStatus.NO_RELEVANT_PASSAGE
    answerable = "what do racing drivers wear under their gear to stay cool?"
    assert answer(index, answerable).status is AnswerStatus.ANSWERED
    monkeypatch.setattr(relevance, "CLOSENESS_FLOOR", -1.0)
    assert answer(index, off_topic).status is AnswerStatus.ANSWERED
