"""`citebot import` / `citebot export`: a library folder into PostgreSQL and back, byte for
byte, with a new generation only for the collections that changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
from support import front_matter_article, isolate_environment

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]

# Bytes a text round trip would change: CRLF line ends, cp1252 (not UTF-8) quotes.
AWKWARD = b"---\r\ntitle: Windows notes\r\n---\r\n\r\nLine one.\r\n\r\nTwo \x93quoted\x94.\r\n"
PAGE = (
    b"<html><head><title>Harbour news</title><meta name='author' content='Ann Lee'></head>"
    b"<body><article><h1>Harbour news</h1><p>The harbour reopened on Monday after the storm"
    b" damaged two of its piers, the port authority said.</p></article></body></html>"
)


def _library(root: Path) -> Path:
    shutil.copytree(REPO / "corpus", root / "corpus")
    server = root / "collections" / "server-1"
    (server / "notes" / "2024").mkdir(parents=True)
    (server / "lighthouses.txt").write_text(
        front_matter_article("Lighthouses", ["Lamps turn."], author="Ida Ray", date="2024-03-06"),
        encoding="utf-8",
    )
    (server / "notes" / "2024" / "windows.md").write_bytes(AWKWARD)
    (server / "harbour.html").write_bytes(PAGE)
    (server / "scan.pdf").write_bytes(b"%PDF-1.4")  # unsupported: skipped
    (server / "blank.txt").write_bytes(b"  \n")  # empty: skipped
    (server / ".citebot").mkdir()
    (server / ".citebot" / "index.db").write_bytes(b"not an article")
    (root / "collections" / "empty-one").mkdir()
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".citebot" not in p.parts
    }


@pytest.fixture
def library(tmp_path, monkeypatch, pg_url) -> Path:
    isolate_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("CITEBOT_DATABASE_URL", pg_url)
    return _library(tmp_path / "library")


def test_export_writes_back_every_imported_file_byte_for_byte(library, tmp_path, capsys):
    assert main(["import", str(library)]) == 0
    out = capsys.readouterr().out
    assert "shared: generation 1, 1 article (1 added, 0 changed, 0 removed)" in out
    assert "server-1: generation 1, 3 articles (3 added, 0 changed, 0 removed)" in out
    assert "skipped scan.pdf: unsupported file type .pdf" in out
    assert "skipped blank.txt: empty article" in out
    assert main(["export", str(tmp_path / "out")]) == 0
    expected = {k: v for k, v in _files(library).items() if not k.endswith(("pdf", "blank.txt"))}
    assert _files(tmp_path / "out") == expected
    assert (tmp_path / "out" / "collections" / "empty-one").is_dir()


def test_the_parsed_title_author_and_date_are_stored_with_the_bytes(library, pg_url):
    assert main(["import", str(library)]) == 0
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT article_id, file_name, title, author, date FROM articles"
            " WHERE collection = 'server-1' ORDER BY article_id"
        ).fetchall()
    assert rows == [
        ("harbour", "harbour.html", "Harbour news", "Ann Lee", None),
        ("lighthouses", "lighthouses.txt", "Lighthouses", "Ida Ray", "2024-03-06"),
        ("notes/2024/windows", "notes/2024/windows.md", "Windows notes", None, None),
    ]


def test_importing_again_commits_a_generation_only_for_the_changed_collection(
    library, pg_url, capsys
):
    assert main(["import", str(library)]) == 0
    (library / "collections" / "server-1" / "harbour.html").unlink()
    capsys.readouterr()
    assert main(["import", str(library)]) == 0
    out = capsys.readouterr().out
    assert "shared: unchanged, 1 article" in out
    assert "server-1: generation 2, 2 articles (0 added, 0 changed, 1 removed)" in out
    with psycopg.connect(pg_url) as conn:
        generations = conn.execute(
            "SELECT collection, max(generation) FROM generations GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert generations == [("empty-one", 1), ("server-1", 2), ("shared", 1)]


def test_export_refuses_a_folder_that_already_holds_files(library, capsys):
    assert main(["import", str(library)]) == 0
    assert main(["export", str(library)]) == 1
    assert "is not empty: export into a new or empty folder" in capsys.readouterr().err


def test_import_without_a_database_url_says_what_is_needed(library, monkeypatch, capsys):
    monkeypatch.delenv("CITEBOT_DATABASE_URL")
    assert main(["import", str(library)]) == 1
    assert "this needs CITEBOT_DATABASE_URL=postgresql://" in capsys.readouterr().err


def test_an_unreachable_database_is_one_line_without_the_password(library, monkeypatch, capsys):
    from pg_server import free_port

    monkeypatch.setenv("CITEBOT_DATABASE_URL", f"postgresql://u:hunter2@127.0.0.1:{free_port()}/x")
    assert main(["export", str(library / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("citebot: cannot connect to PostgreSQL") and "hunter2" not in err
    assert err.count("\n") == 1


def test_without_a_folder_the_configured_corpus_and_collections_are_imported(
    library, monkeypatch, capsys
):
    monkeypatch.setenv("CITEBOT_CORPUS", str(library / "corpus"))
    monkeypatch.setenv("CITEBOT_COLLECTIONS", str(library / "collections"))
    assert main(["import"]) == 0
    out = capsys.readouterr().out
    assert "shared: generation 1" in out and "server-1: generation 1" in out
