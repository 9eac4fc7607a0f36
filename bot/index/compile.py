"""Turn the stored per-article term counts into term-major postings for fast scoring.

Paragraphs are numbered in (article id, position) order, so each article's paragraphs form
one contiguous range of document numbers: restricting a question to one article is a slice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.index.bm25 import Postings
from bot.index.store import UINT32, read_array, write_compiled

U32 = npt.NDArray[np.uint32]
_ARRAYS = {"ptr": "<i8", "docs": "<u4", "tfs": "<u4", "doc_lengths": "<u4"}


@dataclass(frozen=True)
class Compiled:
    """The postings of every paragraph of one index generation."""

    postings: Postings

    @property
    def paragraph_count(self) -> int:
        """Number of indexed paragraphs."""
        return self.postings.doc_count

    def save(self, conn: sqlite3.Connection) -> None:
        """Write the arrays to the `compiled` table (inside the caller's transaction)."""
        p = self.postings
        arrays: dict[str, npt.NDArray[np.generic]] = {
            "ptr": p.ptr,
            "docs": p.docs,
            "tfs": p.tfs,
            "doc_lengths": p.doc_lengths,
        }
        write_compiled(conn, {name: arrays[name].astype(_ARRAYS[name]) for name in _ARRAYS})

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Compiled:
        """The inverse of `save`."""
        arrays = {name: read_array(conn, name, dtype) for name, dtype in _ARRAYS.items()}
        postings = Postings(
            ptr=arrays["ptr"].astype(np.int64, copy=False),
            docs=arrays["docs"].astype(np.uint32, copy=False),
            tfs=arrays["tfs"].astype(np.uint32, copy=False),
            doc_lengths=arrays["doc_lengths"].astype(np.uint32, copy=False),
        )
        return cls(postings=postings)


def compile_postings(conn: sqlite3.Connection) -> Compiled:
    """Build the postings of every stored paragraph (inside the caller's transaction)."""
    term_count = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
    rows = conn.execute(
        "SELECT lengths, counts, term_ids, tfs FROM analyses ORDER BY article_id"
    ).fetchall()
    # One join and one frombuffer per column: no Python-level loop over paragraphs.
    lengths, counts, terms, tfs = (
        np.frombuffer(b"".join(row[i] for row in rows), dtype=UINT32) for i in range(4)
    )
    docs = np.repeat(np.arange(len(lengths), dtype=np.uint32), counts)
    return Compiled(postings=transpose(terms, docs, tfs, lengths, term_count))


def term_major(terms: list[U32], tfs: list[U32], lengths: U32, term_count: int) -> Postings:
    """Transpose per-document (term, tf) lists into per-term (document, tf) postings."""
    counts = np.array([len(t) for t in terms], dtype=np.int64)
    all_terms = np.concatenate(terms) if terms else np.zeros(0, dtype=np.uint32)
    all_tfs = np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.uint32)
    all_docs = np.repeat(np.arange(len(terms), dtype=np.uint32), counts)
    return transpose(all_terms, all_docs, all_tfs, np.asarray(lengths), term_count)


def transpose(terms: U32, docs: U32, tfs: U32, lengths: U32, term_count: int) -> Postings:
    """Postings from parallel (term, doc, tf) arrays with docs ascending."""
    ptr = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=term_count), out=ptr[1:])
    new_docs, new_tfs = _sort_by_term_then_doc(terms, docs, tfs, term_count, len(lengths))
    return Postings(
        ptr=ptr,
        docs=np.ascontiguousarray(new_docs, dtype=np.uint32),
        tfs=np.ascontiguousarray(new_tfs, dtype=np.uint32),
        doc_lengths=np.asarray(lengths, dtype=np.uint32),
    )


def _bits(n: int) -> int:
    return max(int(n).bit_length(), 1)


def _sort_by_term_then_doc(
    terms: U32, docs: U32, tfs: U32, term_count: int, doc_count: int
) -> tuple[U32, U32]:
    """(docs, tfs) ordered by term, then doc (docs arrive ascending).

    Packing term, doc and tf into one uint64 and sorting the keys is about twice as fast as
    a stable argsort of the terms and needs no gather afterwards; (term, doc) pairs are
    unique, so the result is the same as the stable sort's.
    """
    max_tf = int(tfs.max()) if len(tfs) else 0
    term_bits, doc_bits, tf_bits = _bits(term_count), _bits(doc_count), _bits(max_tf)
    if term_bits + doc_bits + tf_bits > 64:
        order = np.argsort(terms, kind="stable")
        return docs[order], tfs[order]
    keys = terms.astype(np.uint64) << np.uint64(doc_bits + tf_bits)
    keys |= docs.astype(np.uint64) << np.uint64(tf_bits)
    keys |= tfs.astype(np.uint64)
    keys.sort()
    tf_mask = np.uint64((1 << tf_bits) - 1)
    doc_mask = np.uint64((1 << doc_bits) - 1)
    sorted_docs = ((keys >> np.uint64(tf_bits)) & doc_mask).astype(np.uint32)
    sorted_tfs = (keys & tf_mask).astype(np.uint32)
    return sorted_docs, sorted_tfs
