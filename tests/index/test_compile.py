"""Patching the postings after a small change gives exactly what compiling afresh gives."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.index import build, store
from bot.index.build import reindex
from bot.index.compile import Compiled, compile_postings

WORDS = ["troops", "border", "cobalt", "miners", "glacier", "talks", "wheat", "oil", "the"]
NAMES = ["a", "b", "c", "d", "e", "f"]

paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
article = st.lists(paragraph, min_size=1, max_size=4)
# One step: write (add or change) an article, or delete it.
step = st.tuples(st.sampled_from(NAMES), article | st.none())


def _apply(corpus: Path, name: str, paragraphs: list[str] | None) -> None:
    path = corpus / f"{name}.txt"
    if paragraphs is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(f"---\ntitle: {name}\n---\n\n" + "\n\n".join(paragraphs) + "\n")


def _arrays(compiled: Compiled) -> dict[str, list[int]]:
    p = compiled.postings
    return {name: getattr(p, name).tolist() for name in ("ptr", "docs", "tfs", "doc_lengths")}


@settings(max_examples=40, deadline=None)
@given(
    start=st.dictionaries(st.sampled_from(NAMES), article, min_size=1),
    steps=st.lists(st.lists(step, min_size=1, max_size=3), min_size=1, max_size=4),
)
def test_patched_postings_equal_a_fresh_compile(start, steps):
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "PATCH_MAX_SHARE", 1.0)  # patch whatever the size of the change
        patched = []
        patch.setattr(build, "patch_postings", _recording(build.patch_postings, patched))
        corpus, db = Path(tmp) / "corpus", Path(tmp) / "index.sqlite"
        corpus.mkdir()
        for name, paragraphs in start.items():
            _apply(corpus, name, paragraphs)
        previous = reindex(corpus, db)
        expected = 0  # reindexes that change something in a non-empty index are patched
        for changes in steps:
            for name, paragraphs in changes:
                _apply(corpus, name, paragraphs)
            summary = reindex(corpus, db)
            expected += bool(
                previous.articles and (summary.added or summary.changed or summary.removed)
            )
            previous = summary
            conn = store.connect(db)
            try:
                assert _arrays(Compiled.load(conn)) == _arrays(compile_postings(conn))
            finally:
                conn.close()
        assert len(patched) == expected


def _recording(real, calls):
    def record(*args):
        calls.append(args[2:])
        return real(*args)

    return record


def test_a_large_change_is_compiled_afresh(tmp_path, monkeypatch):
    corpus, db = tmp_path / "corpus", tmp_path / "index.sqlite"
    corpus.mkdir()
    for name in NAMES:
        _apply(corpus, name, ["troops at the border", "cobalt miners"])
    reindex(corpus, db)
    calls = []
    monkeypatch.setattr(build, "patch_postings", _recording(build.patch_postings, calls))
    _apply(corpus, "a", ["wheat and oil"])  # 2 + 1 of 12 + 11 paragraphs: over 10%
    reindex(corpus, db)
    assert calls == []
    for name in "ghijklmnopqrstuvwxyz":
        _apply(corpus, name, ["glacier talks", "oil"])
    reindex(corpus, db)
    _apply(corpus, "z", ["wheat"])  # 2 + 1 of 52 + 51 paragraphs: patched
    reindex(corpus, db)
    assert len(calls) == 1
    conn = store.connect(db)
    assert _arrays(Compiled.load(conn)) == _arrays(compile_postings(conn))
    assert np.array_equal(Compiled.load(conn).postings.doc_lengths[-1:], [1])
    conn.close()
