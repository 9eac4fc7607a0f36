"""File operations that never leave half a file: atomic writes, moves, one writer at a time.

Each step either happened completely or not at all, even if the process is killed: a new
file is written under a hidden temporary name, flushed to disk and renamed into place; the
folder is flushed after each rename so the rename itself survives a power cut.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Hidden (the scan skips dot names) and recognisable, so leftovers can be swept.
_TEMP_SUFFIX = ".citebot-tmp"


@contextmanager
def locked(state: Path) -> Iterator[None]:
    """Hold the collection's lock: one add, remove or restore at a time, in any process.

    The operating system releases the lock when its holder dies, so a killed process never
    leaves the collection locked.
    """
    state.mkdir(parents=True, exist_ok=True)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` so that it holds either its previous content or all of `data`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def move(source: Path, target: Path) -> None:
    """Move a file within one collection (one rename: it is in one place or the other)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    sync_folder(target.parent)
    sync_folder(source.parent)


def link_copy(source: Path, target: Path) -> None:
    """Keep a second name for a file about to be replaced (a copy if links are refused)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        write_atomically(target, source.read_bytes())
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, new files) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep_temporary(folder: Path) -> None:
    """Delete temporary files a killed writer left (call while holding the lock)."""
    if not folder.is_dir():
        return
    for path in folder.glob(f".*{_TEMP_SUFFIX}"):
        path.unlink(missing_ok=True)
