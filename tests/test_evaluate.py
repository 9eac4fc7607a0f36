"""`citebot eval` metrics on a tiny hand-made corpus whose answers are known."""

import json
from pathlib import Path

import pytest

from bot.evaluate import Question, format_report, load_questions, run_evaluation
from bot.index.build import reindex
from bot.index.search import load_index
from bot.rank import rank_candidates
from bot.text import analyze

ARTICLES = {
    "volcanoes": [
        "Mount Etna erupts often and its lava flows reach the villages of Sicily.",
        "Volcanic ash from Etna closed the airport at Catania for two days.",
        "Geologists measure sulfur dioxide to forecast eruptions of Etna.",
    ],
    "rivers": [
        "The Danube flows through ten countries before reaching the Black Sea.",
        "Barges carry grain along the Danube between Vienna and Budapest.",
        "Flooding of the Danube in 2013 damaged towns in Bavaria.",
    ],
    "bridges": [
        "The Golden Gate bridge spans the strait at San Francisco.",
        "Suspension cables of the bridge were spun from steel wire.",
        "Fog often hides the towers of the bridge in summer.",
    ],
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    corpus = root / "corpus"
    corpus.mkdir()
    for slug, paragraphs in ARTICLES.items():
        front = f"---\ntitle: {slug.title()}\nsource: test\n---\n\n"
        (corpus / f"{slug}.txt").write_text(front + "\n\n".join(paragraphs) + "\n")
    reindex(corpus, root / "eval.db")
    loaded = load_index(root / "eval.db")
    yield loaded
    loaded.close()


def q(text: str, article: str, paragraph: int) -> Question:
    return Question(id=text, question=text, article=article, paragraph=paragraph)


def test_ranks_follow_rank_candidates_and_give_hit_at_k_and_mrr(index):
    questions = [
        q("Which airport did the ash from Etna close?", "volcanoes", 1),  # clear hit
        q("How many countries does the Danube flow through?", "rivers", 0),  # clear hit
        q("What hides the towers in summer?", "bridges", 2),  # clear hit
        q("Which airport did the ash from Etna close?", "volcanoes", 0),  # wrong gold
    ]
    report = run_evaluation(index, questions)
    ranked = rank_candidates(index, analyze(questions[3].question), 10)
    expected_rank = [doc for doc, _ in ranked].index(index.article("volcanoes").first_doc) + 1
    assert [o.rank for o in report.outcomes] == [1, 1, 1, expected_rank]
    assert expected_rank > 1
    assert report.hit_at(1) == pytest.approx(3 / 4)
    assert report.hit_at(5) == pytest.approx(1.0)
    assert report.mrr == pytest.approx((3 + 1 / expected_rank) / 4)
    assert [o.question for o in report.misses()] == [questions[3]]


def test_a_gold_paragraph_outside_the_top_10_counts_zero(tmp_path):
    # Twelve paragraphs that say what the question asks, so that neither words nor
    # meaning can bring the river paragraph into the top 10.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    ash = [f"Volcanic ash and sulfur fell on village {n} near the crater." for n in range(12)]
    for slug, paragraphs in {**ARTICLES, "ashfall": ash}.items():
        front = f"---\ntitle: {slug.title()}\nsource: test\n---\n\n"
        (corpus / f"{slug}.txt").write_text(front + "\n\n".join(paragraphs) + "\n")
    reindex(corpus, tmp_path / "eval.db")
    index = load_index(tmp_path / "eval.db")
    report = run_evaluation(index, [q("volcanic ash sulfur", "rivers", 2)])
    index.close()
    assert report.outcomes[0].rank is None
    assert report.hit_at(5) == 0.0 and report.mrr == 0.0
    assert "not in top 10" in format_report(report)


def test_article_scope_ranks_within_the_questions_own_article(index):
    question = q("Which country did the Etna lava flow through?", "rivers", 0)
    assert run_evaluation(index, [question], scope="corpus").outcomes[0].rank != 1
    assert run_evaluation(index, [question], scope="article").outcomes[0].rank == 1


def test_unknown_articles_and_positions_are_reported_not_scored(index):
    report = run_evaluation(index, [q("Etna ash", "missing", 0), q("Etna ash", "volcanoes", 9)])
    assert report.count == 0 and len(report.unknown) == 2
    assert report.to_json()["unknown"] == ["Etna ash", "Etna ash"]


def test_off_topic_question_is_counted_as_refused(index):
    report = run_evaluation(index, [q("quantum chromodynamics gluon", "rivers", 0)])
    assert report.refused_share == 1.0


def test_load_questions_reads_the_shared_format(tmp_path: Path):
    path = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "Etna?", "article": "volcanoes", "paragraph": 2, "answers": ["x"]}
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    assert load_questions(path) == [Question("a", "Etna?", "volcanoes", 2)]
