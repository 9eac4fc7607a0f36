import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from collection_samples import FERRY, ORCHARD, article_bytes, folder_state

from bot.answer import AnswerStatus, answer
from bot.collections import (
    AlreadyAdded,
    CollectionError,
    Overrides,
    add_article,
    collection,
    file_source,
    open_collection,
    page_source,
    trashed_articles,
)
from bot.corpus import MAX_FILE_BYTES
from bot.index import store
from bot.index.search import load_index
from bot.index.store import StoreError

NEWS_PAGE = Path(__file__).parent.parent / "corpus" / "fixtures" / "news-page.html"
PAGE_URL = "https://courier.example/news/harbour-ferry-vote"


def ask(target, question):
    index = open_collection(target)
    try:
        return answer(index, question, k=1)
    finally:
        index.close()


def test_an_added_file_is_answerable_and_the_report_says_what_was_found(settings):
    target = collection(settings, "server-1")
    data = article_bytes("Orchard report", ORCHARD, author="Jo Doe", date="2024-01-02")
    report = add_article(target, file_source("notes.txt", data))
    assert (report.article_id, report.title, report.author, report.date) == (
        "orchard-report",
        "Orchard report",
        "Jo Doe",
        "2024-01-02",
    )
    assert (report.paragraphs, report.first_paragraph, report.warnings) == (3, ORCHARD[0], ())
    assert (target.folder / "orchard-report.txt").read_bytes() == data
    found = ask(target, "Why did the orchard harvest double?")
    assert found.passages[0].citation.article_id == "orchard-report"


def test_the_report_warns_about_missing_author_and_date(settings):
    report = add_article(
        collection(settings, "server-1"), file_source("o.md", article_bytes("Orchard", ORCHARD))
    )
    assert report.warnings == ("no author", "no date")


def test_overrides_are_written_as_front_matter_and_win(settings):
    target = collection(settings, "server-1")
    pasted = b"Orchard news\n\n" + "\n\n".join(ORCHARD).encode()
    overrides = Overrides(title="Apples galore", author="Ann Lee", date="5 March 2024")
    report = add_article(target, file_source("paste.txt", pasted), overrides)
    assert (report.title, report.author, report.date) == ("Apples galore", "Ann Lee", "2024-03-05")
    saved = (target.folder / "apples-galore.txt").read_text()
    assert saved.startswith("---\npasted: true\ntitle: Apples galore\n")
    index = open_collection(target)
    assert index.article("apples-galore").author == "Ann Lee"  # a reindex reads the same


def test_overrides_on_a_page_keep_its_markup_and_win_over_its_metadata(settings):
    target = collection(settings, "server-1")
    source = file_source("page.html", NEWS_PAGE.read_bytes())
    report = add_article(target, source, Overrides(author="Jane Roe", date="2021-03-04"))
    assert (report.author, report.date) == ("Jane Roe", "2021-03-04")
    assert report.title == "Harbour town votes to keep its ferry"
    index = open_collection(target)
    indexed = index.article(report.article_id)
    assert (indexed.author, indexed.date, indexed.paragraph_count) == ("Jane Roe", "2021-03-04", 4)


def test_a_page_records_the_address_it_was_fetched_from(settings):
    target = collection(settings, "server-1")
    source = page_source(PAGE_URL, PAGE_URL, NEWS_PAGE.read_bytes(), "text/html; charset=utf-8")
    report = add_article(target, source)
    assert report.url == PAGE_URL
    assert open_collection(target).article(report.article_id).url == PAGE_URL


def test_the_same_address_again_names_the_existing_article(settings):
    target = collection(settings, "server-1")
    first = add_article(
        target, page_source(PAGE_URL, PAGE_URL, NEWS_PAGE.read_bytes(), "text/html")
    )
    changed = NEWS_PAGE.read_bytes().replace(b"Residents", b"People")
    with pytest.raises(AlreadyAdded) as caught:
        add_article(target, page_source(PAGE_URL + "#top", PAGE_URL, changed, "text/html"))
    assert caught.value.existing.article_id == first.article_id
    assert "the same address" in str(caught.value)


def test_the_same_text_again_names_the_existing_article_and_changes_nothing(settings):
    target = collection(settings, "server-1")
    add_article(target, file_source("a.txt", article_bytes("Orchard", ORCHARD)))
    before = folder_state(target.folder)
    with pytest.raises(AlreadyAdded) as caught:
        add_article(target, file_source("b.md", article_bytes("Other title", ORCHARD)))
    assert caught.value.existing.article_id == "orchard"
    assert folder_state(target.folder) == before


