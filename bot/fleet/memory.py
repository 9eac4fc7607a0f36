"""Handing the memory of a released generation back to the system.

After each move the previous generation's arrays are freed, but glibc keeps most of them:
arrays under its adaptive mmap threshold (up to 32 MB: at 100k paragraphs the postings'
documents, term frequencies and pointers) come from the heap, and freed heap pages stay
with the process. A fleet process serving the 100k benchmark collection grew by about 27 MB
a move on average this way (543 to 680 MB over six moves; with every index released
afterwards, 402 MB were still resident, 213 MB once trimmed). `malloc_trim(0)` returns
every free page, wherever in the heap it lies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def release_freed_memory() -> None:
    """Return the freed heap pages to the system (glibc only; elsewhere nothing is done)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): nothing to do
        log.debug("malloc_trim is not available here (%s)", name)
        return None
    return trim
