"""`/add` and `/remove` in fleet mode: the article is checked as in single-process mode,
committed to PostgreSQL as a new generation of its collection, and the answer waits until
every live process serves that generation (or names those that lag).

The checks are the single-process ones: the same bytes saved (front matter from the
overrides), the same parse (a file that is not an article is refused before anything is
written), the same repeat test (against the index this process serves of the collection,
plus, inside the commit, the very same bytes among the articles current in PostgreSQL), the
same ids. Nothing touches the local mirror: the follower writes it, from the generation
committed here, like every other process's. All of it blocks: call it from a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.collections import AlreadyAdded, ArticleReport, Collection, Existing, Overrides, Source
from bot.collections.duplicates import find_existing
from bot.collections.names import CollectionError, slug
from bot.collections.report import report_of
from bot.collections.source import file_bytes
from bot.corpus import Article, ArticleError, parse_article
from bot.corpus.parse import title_from_id
from bot.fleet.connect import Connection, connect
from bot.fleet.convergence import wait_for_fleet
from bot.fleet.model import Commit, StoredArticle
from bot.fleet.writes import SameContent, commit_article, restore_article_row, retire_article

# How long /add and /remove wait for every live process to serve their generation (as
# /reindex does: REINDEX_WAIT_SECONDS in bot/fleet/serving.py).
CHANGE_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Fleet:
    """Where the change is committed, and how long to wait for the fleet to serve it."""

    url: str
    wait: float  # seconds
    silent_after: float  # a process without a heartbeat for this long is not waited for


@dataclass(frozen=True)
class Landed:
    """A committed change: its generation, and the live processes not serving it yet."""

    collection: str
    article_id: str
    generation: int
    lagging: tuple[str, ...]
    replaced: bool = False  # an article with this id was current and is now this one


def add_to_fleet(
    fleet: Fleet,
    found: Collection,
    source: Source,
    overrides: Overrides,
    replaces: str | None = None,
) -> tuple[ArticleReport, Landed]:
    """Commit the article to the collection (in place of the article `replaces`, if given);
    `AlreadyAdded` for a repeat, `CollectionError` for what cannot be an article."""
    data = file_bytes(source, overrides)
    draft = _parse(source.name, data, source.suffix)
    if replaces is None:
        existing = find_existing(found, draft, (source.url, source.requested_url))
        if existing is not None:
            raise AlreadyAdded(found.name, existing)

    def describe(article_id: str) -> StoredArticle:
        parsed = _parse(article_id, data, source.suffix)
        file_name = f"{article_id}{source.suffix}"
        return StoredArticle(article_id, file_name, data, parsed.title, parsed.author, parsed.date)

    wanted = _wanted_id(draft, source.name)
    try:
        landed = _commit_and_wait(
            fleet, lambda conn: commit_article(conn, found.name, describe, wanted, replaces)
        )
    except SameContent as exc:
        raise AlreadyAdded(
            found.name, Existing(exc.article_id, exc.title, "the same text")
        ) from exc
    report = report_of(found.name, landed.article_id, draft, source.name, landed.replaced)
    return report, landed


def remove_from_fleet(fleet: Fleet, name: str, article_id: str) -> Landed:
    """Take the article out of the collection (`CollectionError` if it has none); its
    last version stays in PostgreSQL, for a restore."""
    return _commit_and_wait(fleet, lambda conn: retire_article(conn, name, article_id))


def restore_in_fleet(fleet: Fleet, name: str, article_id: str) -> Landed:
    """Bring back the article's last removed version as a new generation."""
    return _commit_and_wait(fleet, lambda conn: restore_article_row(conn, name, article_id))


def _commit_and_wait(fleet: Fleet, commit: Callable[[Connection], Commit]) -> Landed:
    with connect(fleet.url, "citebot edit") as conn:
        done = commit(conn)
        assert done.generation is not None  # one article changed: always a new generation
        lagging = wait_for_fleet(
            conn, done.collection, done.generation, fleet.wait, fleet.silent_after
        )
    article_id = (*done.added, *done.changed, *done.removed)[0]
    return Landed(done.collection, article_id, done.generation, tuple(lagging), bool(done.changed))


def _parse(name: str, data: bytes, suffix: str) -> Article:
    try:
        return parse_article(name, data, suffix)
    except ArticleError as exc:
        raise CollectionError(f"cannot add it: {exc}") from exc


def _wanted_id(article: Article, name: str) -> str:
    """The id from the title (or the file's name when no title was found), as
    single-process mode chooses it; the commit makes it unique."""
    return name if article.title == title_from_id(name) else slug(article.title, name)
