"""Fleet /add and /remove (bot/fleet/editing.py): single-process checks, one generation per
change, and the answer waits for the live processes (or names those that lag)."""

from __future__ import annotations

import pytest
from follow_support import run_sql

from bot.collections import AlreadyAdded, Collection, CollectionError, Overrides, file_source
from bot.fleet.connect import connect
from bot.fleet.editing import Fleet, add_to_fleet, remove_from_fleet, restore_in_fleet
from bot.fleet.store import articles_at, latest_generation
from bot.index.build import reindex

TEXT = (
    b"Comets\n\nComets grow a bright tail of gas and dust when they come near the sun.\n\n"
    b"The tail always points away from the sun, pushed by the solar wind.\n"
)


@pytest.fixture
def mirror(tmp_path) -> Collection:
    """The process's mirror of the server's collection (what its served index was built from)."""
    folder = tmp_path / "server-1"
    folder.mkdir()
    return Collection("server-1", folder, folder / ".citebot" / "index.db")


def _fleet(url: str, wait: float = 0.0) -> Fleet:
    return Fleet(url, wait, silent_after=60.0)


def _stored(url: str) -> dict[str, tuple[str, bytes]]:
    with connect(url) as conn:
        generation = latest_generation(conn, "server-1")
        return {
            a.article_id: (a.title, a.content) for a in articles_at(conn, "server-1", generation)
        }


def test_an_added_file_is_committed_as_the_next_generation(pg_url, mirror):
    source = file_source("comets.txt", TEXT)
    report, landed = add_to_fleet(_fleet(pg_url), mirror, source, Overrides(title="Comets"))
    assert (landed.collection, landed.article_id, landed.generation) == ("server-1", "comets", 1)
    assert landed.lagging == ()  # no process is running: nothing to wait for
    assert (report.article_id, report.title, report.paragraphs, report.replaced) == (
        "comets",
        "Comets",
        2,
        False,
    )
    [(title, content)] = _stored(pg_url).values()
    assert title == "Comets" and b"\ntitle: Comets\n" in content
    assert not any(mirror.folder.iterdir())  # the follower writes the mirror, not the add


def test_what_cannot_be_an_article_commits_nothing(pg_url, mirror):
    with pytest.raises(CollectionError, match="cannot add it"):
        add_to_fleet(_fleet(pg_url), mirror, file_source("empty.txt", b"  \n"), Overrides())
    with pytest.raises(CollectionError, match="not a date"):
        add_to_fleet(_fleet(pg_url), mirror, file_source("a.txt", TEXT), Overrides(date="soon"))
    assert _stored(pg_url) == {}


def test_a_repeat_is_found_in_the_served_index_or_in_the_database(pg_url, mirror):
    add_to_fleet(_fleet(pg_url), mirror, file_source("comets.txt", TEXT), Overrides())
    with pytest.raises(AlreadyAdded) as same_bytes:  # not mirrored yet: PostgreSQL has it
        add_to_fleet(_fleet(pg_url), mirror, file_source("comets.txt", TEXT), Overrides())
    assert same_bytes.value.existing.article_id == "comets"
    (mirror.folder / "comets.txt").write_bytes(TEXT)  # the follower mirrored it
    reindex(mirror.folder, mirror.db)
    with pytest.raises(AlreadyAdded) as same_text:  # other bytes, the same paragraphs
        add_to_fleet(_fleet(pg_url), mirror, file_source("again.txt", TEXT + b"\n"), Overrides())
    assert same_text.value.existing.reason == "the same text"
    report, landed = add_to_fleet(
        _fleet(pg_url), mirror, file_source("again.md", TEXT), Overrides(), replaces="comets"
    )
    assert (report.replaced, landed.generation) == (True, 2)
    assert [(k, c) for k, (_, c) in _stored(pg_url).items()] == [("comets", TEXT)]


def test_a_removal_and_a_restore_are_generations_too(pg_url, mirror):
    add_to_fleet(_fleet(pg_url), mirror, file_source("comets.txt", TEXT), Overrides())
    assert remove_from_fleet(_fleet(pg_url), "server-1", "comets").generation == 2
    assert _stored(pg_url) == {}
    assert restore_in_fleet(_fleet(pg_url), "server-1", "comets").generation == 3
    assert list(_stored(pg_url)) == ["comets"]


def test_the_answer_names_the_live_processes_that_lag(pg_url, mirror):
    run_sql(pg_url, "INSERT INTO processes (name) VALUES ('p1')")
    run_sql(
        pg_url,
        "INSERT INTO processes (name, heartbeat_at) VALUES ('old', now() - interval '1 hour')",
    )
    _, landed = add_to_fleet(_fleet(pg_url, 0.3), mirror, file_source("a.txt", TEXT), Overrides())
    assert landed.lagging == ("p1",)


def test_a_replace_of_an_article_removed_meanwhile_is_an_add(pg_url, mirror):
    add_to_fleet(_fleet(pg_url), mirror, file_source("comets.txt", TEXT), Overrides())
    remove_from_fleet(_fleet(pg_url), "server-1", "comets")  # by another editor, say
    report, landed = add_to_fleet(
        _fleet(pg_url), mirror, file_source("comets.txt", TEXT), Overrides(), replaces="comets"
    )
    assert (report.replaced, landed.replaced, landed.article_id) == (False, False, "comets")
