"""Files that once stopped a whole reindex: each is skipped with a reason, the rest indexed."""

from __future__ import annotations

import os
from pathlib import Path

import nltk.redos
from support import front_matter_article

from bot.index.build import reindex
from bot.index.search import load_index

GOOD = front_matter_article("Good", ["Orchards grow apples in autumn.", "Rivers flood."])


def _write_bytes_name(folder: Path, name: bytes, text: str) -> None:
    with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as file:
        file.write(text)


def _indexed_ids(db: Path) -> list[str]:
    index = load_index(db)
    try:
        return [a.id for a in index.articles]
    finally:
        index.close()


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_indexed(corpus_dir, tmp_path):
    (corpus_dir / "good.md").write_text(GOOD, encoding="utf-8")
    _write_bytes_name(corpus_dir, b"bad\xff\xfename.md", front_matter_article("Bad", ["Text."]))
    os.mkdir(os.path.join(os.fsencode(corpus_dir), b"folder\xfe"))
    _write_bytes_name(corpus_dir, b"folder\xfe/inside.md", front_matter_article("In", ["Text."]))
    summary = reindex(corpus_dir, tmp_path / "index.db")
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons == {
        "bad\\xff\\xfename.md": "the file name is not valid UTF-8: rename the file",
        "folder\\xfe/inside.md": "the file name is not valid UTF-8: rename the file",
    }
    assert _indexed_ids(tmp_path / "index.db") == ["good"]


def test_a_paragraph_past_nltks_time_limit_is_skipped_and_the_rest_indexed(
    corpus_dir, tmp_path, monkeypatch
):
    # nltk stops a regular expression scan after DEFAULT_TIMEOUT seconds of wall-clock
    # time; at a microsecond every scan Punkt makes goes past it. Plain prose needs no
    # nltk scan (see bot.text), so the good article is still analysed.
    monkeypatch.setattr(nltk.redos, "DEFAULT_TIMEOUT", 1e-6)
    (corpus_dir / "good.md").write_text(GOOD, encoding="utf-8")
    dotted = front_matter_article("Dotted", ["Mr. Smith met Dr. Jones at St. Paul's. " * 50])
    (corpus_dir / "dotted.md").write_text(dotted, encoding="utf-8")
    summary = reindex(corpus_dir, tmp_path / "index.db", workers=1)
    assert {s.path: s.reason for s in summary.skipped} == {
        "dotted.md": "its text took too long to split into sentences"
    }
    assert _indexed_ids(tmp_path / "index.db") == ["good"]