def test_replace_keeps_the_id_swaps_the_text_and_keeps_the_old_file_in_the_trash(settings):
    target = collection(settings, "server-1")
    old = article_bytes("Orchard", ORCHARD)
    add_article(target, file_source("a.txt", old))
    report = add_article(
        target, file_source("a.txt", old), Overrides(title="Orchard 2"), replace=True
    )
    assert (report.article_id, report.replaced, report.title) == ("orchard", True, "Orchard 2")
    assert list(folder_state(target.folder)) == ["orchard.txt"]
    assert [t.article_id for t in trashed_articles(target)] == ["orchard"]
    assert trashed_articles(target)[0].path.read_bytes() == old
    assert open_collection(target).article("orchard").title == "Orchard 2"


def test_replace_with_another_file_type_leaves_one_file(settings):
    target = collection(settings, "server-1")
    add_article(target, file_source("a.txt", article_bytes("Orchard", ORCHARD)))
    add_article(target, file_source("a.md", article_bytes("Orchard", ORCHARD)), replace=True)
    assert list(folder_state(target.folder)) == ["orchard.md"]
    assert [a.id for a in open_collection(target).articles] == ["orchard"]


def test_two_articles_with_one_title_get_two_ids(settings):
    target = collection(settings, "server-1")
    first = add_article(target, file_source("a.txt", article_bytes("News", ORCHARD)))
    second = add_article(target, file_source("b.txt", article_bytes("News", FERRY)))
    assert (first.article_id, second.article_id) == ("news", "news-2")


def test_an_article_without_a_title_is_named_after_its_file(settings):
    target = collection(settings, "server-1")
    report = add_article(target, file_source("My Notes.md", b"---\n---\n\n" + ORCHARD[0].encode()))
    assert (report.article_id, report.title) == ("my-notes", "my notes")
    assert report.warnings[0].startswith("no headline found")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF-1.4", r"only \.txt, \.md and \.html"),
        ("a.txt", b"", "empty article"),
        ("a.txt", b"\x00\x01\x02binary" * 10, "binary"),
        ("a.html", b"<html><head><title>T</title></head><body></body></html>", "HTML"),
        ("a.txt", b"x" * (MAX_FILE_BYTES + 1), "10 MiB"),
        ("a.md", b"---\ntitle: [unclosed\n---\ntext\n", "YAML"),
    ],
)
def test_a_file_that_does_not_ingest_changes_nothing(settings, name, data, message):
    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    before, generation = folder_state(target.folder), load_index(target.db).generation
    with pytest.raises(CollectionError, match=message):
        add_article(target, file_source(name, data))
    assert folder_state(target.folder) == before
    assert load_index(target.db).generation == generation


def test_a_date_that_is_not_a_date_is_refused_before_anything_is_saved(settings):
    target = collection(settings, "server-1")
    with pytest.raises(CollectionError, match="not a date"):
        add_article(
            target, file_source("o.txt", article_bytes("O", ORCHARD)), Overrides(date="soon")
        )
    assert not target.folder.exists()


@pytest.fixture
def index_locked(monkeypatch):
    """Hold the collection's index write lock in another connection (SQLite then fails)."""
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 50)
    held = []

    def lock(target):
        conn = sqlite3.connect(target.db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.append(conn)

    yield lock
    for conn in held:
        conn.close()


def test_a_failed_index_update_takes_the_new_file_back_out(settings, index_locked):
    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    before = folder_state(target.folder)
    index_locked(target)
    with pytest.raises(StoreError, match="locked"):
        add_article(target, file_source("f.txt", article_bytes("Ferry", FERRY)))
    assert folder_state(target.folder) == before


def test_a_failed_replace_puts_the_old_file_back(settings, index_locked):
    target = collection(settings, "server-1")
    add_article(target, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    before = folder_state(target.folder)
    index_locked(target)
    with pytest.raises(StoreError, match="locked"):
        add_article(target, file_source("o.md", article_bytes("Orchard", ORCHARD)), replace=True)
    assert folder_state(target.folder) == before


def test_a_question_finds_only_its_own_collections_articles(settings):
    a, b = collection(settings, "server-a"), collection(settings, "server-b")
    add_article(a, file_source("o.txt", article_bytes("Orchard", ORCHARD)))
    add_article(b, file_source("f.txt", article_bytes("Ferry", FERRY)))
    question = "Why did the orchard harvest of apples double?"
    assert ask(a, question).passages[0].citation.article_id == "orchard"
    in_b = ask(b, question)
    assert all(p.citation.article_id != "orchard" for p in in_b.passages)
    assert in_b.status is AnswerStatus.NO_RELEVANT_PASSAGE


def test_adds_from_several_threads_at_once_all_land_and_are_indexed(settings):
    target = collection(settings, "server-1")
    stories = {f"Story {n}": [f"{p} Story {n} item." for p in ORCHARD] for n in range(6)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(
            pool.map(
                lambda item: add_article(target, file_source("s.txt", article_bytes(*item))),
                stories.items(),
            )
        )
    assert sorted(r.article_id for r in reports) == [f"story-{n}" for n in range(6)]
    index = open_collection(target)
    assert sorted(a.id for a in index.articles) == [f"story-{n}" for n in range(6)]
