"""The closeness-floor benchmark runs end to end on a tiny set, and counts refusals right."""

from __future__ import annotations

import json

from support import FILLER, front_matter_article
from support import SPACEWALK_ANSWER as ANSWER
from support import SPACEWALK_QUESTION as QUESTION

import bot.relevance as relevance
from benchmarks.closeness_floor import FLOORS, Asked, main


def test_a_floor_refuses_what_was_refused_anyway_and_what_is_neither_close_nor_likely():
    doubted = relevance.CLOSENESS_LIKELIHOOD / 2
    assert Asked(True, 0.9, 0.9).refused_at(0.2)
    assert Asked(False, 0.1, doubted).refused_at(0.2)
    assert not Asked(False, 0.1, relevance.CLOSENESS_LIKELIHOOD).refused_at(0.2)
    assert not Asked(False, 0.3, doubted).refused_at(0.2)
    assert not Asked(False, None, None).refused_at(0.2)  # not read closely: no say


def test_the_benchmark_asks_both_halves_and_the_left_out_articles(tmp_path, capsys):
    corpus = tmp_path / "set" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "a.txt").write_text(front_matter_article("Spacewalks", [ANSWER, *FILLER[3:]]))
    (corpus / "b.txt").write_text(front_matter_article("Gardens", FILLER[:3]))
    questions = [
        {"id": "q1", "question": QUESTION, "article": "a", "paragraph": 0},
        {"id": "q2", "question": "When do gardeners plant tulips?", "article": "b",
         "paragraph": 0},
    ]  # fmt: skip
    (tmp_path / "set" / "questions.jsonl").write_text(
        "".join(json.dumps(q) + "\n" for q in questions)
    )
    kept = relevance.CLOSENESS_FLOOR
    assert main(["--sets", f"tiny={tmp_path / 'set'}", "--workdir", str(tmp_path / "w")]) == 0
    assert kept == relevance.CLOSENESS_FLOOR
    out = capsys.readouterr().out
    assert "answerable A (1)" in out and "answerable B (1)" in out and "off-topic (1)" in out
    rows = [
        line.split() for line in out.splitlines() if line.strip().startswith(("off", "0.", "*"))
    ]
    assert rows[0][0] == "off" and len(rows) == 1 + len(FLOORS)
    assert rows[0][-1] == "100.0%"  # a question about tulips, of an index about spacewalks
    # Raising the floor never refuses fewer questions.
    off_topic = [float(row[-1].rstrip("%")) for row in rows]
    assert off_topic == sorted(off_topic)
