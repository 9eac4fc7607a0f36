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


def article_layout(conn: sqlite3.Connection) -> dict[str, int]:
    """Each article's paragraph count, in document order (articles by id)."""
    rows = conn.execute("SELECT id, paragraph_count FROM articles ORDER BY id").fetchall()
    return dict(rows)


def patch_postings(
    conn: sqlite3.Connection, before: dict[str, int], after: dict[str, int], touched: set[str]
) -> Compiled:
    """The postings after a small change, from the stored ones (inside the transaction).

    `before` is `article_layout` as the stored postings were built, `after` as it is now;
    `touched` the articles added, changed or removed since. The result equals
    `compile_postings`' (tests check it), but only the touched articles are read and only
    their postings sorted: the rest keep their order, their documents renumbered where
    earlier articles grew or shrank.
    """
    old = Compiled.load(conn).postings
    term_count = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
    new_start = dict(zip(after, np.cumsum([0, *after.values()]).tolist(), strict=False))
    remap = _renumbering(before, after, new_start, touched)
    old_terms = np.repeat(np.arange(len(old.ptr) - 1, dtype=np.uint32), np.diff(old.ptr))
    new_docs = remap[old.docs]
    kept = new_docs >= 0
    terms, docs, tfs = old_terms[kept], new_docs[kept].astype(np.uint32), old.tfs[kept]
    lengths = np.zeros(sum(after.values()), dtype=np.uint32)
    lengths[remap[remap >= 0]] = old.doc_lengths[remap >= 0]
    added_terms, added_docs, added_tfs = [], [], []
    for article_id, start in ((a, new_start[a]) for a in sorted(touched) if a in after):
        row = conn.execute(
            "SELECT lengths, counts, term_ids, tfs FROM analyses WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        a_lengths, a_counts, a_terms, a_tfs = (np.frombuffer(b, dtype=UINT32) for b in row)
        lengths[start : start + len(a_lengths)] = a_lengths
        added_terms.append(a_terms)
        added_docs.append(start + np.repeat(np.arange(len(a_lengths), dtype=np.uint32), a_counts))
        added_tfs.append(a_tfs)
    if added_terms:
        terms, docs, tfs = _merge(
            (terms, docs, tfs),
            (np.concatenate(added_terms), np.concatenate(added_docs), np.concatenate(added_tfs)),
        )
    ptr = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=term_count), out=ptr[1:])
    return Compiled(postings=Postings(ptr=ptr, docs=docs, tfs=tfs, doc_lengths=lengths))


def _renumbering(
    before: dict[str, int], after: dict[str, int], new_start: dict[str, int], touched: set[str]
) -> npt.NDArray[np.int64]:
    """Old document number -> new one, or -1 for the paragraphs of touched articles."""
    counts = np.fromiter(before.values(), dtype=np.int64, count=len(before))
    old_start = np.cumsum(counts) - counts
    kept = [a not in touched and a in after for a in before]
    starts = [new_start[a] if keep else 0 for a, keep in zip(before, kept, strict=True)]
    shift: npt.NDArray[np.int64] = np.array(starts, dtype=np.int64) - old_start
    remap: npt.NDArray[np.int64] = np.arange(int(counts.sum()), dtype=np.int64)
    remap += np.repeat(shift, counts)
    remap[np.repeat(~np.array(kept, dtype=bool), counts)] = -1
    return remap


def _merge(kept: tuple[U32, U32, U32], added: tuple[U32, U32, U32]) -> tuple[U32, U32, U32]:
    """Kept postings, in (term, doc) order, and added ones in any order: one sorted set."""
    kept_keys = (kept[0].astype(np.uint64) << np.uint64(32)) | kept[1]
    added_keys = (added[0].astype(np.uint64) << np.uint64(32)) | added[1]
    order = np.argsort(added_keys, kind="stable")
    # Where each added posting lands: after the kept ones before it and the added ones before.
    at = np.searchsorted(kept_keys, added_keys[order]) + np.arange(len(order))
    from_kept = np.ones(len(kept_keys) + len(order), dtype=bool)
    from_kept[at] = False
    merged = []
    for kept_column, added_column in zip(kept, added, strict=True):
        column = np.empty(len(from_kept), dtype=np.uint32)
        column[from_kept] = kept_column
        column[at] = added_column[order]
        merged.append(column)
    return merged[0], merged[1], merged[2]


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
