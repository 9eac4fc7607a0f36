"""A fleet process's upkeep around its moves: loading what analysing needs before the first
one, and handing the memory a released generation leaves behind back to the system."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.fleet.memory import _malloc_trim, release_freed_memory

PROBE = """
from bot import meaning, text
from bot.fleet.warm_up import warm_up
before = (text._irregular_lemmas.cache_info().currsize, meaning.load_embedder.cache_info().currsize)
warm_up()
after = (text._irregular_lemmas.cache_info().currsize, meaning.load_embedder.cache_info().currsize)
print(before, after)
"""


def test_warming_up_loads_the_lemma_tables_and_the_meaning_model():
    # In a process of its own: this one may have loaded them already.
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.split("\n")[0] == "(0, 0) (1, 1)"


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(_malloc_trim() is None, reason="malloc_trim is glibc's")
def test_freed_heap_memory_goes_back_to_the_system():
    # 2 KB blocks come from the heap (under the mmap threshold, over Python's small-object
    # allocator); one block kept after them stops free() from shrinking the heap itself.
    blocks = [bytes(2048 - 40) + i.to_bytes(4, "little") for i in range(60_000)]
    keeper = bytes(2048 - 40) + b"keep"
    before = _resident_mb()
    del blocks
    freed = _resident_mb()
    release_freed_memory()
    after = _resident_mb()
    assert before - freed < 40  # free() alone keeps most of the ~120 MB
    assert freed - after > 60  # malloc_trim hands it back
    assert keeper
