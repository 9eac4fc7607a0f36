from dataclasses import replace
from pathlib import Path

import pytest
from collection_samples import ORCHARD, article_bytes

from bot.collections import (
    CollectionError,
    add_article,
    collection,
    file_source,
    list_collections,
    remove_article,
)
from bot.index.build import reindex
from bot.index.search import load_index


def test_list_shows_the_shared_collection_then_each_collection_folder(settings):
    for name in ("server-2", "server-1"):
        add_article(
            collection(settings, name), file_source("o.txt", article_bytes("Orchard", ORCHARD))
        )
    (settings.collections / "Not A Name").mkdir()
    assert [c.name for c in list_collections(settings)] == ["shared", "server-1", "server-2"]


def test_collections_folder_inside_the_corpus_must_be_hidden_from_its_scan(settings):
    inside = replace(settings, collections=settings.corpus / "collections")
    with pytest.raises(CollectionError, match="dot"):
        collection(inside, "server-1")
    hidden = replace(settings, collections=settings.corpus / ".collections")
    add_article(
        collection(hidden, "server-1"), file_source("o.txt", article_bytes("Orchard", ORCHARD))
    )
    reindex(settings.corpus, settings.db)
    index = load_index(settings.db)
    assert [a.id for a in index.articles] == ["filler"]  # the collection is not shared


def test_corpus_inside_the_collections_folder_is_refused(settings):
    with pytest.raises(CollectionError):
        collection(replace(settings, collections=settings.corpus.parent), "server-1")


def test_a_refused_layout_is_refused_every_time_and_a_relative_folder_where_it_now_is(
    settings, monkeypatch
):
    """A layout that passed is remembered (it is checked on every question); one that
    failed is not, and relative folders are judged from the working folder of the time."""
    inside = replace(settings, collections=settings.corpus / "collections")
    for _ in range(2):
        with pytest.raises(CollectionError, match="dot"):
            collection(inside, "server-1")
    relative = replace(settings, corpus=Path("corpus"), collections=Path("collections"))
    fine, tangled = settings.corpus.parent / "fine", settings.corpus.parent / "tangled"
    for place in (fine, tangled):
        (place / "corpus" / "inner").mkdir(parents=True)
    (fine / "collections").mkdir()
    (tangled / "collections").symlink_to(tangled / "corpus" / "inner")  # inside, not hidden
    monkeypatch.chdir(fine)
    assert collection(relative, "server-1").folder == Path("collections/server-1")
    monkeypatch.chdir(tangled)
    with pytest.raises(CollectionError, match="dot"):
        collection(relative, "server-1")


def test_the_shared_collections_trash_and_state_are_never_indexed(settings):
    shared = collection(settings, "shared")
    add_article(shared, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    remove_article(shared, "orchard")
    summary = reindex(settings.corpus, settings.db)
    assert not summary.skipped and summary.articles == 1
    assert [a.id for a in load_index(settings.db).articles] == ["filler"]
