"""The quality benchmark's bookkeeping: set specs, halves, several gold paragraphs, figures."""

import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from benchmarks.quality import exit_with_parent
from benchmarks.quality_peers import RankBm25Whitespace
from benchmarks.quality_run import Run, figures, peer_ranks
from benchmarks.quality_sets import halves, load_set, parse_sets
from bot.evaluate import Question, QuestionFileError


def test_sets_are_named_or_named_after_their_folder():
    assert parse_sets("nq=../eval/natural-nq, ../eval/squad,") == [
        ("nq", Path("../eval/natural-nq")),
        ("squad", Path("../eval/squad")),
    ]
    with pytest.raises(ValueError, match="share a name"):
        parse_sets("a=x,a=y")


def test_halves_split_sorted_ids_by_even_and_odd_position():
    a, b = halves(["d", "b", "a", "c", "e", "b"])
    assert (a, b) == ({"a", "c", "e"}, {"b", "d"})


def test_a_peer_hit_on_any_gold_paragraph_counts_at_its_best_rank():
    questions = [Question("1", "x", "art", 0, (0, 3)), Question("2", "y", "art", 5)]
    ranking = {"x": [7, 3, 0], "y": [1, 2]}
    ranks, _ = peer_ranks(
        lambda q, k, article: ranking[q], questions, [frozenset({0, 3}), frozenset({5})], "corpus"
    )
    assert ranks == (2, None)


def test_figures_over_all_questions_and_over_one_half():
    run = Run("citebot", "corpus", (1, 2, None, 4), 0.004, (False, False, True, False))
    everything = figures(run)
    assert everything.hits == (0.25, 0.5, 0.75)
    assert everything.mrr == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)
    assert everything.refused == 0.25 and everything.ms == pytest.approx(1.0)
    half = figures(run, [False, True, True, False])
    assert (half.count, half.hits, half.refused) == (2, (0.0, 0.5, 0.5), 0.5)


def test_a_set_reads_its_off_topic_questions_and_names_a_bad_line(tmp_path: Path):
    (tmp_path / "corpus").mkdir()
    row = {"question": "Why?", "article": "a", "paragraph": 0}
    (tmp_path / "questions.jsonl").write_text(json.dumps(row) + "\n")
    (tmp_path / "off_topic.jsonl").write_text('{"id": "o1", "question": "Who won?"}\n\n')
    assert load_set("s", tmp_path).off_topic == ("Who won?",)
    (tmp_path / "off_topic.jsonl").write_text('{"id": "o1", "question": "Who won?"}\n{"id": 2}\n')
    with pytest.raises(QuestionFileError, match=r"off_topic.jsonl:2: no 'question'"):
        load_set("s", tmp_path)


def test_the_rank_bm25_peer_scores_equal_the_library_bit_for_bit():
    texts = [
        "the cat sat on the mat",
        "a dog and a cat",
        "the the the dog barked at the mailman",
        "mat weaving is an old craft",
        "nothing in common here",
    ]
    peer = RankBm25Whitespace(texts, ["a", "a", "b", "b", "c"])
    for question in ["the cat", "dog dog mat", "unknown words only", "The Cat sat", ""]:
        tokens = question.lower().split()
        assert peer._scores(tokens).tolist() == peer._bm25.get_scores(tokens).tolist()
        for article in (None, "a", "b"):
            assert peer.rank(question, 3, article) == peer.library_rank(question, 3, article)


def _start_pool_and_hang(pid_file: Path) -> None:
    """In a process of its own: a quality-style pool whose worker outlives the task queue."""
    spawn = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=spawn, initializer=exit_with_parent)
    pool.submit(_write_pid_and_sleep, pid_file)
    time.sleep(60)


def _write_pid_and_sleep(pid_file: Path) -> None:
    pid_file.write_text(str(os.getpid()))
    time.sleep(60)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A dead child of a dead parent is reaped by init; until then it is a zombie.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_a_killed_benchmark_takes_its_worker_processes_with_it(tmp_path: Path):
    pid_file = tmp_path / "worker.pid"
    parent = multiprocessing.get_context("spawn").Process(
        target=_start_pool_and_hang, args=(pid_file,)
    )
    parent.start()
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    assert _alive(worker)
    parent.kill()  # SIGKILL: no chance to shut the pool down
    parent.join()
    deadline = time.monotonic() + 10
    while _alive(worker):
        assert time.monotonic() < deadline, "the worker outlived the benchmark"
        time.sleep(0.05)
