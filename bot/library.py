"""The served index and its rebuilds, for long-running clients such as the Discord bot.

Questions are answered from whichever complete index is current; a reindex runs in a worker
thread and swaps the new index in only once it has loaded completely. A reindex requested
while one runs joins it instead of starting a second. A failed reindex keeps the old index.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.answer import Answer, answer, prepare_for_questions
from bot.config import Settings
from bot.index import health
from bot.index.build import ReindexSummary, reindex
from bot.index.search import SearchIndex, load_index
from bot.index.store import is_current
from bot.index.wal import restart_log

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReindexOutcome:
    """A finished reindex: its summary, or the error that stopped it (old index kept)."""

    summary: ReindexSummary | None
    error: str | None = None


class Library:
    """Holds the current index; answers questions; rebuilds without interrupting answers."""

    def __init__(self, settings: Settings, index: SearchIndex) -> None:
        self._settings = settings
        self._index = index
        self._running: asyncio.Task[ReindexOutcome] | None = None

    @classmethod
    def open(cls, settings: Settings) -> Library:
        """Load the index, building it first if there is none yet, it is outdated, or its
        tables disagree (a damaged one is rebuilt: see `bot.index.health`), and what
        answering it needs."""
        if not is_current(Path(settings.db)) or health.damage(settings.db, quick_check=False):
            log.info("no current index at %s: building it", settings.db)
            reindex(settings.corpus, settings.db)
        index = load_index(settings.db)
        prepare_for_questions(index)
        return cls(settings, index)

    @property
    def index(self) -> SearchIndex:
        """The complete index currently served."""
        return self._index

    def serve(self, index: SearchIndex) -> None:
        """Serve an index built elsewhere from now on (fleet mode: a mirrored generation);
        questions already running keep the one they started with."""
        self._index = index

    def ask(
        self,
        question: str,
        k: int,
        article_id: str | None = None,
        min_relevance: float | None = None,
    ) -> Answer:
        """Answer from the current index (one index for the whole answer); `min_relevance`
        overrides the configured bar (a server's own, see bot/server_settings.py)."""
        bar = self._settings.min_relevance if min_relevance is None else min_relevance
        return answer(self._index, question, k, article_id, bar)

    @property
    def reindexing(self) -> bool:
        """Whether a reindex is running now."""
        return self._running is not None and not self._running.done()

    async def reindex(self) -> ReindexOutcome:
        """Rebuild from the corpus folder, or join the rebuild already running."""
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._rebuild())
        return await asyncio.shield(self._running)

    async def _rebuild(self) -> ReindexOutcome:
        settings = self._settings
        try:
            summary = await asyncio.to_thread(reindex, settings.corpus, settings.db)
            # What the served generation holds unchanged (terms, vectors) is kept.
            fresh = await asyncio.to_thread(load_index, settings.db, previous=self._index)
            await asyncio.to_thread(prepare_for_questions, fresh)
        except Exception as exc:
            log.exception("reindex failed; still serving generation %s", self._index.generation)
            return ReindexOutcome(summary=None, error=_describe(exc))
        # The old index's snapshot is released when its last in-flight question drops it;
        # then the log can be copied in and start over (`bot.index.wal`).
        self._index = fresh
        await asyncio.to_thread(restart_log, Path(settings.db), fresh)
        log.info("reindexed: generation %s, %s paragraphs", fresh.generation, summary.paragraphs)
        return ReindexOutcome(summary=summary)


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"
