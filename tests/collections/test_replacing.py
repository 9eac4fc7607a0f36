"""A replace by another file type, killed between its two steps, leaves the old or the new.

The new file is written, then the old one deleted; a process killed in between left two
files for one article id (the index kept serving the old one, with a warning). Now the
replace is written down first and whoever next opens the collection finishes it.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from collection_samples import FERRY, FILLER, ORCHARD, article_bytes, folder_state

from bot.collections import add_article, collection, file_source, open_collection
from bot.collections.replacing import recover
from bot.config import Settings

URL = "https://courier.example/story"
OLD = article_bytes("Story", ORCHARD, url=URL)  # saved as story.md
NEW = article_bytes("Story", FERRY, url=URL)  # replaces it as story.txt


def served(target) -> dict[str, tuple[str, ...]]:
    """Every article the opened collection serves, with its paragraphs."""
    index = open_collection(target)
    try:
        return {
            a.id: tuple(index.paragraph(a.first_doc + i).text for i in range(a.paragraph_count))
            for a in index.articles
        }
    finally:
        index.close()


@pytest.fixture
def target(tmp_path: Path):
    (tmp_path / "corpus").mkdir()
    settings = Settings(corpus=tmp_path / "corpus", collections=tmp_path / "collections")
    found = collection(settings, "c")
    add_article(found, file_source("town-news.txt", article_bytes("Town news", FILLER)))
    add_article(found, file_source("story.md", OLD))
    return found


def journal(target) -> Path:
    return target.state / "replacing.json"


def half_replaced(target, new_written: bool) -> None:
    """The folder as a replace killed after writing down what it does leaves it."""
    journal(target).write_text('{"old": "story.md", "new": "story.txt"}')
    if new_written:
        (target.folder / "story.txt").write_bytes(NEW)


def test_a_replace_killed_after_writing_the_new_file_is_finished_on_opening(target):
    half_replaced(target, new_written=True)
    assert served(target) == {"town-news": tuple(FILLER), "story": tuple(FERRY)}
    assert folder_state(target.folder) == {
        "town-news.txt": article_bytes("Town news", FILLER),
        "story.txt": NEW,
    }
    assert not journal(target).exists()


def test_a_replace_killed_before_the_new_file_leaves_the_old_one(target):
    half_replaced(target, new_written=False)
    assert served(target) == {"town-news": tuple(FILLER), "story": tuple(ORCHARD)}
    assert "story.md" in folder_state(target.folder)
    assert not journal(target).exists()


def test_the_next_add_finishes_an_interrupted_replace_first(target):
    half_replaced(target, new_written=True)
    add_article(target, file_source("o.txt", article_bytes("Other", ["A note on lighthouses."])))
    assert set(folder_state(target.folder)) == {"town-news.txt", "story.txt", "other.txt"}
    assert served(target)["story"] == tuple(FERRY)


def test_an_unreadable_journal_is_dropped_and_changes_nothing(target):
    journal(target).write_text('{"old": "../../elsewhere.txt"}')
    before = folder_state(target.folder)
    recover(target)
    assert folder_state(target.folder) == before and not journal(target).exists()


# The child: `citebot add`, killed by SIGKILL at one step of the replace (or, with no step
# named, free to run until the test kills it).
CHILD = """
import os, signal, sys
from bot.collections import replacing
step, real = os.environ.get("DIE_AFTER"), replacing.write_atomically

def write_then_maybe_die(path, data):
    real(path, data)
    if step and path.name == step:
        os.kill(os.getpid(), signal.SIGKILL)

replacing.write_atomically = write_then_maybe_die
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def replace_process(tmp_path: Path, die_after: str = "") -> subprocess.Popen[bytes]:
    source = tmp_path / "story.txt"
    source.write_bytes(NEW)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, "add", str(source), "--collection", "c", "--replace"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={
            **os.environ,
            "CITEBOT_LOG_LEVEL": "ERROR",
            "CITEBOT_COLLECTIONS": "collections",
            "DIE_AFTER": die_after,
        },
    )


def check_old_or_new(target) -> bool:
    """Integrity, and the folder and what is served agree on the old or the new story."""
    with sqlite3.connect(target.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    articles = served(target)  # opening finishes or undoes the replace
    files = folder_state(target.folder)
    filler = article_bytes("Town news", FILLER)
    assert files in (
        {"town-news.txt": filler, "story.md": OLD},
        {"town-news.txt": filler, "story.txt": NEW},
    )
    is_new = "story.txt" in files
    assert articles == {"town-news": tuple(FILLER), "story": tuple(FERRY if is_new else ORCHARD)}
    assert not journal(target).exists()
    return is_new


@pytest.mark.slow
@pytest.mark.parametrize(("step", "outcome"), [("replacing.json", False), ("story.txt", True)])
def test_sigkill_between_the_steps_of_a_replace_leaves_the_old_or_the_new(
    tmp_path, target, step, outcome
):
    process = replace_process(tmp_path, die_after=step)
    assert process.wait() == -signal.SIGKILL
    assert check_old_or_new(target) is outcome


@pytest.mark.slow
def test_sigkill_at_random_moments_of_a_replace_leaves_the_old_or_the_new(tmp_path, target):
    started = time.monotonic()
    assert replace_process(tmp_path).wait() == 0
    full_run = time.monotonic() - started
    add_article(target, file_source("story.md", OLD), replace=True)
    rng, outcomes, stretch = random.Random(13), [], 1.0
    # At least 10 kills spread over the run; on a loaded machine a run may take longer or
    # shorter than the one measured, so the spread is stretched until kills land both
    # before and after the replace is done (else the test would check only one side).
    for kill in range(40):
        process = replace_process(tmp_path)
        time.sleep(stretch * full_run * 1.5 * ((kill % 10) + rng.random()) / 10)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcomes.append(check_old_or_new(target))
        if outcomes[-1]:
            add_article(target, file_source("story.md", OLD), replace=True)
        if len(outcomes) >= 10 and any(outcomes) and not all(outcomes):
            break
        if kill % 10 == 9:
            stretch *= 0.5 if all(outcomes[-10:]) else 2.0
    assert any(outcomes) and not all(outcomes), outcomes
