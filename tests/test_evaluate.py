"""`citebot eval` metrics on a tiny hand-made corpus whose answers are known."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.evaluate import (
    Question,
    QuestionFileError,
    format_report,
    load_questions,
    run_evaluation,
)
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
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eval") / "corpus"
    folder.mkdir()
    for slug, paragraphs in ARTICLES.items():
        front = f"---\ntitle: {slug.title()}\nsource: test\n---\n\n"
        (folder / f"{slug}.txt").write_text(front + "\n\n".join(paragraphs) + "\n")
    return folder


@pytest.fixture(scope="module")
def index(corpus):
    reindex(corpus, corpus.parent / "eval.db")
    loaded = load_index(corpus.parent / "eval.db")
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


def test_a_hit_on_any_of_several_gold_paragraphs_counts(index, tmp_path: Path):
    text = "Which airport did the ash from Etna close?"  # ranks volcanoes ¶2 (position 1) first
    path = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "both",
            "question": text,
            "article": "volcanoes",
            "paragraph": 0,
            "paragraphs": [0, 1],
        },
        {"id": "list only", "question": text, "article": "volcanoes", "paragraphs": [2, 1]},
        {"id": "one", "question": text, "article": "volcanoes", "paragraph": 0},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    questions = load_questions(path)
    assert [q.gold for q in questions] == [(0, 1), (2, 1), (0,)]
    assert questions[1].paragraph == 2
    report = run_evaluation(index, questions)
    assert [o.rank for o in report.outcomes][:2] == [1, 1]
    assert report.outcomes[2].rank not in (None, 1)
    assert report.to_json()["misses"][0]["paragraph"] == 0
    assert "volcanoes ¶1:" in format_report(report)


def test_a_gold_position_outside_the_article_makes_the_question_unknown(index):
    question = Question("x", "Etna ash", "volcanoes", 1, paragraphs=(1, 7))
    report = run_evaluation(index, [question])
    assert report.count == 0 and report.unknown == (question,)


BAD_FILES = [
    (b'{"question": "Etna?", "article": "volcanoes", "paragraph": 0}\nnot json\n', 2, "not JSON"),
    (b'{"question": "Etna?", "paragraph": 0}\n', 1, "'article' is missing"),
    (b'{"article": "volcanoes", "paragraph": 0}\n', 1, "'question' is missing"),
    (b'{"question": "Etna?", "article": "volcanoes"}\n', 1, "'paragraph' is missing"),
    (b'\n\n{"question": "\xff Etna?", "article": "volcanoes", "paragraph": 0}\n', 3, "not UTF-8"),
    (
        b'{"question": "Etna?", "article": "volcanoes", "paragraph": "1"}\n',
        1,
        "'1' is not a 0-based",
    ),
    (b'{"question": "Etna?", "article": "volcanoes", "paragraph": -1}\n', 1, "-1 is not a 0-based"),
    (
        b'{"question": "Etna?", "article": "volcanoes", "paragraph": 1.5}\n',
        1,
        "1.5 is not a 0-based",
    ),
    (b'{"question": "Etna?", "article": "volcanoes", "paragraph": true}\n', 1, "True is not"),
    (b'{"question": "Etna?", "article": "volcanoes", "paragraphs": []}\n', 1, "non-empty list"),
    (b'{"question": "Etna?", "article": "volcanoes", "paragraphs": [0, "2"]}\n', 1, "'2' is not"),
    (b'{"question": "", "article": "volcanoes", "paragraph": 0}\n', 1, "'question' is not"),
    (b'["Etna?", "volcanoes", 0]\n', 1, "not a JSON object"),
]


@pytest.mark.parametrize(("content", "line", "reason"), BAD_FILES, ids=[r for *_, r in BAD_FILES])
def test_a_bad_question_file_is_one_line_naming_the_line_and_exit_1(
    corpus, tmp_path: Path, capsys, content: bytes, line: int, reason: str
):
    path = tmp_path / "questions.jsonl"
    path.write_bytes(content)
    code = main(["eval", str(path), "--corpus", str(corpus), "--db", str(tmp_path / "e.db")])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and f"{path}:{line}: " in err and reason in err
    assert not (tmp_path / "e.db").exists()  # refused before indexing anything


@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank lines"])
def test_an_empty_question_file_is_an_error(corpus, tmp_path: Path, capsys, content: bytes):
    path = tmp_path / "questions.jsonl"
    path.write_bytes(content)
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(path)
    code = main(["eval", str(path), "--corpus", str(corpus), "--db", str(tmp_path / "e.db")])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1 and "no questions" in err


def test_questions_naming_no_indexed_paragraph_are_an_error(corpus, tmp_path, capsys):
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps({"question": "Etna?", "article": "etna", "paragraph": 0}))
    code = main(["eval", str(path), "--corpus", str(corpus), "--db", str(tmp_path / "e.db")])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "none of the 1 questions names an indexed article" in err.splitlines()[-1]


@pytest.mark.parametrize(("bar", "refused"), [("0", 0.0), ("1", 1.0)])
def test_eval_refuses_at_the_configured_bar_through_answer(
    corpus, tmp_path, capsys, monkeypatch, bar: str, refused: float
):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("CITEBOT_MIN_RELEVANCE", bar)
    path = tmp_path / "questions.jsonl"
    question = "Which airport did the ash from Etna close last winter?"  # not every word
    path.write_text(json.dumps({"question": question, "article": "volcanoes", "paragraph": 1}))
    db = tmp_path / "e.db"
    assert main(["eval", str(path), "--corpus", str(corpus), "--db", str(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hit@1"] == 1.0
    assert report["min_relevance"] == float(bar) and report["refused_share"] == refused
