"""Files that once stopped a whole reindex: each is skipped with a reason, the rest indexed."""

from __future__ import annotations

import os
from pathlib import Path

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
