"""Edits on disk: when files in the corpus folder change, the served index follows by itself.

watchfiles reports changes (inotify and its kin, not polling); once the folder has been quiet
for QUIET_SECONDS (an editor's save, a `cp -r` or a `git pull` is many events), the library
reindexes through the same path as /reindex: incremental, swapped in only once complete, a
failure logged with the old index kept. One rebuild at a time: changes that arrive during a
rebuild start one more after it, never a second one beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path

from watchfiles import Change, awatch

from bot.collections import ServedCollections, collection
from bot.config import Settings
from bot.corpus.files import SUPPORTED_SUFFIXES
from bot.library import Library

log = logging.getLogger(__name__)

# Seconds without a change before reindexing; a module constant so tests can shorten it.
QUIET_SECONDS = 2.0
# Names editors and tools write beside the real file while saving.
TEMP_SUFFIXES = (".tmp", ".temp", ".swp", ".swx", ".part", ".crdownload", "~")


class CorpusFilter:
    """Which changed paths may change the index: article files and folders, not the index's
    own files (a database kept under the corpus folder would otherwise retrigger forever),
    not hidden or temporary files."""

    def __init__(self, settings: Settings) -> None:
        self._ignored = tuple(
            (p.parent.resolve(), p.name) for p in (Path(settings.db), settings.state_path)
        )

    def __call__(self, change: Change, path: str) -> bool:
        """watchfiles' filter signature."""
        file = Path(path)
        name = file.name
        if name.startswith((".", "#", "~$")) or name.endswith(TEMP_SUFFIXES):
            return False
        # The database, its -wal/-journal/-shm files, and a damaged one moved aside.
        parent = file.parent.resolve()
        if any(parent == folder and name.startswith(db) for folder, db in self._ignored):
            return False
        # A suffix-less path may be a folder (a deleted one cannot be asked any more).
        return file.suffix.lower() in SUPPORTED_SUFFIXES or not file.suffix


class CorpusWatcher:
    """Watches the corpus folder and reindexes the library after changes settle."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self._library = library
        self._corpus = Path(settings.corpus)
        self._filter = CorpusFilter(settings)
        self._stop = asyncio.Event()
        self._changed = asyncio.Event()
        self._last_change = 0.0
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Begin watching (in the running event loop)."""
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self._watch(), name="corpus-watch"),
            asyncio.create_task(self._rebuild_when_quiet(), name="corpus-reindex"),
        ]

    async def stop(self) -> None:
        """Stop watching; a rebuild in progress finishes in its thread, unawaited."""
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _watch(self) -> None:
        try:
            async for changes in awatch(
                self._corpus, watch_filter=self._filter, stop_event=self._stop, recursive=True
            ):
                log.debug("%s: %d changes", self._corpus, len(changes))
                self._noted(changes)
                self._last_change = time.monotonic()
                self._changed.set()
        except Exception as exc:  # watchfiles raises OSError, or RuntimeError at the OS limit
            # A missing or unwatchable folder must not stop the bot; /reindex still works.
            log.warning("not watching the corpus folder %s: %s", self._corpus, exc)

    def _noted(self, changes: set[tuple[Change, str]]) -> None:
        """What a subclass needs to remember of each batch of changes (nothing here)."""

    async def _rebuild_when_quiet(self) -> None:
        while True:
            await self._changed.wait()
            while (left := self._last_change + QUIET_SECONDS - time.monotonic()) > 0:
                await asyncio.sleep(left)
            self._changed.clear()
            try:
                await self._rebuild()
            except Exception:  # the watcher outlives any one failure
                log.exception("reindex after corpus changes failed; old index kept")

    async def _rebuild(self) -> None:
        # A /reindex already running may have read the folder before these changes: join it,
        # then go round once more.
        joined = self._library.reindexing
        outcome = await self._library.reindex()
        if joined:
            self._changed.set()
        if outcome.summary is None:
            log.warning("reindex after corpus changes failed (%s); old index kept", outcome.error)
            return
        summary = outcome.summary
        log.info(
            "corpus changed on disk: %d added, %d changed, %d removed",
            len(summary.added),
            len(summary.changed),
            len(summary.removed),
        )


class CollectionsWatcher(CorpusWatcher):
    """Watches the collections folder; after changes settle, each changed collection that
    is being served is reloaded (brought up to date first: see `ServedCollections.reload`).
    A collection not loaded yet reads its folder afresh when its next question loads it."""

    def __init__(self, served: ServedCollections, settings: Settings, library: Library) -> None:
        super().__init__(library, settings)
        self._served = served
        self._settings = settings
        self._corpus = Path(settings.collections)
        self._filter = CollectionsFilter(settings)
        self._names: set[str] = set()

    async def _watch(self) -> None:
        # awatch needs the folder to exist; the first /add would create it anyway.
        await asyncio.to_thread(self._corpus.mkdir, parents=True, exist_ok=True)
        await super()._watch()

    def _noted(self, changes: set[tuple[Change, str]]) -> None:
        root = self._corpus.resolve()
        for _, path in changes:
            with contextlib.suppress(ValueError):  # a path outside the folder
                self._names.add(Path(path).resolve().relative_to(root).parts[0])

    async def _rebuild(self) -> None:
        names, self._names = self._names, set()
        for name in sorted(names & set(self._served.loaded())):
            own = collection(self._settings, name)
            await asyncio.to_thread(self._served.reload, own)
            log.info("collection %s changed on disk: reloaded", name)


class CollectionsFilter(CorpusFilter):
    """Article files of the collections, never what lives in a collection's hidden folders
    (its index, trash and lock are in `.citebot/`: reloading rewrites the index there)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._root = Path(settings.collections).resolve()

    def __call__(self, change: Change, path: str) -> bool:
        with contextlib.suppress(ValueError):
            parts = Path(path).resolve().relative_to(self._root).parts
            if any(part.startswith(".") for part in parts):
                return False
        return super().__call__(change, path)
