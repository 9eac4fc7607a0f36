"""Turn the stored per-paragraph term counts into term-major postings for fast scoring.

Paragraphs are numbered in (article id, position) order, so each article's paragraphs form
one contiguous range of document numbers: restricting a question to one article is a slice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.index.bm25 import Postings
from bot.index.store import from_blob, to_blob

U32 = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class Compiled:
    """Postings plus the database id of each document number."""

    postings: Postings
    paragraph_ids: npt.NDArray[np.int64]

    @property
    def paragraph_count(self) -> int:
        """Number of indexed paragraphs."""
        return self.postings.doc_count

    def blobs(self) -> dict[str, bytes]:
        """The arrays as named blobs for the `compiled` table."""
        p = self.postings
        return {
            "ptr": p.ptr.astype("<i8").tobytes(),
            "docs": to_blob(p.docs),
            "tfs": to_blob(p.tfs),
            "doc_lengths": to_blob(p.doc_lengths),
            "paragraph_ids": self.paragraph_ids.astype("<i8").tobytes(),
        }

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes]) -> Compiled:
        """The inverse of `blobs`."""
        postings = Postings(
            ptr=np.frombuffer(blobs["ptr"], dtype="<i8").astype(np.int64),
            docs=from_blob(blobs["docs"]),
            tfs=from_blob(blobs["tfs"]),
            doc_lengths=from_blob(blobs["doc_lengths"]),
        )
        ids = np.frombuffer(blobs["paragraph_ids"], dtype="<i8").astype(np.int64)
        return cls(postings=postings, paragraph_ids=ids)


def compile_postings(conn: sqlite3.Connection) -> Compiled:
    """Build the postings of every stored paragraph (inside the caller's transaction)."""
    term_count = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
    rows = conn.execute(
        "SELECT id, length, term_ids, tfs FROM paragraphs ORDER BY article_id, position"
    ).fetchall()
    paragraph_ids = np.array([row[0] for row in rows], dtype=np.int64)
    lengths = np.array([row[1] for row in rows], dtype=np.uint32)
    per_doc_terms = [from_blob(row[2]) for row in rows]
    per_doc_tfs = [from_blob(row[3]) for row in rows]
    return Compiled(
        postings=term_major(per_doc_terms, per_doc_tfs, lengths, term_count),
        paragraph_ids=paragraph_ids,
    )


def term_major(terms: list[U32], tfs: list[U32], lengths: U32, term_count: int) -> Postings:
    """Transpose per-document (term, tf) lists into per-term (document, tf) postings."""
    counts = np.array([len(t) for t in terms], dtype=np.int64)
    all_terms = np.concatenate(terms) if terms else np.zeros(0, dtype=np.uint32)
    all_tfs = np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.uint32)
    all_docs = np.repeat(np.arange(len(terms), dtype=np.uint32), counts)
    order = np.argsort(all_terms, kind="stable")
    ptr = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_terms, minlength=term_count), out=ptr[1:])
    return Postings(
        ptr=ptr,
        docs=all_docs[order],
        tfs=all_tfs[order],
        doc_lengths=np.asarray(lengths, dtype=np.uint32),
    )
