"""Which collections a question searches: a server's own and the shared one, or the shared one.

A question in a server searches that server's collection (when it has articles) and the bot
owner's shared collection (unless the server turned it off with /settings shared:false);
a DM searches the shared collection only. The shared collection is served by the bot's
`Library` (so /reindex and the corpus watcher keep working as before); server collections
are loaded on first use by the client's `ServedCollections`. A question limited to one
article (/ask article:) searches the collection that has it, the server's own first;
/articles and /source see the same collections.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answer import answer
from bot.collections import (
    SHARED,
    Collection,
    CollectionError,
    MergedAnswer,
    answer_from,
    collection,
)
from bot.collections import server_collection as server_collection_name
from bot.discord_app.articles import MAX_CHOICES, article_choices, resolve_article
from bot.index.search import IndexedArticle, SearchIndex

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

# (question, k, article id, relevance bar or None for the configured one) -> the answer.
Search = Callable[[str, int, str | None, float | None], MergedAnswer]


@dataclass(frozen=True)
class Scope:
    """Where a question is asked: its server (None in a DM) and whether to add the shared."""

    guild_id: int | None
    include_shared: bool = True


def server_collection(bot: CitebotClient, guild_id: int) -> Collection:
    """The server's own collection (it need not exist yet)."""
    return collection(bot.settings, server_collection_name(guild_id))


def server_index(bot: CitebotClient, guild_id: int) -> SearchIndex | None:
    """The server's loaded index, or None when the server has no collection or no articles
    (blocking: loads it on first use). A server that never added anything gets no folder."""
    try:
        own = server_collection(bot, guild_id)
    except CollectionError as exc:  # a misconfigured CITEBOT_COLLECTIONS: still answer
        log.warning("server collections are off: %s", exc)
        return None
    if not own.folder.is_dir() or _not_served_yet(bot, own.name):
        return None
    index = bot.served.index(own)
    return index if index.articles else None


def _not_served_yet(bot: CitebotClient, name: str) -> bool:
    """In fleet mode, whether the follower has yet to serve this collection: until then its
    mirror may be half written, and a question must neither load it (an index of no
    generation) nor swap that load in over the one the follower is about to serve. Once
    served, a collection dropped from memory is loaded again from its complete mirror."""
    if bot.fleet is None or bot.served.current(name) is not None:
        return False
    return name not in bot.fleet.follower.served


def scope_of(bot: CitebotClient, guild_id: int | None) -> Scope:
    """Where a question from this server (None: a DM) is asked, with the server's setting."""
    return Scope(guild_id, bot.server_settings.get(guild_id).include_shared)


def scoped_indexes(bot: CitebotClient, scope: Scope) -> list[tuple[str, SearchIndex]]:
    """The (collection, index) pairs a question in `scope` searches, the server's own first
    (blocking: a server's collection is loaded on first use)."""
    if scope.guild_id is None:
        return [(SHARED, bot.library.index)]
    own = server_index(bot, scope.guild_id)
    found = [] if own is None else [(server_collection_name(scope.guild_id), own)]
    return found + ([(SHARED, bot.library.index)] if scope.include_shared else [])


def article_choices_in(bot: CitebotClient, scope: Scope, current: str) -> list[tuple[str, str]]:
    """Suggestions for an article option: the scope's articles, the server's own first."""
    found = [c for _, index in scoped_indexes(bot, scope) for c in article_choices(index, current)]
    return found[:MAX_CHOICES]


def find_in(bot: CitebotClient, scope: Scope, typed: str) -> tuple[SearchIndex, str] | None:
    """The article meant and its index, in the first of the scope's collections that has it."""
    for _, index in scoped_indexes(bot, scope):
        found = resolve_article(index, typed)
        if found is not None:
            return index, found
    return None


def resolve_in(bot: CitebotClient, scope: Scope, typed: str) -> str | None:
    """The id of the article meant, in the first of the scope's collections that has it."""
    found = find_in(bot, scope, typed)
    return found[1] if found else None


def articles_in(bot: CitebotClient, scope: Scope) -> tuple[IndexedArticle, ...]:
    """Every article a question in `scope` can cite, the server's own first."""
    return tuple(a for _, index in scoped_indexes(bot, scope) for a in index.articles)


def searcher(bot: CitebotClient, scope: Scope) -> Search:
    """The blocking search for questions asked in `scope` (run it on an answer thread)."""

    def search(
        question: str, k: int, article_id: str | None, min_relevance: float | None
    ) -> MergedAnswer:
        bar = bot.settings.min_relevance if min_relevance is None else min_relevance
        indexes = scoped_indexes(bot, scope)
        if article_id is not None:  # the first collection that has it, as resolve_in found
            indexes = [(n, i) for n, i in indexes if i.article(article_id)][:1]
        found = _search(bot, indexes, question, k, article_id, bar)
        if bot.fleet is not None:
            bot.fleet.log_answer(indexes, found)
        return found

    return search


def _search(
    bot: CitebotClient,
    indexes: list[tuple[str, SearchIndex]],
    question: str,
    k: int,
    article_id: str | None,
    bar: float,
) -> MergedAnswer:
    """The answer from these indexes, each used from start to end (one generation each)."""
    if [name for name, _ in indexes] == [SHARED]:
        if bot.fleet is None:
            found = bot.library.ask(question, k, article_id, bar)
        else:  # the very index whose generation the answer's log line names
            found = answer(indexes[0][1], question, k, article_id, bar)
        return MergedAnswer(found, (SHARED,) * len(found.passages))
    if article_id is not None and indexes:
        name, index = indexes[0]
        found = answer(index, question, k, article_id, bar)
        return MergedAnswer(found, (name,) * len(found.passages))
    return answer_from(indexes, question, k, bar)
