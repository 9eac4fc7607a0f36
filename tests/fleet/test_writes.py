"""One article at a time (fleet /add, /remove, restore): one new generation, only that
article changes, and writers from several processes never lose each other's articles."""

from __future__ import annotations

import threading

import pytest

from bot.collections import CollectionError
from bot.fleet.connect import connect
from bot.fleet.model import StoredArticle
from bot.fleet.store import articles_at, commit_collection, latest_generation
from bot.fleet.writes import (
    SameContent,
    commit_article,
    removed_version,
    restore_article_row,
    retire_article,
)


def _article(article_id: str, text: str) -> StoredArticle:
    return StoredArticle(article_id, f"{article_id}.txt", text.encode(), f"Title {article_id}")


def _describe(text: str):
    return lambda article_id: _article(article_id, text)


def _at(conn, generation: int) -> dict[str, bytes]:
    return {a.article_id: a.content for a in articles_at(conn, "c", generation)}


@pytest.fixture
def conn(pg_url):
    with connect(pg_url) as conn:
        commit_collection(conn, "c", [_article("a", "one"), _article("b", "two")])
        yield conn


def test_an_added_article_is_the_only_change_of_the_next_generation(conn):
    commit = commit_article(conn, "c", _describe("three"), "new")
    assert (commit.generation, commit.added, commit.changed) == (2, ("new",), ())
    assert _at(conn, 2) == {**_at(conn, 1), "new": b"three"}
    assert _at(conn, 1) == {"a": b"one", "b": b"two"}  # the past is unchanged


def test_a_taken_id_gets_a_number_and_the_same_bytes_are_refused(conn):
    assert commit_article(conn, "c", _describe("other"), "a").added == ("a-2",)
    assert commit_article(conn, "c", _describe("more"), "a").added == ("a-3",)
    with pytest.raises(SameContent) as refused:
        commit_article(conn, "c", _describe("two"), "copy")
    assert (refused.value.article_id, refused.value.title) == ("b", "Title b")
    assert latest_generation(conn, "c") == 3  # the refusal committed nothing


def test_a_replace_changes_only_that_article_and_keeps_the_old_version(conn):
    commit = commit_article(conn, "c", _describe("one, edited"), "ignored", replaces="a")
    assert (commit.generation, commit.added, commit.changed) == (2, (), ("a",))
    assert _at(conn, 2) == {"a": b"one, edited", "b": b"two"}
    assert removed_version(conn, "c", "a") == _article("a", "one")


def test_a_removal_takes_out_only_that_article_and_can_be_restored(conn):
    assert retire_article(conn, "c", "a").generation == 2
    assert _at(conn, 2) == {"b": b"two"}
    with pytest.raises(CollectionError, match="has no article 'a'"):
        retire_article(conn, "c", "a")
    restored = restore_article_row(conn, "c", "a")
    assert (restored.generation, restored.added) == (3, ("a",))
    assert _at(conn, 3) == {"a": b"one", "b": b"two"}
    with pytest.raises(CollectionError, match="already"):
        restore_article_row(conn, "c", "a")
    with pytest.raises(CollectionError, match="trash"):
        restore_article_row(conn, "c", "never")
    assert latest_generation(conn, "c") == 3


def test_the_first_article_of_a_server_creates_its_collection(conn):
    commit = commit_article(conn, "server-1", _describe("hello"), "hello")
    assert (commit.collection, commit.generation) == ("server-1", 1)
    assert [a.article_id for a in articles_at(conn, "server-1", 1)] == ["hello"]


def test_adds_from_two_processes_at_once_all_land(pg_url, conn):
    """Two writers (as two processes' /add would), each adding five articles, two of them
    wanting the same id: ten new generations, every article there, none replaced."""
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with connect(pg_url) as own:
                for n in range(5):
                    wanted = "same" if n == 0 else f"w{writer}-{n}"
                    commit_article(own, "c", _describe(f"text {writer} {n}"), wanted)
        except BaseException as exc:  # reported below: a thread cannot fail the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert latest_generation(conn, "c") == 11
    final = _at(conn, 11)
    assert len(final) == 12 and {final["same"], final["same-2"]} == {b"text 0 0", b"text 1 0"}
    assert {k: final[k] for k in ("a", "b")} == {"a": b"one", "b": b"two"}
