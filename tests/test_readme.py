"""The README and .env.example say what the code does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.answer import answer
from bot.output import answer_to_json

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _readme_json_example() -> dict:
    block = re.search(r"`citebot ask --json` prints.*?```json\n(.*?)```", README, re.DOTALL)
    assert block is not None
    return json.loads(block[1])


def _without_shortened_text(value: dict) -> dict:
    """The example without the passage text the README shortens with "…" and the score,
    a float sum whose last digits may differ between processors' vector units."""
    shortened = {"text", "best_sentences", "score"}
    passages = [{k: v for k, v in p.items() if k not in shortened} for p in value["passages"]]
    return {**value, "passages": passages}


def test_the_readme_json_example_is_what_ask_prints(bundled_index):
    example = _readme_json_example()
    real = answer_to_json(answer(bundled_index, example["question"], k=1))
    assert list(example) == list(real)
    assert list(example["passages"][0]) == list(real["passages"][0])
    assert _without_shortened_text(example) == _without_shortened_text(real)
    for shown, full in zip(example["passages"], real["passages"], strict=True):
        assert full["text"].startswith(shown["text"].rstrip("…"))
        assert shown["score"] == pytest.approx(full["score"], rel=1e-6)


def test_env_example_points_only_to_readme_sections_that_exist():
    headings = set(re.findall(r"^#+ (.+)$", README, re.MULTILINE))
    env_example = (REPO / ".env.example").read_text(encoding="utf-8")
    named = re.findall(r'README "([^"]+)"', env_example) + re.findall(
        r'and "([^"]+)" \(', env_example
    )
    assert named
    assert [name for name in named if name not in headings] == []
