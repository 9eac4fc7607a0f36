"""The contextual model's say in ranking, on small indexes (`bot.context_model`).

After the second stage has ordered the candidates, their scores become shares of the best
one's, the best `CONTEXT_DEPTH` of them get `CONTEXT_WEIGHT` times their contextual cosine
with the question, and those are ordered again. Then the reading head
(`bot.rerank.reading`) gives each of them the probability that it answers the question, and
they are ordered a last time by that probability plus `READING_PRIOR` times their place
(1 for the first, falling by 1/`CONTEXT_DEPTH` a place): the head decides where it is sure,
the ranking where it is not.
Only the best few: on the own-words set depth 5, 10 and 30 gave the same Hit@1, and each
passage the model has not read yet costs about 30 ms. Only on indexes of at most
`index_limit()` paragraphs (`DEFAULT_INDEX_LIMIT` unless `CITEBOT_CLOSE_READING_LIMIT` says
otherwise): the question alone costs about 12 ms, more than a whole answer at 100k
paragraphs, and on a large index most candidates are new to the model.

The model's readings of passages are remembered while an index that uses them lives, at most
`CACHE_BYTES` of them in the whole process (the least recently used go first). A reading
depends on the passage's text alone, so the generation that replaces an index (a reindex)
takes up the readings of the paragraphs it kept; those it does not take up are dropped when
the next index of the same database is let go of. A process that reindexes all day holds
the readings of the indexes it serves and of the last generation of each it let go of.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.context_model import ContextModelError, Reading, load_context_model
from bot.index.backend import SearchBackend
from bot.index.search import StoredParagraph
from bot.meaning import passage_text
from bot.rerank.reading import load_reading_head

log = logging.getLogger(__name__)

# The largest weight at which half A of neither own-words nor squadshifts loses Hit@1 (own-words
# alone would take 3, where squadshifts loses 2 points); both halves B gain. Measured with
# benchmarks/context_rerank.py; the table is in the README.
CONTEXT_WEIGHT = 1.5
CONTEXT_DEPTH = 10
# A library of a few hundred articles is read closely: on natural-nq's 7,505 paragraphs this
# took Hit@1 from 0.718 to 0.821 on a sample of its questions, and the time a question from
# 13.6 to 404 ms on 2 cores (each new candidate is read once, about 30 ms).
DEFAULT_INDEX_LIMIT = 10_000
# How much a candidate's place weighs against the head's probability. The smallest weight at
# which no half of any set loses Hit@1 (benchmarks/reading_head.py; the table is in the
# README): below it squadshifts, whose questions reuse the paragraph's words, loses.
READING_PRIOR = 2.0
# About 60 KB a passage of 150 tokens: some 1,600 passages, across all the indexes served.
CACHE_BYTES = 96 * 1024 * 1024

Digest = bytes  # a passage text's blake2b digest


@dataclass(frozen=True)
class CloseReading:
    """What close reading made of one candidate: the reading head's probability that it
    answers the question, and the contextual model's cosine of it with the question (how
    much it is about what is asked). The no-answer rule's evidence (`bot.relevance`)."""

    likelihood: float
    closeness: float


# Process-wide: set once, where the settings are read (`bot.cli`, `bot.discord_app.client`).
_index_limit = DEFAULT_INDEX_LIMIT


def set_index_limit(paragraphs: int) -> None:
    """Read closely only on indexes of at most this many paragraphs (0: never)."""
    global _index_limit
    _index_limit = paragraphs


def index_limit() -> int:
    """The most paragraphs an index may have for its candidates to be read closely."""
    return _index_limit


class _Retired:
    """Readings no live index uses, kept by the lineage (`SearchIndex.lineage`: one database
    across its generations) of the index that let go of them last, until the next index of
    that lineage is let go of. By lineage, so that one collection's reindex does not drop
    what another's next generation has yet to take up."""

    def __init__(self) -> None:
        self._by_lineage: dict[str | None, set[Digest]] = {}
        self._lineage_of: dict[Digest, str | None] = {}

    def take(self, digest: Digest) -> None:
        """The reading is used again, or dropped: it is no longer retired."""
        if digest in self._lineage_of:
            self._by_lineage[self._lineage_of.pop(digest)].discard(digest)

    def replace(self, lineage: str | None, digests: set[Digest]) -> set[Digest]:
        """The lineage's retired readings are now `digests`; returns those they replace,
        which no index took up (to be dropped)."""
        gone = self._by_lineage.pop(lineage, set()) - digests
        for digest in gone:
            del self._lineage_of[digest]
        if digests:
            self._by_lineage[lineage] = digests
        self._lineage_of.update(dict.fromkeys(digests, lineage))
        return gone


