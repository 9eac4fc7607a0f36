"""Emptying the trash: removals older than some days go for good, newer ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from collection_samples import FERRY, ORCHARD, article_bytes

from bot.collections import (
    CollectionError,
    add_article,
    collection,
    file_source,
    remove_article,
    restore_article,
    trashed_articles,
)
from bot.collections.purge import purge_trash, removed_at


@pytest.fixture
def target(settings):
    found = collection(settings, "server-1")
    add_article(found, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(found, file_source("f.txt", article_bytes("Ferry", FERRY)))
    return found


def age(found, article_id: str, days: float) -> None:
    """Make the removal of this article look `days` old (its folder names the moment)."""
    entry = next(t for t in trashed_articles(found) if t.article_id == article_id)
    moment = datetime.now(UTC) - timedelta(days=days)
    name = moment.strftime("%Y%m%dT%H%M%S") + ".000000000Z"
    (found.trash / entry.removed_at).rename(found.trash / name)


def test_removals_older_than_the_limit_are_deleted_and_newer_ones_kept(target):
    remove_article(target, "orchard")
    remove_article(target, "ferry")
    age(target, "orchard", 40)
    age(target, "ferry", 10)
    purged = purge_trash(target, timedelta(days=30))
    assert [p.article_id for p in purged] == ["orchard"]
    assert not purged[0].path.exists()
    assert [t.article_id for t in trashed_articles(target)] == ["ferry"]
    with pytest.raises(CollectionError, match="has no 'orchard'"):
        restore_article(target, "orchard")
    restore_article(target, "ferry")


def test_a_zero_limit_empties_the_trash_and_the_collection_is_untouched(target):
    remove_article(target, "orchard")
    add_article(target, file_source("f.md", article_bytes("Ferry", FERRY)), replace=True)
    assert {t.article_id for t in purge_trash(target, timedelta(0))} == {"orchard", "ferry"}
    assert trashed_articles(target) == [] and list(target.trash.iterdir()) == []
    assert sorted(p.name for p in target.folder.iterdir()) == [".citebot", "ferry.md"]


def test_folders_citebot_did_not_make_are_left_alone(target):
    (target.trash / "kept-by-hand").mkdir(parents=True)
    (target.trash / "kept-by-hand" / "note.txt").write_text("mine")
    assert purge_trash(target, timedelta(0)) == []
    assert (target.trash / "kept-by-hand" / "note.txt").is_file()


def test_a_collection_with_no_trash_purges_nothing(target):
    assert purge_trash(target, timedelta(0)) == []


@pytest.mark.parametrize(
    ("name", "moment"),
    [
        ("20260102T030405.123456789Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("20260102T030405Z", None),
        ("2026-01-02.1Z", None),
        ("20261340T030405.1Z", None),
        ("kept-by-hand", None),
    ],
)
def test_a_removal_moment_is_read_from_its_folder_name(name, moment):
    assert removed_at(name) == moment


def test_the_trash_names_each_removal_by_a_moment_the_purge_reads(target):
    remove_article(target, "orchard")
    (entry,) = trashed_articles(target)
    moment = removed_at(entry.removed_at)
    assert moment is not None and abs(datetime.now(UTC) - moment) < timedelta(minutes=1)
