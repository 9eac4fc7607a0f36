"""Reading a new generation of an index while keeping what the served one already holds.

After one article is added to a 100k-paragraph collection, reading the new generation whole
spent most of its time on the 290k terms and the 100k meaning vectors, nearly all of them
the same as in the generation being served. Within one lineage of the database (see
`store.ensure_schema`) term ids only grow, and an article's vectors depend only on its
file's bytes (the analyzer and the model are part of the format), so the terms past the
served ones and the vectors of the articles whose file changed are all that is read.

A fleet process goes further after a targeted reindex of the articles a move changed
(`bot.index.targeted.reindex_moved`): the postings are patched from the served generation's
in memory, when the database still holds exactly that generation, and the patched ones are
served as written instead of being read back (at 100k paragraphs, 40 MB read twice a move).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot import meaning
from bot.index import store
from bot.index.bm25 import Postings
from bot.index.compile import Compiled
from bot.meaning import Vectors


class Placed(Protocol):
    """Where an article's paragraphs sit among the document numbers of a generation."""

    @property
    def id(self) -> str: ...

    @property
    def first_doc(self) -> int: ...

    @property
    def paragraph_count(self) -> int: ...


@dataclass(frozen=True)
class Held:
    """What a served generation holds that the next one may keep."""

    lineage: str | None
    vocabulary: dict[str, int]
    digests: Mapping[str, str]  # article id -> sha256 of the file it was read from
    layout: Mapping[str, Placed]
    vectors: Vectors | None
    generation: int | None = None  # the index generation held, and its postings
    postings: Postings | None = None


@dataclass(frozen=True)
class Written:
    """The postings a reindex wrote as index generation `generation` of its lineage."""

    lineage: str | None
    generation: int
    compiled: Compiled


def stored_postings(meta: Mapping[str, str], held: Held | None) -> Postings | None:
    """The held postings, if the database (its `meta`) holds exactly their generation."""
    if held is None or held.postings is None or held.generation is None:
        return None
    return held.postings if _is(meta, held.lineage, held.generation) else None


def written_compiled(meta: Mapping[str, str], written: Written | None) -> Compiled | None:
    """The postings written, if the database (its `meta`) holds exactly their generation."""
    if written is None or not _is(meta, written.lineage, written.generation):
        return None
    return written.compiled


def _is(meta: Mapping[str, str], lineage: str | None, generation: int) -> bool:
    # Without a lineage, generation numbers may repeat (an index older than lineages).
    return lineage is not None and (meta.get("lineage"), meta.get("generation")) == (
        lineage,
        str(generation),
    )


def read_digests(conn: sqlite3.Connection) -> dict[str, str]:
    """Each article's file digest, as indexed."""
    return dict(conn.execute("SELECT article_id, sha256 FROM files").fetchall())


def keeps(held: Held | None, lineage: str | None) -> Held | None:
    """`held`, if it belongs to the same lineage as the generation being read."""
    if held is None or lineage is None or held.lineage != lineage:
        return None
    return held


def read_vocabulary(conn: sqlite3.Connection, held: Held | None) -> dict[str, int]:
    """Term -> id: the held terms plus those added since, or all of them read afresh."""
    known = held.vocabulary if held is not None else {}
    if not known or not _extends(conn, known):
        return dict(conn.execute("SELECT term, id FROM terms").fetchall())
    vocabulary = dict(known)
    vocabulary.update(
        conn.execute("SELECT term, id FROM terms WHERE id >= ?", (len(known),)).fetchall()
    )
    return vocabulary


def _extends(conn: sqlite3.Connection, known: dict[str, int]) -> bool:
    """Whether the stored terms begin with the known ones (ids are dense from 0), checked on
    the last of them: enough within a lineage, where terms are only ever appended; a copy of
    the database put back from a backup is a different file but may keep its lineage, and
    will differ there unless it grew to the same term by chance."""
    last = len(known) - 1
    row = conn.execute("SELECT term FROM terms WHERE id = ?", (last,)).fetchone()
    return row is not None and known.get(row[0]) == last


def read_vectors(
    conn: sqlite3.Connection,
    articles: Sequence[Placed],
    digests: Mapping[str, str],
    held: Held | None,
) -> Vectors:
    """Every paragraph's vector in document order: the held rows of each article whose file
    is unchanged, the others read from the database."""
    count = sum(a.paragraph_count for a in articles)
    out = np.empty((count, meaning.DIMENSIONS), dtype=np.float16)
    missing: list[Placed] = []
    runs: list[list[int]] = []  # [new first doc, held first doc, paragraphs]: one copy each
    for article in articles:
        source = _held_start(held, article, digests.get(article.id))
        if source is None:
            missing.append(article)
        elif (
            runs
            and runs[-1][0] + runs[-1][2] == article.first_doc
            and (runs[-1][1] + runs[-1][2] == source)
        ):
            runs[-1][2] += article.paragraph_count
        else:
            runs.append([article.first_doc, source, article.paragraph_count])
    if runs:
        assert held is not None and held.vectors is not None
        for first, source, paragraphs in runs:
            out[first : first + paragraphs] = held.vectors[source : source + paragraphs]
    _read_into(conn, out, missing)
    return out


def _held_start(held: Held | None, article: Placed, digest: str | None) -> int | None:
    """Where the held vectors hold this article's rows, if its file is unchanged."""
    if held is None or held.vectors is None or digest is None:
        return None
    where = held.layout.get(article.id)
    if where is None or held.digests.get(article.id) != digest:
        return None
    if where.paragraph_count != article.paragraph_count:
        return None
    return where.first_doc


# Articles read per query (well under SQLite's bound-parameter limit).
_BATCH = 500


def _read_into(conn: sqlite3.Connection, out: Vectors, articles: list[Placed]) -> None:
    for start in range(0, len(articles), _BATCH):
        batch = {a.id: a for a in articles[start : start + _BATCH]}
        marks = ",".join("?" * len(batch))
        query = f"SELECT article_id, data FROM vectors WHERE article_id IN ({marks})"
        found = 0
        for article_id, blob in conn.execute(query, list(batch)):
            article, rows = batch[article_id], meaning.from_blob(blob)
            if len(rows) != article.paragraph_count:
                raise store.StoreError(
                    f"the index holds {len(rows)} vectors for the"
                    f" {article.paragraph_count} paragraphs of {article_id}"
                )
            out[article.first_doc : article.first_doc + len(rows)] = rows
            found += 1
        if found != len(batch):
            raise store.StoreError("the index holds no meaning vectors for some articles")
