import pytest

from bot.collections import CollectionError, collection, server_collection, valid_name
from bot.collections.names import MAX_NAME_CHARS, MAX_SLUG_CHARS, slug


@pytest.mark.parametrize("name", ["server-1234", "a", "history-club", "x" * MAX_NAME_CHARS])
def test_slugs_are_valid_collection_names(name):
    assert valid_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "..",
        "../etc",
        "a/b",
        "a\\b",
        ".hidden",
        "-a",
        "a-",
        "Server",
        "a b",
        "x" * 65,
        "é",
        "a\x00",
    ],
)
def test_names_that_could_escape_or_confuse_the_folder_are_refused(name):
    with pytest.raises(CollectionError):
        valid_name(name)


def test_a_collection_folder_is_inside_the_collections_folder(settings):
    found = collection(settings, server_collection(42))
    assert found.folder == settings.collections / "server-42"
    assert found.db.parent == found.folder / ".citebot"


def test_the_shared_collection_is_the_corpus_and_its_index_as_configured(settings):
    shared = collection(settings, "shared")
    assert (shared.folder, shared.db) == (settings.corpus, settings.db)


def test_slug_makes_an_article_id_from_a_title():
    assert slug("Budget 2024: explained!") == "budget-2024-explained"
    assert slug("Ça coûte cher") == "ca-coute-cher"
    assert slug("???") == "article"
    long = slug("word " * 40)
    assert len(long) <= MAX_SLUG_CHARS and not long.endswith("-") and long.startswith("word-word")
