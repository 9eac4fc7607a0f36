"""Corpus faults during a reindex: each skipped with a reason, the index stays consistent."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import front_matter_article

import bot.index.build
from bot.answer import AnswerStatus, answer
from bot.index.build import reindex
from bot.index.search import load_index

GOOD = front_matter_article("Good", ["Orchards grow apples in autumn.", "Rivers flood.", "Hills."])


def reasons(summary) -> dict[str, str]:
    return {s.path: s.reason for s in summary.skipped}


def assert_consistent(db: Path, articles: int) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    index = load_index(db)
    try:
        assert len(index.articles) == articles
        assert sum(a.paragraph_count for a in index.articles) == index.paragraph_count
    finally:
        index.close()


def test_each_bad_file_is_skipped_with_its_reason(corpus_dir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("bot.corpus.files.MAX_FILE_BYTES", 50 * 1024 * 1024)
    (corpus_dir / "good.txt").write_text(GOOD)
    with open(corpus_dir / "huge.txt", "wb") as huge:
        huge.truncate(50 * 1024 * 1024 + 1)  # a sparse 50 MB file: cheap to make
    (corpus_dir / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus_dir / "invalid.txt").write_bytes(b"\xc3\x28\xa0\xa1\xe2\x28\xa1" * 50)
    (corpus_dir / "latin1.txt").write_bytes(
        "Café crème in Zürich.\n\nMore text here.".encode("latin-1")
    )
    (corpus_dir / "utf16.txt").write_bytes(
        "Résumé of the talks.\n\nSecond paragraph.".encode("utf-16")
    )
    (corpus_dir / "empty.txt").write_bytes(b"")
    (corpus_dir / "blank.md").write_text("  \n\n\t \n")
    (corpus_dir / "loop").symlink_to(corpus_dir, target_is_directory=True)
    (corpus_dir / "furniture.txt").write_text(
        "Register for free to continue reading\n\nAlready have an account? sign in\n\n"
        "Join our new commenting forum\n\nThis site is protected by reCAPTCHA\n"
    )
    summary = reindex(corpus_dir, tmp_path / "faults.db")
    got = reasons(summary)
    assert "larger than" in got["huge.txt"]
    assert got["binary.txt"] == "binary file"
    assert got["invalid.txt"] == "not valid UTF-8 text"
    assert "empty" in got["empty.txt"] and "empty" in got["blank.md"]
    assert "loop" in got
    assert "furniture.txt" in got
    assert {"good", "latin1", "utf16"} == set(summary.added)
    assert_consistent(tmp_path / "faults.db", 3)


def test_huge_integer_looking_front_matter_is_read_as_text_not_a_crash(corpus_dir, tmp_path):
    # 0x + 5,000 hex digits is an int to YAML; str() of it overflows Python's digit limit.
    huge = "0x" + "f" * 5000
    (corpus_dir / "good.txt").write_text(GOOD)
    (corpus_dir / "hex.md").write_text(f"---\ntitle: {huge}\n---\n\nHexadecimal titles.\n")
    (corpus_dir / "key.md").write_text(f"---\n? {huge}\n: value\ntitle: Key\n---\n\nA huge key.\n")
    (corpus_dir / "digits.md").write_text(f"---\nauthor: {'9' * 5000}\n---\n\nDigits.\n")
    summary = reindex(corpus_dir, tmp_path / "hex.db")
    assert summary.skipped == ()
    assert {"good", "hex", "key", "digits"} == set(summary.added)
    index = load_index(tmp_path / "hex.db")
    titles = {a.id: a.title for a in index.articles}
    index.close()
    assert titles["hex"] == huge and titles["key"] == "Key"
    assert_consistent(tmp_path / "hex.db", 4)


def test_ten_thousand_tiny_files_index_in_one_go(corpus_dir: Path, tmp_path: Path):
    for i in range(10_000):
        (corpus_dir / f"t{i:05d}.md").write_text(
            f"# Note {i}\n\nTiny note number {i} about apples.\n"
        )
    summary = reindex(corpus_dir, tmp_path / "tiny.db")
    assert (summary.articles, summary.paragraphs, summary.skipped) == (10_000, 10_000, ())
    assert_consistent(tmp_path / "tiny.db", 10_000)


def listing_then(action):
    """find_article_files, then `action` on the listed files before they are read."""
    real = bot.index.build.find_article_files

    def find(root: Path):
        paths, skipped = real(root)
        action(paths)
        return paths, skipped

    return find


def test_file_deleted_after_listing_is_skipped_as_vanished(corpus_dir, tmp_path, monkeypatch):
    (corpus_dir / "good.txt").write_text(GOOD)
    (corpus_dir / "gone.txt").write_text(GOOD.replace("Good", "Gone"))
    monkeypatch.setattr(
        bot.index.build,
        "find_article_files",
        listing_then(lambda paths: (corpus_dir / "gone.txt").unlink()),
    )
    summary = reindex(corpus_dir, tmp_path / "gone.db")
    assert reasons(summary) == {"gone.txt": "file vanished while reading"}
    assert_consistent(tmp_path / "gone.db", 1)


def test_file_rewritten_after_listing_is_indexed_as_read(corpus_dir, tmp_path, monkeypatch):
    (corpus_dir / "good.txt").write_text(GOOD)
    rewritten = front_matter_article("Rewritten", ["Zebras graze at dawn.", "Lions.", "Grass."])
    monkeypatch.setattr(
        bot.index.build,
        "find_article_files",
        listing_then(lambda paths: (corpus_dir / "good.txt").write_text(rewritten)),
    )
    reindex(corpus_dir, tmp_path / "rw.db")
    index = load_index(tmp_path / "rw.db")
    assert index.articles[0].title == "Rewritten"
    assert "Zebras" in answer(index, "zebras graze").passages[0].text
    index.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the reindex as another user")
def test_file_without_read_permission_is_skipped():
    # Root reads everything, so the reindex runs as `nobody` for the permission to matter,
    # in a folder outside root's private temporary directory.
    base = Path(tempfile.mkdtemp(prefix="citebot-perm-"))
    try:
        corpus = base / "corpus"
        corpus.mkdir()
        (corpus / "good.txt").write_text(GOOD)
        secret = corpus / "secret.txt"
        secret.write_text(GOOD.replace("Good", "Secret"))
        secret.chmod(0o000)
        base.chmod(0o777)
        corpus.chmod(0o755)
        code = (
            "import os; from pathlib import Path; from bot.index.build import reindex; "
            # The packaged word lists and model load on first use, from a virtualenv that
            # `nobody` may not read: load them first, then lose the right to the corpus.
            "from bot.text import analyze; from bot.meaning import load_embedder; "
            "from bot.index.store import index_format; "
            "analyze('said'); load_embedder(); index_format(); "
            "os.setgid(65534); os.setuid(65534); "
            f"s = reindex(Path({str(corpus)!r}), Path({str(base / 'perm.db')!r})); "
            "print({k.path: k.reason for k in s.skipped})"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "{'secret.txt': 'permission denied'}"
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "good.txt").write_text(GOOD)
    (corpus / "seed.txt").write_bytes(
        (Path(__file__).resolve().parent.parent / "corpus").glob("*.txt").__next__().read_bytes()
    )
    db = corpus.parent / "hostile.db"
    reindex(corpus, db)
    index = load_index(db)
    yield index
    index.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(min_size=0, max_size=3000)
    | st.sampled_from(
        ["\u202e\u200b\u0301" * 500, "🦆" * 2000, "\x00" * 100, "a" * 100_000, "\ud800 x"]
    )
)
def test_any_question_gets_an_answer_or_an_explicit_refusal(shared_index, question):
    result = answer(shared_index, question, k=5)
    assert result.status in set(AnswerStatus)
    if result.status is AnswerStatus.ANSWERED:
        assert 1 <= len(result.passages) <= 5
        for p in result.passages:
            stored = shared_index.paragraph_at(p.citation.article_id, p.citation.paragraph - 1)
            assert stored is not None and stored.text == p.text
    else:
        assert result.passages == ()
