"""`citebot add | remove | restore | collections` and `--collection`, in process and once as
a real subprocess, on real folders and indexes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from collection_samples import FERRY, ORCHARD, article_bytes
from collection_site import serving
from support import isolate_environment

from bot.cli import main

ORCHARD_Q = "Why did the orchard harvest of apples double?"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path, bundled_corpus):
    """Run in tmp_path: the bundled corpus as `corpus/`, collections in `collections/`."""
    isolate_environment(monkeypatch, tmp_path)
    bundled_corpus.rename(tmp_path / "corpus")
    (tmp_path / "orchard.txt").write_bytes(article_bytes("Orchard report", ORCHARD))
    (tmp_path / "ferry.md").write_bytes(article_bytes("Ferry vote", FERRY, author="Jo Doe"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_prints_what_was_found_and_the_article_is_answerable_in_its_collection(capsys):
    code, out, _ = run(capsys, "add", "orchard.txt", "--collection", "club", "--date", "2024-01-02")
    assert code == 0
    assert out.splitlines()[0] == (
        "added orchard-report to collection club: Orchard report — 2 Jan 2024, 3 paragraphs"
    )
    assert f"  {ORCHARD[0]}" in out and "warning: no author" in out
    code, out, _ = run(capsys, "ask", ORCHARD_Q, "--collection", "club", "-k", "1")
    assert (code, "[1] Orchard report — 2 Jan 2024, ¶1" in out) == (0, True)
    code, out, _ = run(capsys, "ask", ORCHARD_Q, "-k", "1")  # the shared collection
    assert "Orchard report" not in out


def test_add_to_the_shared_collection_by_default(capsys):
    code, out, _ = run(capsys, "add", "ferry.md")
    assert code == 0 and "to collection shared" in out
    assert Path("corpus/ferry-vote.md").is_file()
    code, out, _ = run(capsys, "articles")
    assert "ferry-vote\tFerry vote\tJo Doe" in out


def test_the_same_article_again_is_one_line_naming_it_and_replace_replaces_it(capsys):
    run(capsys, "add", "orchard.txt", "--collection", "club")
    code, out, err = run(capsys, "add", "orchard.txt", "--collection", "club")
    assert (code, out) == (1, "")
    assert err == (
        "citebot: this is already the article 'orchard-report' of collection club (the same"
        " text: 'Orchard report'): add it with --replace to replace it\n"
    )
    code, out, _ = run(
        capsys, "add", "orchard.txt", "--collection", "club", "--replace", "--title", "Apples"
    )
    assert (code, out.split(":")[0]) == (0, "replaced orchard-report to collection club")


def test_remove_and_restore(capsys):
    run(capsys, "add", "orchard.txt", "--collection", "club")
    code, out, _ = run(capsys, "remove", "orchard-report", "--collection", "club")
    assert code == 0 and out.startswith("removed orchard-report from collection club")
    assert "`citebot restore orchard-report --collection club`" in out
    _, out, _ = run(capsys, "ask", ORCHARD_Q, "--collection", "club")
    assert "Orchard report" not in out
    _, out, _ = run(capsys, "restore", "--collection", "club")
    assert out.startswith("orchard-report\tremoved ")
    code, out, _ = run(capsys, "restore", "orchard-report", "--collection", "club")
    assert code == 0 and out.startswith("restored orchard-report to collection club")
    _, out, _ = run(capsys, "ask", ORCHARD_Q, "--collection", "club")
    assert "Orchard report" in out


def test_collections_lists_name_folder_articles_and_paragraphs(capsys):
    run(capsys, "add", "orchard.txt", "--collection", "club")
    run(capsys, "add", "ferry.md", "--collection", "server-7")
    run(capsys, "index")
    code, out, _ = run(capsys, "collections")
    assert code == 0
    assert out.splitlines() == [
        "shared\tcorpus\t1 article, 20 paragraphs",
        "club\tcollections/club\t1 article, 3 paragraphs",
        "server-7\tcollections/server-7\t1 article, 3 paragraphs",
    ]
    _, out, _ = run(capsys, "collections", "--json")
    assert json.loads(out.splitlines()[1]) == {
        "name": "club",
        "folder": "collections/club",
        "articles": 1,
        "paragraphs": 3,
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "orchard.txt", "--collection", "../up"], "a collection name is"),
        (["add", "missing.txt"], "missing.txt: no such file"),
        (["add", "orchard.txt", "--date", "someday"], "not a date"),
        (["remove", "nothing"], "collection shared has no article 'nothing'"),
        (["remove", "x", "--collection", "nope"], "there is no collection named 'nope'"),
        (["restore", "nothing"], "the trash of collection shared has no 'nothing'"),
        (["ask", "q", "--collection", "nope"], "there is no collection named 'nope'"),
        (["articles", "--collection", "nope", "--db", "x.db"], "drop --corpus/--db"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_1(capsys, argv, message):
    Path("collections/nope").mkdir(parents=True) if "drop" in message else None
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err.startswith("citebot: ") and message in err and err.count("\n") == 1


def test_titles_are_printed_terminal_safe(capsys):
    Path("evil.txt").write_bytes(article_bytes("Evil \u202e title", ORCHARD))
    code, out, _ = run(capsys, "add", "evil.txt", "--collection", "club")
    assert code == 0 and "\u202e" not in out and "Evil \\u202e title" in out


def test_add_json_gives_the_report(capsys):
    code, out, _ = run(capsys, "add", "ferry.md", "--collection", "club", "--json")
    report = json.loads(out)
    assert (code, report["article_id"], report["author"], report["paragraphs"]) == (
        0,
        "ferry-vote",
        "Jo Doe",
        3,
    )
    assert report["warnings"] == ["no date"]


def test_add_and_ask_in_a_subprocess(tmp_path):
    def citebot(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", *argv]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)

    added = citebot("add", "orchard.txt", "--collection", "club")
    assert added.returncode == 0, added.stderr
    asked = citebot("ask", ORCHARD_Q, "--collection", "club", "-k", "1")
    assert "Orchard report" in asked.stdout


def test_add_by_address_fetches_the_page(capsys, monkeypatch):
    page = (
        b"<html><head><title>River news</title></head><body><article>"
        + b"".join(f"<p>{p}</p>".encode() for p in ORCHARD)
        + b"</article></body></html>"
    )
    with serving({"/story": (200, "text/html", page, {})}) as site:
        code, out, err = run(capsys, "add", f"{site}/story", "--collection", "club")
        assert (code, out) == (1, "")  # 127.0.0.1 is refused unless allowed
        assert err.startswith("citebot: ") and err.count("\n") == 1
        monkeypatch.setenv("CITEBOT_FETCH_ALLOW_PRIVATE", "true")
        code, out, _ = run(capsys, "add", f"{site}/story", "--collection", "club")
    assert code == 0
    assert out.splitlines()[:2] == [
        "added river-news to collection club: River news — 3 paragraphs",
        f"  {site}/story",
    ]


def test_files_copied_into_a_collection_by_hand_are_indexed_by_index_collection(capsys):
    run(capsys, "add", "orchard.txt", "--collection", "club")
    Path("ferry.md").rename("collections/club/ferry.md")
    code, out, _ = run(capsys, "index", "--collection", "club")
    assert code == 0
    assert "2 articles, 6 paragraphs (1 added, 0 changed, 0 removed, 1 unchanged)" in out
    assert "warning ferry: no date" in out


def test_trash_lists_and_purges_what_was_removed_long_enough_ago(capsys):
    run(capsys, "add", "orchard.txt", "--collection", "club")
    run(capsys, "add", "ferry.md", "--collection", "club")
    run(capsys, "remove", "orchard-report", "--collection", "club")
    run(capsys, "remove", "ferry-vote", "--collection", "club")
    trash = Path("collections/club/.citebot/trash")
    orchard = next(p for p in trash.iterdir() if (p / "orchard-report.txt").exists())
    orchard.rename(trash / "20200101T000000.000000000Z")
    code, out, _ = run(capsys, "trash", "--collection", "club")
    lines = out.splitlines()
    assert code == 0 and [line.split("\t")[0] for line in lines] == ["ferry-vote", "orchard-report"]
    assert lines[1].startswith("orchard-report\tremoved 20200101T000000.000000000Z\t")
    code, out, _ = run(capsys, "trash", "--collection", "club", "--purge-older-than", "30")
    assert code == 0 and out.splitlines() == [
        "orchard-report\tdeleted, removed 20200101T000000.000000000Z",
        "1 removed articles deleted from the trash of club",
    ]
    code, out, _ = run(capsys, "trash", "--collection", "club", "--json")
    assert [json.loads(line)["article_id"] for line in out.splitlines()] == ["ferry-vote"]


@pytest.mark.parametrize("days", ["-1", "soon", "nan", "inf"])
def test_trash_refuses_a_limit_that_is_not_a_number_of_days(capsys, days):
    with pytest.raises(SystemExit) as exit_:
        main(["trash", "--purge-older-than", days])
    assert exit_.value.code == 2
    assert "not a number of days" in capsys.readouterr().err
