"""A library folder read into stored articles, and stored articles written back as files.

A library folder has the default single-process layout: `corpus/` is the shared
collection, `collections/<name>/` every other one (see bot/collections/layout.py). Files
are found and parsed exactly as `citebot index` does; citebot's own `.citebot/` folders
(indexes, trash, locks) are never part of it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from bot.collections.layout import Collection, list_collections
from bot.collections.names import SHARED, valid_name
from bot.config import Settings
from bot.corpus import (
    ArticleError,
    SkippedFile,
    article_id_for,
    find_article_files,
    parse_article,
    read_article_file,
)
from bot.fleet.connect import FleetError
from bot.fleet.model import StoredArticle


@dataclass(frozen=True)
class FolderContent:
    """One collection folder's articles, and the files that could not be used."""

    collection: str
    articles: tuple[StoredArticle, ...]
    skipped: tuple[SkippedFile, ...]


def library_settings(settings: Settings, root: Path) -> Settings:
    """The settings with `root/corpus` and `root/collections` as the library's folders."""
    return replace(settings, corpus=root / "corpus", collections=root / "collections")


def read_library(settings: Settings) -> list[FolderContent]:
    """Every collection folder of the configured layout, read and parsed."""
    return [read_collection(c) for c in list_collections(settings) if c.folder.is_dir()]


def read_collection(found: Collection) -> FolderContent:
    """A collection folder's article files: bytes, file name, and the parsed metadata."""
    paths, skipped = find_article_files(found.folder)
    articles: dict[str, StoredArticle] = {}
    for path in paths:
        relative = path.relative_to(found.folder)
        try:
            article = _read_file(path, relative, articles)
        except ArticleError as exc:
            skipped.append(SkippedFile(relative.as_posix(), str(exc)))
            continue
        articles[article.article_id] = article
    return FolderContent(found.name, tuple(articles.values()), tuple(skipped))


def _read_file(path: Path, relative: Path, seen: dict[str, StoredArticle]) -> StoredArticle:
    article_id = article_id_for(relative)
    if article_id in seen:
        raise ArticleError(f"another file already provides the article id {article_id}")
    data = read_article_file(path)
    parsed = parse_article(article_id, data, path.suffix)
    return StoredArticle(
        article_id, relative.as_posix(), data, parsed.title, parsed.author, parsed.date
    )


def collection_folder(root: Path, collection: str) -> Path:
    """Where a collection's files go in a library folder."""
    if collection == SHARED:
        return root / "corpus"
    return root / "collections" / valid_name(collection)


def write_collection(folder: Path, articles: list[StoredArticle]) -> None:
    """Write each article's original bytes under `folder`, atomically, byte for byte."""
    for article in articles:
        target = stored_path(folder, article.file_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, article.content)


def remove_files(folder: Path, file_names: list[str]) -> None:
    """Delete these stored file names under `folder` (those already gone are fine)."""
    for file_name in file_names:
        stored_path(folder, file_name).unlink(missing_ok=True)


def stored_path(folder: Path, file_name: str) -> Path:
    """Where a stored file name lives under `folder`; names that would leave it (or hide
    the file from the corpus scan) are refused."""
    return folder.joinpath(*_safe_parts(file_name))


def _safe_parts(file_name: str) -> tuple[str, ...]:
    """The file name's parts, refusing any that would leave the folder or hide the file."""
    parts = PurePosixPath(file_name).parts
    if not parts or file_name.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        raise FleetError(f"refusing to write the stored file name {file_name!r}")
    if any(p.startswith(".") or "\\" in p for p in parts):
        raise FleetError(f"refusing to write the stored file name {file_name!r}")
    return parts


def write_atomically(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one rename: a reader sees the old or the new file."""
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".export-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
