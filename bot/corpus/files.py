"""Find article files under the corpus folder and read them safely."""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from bot.corpus.model import ArticleError, SkippedFile

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})


@dataclass
class _Scan:
    """Mutable state of one folder walk (never leaves this module)."""

    root: Path
    start: Path
    found: list[Path] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    seen_dirs: set[tuple[int, int]] = field(default_factory=set)
    seen_files: dict[tuple[int, int], Path] = field(default_factory=dict)

    def skip(self, path: Path, reason: str) -> None:
        # Reported relative to the corpus folder: that is how the operator knows the file.
        shown = path.relative_to(self.start) if path.is_relative_to(self.start) else path
        log.debug("skipping %s: %s", shown, reason)
        self.skipped.append(SkippedFile(str(shown), reason))


def find_article_files(root: Path) -> tuple[list[Path], list[SkippedFile]]:
    """List the article files under root (sorted) and the files skipped, with reasons."""
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus path is not a folder: {root}")
    scan = _Scan(root=root.resolve(), start=root)
    st = root.stat()
    scan.seen_dirs.add((st.st_dev, st.st_ino))
    _walk(scan, root)
    return scan.found, scan.skipped


def _walk(scan: _Scan, folder: Path) -> None:
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except PermissionError:
        scan.skip(folder, "cannot read folder: permission denied")
        return
    except OSError as exc:
        scan.skip(folder, f"cannot read folder: {exc.strerror or exc}")
        return
    for name in names:
        if not name.startswith("."):
            _visit(scan, folder / name)


def _visit(scan: _Scan, path: Path) -> None:
    if path.is_symlink() and not _symlink_is_safe(scan, path):
        return
    try:
        st = path.stat()
    except OSError as exc:
        scan.skip(path, f"cannot read: {exc.strerror or exc}")
        return
    key = (st.st_dev, st.st_ino)
    if stat.S_ISDIR(st.st_mode):
        # Tracking (device, inode) of every folder entered is what stops symlink loops.
        if key in scan.seen_dirs:
            scan.skip(path, "symbolic link to a folder already scanned")
            return
        scan.seen_dirs.add(key)
        _walk(scan, path)
    elif not stat.S_ISREG(st.st_mode):
        scan.skip(path, "not a regular file")
    elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
        scan.skip(path, _unsupported_reason(path))
    elif key in scan.seen_files:
        scan.skip(path, f"same file as {scan.seen_files[key]}")
    else:
        scan.seen_files[key] = path
        scan.found.append(path)


def _symlink_is_safe(scan: _Scan, path: Path) -> bool:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        # Python 3.11 raises RuntimeError on a loop, later versions OSError (ELOOP).
        scan.skip(path, "broken or looping symbolic link")
        return False
    if not target.is_relative_to(scan.root):
        scan.skip(path, "symbolic link leads outside the corpus folder")
        return False
    return True


def _unsupported_reason(path: Path) -> str:
    if not path.suffix:
        return "unsupported file type (no extension)"
    return f"unsupported file type {path.suffix}"


def article_id_for(relative: Path) -> str:
    """The stable id of an article: its path under the corpus folder, without extension,
    '/'-separated."""
    return relative.with_suffix("").as_posix()


def read_article_file(path: Path, max_bytes: int | None = None) -> bytes:
    """Read an article file's bytes, refusing files over max_bytes (MAX_FILE_BYTES)."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        # O_NONBLOCK so that opening a named pipe cannot hang; fstat then rejects it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ArticleError("not a regular file")
            # Read one byte past the limit: the size from stat may be stale or absent.
            data = handle.read(limit + 1)
    except PermissionError as exc:
        raise ArticleError("permission denied") from exc
    except FileNotFoundError as exc:
        raise ArticleError("file vanished while reading") from exc
    except IsADirectoryError as exc:
        raise ArticleError("not a regular file") from exc
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise ArticleError(f"larger than the {_size_text(limit)} limit")
    return data


def _size_text(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"
