"""The after-reindex benchmark runs end to end on a tiny corpus."""

from __future__ import annotations

import json
import re

from support import FILLER, front_matter_article
from support import SPACEWALK_ANSWER as ANSWER
from support import SPACEWALK_DECOY as DECOY
from support import SPACEWALK_QUESTION as QUESTION

import bot.rerank.context as context
from benchmarks.after_reindex import edit_one_article, main


def test_an_edit_adds_a_sentence_to_the_first_paragraph_of_the_first_article(tmp_path):
    for name in ("b", "a"):
        (tmp_path / f"{name}.txt").write_text(front_matter_article(name, ["One.", "Two."]))
    assert edit_one_article(tmp_path).name == "a.txt"
    edited = (tmp_path / "a.txt").read_text()
    assert edited == front_matter_article("a", ["One. This sentence was added later.", "Two."])
    assert (tmp_path / "b.txt").read_text() == front_matter_article("b", ["One.", "Two."])


def test_the_benchmark_reads_nothing_when_warm_and_everything_after_a_reindex(tmp_path, capsys):
    (tmp_path / "corpus").mkdir()
    article = front_matter_article("Spacewalks", [DECOY, ANSWER, *FILLER])
    (tmp_path / "corpus" / "spacewalks.txt").write_text(article)
    question = {"id": "q1", "question": QUESTION, "article": "spacewalks", "paragraph": 1}
    (tmp_path / "questions.jsonl").write_text(json.dumps(question) + "\n")
    kept = context.READINGS
    assert main(["--dataset", str(tmp_path)]) == 0
    assert context.READINGS is kept
    read = {
        line.split(":")[0]: int(re.search(r"(\d+) passages read", line).group(1))
        for line in capsys.readouterr().out.splitlines()
        if "passages read" in line
    }
    assert read["warm"] == 0
    assert read["cold"] > 0 and read["after spacewalks.txt changed"] > 0  # the edited one at least
