"""Committing a collection's articles: one new generation per change, exact past reads."""

from __future__ import annotations

import pytest

from bot.fleet.connect import connect
from bot.fleet.model import StoredArticle
from bot.fleet.store import (
    articles_at,
    collection_names,
    commit_collection,
    latest_generation,
    latest_generations,
)


def _article(article_id: str, text: str) -> StoredArticle:
    return StoredArticle(article_id, f"{article_id}.txt", text.encode(), f"Title {article_id}")


@pytest.fixture
def conn(pg_url):
    with connect(pg_url) as conn:
        yield conn


def test_a_new_collection_starts_at_generation_one_even_when_empty(conn):
    assert commit_collection(conn, "empty", []).generation == 1
    assert latest_generations(conn) == {"empty": 1}
    assert collection_names(conn) == ["empty"]


def test_each_change_commits_the_next_generation_and_no_change_commits_none(conn):
    first = commit_collection(conn, "c", [_article("a", "one"), _article("b", "two")])
    assert (first.generation, first.added) == (1, ("a", "b"))
    assert (
        commit_collection(conn, "c", [_article("a", "one"), _article("b", "two")]).generation
        is None
    )
    second = commit_collection(conn, "c", [_article("a", "one!"), _article("d", "new")])
    assert (second.generation, second.added, second.changed, second.removed) == (
        2,
        ("d",),
        ("a",),
        ("b",),
    )
    assert latest_generation(conn, "c") == 2


def test_reading_at_a_generation_sees_exactly_that_generation(conn):
    commit_collection(conn, "c", [_article("a", "one"), _article("b", "two")])
    commit_collection(conn, "c", [_article("a", "one, edited"), _article("c", "three")])
    commit_collection(conn, "c", [_article("c", "three")])
    seen = {g: {a.article_id: a.content for a in articles_at(conn, "c", g)} for g in (1, 2, 3)}
    assert seen == {
        1: {"a": b"one", "b": b"two"},
        2: {"a": b"one, edited", "c": b"three"},
        3: {"c": b"three"},
    }


def test_a_commit_sends_its_generation_as_a_hint(pg_url, conn):
    with connect(pg_url) as listener:
        listener.execute("LISTEN citebot_generations")
        commit_collection(conn, "c", [_article("a", "one")])
        payloads = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
    assert payloads == ['{"collection": "c", "generation": 1}']


def test_collections_have_generations_of_their_own(conn):
    commit_collection(conn, "one", [_article("a", "x")])
    commit_collection(conn, "one", [_article("a", "y")])
    commit_collection(conn, "two", [_article("a", "x")])
    assert latest_generations(conn) == {"one": 2, "two": 1}


def test_writers_committing_together_get_distinct_consecutive_generations(pg_url):
    import threading

    numbers: list[int] = []
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with connect(pg_url) as own:
                for n in range(5):
                    commit = commit_collection(own, "c", [_article("a", f"{writer}-{n}")])
                    numbers.append(commit.generation)
        except BaseException as exc:  # reported below: a thread cannot fail the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 21))
