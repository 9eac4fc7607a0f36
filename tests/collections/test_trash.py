import pytest
from collection_samples import FERRY, ORCHARD, article_bytes, folder_state

from bot.answer import answer
from bot.collections import (
    CollectionError,
    ServedCollections,
    add_article,
    collection,
    file_source,
    remove_article,
    restore_article,
    trashed_articles,
)
from bot.index import store

QUESTION = "Why did the orchard harvest of apples double?"


def cited(served, target):
    found = answer(served.index(target), QUESTION, k=3)
    return {p.citation.article_id for p in found.passages}


def test_remove_takes_the_article_out_of_the_index_at_once_and_restore_brings_it_back(settings):
    target, served = collection(settings, "server-1"), ServedCollections()
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(target, file_source("f.txt", article_bytes("Ferry", FERRY)))
    assert cited(served, target) == {"orchard"}
    removed = remove_article(target, "orchard")
    served.reload(target)
    assert "orchard" not in cited(served, target)
    assert removed.trashed.read_bytes() == article_bytes("Orchard", ORCHARD)
    assert list(folder_state(target.folder)) == ["ferry.txt"]
    report = restore_article(target, "orchard")
    served.reload(target)
    assert (report.article_id, report.title, report.paragraphs) == ("orchard", "Orchard", 3)
    assert cited(served, target) == {"orchard"}
    assert trashed_articles(target) == []
    assert not any(target.trash.iterdir())  # the emptied removal folder is gone


def test_removing_an_id_twice_keeps_both_versions_and_restore_takes_the_latest(settings):
    target = collection(settings, "server-1")
    first, second = article_bytes("Orchard", ORCHARD), article_bytes("Orchard", ORCHARD[:2])
    for data in (first, second):
        add_article(target, file_source("o.txt", data))
        remove_article(target, "orchard")
    assert [t.path.read_bytes() for t in trashed_articles(target)] == [second, first]
    assert restore_article(target, "orchard").paragraphs == 2


def test_restore_refuses_when_the_id_is_taken_again(settings):
    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    remove_article(target, "orchard")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD[1:])))
    with pytest.raises(CollectionError, match="remove it first"):
        restore_article(target, "orchard")
    assert len(trashed_articles(target)) == 1


@pytest.mark.parametrize(
    "article_id", ["nothing", "../shared", ".citebot/index", "/etc/passwd", ""]
)
def test_removing_what_is_not_an_article_of_the_collection_is_refused(settings, article_id):
    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    before = folder_state(target.folder)
    with pytest.raises(CollectionError):
        remove_article(target, article_id)
    with pytest.raises(CollectionError):
        restore_article(target, article_id)
    assert folder_state(target.folder) == before


def test_a_failed_index_update_puts_the_removed_file_back(settings, monkeypatch):
    import sqlite3

    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    before = folder_state(target.folder)
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
    conn = sqlite3.connect(target.db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(store.StoreError):
            remove_article(target, "orchard")
    finally:
        conn.close()
    assert folder_state(target.folder) == before


def test_served_collections_keep_at_most_max_loaded_and_reload_a_dropped_one(settings):
    served = ServedCollections(max_loaded=2)
    targets = [collection(settings, f"server-{n}") for n in range(3)]
    for target in targets:
        add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    first = served.index(targets[0])
    served.index(targets[1])
    assert served.index(targets[0]) is first  # used again: now the most recent
    served.index(targets[2])
    assert served.loaded() == ("server-0", "server-2")
    assert cited(served, targets[1]) == {"orchard"}  # loaded again on demand
    assert served.loaded() == ("server-2", "server-1")
