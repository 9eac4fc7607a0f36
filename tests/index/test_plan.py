"""The reindex plan: a new file is read only by the worker that parses it."""

from __future__ import annotations

from pathlib import Path

from support import front_matter_article

from bot.corpus.files import MAX_FILE_BYTES
from bot.index.build import reindex

GOOD = front_matter_article("Good", ["Orchards grow apples in autumn.", "Rivers flood."])


def test_a_new_file_that_cannot_be_read_is_skipped_and_counted_nowhere(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD)
    # Over the real limit (a worker started by spawn would not see a patched one); sparse.
    with open(corpus / "huge.txt", "wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1)
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        first = reindex(corpus, db, workers=workers)
        assert (first.added, first.unchanged, first.articles) == (("good",), 0, 1)
        assert [(s.path, s.reason) for s in first.skipped] == [
            ("huge.txt", f"larger than the {MAX_FILE_BYTES // 2**20} MiB limit")
        ]
        again = reindex(corpus, db, workers=workers)
        assert (again.added, again.unchanged, again.articles) == ((), 1, 1)
        assert again.skipped == first.skipped  # never indexed, so no previous version kept
