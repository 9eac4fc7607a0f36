"""Scanning the corpus folder and reading files: what is found, skipped and why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import bot.corpus.files
from bot.corpus import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    ArticleError,
    article_id_for,
    find_article_files,
    read_article_file,
)


def write(path: Path, text: str = "Title\n\nBody.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def reasons(root: Path) -> dict[str, str]:
    _, skipped = find_article_files(root)
    return {Path(s.path).as_posix(): s.reason for s in skipped}


def test_subfolders_are_scanned_in_sorted_order_with_slash_ids(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "sub/dir/name.html", "sub/c.markdown", "Z.htm"):
        write(tmp_path / name)
    files, skipped = find_article_files(tmp_path)
    ids = [article_id_for(path.relative_to(tmp_path)) for path in files]
    assert ids == ["Z", "a", "b", "sub/c", "sub/dir/name"]
    assert skipped == []


def test_supported_suffixes_and_limit_are_public() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm"} == SUPPORTED_SUFFIXES
    assert MAX_FILE_BYTES == 10 * 1024 * 1024


def test_article_id_drops_only_the_last_extension(tmp_path: Path) -> None:
    assert article_id_for(Path("news/v1.2-notes.md")) == "news/v1.2-notes"


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    write(tmp_path / ".draft.txt")
    write(tmp_path / ".git" / "config.txt")
    write(tmp_path / "visible.txt")
    files, skipped = find_article_files(tmp_path)
    assert [p.name for p in files] == ["visible.txt"]
    assert skipped == []


def test_unknown_extensions_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "photo.JPG")
    write(tmp_path / "README")
    write(tmp_path / "doc.txt")
    assert reasons(tmp_path) == {
        "README": "unsupported file type (no extension)",
        "photo.JPG": "unsupported file type .JPG",
    }


def test_symlink_leading_outside_the_root_is_skipped_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    write(outside / "secret.txt")
    write(root / "ok.txt")
    (root / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "escape-dir").symlink_to(outside, target_is_directory=True)
    files, _ = find_article_files(root)
    assert [p.name for p in files] == ["ok.txt"]
    assert reasons(root) == {
        "escape-dir": "symbolic link leads outside the corpus folder",
        "escape.txt": "symbolic link leads outside the corpus folder",
    }


def test_symlink_loops_do_not_hang_and_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.txt")
    (tmp_path / "sub" / "back").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    files, _ = find_article_files(tmp_path)
    assert [article_id_for(p.relative_to(tmp_path)) for p in files] == ["sub/a"]
    assert reasons(tmp_path) == {
        "self.txt": "broken or looping symbolic link",
        "sub/back": "symbolic link to a folder already scanned",
    }


def test_symlink_to_a_file_inside_the_root_is_not_read_twice(tmp_path: Path) -> None:
    write(tmp_path / "a.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    files, _ = find_article_files(tmp_path)
    assert [p.name for p in files] == ["a.txt"]
    assert reasons(tmp_path)["b.txt"].startswith("same file as ")


def test_named_pipe_is_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert reasons(tmp_path) == {"pipe.txt": "not a regular file"}
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article_file(tmp_path / "pipe.txt")


def test_missing_root_or_file_root_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        find_article_files(tmp_path / "nope")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        find_article_files(write(tmp_path / "file.txt"))


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2049)
    with pytest.raises(ArticleError, match="larger than the 2 KiB limit"):
        read_article_file(path, max_bytes=2048)
    assert read_article_file(path, max_bytes=2049) == b"x" * 2049


def test_module_size_limit_applies_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.corpus.files, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(ArticleError, match="larger than the 1 MiB limit"):
        read_article_file(path)


def test_file_that_vanished_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="file vanished while reading"):
        read_article_file(tmp_path / "gone.txt")


needs_non_root = pytest.mark.skipif(
    os.geteuid() == 0, reason="running as root: permission bits do not stop root from reading"
)


@needs_non_root
def test_unreadable_file_is_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.txt")
    path.chmod(0)
    with pytest.raises(ArticleError, match="permission denied"):
        read_article_file(path)


@needs_non_root
def test_unreadable_folder_is_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path / "locked" / "a.txt")
    write(tmp_path / "ok.txt")
    (tmp_path / "locked").chmod(0)
    try:
        files, _ = find_article_files(tmp_path)
        assert [p.name for p in files] == ["ok.txt"]
        assert reasons(tmp_path) == {"locked": "cannot read folder: permission denied"}
    finally:
        (tmp_path / "locked").chmod(0o755)
