"""The command line, in process and once as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support import isolate_environment

from bot.cli import main


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    isolate_environment(monkeypatch, tmp_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_reports_articles_paragraphs_and_changes(capsys, bundled_corpus, tmp_path):
    db = str(tmp_path / "x.db")
    code, out, _ = run(capsys, "index", "--corpus", str(bundled_corpus), "--db", db)
    assert code == 0
    assert "1 article, 20 paragraphs (1 added, 0 changed, 0 removed, 0 unchanged)" in out
    code, out, _ = run(capsys, "index", "--corpus", str(bundled_corpus), "--db", db)
    assert "(0 added, 0 changed, 0 removed, 1 unchanged)" in out


def test_index_lists_skipped_files_with_reasons(capsys, bundled_corpus, tmp_path):
    (bundled_corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (bundled_corpus / "notes.pdf").write_bytes(b"%PDF")
    code, out, _ = run(capsys, "index", "--corpus", str(bundled_corpus), "--db", "x.db")
    assert code == 0
    assert "skipped broken.txt: binary file" in out
    assert "skipped notes.pdf: unsupported file type .pdf" in out


def test_ask_builds_the_index_on_first_use_and_prints_citations(capsys, bundled_corpus):
    code, out, err = run(
        capsys, "ask", "Who delivered the US response in Moscow?", "--corpus", str(bundled_corpus)
    )
    assert code == 0
    assert "1 article" in err
    assert "John Sullivan" in out
    assert (
        "[1] US made no concessions to Russia over Ukraine… — Alex Woodward, 26 Jan 2022, ¶7" in out
    )
    assert Path("citebot.db").is_file()


def test_ask_rebuilds_an_index_left_by_an_older_version(capsys, bundled_corpus):
    question = ["ask", "Who delivered the US response in Moscow?", "--corpus", str(bundled_corpus)]
    run(capsys, *question)
    with sqlite3.connect("citebot.db") as conn:
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    conn.close()
    code, out, err = run(capsys, *question)
    assert code == 0
    assert "(1 added, 0 changed, 0 removed, 0 unchanged)" in err
    assert "John Sullivan" in out


def test_ask_json_has_the_documented_fields(capsys, bundled_corpus):
    code, out, _ = run(
        capsys,
        "ask",
        "How many troops has Russia amassed?",
        "--json",
        "--corpus",
        str(bundled_corpus),
    )
    result = json.loads(out)
    assert result["status"] == "answered"
    passage = result["passages"][0]
    assert set(passage) >= {
        "rank",
        "score",
        "article_id",
        "title",
        "author",
        "date",
        "url",
        "paragraph",
        "text",
        "best_sentences",
        "matched_terms",
        "highlights",
        "citation",
    }
    assert "100,000 troops" in passage["text"]


def test_ask_reads_one_question_per_line_from_stdin(capsys, monkeypatch, bundled_corpus):
    questions = "Who delivered the US response?\nWhat is the recipe for banana bread?\n\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(questions))
    code, out, _ = run(capsys, "ask", "--json", "--corpus", str(bundled_corpus))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["status"] for line in lines] == ["answered", "no_relevant_passage"]


def test_ask_restricted_to_an_unknown_article_is_one_clear_error(capsys, bundled_corpus):
    code, _, err = run(
        capsys, "ask", "troops", "--article", "nope", "--corpus", str(bundled_corpus)
    )
    assert code == 1
    assert (
        err.splitlines()[-1]
        == "citebot: no indexed article has the id 'nope' (see `citebot articles`)"
    )


def test_empty_question_is_one_clear_error(capsys, bundled_corpus):
    code, _, err = run(capsys, "ask", "   ", "--corpus", str(bundled_corpus))
    assert (code, err.strip()) == (1, "citebot: the question is empty")


def test_missing_corpus_folder_is_one_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "nowhere"), "--db", "x.db")
    assert code == 1
    assert err.startswith("citebot: corpus folder") and "Traceback" not in err


def test_unreadable_database_is_one_clear_error(capsys, bundled_corpus, tmp_path):
    bad = tmp_path / "bad.db"
    bad.mkdir()
    code, _, err = run(capsys, "ask", "troops", "--db", str(bad), "--corpus", str(bundled_corpus))
    assert code == 1
    assert err.startswith("citebot: ") and "Traceback" not in err


def test_a_file_that_is_no_database_is_moved_aside_not_deleted(capsys, bundled_corpus, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "ask", "troops", "--db", str(bad), "--corpus", str(bundled_corpus))
    assert code == 0
    assert err.startswith(
        "the index database was damaged (file is not a database; moved to bad.db.damaged)"
    )
    assert (tmp_path / "bad.db.damaged").read_bytes() == b"this is not a database" * 100


def test_articles_lists_id_title_date_and_paragraph_count(capsys, bundled_corpus):
    code, out, _ = run(capsys, "articles", "--corpus", str(bundled_corpus))
    assert out.splitlines()[-1].split("\t") == [
        "us-no-concessions-to-russia-over-ukraine",
        "US made no concessions to Russia over Ukraine in formal response to Putin demands,"
        " Blinken says",
        "Alex Woodward",
        "2022-01-26T21:28",
        "20 paragraphs",
    ]


def test_index_warns_about_articles_without_author_or_date_or_with_a_navigation_title(
    capsys, corpus_dir, tmp_path
):
    (corpus_dir / "nav.md").write_text(
        "---\ntitle: Skip to main content\nauthor: Ann Author\n---\n\nThe body text.\n"
    )
    (corpus_dir / "plain.md").write_text("---\ntitle: Notes\ndate: 2021-05-06\n---\n\nText.\n")
    db = str(tmp_path / "w.db")
    code, out, _ = run(capsys, "index", "--corpus", str(corpus_dir), "--db", db)
    assert code == 0
    assert "  warning nav: title looks like navigation: 'Skip to main content'" in out
    assert "  warning nav: no date" in out
    assert "  warning plain: no author" in out
    assert "plain: no date" not in out and "nav: no author" not in out
    code, out, _ = run(capsys, "index", "--corpus", str(corpus_dir), "--db", db)
    assert "warning" not in out  # unchanged files were reported when they changed


def test_run_without_token_is_one_clear_line(capsys, bundled_corpus):
    code, _, err = run(capsys, "run", "--corpus", str(bundled_corpus))
    assert code == 1
    assert err.strip().startswith("citebot: DISCORD_TOKEN is not set")


def test_bad_setting_is_one_clear_line(capsys, monkeypatch):
    monkeypatch.setenv("CITEBOT_RESULTS", "lots")
    code, _, err = run(capsys, "articles")
    assert (code, err.strip()) == (1, "citebot: CITEBOT_RESULTS: not a number")


def test_installed_console_script_answers_in_a_subprocess(bundled_corpus, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "Who delivered the US response in Moscow?",
            "--corpus",
            str(bundled_corpus),
            "--db",
            str(tmp_path / "sub.db"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["passages"][0]["paragraph"] == 7
    # The first ask builds the index and says so in its summary line, with no log line.
    assert result.stderr.startswith("1 article, 20 paragraphs (1 added")
    assert " INFO " not in result.stderr and len(result.stderr.splitlines()) == 1


def test_ask_says_when_a_long_question_was_only_partly_read(capsys, bundled_corpus):
    question = "Who delivered the US response in Moscow? " + "and also " * 1000
    common = ["--corpus", str(bundled_corpus)]
    code, out, err = run(capsys, "ask", question, *common)
    assert code == 0
    assert "John Sullivan" in out
    assert "citebot: the question is long: only its first 6,000 characters" in err
    code, out, err = run(capsys, "ask", question, "--json", *common)
    assert json.loads(out)["question_truncated"] is True
    code, out, err = run(capsys, "ask", "Who delivered the US response?", "--json", *common)
    assert json.loads(out)["question_truncated"] is False
    assert "question is long" not in err


def _hostile_corpus(folder: Path) -> Path:
    folder.mkdir()
    article = (
        '---\ntitle: "\\e[2J\\e]0;owned\\a Evil \\u202etitle"\nauthor: "\\e]52;c;ZXZpbA==\\a"\n'
        "---\n\nOrchards grow apples in the autumn sun.\n"
    )
    (folder / "bad\nid\r\u202e.md").write_text(article, encoding="utf-8")
    (folder / "\x1b]0;owned\x07.pdf").write_bytes(b"%PDF")  # skipped, and named
    for n in range(3):
        (folder / f"other{n}.md").write_text(f"---\ntitle: Other\n---\n\nRivers flood {n}.\n")
    return folder


def test_articles_and_answers_show_control_characters_harmlessly(capsys, tmp_path):
    corpus = ["--corpus", str(_hostile_corpus(tmp_path / "hostile"))]
    code, out, err = run(capsys, "articles", *corpus)
    assert code == 0
    assert out.splitlines()[0].startswith("bad\\x0aid\\x0d\\u202e\t\\x1b[2J\\x1b]0;owned\\x07 Evil")
    assert len(out.splitlines()) == 4
    assert "skipped \\x1b]0;owned\\x07.pdf: unsupported file type .pdf" in err
    answered = run(capsys, "ask", "apples orchards autumn", *corpus)[1]
    assert "Evil" in answered
    for text in (out, err, answered):
        assert not any(c in text for c in "\x1b\x07\r\u202e"), text
    code, out, err = run(capsys, "articles", "--json", *corpus)
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["id"] == "bad\nid\r\u202e"
    assert rows[0]["title"] == "\x1b[2J\x1b]0;owned\x07 Evil \u202etitle"
    code, out, err = run(capsys, "ask", "apples orchards autumn", "--json", *corpus)
    passage = json.loads(out)["passages"][0]
    assert passage["author"] == "\x1b]52;c;ZXZpbA==\x07"
    assert "\x1b" not in out and "\u202e" not in out


def test_an_env_file_that_is_not_utf8_is_one_clear_line(capsys):
    Path(".env").write_bytes(b"CITEBOT_CORPUS=caf\xe9\n")
    code, _, err = run(capsys, "articles")
    assert (code, err.strip()) == (1, "citebot: .env: not UTF-8 text (byte 19): save it as UTF-8")


def test_a_database_in_a_missing_folder_is_refused_clearly(capsys, bundled_corpus, tmp_path):
    db = tmp_path / "no" / "such" / "folder" / "x.db"
    code, _, err = run(capsys, "index", "--corpus", str(bundled_corpus), "--db", str(db))
    assert (code, err) == (
        1,
        f"citebot: the folder {db.parent} for the index database does not exist:"
        " create it, or choose another --db\n",
    )
    assert not (tmp_path / "no").exists()


def test_a_plain_file_as_the_corpus_is_said_to_be_no_folder(capsys, tmp_path):
    (tmp_path / "article.txt").write_text("Some text.")
    code, _, err = run(capsys, "index", "--corpus", str(tmp_path / "article.txt"))
    assert (code, err) == (
        1,
        f"citebot: corpus folder {tmp_path / 'article.txt'} is not a folder\n",
    )


def test_ask_reads_an_article_added_after_the_index_was_built(capsys, bundled_corpus):
    common = ["--corpus", str(bundled_corpus), "--db", "x.db"]
    run(capsys, "index", *common)
    question = "Which orchards grow apples in the autumn sun?"
    (bundled_corpus / "orchards.md").write_text(
        "---\ntitle: Orchards\n---\n\nOrchards grow apples in the autumn sun.\n"
    )
    code, out, err = run(capsys, "ask", question, *common)
    assert code == 0
    assert "Orchards grow apples" in out
    assert err.startswith("2 articles, 21 paragraphs (1 added, 0 changed")
    code, out, err = run(capsys, "ask", question, *common)  # nothing new: nothing said
    assert (code, err) == (0, "")
    assert "Orchards grow apples" in out


_VOICE_PROBE = """
import logging, sys, discord
import bot.cli
if sys.argv[1] == "citebot":
    bot.cli._configure_logging("INFO", bot.cli.cmd_run)
else:
    logging.basicConfig(level="INFO")
discord.Client(intents=discord.Intents.none())
"""


def test_the_bot_does_not_warn_about_voice_libraries_it_never_uses():
    def stderr(how: str) -> str:
        probe = [sys.executable, "-c", _VOICE_PROBE, how]
        return subprocess.run(probe, capture_output=True, text=True, check=True).stderr

    assert "voice will NOT be supported" in stderr("plain")  # discord.py does warn
    assert "voice will NOT be supported" not in stderr("citebot")