class PassageReadings:
    """Passage text -> the model's reading, computed on first use and kept while an index
    that uses it lives, and a while after: the readings an index let go of stay until the
    next index of its lineage is let go of, so that the generation that replaced it (a
    reindex) finds those of the paragraphs it kept. A reading depends on the text alone.
    The least recently used are dropped past `budget` bytes."""

    def __init__(self, read: Callable[[str], Reading], budget: int = CACHE_BYTES) -> None:
        self._read = read
        self._budget = budget
        self._readings: OrderedDict[Digest, Reading] = OrderedDict()
        self._owners: dict[Digest, set[int]] = {}  # the ids of the live indexes that use it
        self._owned: dict[int, set[Digest]] = {}  # an index's id -> the readings it uses
        self._lineages: dict[int, str | None] = {}  # an index's id -> its lineage
        self._retired = _Retired()
        self._bytes = 0
        self._lock = threading.Lock()
        # Ids of indexes freed since the last look. An index is freed by the garbage
        # collector, at whatever allocation triggers it, on whichever thread, possibly one
        # holding `_lock` right here; so its finalizer only notes the id (a deque's append
        # takes no lock of ours) and the readings go at the next `_locked()`. Taking the lock
        # in the finalizer hung an answer thread for good under load.
        self._freed: deque[int] = deque()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Holds the lock, once every index freed so far has let go of its readings."""
        with self._lock:
            if self._freed:
                self._retire()
            yield

    def _retire(self) -> None:
        """The indexes freed let go of their readings: those no live index uses become their
        lineage's retired ones, and the lineage's retired before them that no index took up
        since are dropped."""
        unused: dict[str | None, set[Digest]] = {}
        while self._freed:
            owner_key = self._freed.popleft()
            retiring = unused.setdefault(self._lineages.pop(owner_key, None), set())
            for digest in self._owned.pop(owner_key, set()):
                owners = self._owners[digest]
                owners.discard(owner_key)
                if not owners:
                    del self._owners[digest]
                    retiring.add(digest)
        for lineage, digests in unused.items():
            for digest in self._retired.replace(lineage, digests):
                self._bytes -= self._readings.pop(digest).nbytes

    @property
    def nbytes(self) -> int:
        """Memory held by the readings kept."""
        with self._locked():
            return self._bytes

    def count(self, owner: object) -> int:
        """How many of the readings kept this index uses."""
        with self._locked():
            return len(self._owned.get(id(owner), ()))

    def of(self, owner: object, texts: Sequence[str]) -> list[Reading]:
        """One reading per text, in order, kept at least as long as `owner` (an index) lives."""
        digests = [
            hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()
            for text in texts
        ]
        with self._locked():
            known = {d: self._readings[d] for d in digests if d in self._readings}
            for digest in known:
                self._readings.move_to_end(digest)
                self._use(owner, digest)
        first: dict[Digest, int] = {}  # each unknown text's first place (a text may come twice)
        for i, digest in enumerate(digests):
            if digest not in known:
                first.setdefault(digest, i)
        if first:
            fresh = {digest: self._read(texts[i]) for digest, i in first.items()}
            known.update(fresh)
            self._keep(owner, fresh)
        return [known[digest] for digest in digests]

    def _forget(self, owner_key: int) -> None:
        """The finalizer of an index: it lets go of its readings (see `_freed`)."""
        self._freed.append(owner_key)

    def _use(self, owner: object, digest: Digest) -> None:
        """Notes that `owner` uses this reading (under the lock)."""
        if id(owner) not in self._owned:
            self._owned[id(owner)] = set()
            self._lineages[id(owner)] = getattr(owner, "lineage", None)
            # Runs when the index is freed, before its id can be given to another object
            # (and a new index given the id finds the old one gone, as `_locked` lets go of
            # it before anything else).
            weakref.finalize(owner, self._forget, id(owner))
        self._owned[id(owner)].add(digest)
        self._owners.setdefault(digest, set()).add(id(owner))
        self._retired.take(digest)

    def _keep(self, owner: object, fresh: dict[Digest, Reading]) -> None:
        with self._locked():
            for digest, reading in fresh.items():
                if digest not in self._readings:  # (another thread may have read it too)
                    self._readings[digest] = reading
                    self._bytes += reading.nbytes
                self._use(owner, digest)
            while self._bytes > self._budget and len(self._readings) > 1:
                digest, dropped = self._readings.popitem(last=False)
                for owner_key in self._owners.pop(digest, set()):
                    self._owned[owner_key].discard(digest)
                self._retired.take(digest)
                self._bytes -= dropped.nbytes


def prepare_close_reading(index: SearchBackend) -> None:
    """Load the contextual model and the reading head now (0.6-0.8 s) if this index is read
    closely, so that first questions do not each load them side by side."""
    if index.paragraph_count > _index_limit:
        return
    try:
        load_context_model()
        load_reading_head()
    except ContextModelError as error:
        _warn_once(str(error))


def reorder_by_context(
    question: str,
    ranked: list[tuple[StoredParagraph, float]],
    index: SearchBackend,
    close_readings: dict[int, CloseReading] | None = None,
) -> list[tuple[StoredParagraph, float]]:
    """`ranked` (best first, from `index`) with its head re-scored by the contextual model and
    the reading head, on a small index; unchanged on a large one or when the model cannot be
    loaded. `close_readings`, if given, receives what close reading made of each document it
    read (the no-answer rule's evidence, computed once)."""
    if index.paragraph_count > _index_limit or not ranked or not question.strip():
        return ranked
    try:
        asked = _question(question)
    except ContextModelError as error:
        _warn_once(str(error))
        return ranked
    head, tail = ranked[:CONTEXT_DEPTH], ranked[CONTEXT_DEPTH:]
    texts = [passage_text(p.article.title, p.text) for p, _ in head]
    # By document: the head reads them again after the sort, without rebuilding their texts.
    readings = {p.doc: r for (p, _), r in zip(head, READINGS.of(index, texts), strict=True)}
    # Scores as a share of the best, so that the weight means the same on every question.
    top = ranked[0][1] if ranked[0][1] > 0 else 1.0
    closeness = {p.doc: float(readings[p.doc].vector @ asked.vector) for p, _ in head}
    rescored = [
        (paragraph, score / top + CONTEXT_WEIGHT * closeness[paragraph.doc])
        for paragraph, score in head
    ]
    rescored.sort(key=lambda pair: (-pair[1], pair[0].doc))
    rescored = _read_closely(asked, rescored, readings, closeness, close_readings)
    return rescored + [(paragraph, score / top) for paragraph, score in tail]


def _read_closely(
    asked: Reading,
    ranked: list[tuple[StoredParagraph, float]],
    readings: dict[int, Reading],
    closeness: dict[int, float],
    close_readings: dict[int, CloseReading] | None = None,
) -> list[tuple[StoredParagraph, float]]:
    """`ranked` ordered by the reading head's probability plus the weight of each place."""
    try:
        reader = load_reading_head()
    except ContextModelError as error:
        _warn_once(str(error))
        return ranked
    passages = [readings[paragraph.doc].token_states() for paragraph, _ in ranked]
    answers = reader.likelihoods(asked.token_states(), passages)
    if close_readings is not None:
        close_readings.update(
            (p.doc, CloseReading(float(a), closeness[p.doc]))
            for (p, _), a in zip(ranked, answers, strict=True)
        )
    scored = [
        (paragraph, float(answers[place]) + READING_PRIOR * (1 - place / CONTEXT_DEPTH))
        for place, (paragraph, _) in enumerate(ranked)
    ]
    scored.sort(key=lambda pair: (-pair[1], pair[0].doc))
    return scored


def _read(text: str) -> Reading:
    return load_context_model().read(text)


READINGS = PassageReadings(_read)


@lru_cache(maxsize=256)  # the same question asked again (or paged through) costs nothing
def _question(question: str) -> Reading:
    return _read(question)


@lru_cache(maxsize=1)
def _warn_once(reason: str) -> None:
    log.warning("ranking without the contextual model: %s", reason)
