"""The collections benchmark runs end to end on a tiny generated corpus."""

from __future__ import annotations

import json

import pytest

from benchmarks.collections import main


@pytest.mark.slow
def test_the_collections_benchmark_measures_adds_and_serving(tmp_path, capsys):
    figures = tmp_path / "figures.json"
    argv = ["--work", str(tmp_path / "work"), "--paragraphs", "400", "--collections", "4"]
    assert main([*argv, "--questions", "25", "--adds", "2", "--json", str(figures)]) == 0
    out = capsys.readouterr().out
    assert "add one article to a 400-paragraph collection until answerable (2 adds)" in out
    report = json.loads(figures.read_text())
    assert len(report["adds"]) == 2 and all(a["total_s"] > 0 for a in report["adds"])
    assert report["many"]["collections"] == 4 and report["one"]["collections"] == 1
    assert report["many"]["answer_p50_ms"] > 0 and report["many"]["peak_rss_mb"] > 0
    assert report["each"]["answer_p50_ms"] > 0
