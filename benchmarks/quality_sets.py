"""The question sets of `benchmarks/quality.py`: where they are, what they hold, their halves.

A set is a folder with `corpus/` (articles, any format citebot reads), `questions.jsonl`
(answerable questions, the `citebot eval` format, `paragraphs` allowed) and optionally
`off_topic.jsonl` (`{"id", "question"}` per line: questions its articles cannot answer).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.evaluate import Question, QuestionFileError, load_questions


@dataclass(frozen=True)
class QualitySet:
    """One question set, loaded."""

    name: str
    folder: Path
    questions: tuple[Question, ...]
    off_topic: tuple[str, ...]

    @property
    def corpus(self) -> Path:
        return self.folder / "corpus"


def parse_sets(spec: str) -> list[tuple[str, Path]]:
    """`name=DIR,name=DIR` (a bare `DIR` is named after its folder) as (name, folder)."""
    sets = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, folder = item.rpartition("=")
        sets.append((name or Path(folder).name, Path(folder)))
    names = [name for name, _ in sets]
    if len(set(names)) != len(names):
        raise ValueError(f"two sets share a name in {spec!r}")
    return sets


def load_set(name: str, folder: Path) -> QualitySet:
    """The set's questions, and its off-topic questions if it has any."""
    if not (folder / "corpus").is_dir():
        raise QuestionFileError(f"{folder}: no corpus/ folder (is this a question set?)")
    off_topic_file = folder / "off_topic.jsonl"
    off_topic = load_off_topic(off_topic_file) if off_topic_file.exists() else ()
    return QualitySet(name, folder, tuple(load_questions(folder / "questions.jsonl")), off_topic)


def load_off_topic(path: Path) -> tuple[str, ...]:
    """The `question` of each line of an off-topic file (blank lines skipped)."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise QuestionFileError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(row, dict) or not str(row.get("question", "")).strip():
            raise QuestionFileError(f"{path}:{number}: no 'question'")
        questions.append(str(row["question"]))
    return tuple(questions)


def halves(article_ids: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Half A (even positions of the sorted ids) and half B (odd positions): one half to
    choose a change on, the other to check that it holds on articles it was not chosen on."""
    ordered = sorted(set(article_ids))
    return frozenset(ordered[::2]), frozenset(ordered[1::2])
