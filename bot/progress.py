"""A small progress bar for the terminal (nothing when output is not a terminal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

WIDTH = 30


def terminal_progress(stream: TextIO) -> Callable[[int, int], None] | None:
    """A callback drawing `[=====     ] 12/40 files` on `stream` if it is a terminal."""
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        filled = WIDTH * done // total if total else WIDTH
        stream.write(f"\r[{'=' * filled}{' ' * (WIDTH - filled)}] {done}/{total} files")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return draw
