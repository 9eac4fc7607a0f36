"""Fleet mode for `citebot run`: every collection served from a local mirror of one generation.

Each collection the process serves is a folder in its cache (`CITEBOT_FLEET_CACHE`), laid
out as a single-process library (`corpus/` and `collections/<name>/`), holding that
collection's files at one generation (bot/fleet/mirror.py). Moving to a newer generation
mirrors only what changed, reindexes with the single-process code, loads the index and only
then swaps it in, so every answer uses one index object, of one generation, from start to
end. The generation each index was built from is remembered beside it, for the answer log.

Each process rebuilds the change itself, and only the articles the mirror moved: at 100k
paragraphs comparing the whole folder (10,000 files) took about 0.7 s of a 1.3 s move, and
the articles a move wrote or deleted are exactly what differs from the generation the
index was last brought to (bot/index/targeted.py); the postings are patched from the served
generation's in memory and served as written, not read back (bot/index/reuse.py). The
whole folder is compared when that is not known: a process's first move, a mirror rebuilt
whole (unknown or interrupted), or a move after a failed one. A one-article move at 100k
then takes about 0.25 s to reindex and 0.1-0.3 s to load. An elected builder whose result
the others load was not taken: each process keeps its own SQLite index (paragraph texts,
the snapshot an answer pins), so the others would still write the change into it and load
it, most of what a move costs now, after waiting for the builder (README "Scaling").

The corpus and collections watchers never run on the mirrors: only this module writes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.collections import SHARED, Collection, ServedCollections, collection, shared_collection
from bot.collections.search import MergedAnswer
from bot.config import Settings
from bot.fleet.connect import connect
from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.memory import release_freed_memory
from bot.fleet.mirror import Mirrored, mirror_generation
from bot.fleet.processes import ProcessInfo
from bot.fleet.publish import Published, publish_folder
from bot.fleet.status import SILENT_AFTER_POLLS
from bot.fleet.warm_up import warm_up
from bot.index.build import ReindexSummary, reindex
from bot.index.reuse import Held, Written
from bot.index.search import SearchIndex, load_index
from bot.index.targeted import reindex_moved
from bot.index.wal import restart_log
from bot.library import Library

log = logging.getLogger(__name__)

# Indexes remembered per collection: the one served and the few before it, which answers
# that started earlier may still be using.
REMEMBERED = 4

# How long /reindex waits for every live process to serve the generation it committed.
REINDEX_WAIT_SECONDS = 60.0


def fleet_settings(settings: Settings) -> Settings:
    """The settings a fleet process serves with: its cache as the library's folders, no
    watchers (the follower alone changes the mirrors), and the per-server settings file
    where it was (an admin's choices, not part of the cache)."""
    cache = settings.fleet_cache_path
    return replace(
        settings,
        corpus=cache / "corpus",
        collections=cache / "collections",
        db=cache / "citebot.db",
        state_db=settings.state_path,
        watch=False,
    )


@dataclass(frozen=True)
class Built:
    """An index, held weakly (a generation no question uses any more must be released, for
    its snapshot to let the write-ahead log start over), and the generation it was built
    from."""

    index: weakref.ref[SearchIndex]
    generation: int


class FleetServing:
    """Follows the generations and swaps each collection's served index when it moves."""

    def __init__(
        self,
        settings: Settings,
        process: ProcessInfo,
        library: Library,
        served: ServedCollections,
        source: Path,
    ) -> None:
        """`settings` are the fleet settings (`fleet_settings`); `source` is the shared
        collection's own folder, which /reindex commits."""
        assert settings.database_url is not None
        self._settings = settings
        self._url = settings.database_url
        self.process = process
        self._library = library
        self._served = served
        self._built: dict[str, tuple[Built, ...]] = {}
        # Collection -> the generation its index database was last brought to, whole, from
        # its mirror: a move from there only needs the articles it moved reindexed.
        self._indexed: dict[str, int] = {}
        # One move of a collection at a time (the follower's, or a caller's own).
        self._moving: dict[str, asyncio.Lock] = {}
        self._warming: asyncio.Task[None] | None = None  # `warm_up`, awaited before a move
        # Each collection's write-ahead log restart after a swap, awaited before its next move.
        self._housekeeping: dict[str, asyncio.Task[None]] = {}
        self.follower = GenerationFollower(
            FollowerConfig(self._url, process, settings.fleet_poll_seconds), self.apply
        )
        self._task: asyncio.Task[None] | None = None
        # Until the follower's first move, the cache's index (from an earlier run) is served
        # untagged: a run killed mid-move may have left its folder between two generations.
        self._source = source

    def start(self) -> None:
        """Start following (in the running event loop), and load what analysing needs."""
        self._warming = asyncio.create_task(asyncio.to_thread(warm_up))
        self._task = asyncio.create_task(self.follower.run())

    async def stop(self) -> None:
        """Stop following."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._settle()

    async def apply(self, name: str, generation: int) -> None:
        """Serve `generation` of collection `name` (the follower's apply); a generation
        older than or equal to the one served is not applied (never back)."""
        async with self._moving.setdefault(name, asyncio.Lock()):
            if generation <= self.serving_generation(name):
                return
            await self._settle(name)
            if self._warming is not None:
                await self._warming  # never raises: loading twice at once would cost more
            found = self._collection(name)
            previous = self._current(name)
            index = await asyncio.to_thread(self._build, name, generation, found, previous)
            del previous  # the last reference, unless a question still uses it
            self._remember(name, Built(weakref.ref(index), generation))
            if name == SHARED:
                self._library.serve(index)
            else:
                self._served.serve(name, index)
            # Answered from now on; the rest is housekeeping, done before the next move
            # rather than delaying this one.
            upkeep = asyncio.to_thread(_upkeep, found.db, index)
            self._housekeeping[name] = asyncio.create_task(upkeep)

    async def _settle(self, *names: str) -> None:
        """Finish the housekeeping of these collections' last swaps (all without names);
        `_upkeep` never raises."""
        for name in names or tuple(self._housekeeping):
            task = self._housekeeping.pop(name, None)
            if task is not None:
                await task

    def serving_generation(self, name: str) -> int:
        """The newest generation of `name` this process has swapped in (0: none yet)."""
        return max((b.generation for b in self._built.get(name, ())), default=0)

    def _current(self, name: str) -> SearchIndex | None:
        return self._library.index if name == SHARED else self._served.current(name)

    async def reindex_shared(self) -> Published:
        """Commit the shared collection's source folder and wait for the fleet to serve it."""
        source = Collection(SHARED, self._source, self._settings.db)
        silent_after = SILENT_AFTER_POLLS * self._settings.fleet_poll_seconds
        return await asyncio.to_thread(
            publish_folder, self._url, source, REINDEX_WAIT_SECONDS, silent_after
        )

    def _collection(self, name: str) -> Collection:
        if name == SHARED:
            return shared_collection(self._settings)
        return collection(self._settings, name)

    def _build(
        self, name: str, generation: int, found: Collection, previous: SearchIndex | None
    ) -> SearchIndex:
        """Mirror the generation into the collection's folder, reindex it and load it,
        keeping what `previous` (the generation served) holds unchanged."""
        started = time.perf_counter()
        with connect(self._url, "citebot mirror") as conn:
            moved = mirror_generation(conn, name, generation, found.folder)
        found.db.parent.mkdir(parents=True, exist_ok=True)
        mirrored = time.perf_counter()
        held = previous.held() if previous is not None else None
        targeted, summary, written = self._reindex(name, found, moved, held)
        reindexed = time.perf_counter()
        index = load_index(found.db, previous=previous, written=written)
        log.info(
            "fleet: %s generation %d mirrored (%d written, %d deleted), %s, %d paragraphs;"
            " mirror %.2f s, reindex %.2f s, load %.2f s",
            name,
            generation,
            len(moved.written),
            len(moved.deleted),
            "moved articles reindexed" if targeted else "whole folder compared",
            summary.paragraphs,
            mirrored - started,
            reindexed - mirrored,
            time.perf_counter() - reindexed,
        )
        return index

    def _reindex(
        self, name: str, found: Collection, moved: Mirrored, held: Held | None
    ) -> tuple[bool, ReindexSummary, Written | None]:
        """Bring the index database to the mirrored generation: only the moved articles when
        the index was last brought to the generation the move started from, else the whole
        folder compared (see the module's note). Returns whether it was the former, and the
        postings written when they were patched from the `held` ones."""
        indexed = self._indexed.pop(name, None)  # unknown until this reindex succeeds
        targeted = not moved.full and moved.since is not None and moved.since == indexed
        written = None
        if targeted:
            summary, written = reindex_moved(found.folder, found.db, moved.article_ids, held)
        else:
            summary = reindex(found.folder, found.db)
        self._indexed[name] = moved.generation
        return targeted, summary, written

    def _remember(self, name: str, built: Built) -> None:
        self._built[name] = (built, *self._built.get(name, ()))[:REMEMBERED]

    def generation_of(self, name: str, index: SearchIndex) -> int | None:
        """The generation `index` was built from, if it is one this process built."""
        built = self._built.get(name, ())
        return next((b.generation for b in built if b.index() is index), None)

    def log_answer(self, searched: Sequence[tuple[str, SearchIndex]], found: MergedAnswer) -> None:
        """One INFO line per collection searched: process, collection, generation, paragraph
        count, and the paragraphs cited from it (article id and paragraph number)."""
        passages = found.answer.passages
        for name, index in searched:
            cited = [
                f"{p.citation.article_id}#{p.citation.paragraph}"
                for p, source in zip(passages, found.collections, strict=True)
                if source == name
            ]
            log.info(
                "fleet answer: process=%s collection=%s generation=%s paragraphs=%d cited=%s",
                self.process.name,
                name,
                self.generation_of(name, index),
                index.paragraph_count,
                ",".join(cited) or "-",
            )


def _upkeep(db: Path, index: SearchIndex) -> None:
    """After a swap: restart the write-ahead log (`bot.index.wal`), and give the memory of
    the generation just released back to the system (`bot.fleet.memory`)."""
    restart_log(db, index)
    del index  # a generation still answering a question is released by its last one
    release_freed_memory()
