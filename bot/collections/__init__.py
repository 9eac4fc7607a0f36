"""Collections: the shared corpus and one folder (and index) per server or named library.

The core of adding, removing and restoring articles and of searching several collections
at once; it knows nothing of Discord. Every function here blocks on files and SQLite: an
event loop calls them in a worker thread. Adding a web page: `bot.collections.pages.fetch_page`
(imported apart, so that only its callers load the HTTP client).
"""

from bot.collections.add import AlreadyAdded, add_article
from bot.collections.duplicates import Existing
from bot.collections.layout import (
    Collection,
    collection,
    existing_collection,
    list_collections,
    shared_collection,
)
from bot.collections.names import SHARED, CollectionError, server_collection, valid_name
from bot.collections.report import ArticleReport
from bot.collections.search import MergedAnswer, answer_from, merge
from bot.collections.serving import ServedCollections, open_collection
from bot.collections.source import Overrides, Source, file_source, page_source
from bot.collections.stats import CollectionStats, collection_stats
from bot.collections.trash import (
    Removed,
    Trashed,
    remove_article,
    restore_article,
    trashed_articles,
)

__all__ = [
    "SHARED",
    "AlreadyAdded",
    "ArticleReport",
    "Collection",
    "CollectionError",
    "CollectionStats",
    "Existing",
    "MergedAnswer",
    "Overrides",
    "Removed",
    "ServedCollections",
    "Source",
    "Trashed",
    "add_article",
    "answer_from",
    "collection",
    "collection_stats",
    "existing_collection",
    "file_source",
    "list_collections",
    "merge",
    "open_collection",
    "page_source",
    "remove_article",
    "restore_article",
    "server_collection",
    "shared_collection",
    "trashed_articles",
    "valid_name",
]
