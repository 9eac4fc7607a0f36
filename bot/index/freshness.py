"""Whether the corpus folder changed after the index was last written."""

from __future__ import annotations

import os
from pathlib import Path


def corpus_is_newer(corpus: Path, db: Path) -> bool:
    """Whether a file or folder under `corpus` changed after the last reindex compared it.

    Adding, removing or renaming an article changes its folder; writing one changes the
    file. Both times count (modified and changed), so a copy that keeps an old modification
    time still counts. Only what `citebot index` would look at needs to be checked (hidden
    names are not: a collection's trash and lock live in `.citebot/`), but a walk of the
    folder is cheap next to reading any file.
    """
    written = last_written(db)
    own = {os.path.abspath(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    return written is None or _changed_after(corpus, written, own)


def last_written(db: Path) -> int | None:
    """When the corpus was last compared with the index: the index file's modification
    time, which every reindex sets to the moment it started reading the corpus (its
    write-ahead log is left out: readers may create one)."""
    try:
        return os.stat(db).st_mtime_ns
    except OSError:
        return None


def _changed_after(folder: Path, moment: int, own: set[str]) -> bool:
    """Whether anything under `folder` but the index's own files changed after `moment`."""
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        try:
            if _changed(os.stat(current)) > moment and not _holds(current, own):
                return True
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue  # never read as articles (`.citebot/`, temporary files)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif _changed(entry.stat()) > moment and os.path.abspath(entry) not in own:
                        return True
        except OSError:
            continue  # unreadable or gone: the reindex reports it
    return False


def changes_after(folder: Path, moment: int, db: Path) -> set[str]:
    """Every entry under `folder` (files and folders, as absolute paths) that changed after
    `moment`, but the index's own files and what the scan never reads (hidden names)."""
    own = {os.path.abspath(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    found: set[str] = set()
    # Joined to an absolute, normal folder, every entry's path is absolute and normal too.
    pending = [os.path.abspath(folder)]
    while pending:
        current = pending.pop()
        try:
            if _changed(os.stat(current)) > moment and not _holds(current, own):
                found.add(current)
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or entry.path in own:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif _changed(entry.stat()) > moment:
                        found.add(entry.path)
        except OSError:
            found.add(current)  # unreadable or gone: a full reindex says what happened
    return found


def _changed(status: os.stat_result) -> int:
    return max(status.st_mtime_ns, status.st_ctime_ns)


def _holds(folder: str, own: set[str]) -> bool:
    """Whether the folder holds the index (whose writes change the folder's times)."""
    return any(os.path.dirname(path) == os.path.abspath(folder) for path in own)
