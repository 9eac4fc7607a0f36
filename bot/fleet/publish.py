"""`/reindex` in fleet mode: commit a collection's source folder as a new generation, then
wait until every live process serves it (or name the ones that lag).

In fleet mode the running bot serves mirrors; the folder an admin edits is the source
(CITEBOT_CORPUS for the shared collection). Reindexing it means what `citebot import` does
for that one collection, and answering once the whole fleet has moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.collections import Collection
from bot.corpus import SkippedFile
from bot.fleet.connect import connect
from bot.fleet.convergence import wait_for_fleet
from bot.fleet.folders import read_collection
from bot.fleet.store import commit_collection, latest_generations


@dataclass(frozen=True)
class Published:
    """A folder committed: the generation now current, whether this commit made it, the
    articles it holds, the files skipped, and the live processes not serving it yet."""

    collection: str
    generation: int
    new: bool
    articles: int
    skipped: tuple[SkippedFile, ...]
    lagging: tuple[str, ...]


def publish_folder(url: str, source: Collection, wait: float, silent_after: float) -> Published:
    """Commit the source folder's articles (a new generation only if anything changed) and
    wait up to `wait` seconds for every live process to serve the current generation
    (blocking: run it in a worker thread)."""
    content = read_collection(source)
    with connect(url, "citebot reindex") as conn:
        commit = commit_collection(conn, source.name, content.articles)
        generation = commit.generation or latest_generations(conn)[source.name]
        lagging = wait_for_fleet(conn, source.name, generation, wait, silent_after)
    return Published(
        source.name,
        generation,
        commit.generation is not None,
        len(content.articles),
        content.skipped,
        tuple(lagging),
    )
