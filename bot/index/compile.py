"""Turn the stored per-article term counts into term-major postings for fast scoring.

Paragraphs are numbered in (article id, position) order, so each article's paragraphs form
one contiguous range of document numbers: restricting a question to one article is a slice.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.index.bm25 import Postings
from bot.index.store import UINT32, read_array, write_compiled

U32 = npt.NDArray[np.uint32]
_ARRAYS = {"ptr": "<i8", "docs": "<u4", "tfs": "<u4", "doc_lengths": "<u4"}

# Term frequencies are stored in the narrowest of these that holds the largest: nearly
# always one byte, which at a million paragraphs reads 210 MB less at start-up and keeps
# that much less in memory. The width is the array's size over the number of postings.
_TF_TYPES = (np.dtype("<u1"), np.dtype("<u2"), np.dtype("<u4"))


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
        # copy=False: the arrays already have these types, and a copy of docs and tfs would
        # double the memory the save needs.
        typed = {name: arrays[name].astype(_ARRAYS[name], copy=False) for name in _ARRAYS}
        typed["tfs"] = p.tfs.astype(narrowest_tf_type(p.tfs), copy=False)
        write_compiled(conn, typed)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> Compiled:
        """The inverse of `save`."""
        stored = {**_ARRAYS, "tfs": "<u1"}  # bytes first: the width is known from their number
        arrays = {name: read_array(conn, name, dtype) for name, dtype in stored.items()}
        postings = Postings(
            ptr=arrays["ptr"].astype(np.int64, copy=False),
            docs=arrays["docs"].astype(np.uint32, copy=False),
            tfs=arrays["tfs"].view(_tf_type_of(arrays["tfs"], arrays["docs"])),
            doc_lengths=arrays["doc_lengths"].astype(np.uint32, copy=False),
        )
        return cls(postings=postings)


def narrowest_tf_type(tfs: npt.NDArray[np.unsignedinteger[Any]]) -> np.dtype[Any]:
    largest = int(tfs.max()) if len(tfs) else 0
    return next(t for t in _TF_TYPES if largest <= np.iinfo(t).max)


def _tf_type_of(tfs: npt.NDArray[Any], docs: npt.NDArray[Any]) -> np.dtype[Any]:
    """The stored width of the term frequencies: their bytes per posting."""
    width = tfs.nbytes // len(docs) if len(docs) else 1
    return next(t for t in _TF_TYPES if t.itemsize == width)


def compile_postings(conn: sqlite3.Connection) -> Compiled:
    """Build the postings of every stored paragraph (inside the caller's transaction).

    The same packed-key sort as `transpose`, built in place from one column of the
    per-article analyses at a time: at a million paragraphs (67 million postings) every
    byte per posting is 67 MB. Compiling and saving the 100k benchmark index (6.7 million
    postings) peaks 173 MB over the process's size, against 330 MB through `transpose`.
    """
    term_count = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
    lengths = _column(conn, "lengths")
    tfs = _column(conn, "tfs")
    max_tf = int(tfs.max()) if len(tfs) else 0
    term_bits, doc_bits, tf_bits = _bits(term_count), _bits(len(lengths)), _bits(max_tf)
    if term_bits + doc_bits + tf_bits > 64:
        docs = np.repeat(np.arange(len(lengths), dtype=np.uint32), _column(conn, "counts"))
        return Compiled(transpose(_column(conn, "term_ids"), docs, tfs, lengths, term_count))
    # key = term << (doc_bits + tf_bits) | doc << tf_bits | tf, as in `_sort_by_term_then_doc`
    doc_keys = np.arange(len(lengths), dtype=np.uint64) << np.uint64(tf_bits)
    keys = np.repeat(doc_keys, _column(conn, "counts"))
    keys |= tfs
    del tfs
    terms = _column(conn, "term_ids")
    ptr = np.zeros(term_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=term_count), out=ptr[1:])
    term_keys = terms.astype(np.uint64)
    del terms
    term_keys <<= np.uint64(doc_bits + tf_bits)
    keys |= term_keys
    del term_keys
    keys.sort()
    sorted_tfs = (keys & np.uint64((1 << tf_bits) - 1)).astype(np.uint32)
    keys >>= np.uint64(tf_bits)
    keys &= np.uint64((1 << doc_bits) - 1)
    postings = Postings(ptr=ptr, docs=keys.astype(np.uint32), tfs=sorted_tfs, doc_lengths=lengths)
    return Compiled(postings=postings)


def _column(conn: sqlite3.Connection, name: str) -> U32:
    """One column of `analyses`, every article's blob joined in document order."""
    query = f"SELECT {name} FROM analyses ORDER BY article_id"  # name: one of ours, not input
    return np.frombuffer(b"".join(blob for (blob,) in conn.execute(query)), dtype=UINT32)


def article_layout(conn: sqlite3.Connection) -> dict[str, int]:
    """Each article's paragraph count, in document order (articles by id)."""
    rows = conn.execute("SELECT id, paragraph_count FROM articles ORDER BY id").fetchall()
    return dict(rows)


def patch_postings(
    conn: sqlite3.Connection,
    before: dict[str, int],
    after: dict[str, int],
    touched: set[str],
    stored: Postings | None = None,
) -> Compiled:
    """The postings after a small change, from the stored ones (inside the transaction).

    `before` is `article_layout` as the stored postings were built, `after` as it is now;
    `touched` the articles added, changed or removed since. The result equals
    `compile_postings`' (tests check it), but only the touched articles are read and only
    their postings sorted: the rest keep their order, their documents renumbered where
    earlier articles grew or shrank. No key is packed per posting and the old arrays go as
    soon as they are filtered, since the bot patches while it serves (one changed article in
    the 100k benchmark index: the process peaks at 310 MB, 495 MB with packed keys).
    `stored`, when given, are the stored postings already in memory (a fleet process holds
    them in the generation it serves), which are then not read again.
    """
    term_count = int(conn.execute("SELECT count(*) FROM terms").fetchone()[0])
    new_start = dict(zip(after, np.cumsum([0, *after.values()]).tolist(), strict=False))
    remap = _renumbering(before, after, new_start, touched)
    lengths = np.zeros(sum(after.values()), dtype=np.uint32)
    old = stored if stored is not None else Compiled.load(conn).postings
    lengths[remap[remap >= 0]] = old.doc_lengths[remap >= 0]
    ptr, docs, tfs = _kept_postings(old, remap, term_count)
    del old
    added = _touched_postings(conn, new_start, touched, lengths)
    if len(added[0]):
        ptr, docs, tfs = _merge(ptr, docs, tfs, added)
    return Compiled(postings=Postings(ptr=ptr, docs=docs, tfs=tfs, doc_lengths=lengths))


def _kept_postings(
    old: Postings, remap: npt.NDArray[np.int32], term_count: int
) -> tuple[npt.NDArray[np.int64], U32, U32]:
    """The untouched articles' postings, renumbered, still term-major, with their pointers."""
    new_docs = remap[old.docs]
    kept = new_docs >= 0
    # Each pointer moves back by the postings dropped before it: few, so counted by a search
    # (a running count over every posting took most of an add's patch at 100k paragraphs).
    dropped = np.flatnonzero(~kept)
    ptr = old.ptr - np.searchsorted(dropped, old.ptr) if len(dropped) else old.ptr.copy()
    # Terms first seen in this change have no postings yet.
    ptr = np.concatenate((ptr, np.full(term_count + 1 - len(ptr), ptr[-1], dtype=np.int64)))
    if not len(dropped):
        return ptr, new_docs.view(np.uint32), old.tfs
    return ptr, new_docs[kept].view(np.uint32), old.tfs[kept]


def _touched_postings(
    conn: sqlite3.Connection, new_start: dict[str, int], touched: set[str], lengths: U32
) -> tuple[U32, U32, U32]:
    """(term, doc, tf) of the touched articles still present; fills in their lengths."""
    terms, docs, tfs = ([np.zeros(0, dtype=np.uint32)] for _ in range(3))
    for article_id in sorted(a for a in touched if a in new_start):
        start = new_start[article_id]
        row = conn.execute(
            "SELECT lengths, counts, term_ids, tfs FROM analyses WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        a_lengths, a_counts, a_terms, a_tfs = (np.frombuffer(b, dtype=UINT32) for b in row)
        lengths[start : start + len(a_lengths)] = a_lengths
        terms.append(a_terms)
        docs.append(start + np.repeat(np.arange(len(a_lengths), dtype=np.uint32), a_counts))
        tfs.append(a_tfs)
    return np.concatenate(terms), np.concatenate(docs), np.concatenate(tfs)


def _renumbering(
    before: dict[str, int], after: dict[str, int], new_start: dict[str, int], touched: set[str]
) -> npt.NDArray[np.int32]:
    """Old document number -> new one, or -1 for the paragraphs of touched articles."""
    counts = np.fromiter(before.values(), dtype=np.int64, count=len(before))
    old_start = np.cumsum(counts) - counts
    kept = [a not in touched and a in after for a in before]
    starts = [new_start[a] if keep else 0 for a, keep in zip(before, kept, strict=True)]
    shift: npt.NDArray[np.int64] = np.array(starts, dtype=np.int64) - old_start
    remap: npt.NDArray[np.int64] = np.arange(int(counts.sum()), dtype=np.int64)
    remap += np.repeat(shift, counts)
    remap[np.repeat(~np.array(kept, dtype=bool), counts)] = -1
    return remap.astype(np.int32)  # documents are numbered in uint32 everywhere


def _merge(
    ptr: npt.NDArray[np.int64], docs: U32, tfs: U32, added: tuple[U32, U32, U32]
) -> tuple[npt.NDArray[np.int64], U32, U32]:
    """Term-major postings plus (term, doc, tf) ones in any order, merged in (term, doc) order."""
    added_terms, added_docs, added_tfs = added
    order = np.lexsort((added_docs, added_terms))
    added_terms, added_docs, added_tfs = added_terms[order], added_docs[order], added_tfs[order]
    # Where each added posting lands among the kept ones: per term, a search in its docs.
    within = np.empty(len(order), dtype=np.int64)
    bounds = np.flatnonzero(np.diff(added_terms, prepend=-1, append=-1))
    for first, last in itertools.pairwise(bounds):
        term = int(added_terms[first])
        term_docs = docs[ptr[term] : ptr[term + 1]]
        within[first:last] = ptr[term] + np.searchsorted(term_docs, added_docs[first:last])
    at = within + np.arange(len(order))  # after the added postings before it, too
    from_kept = np.ones(len(docs) + len(order), dtype=bool)
    from_kept[at] = False
    merged = []
    for kept_column, added_column in ((docs, added_docs), (tfs, added_tfs)):
        column = np.empty(len(from_kept), dtype=np.uint32)
        column[from_kept] = kept_column
        column[at] = added_column
        merged.append(column)
    added_before = np.zeros(len(ptr), dtype=np.int64)
    np.cumsum(np.bincount(added_terms, minlength=len(ptr) - 1), out=added_before[1:])
    return ptr + added_before, merged[0], merged[1]


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
