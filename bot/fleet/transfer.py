"""`citebot import` and `citebot export`: a library folder into PostgreSQL and back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.fleet.connect import Connection, FleetError
from bot.fleet.folders import FolderContent, collection_folder, write_collection
from bot.fleet.model import Commit
from bot.fleet.store import articles_at, commit_collection, latest_generations


@dataclass(frozen=True)
class Imported:
    """One collection's import: what its commit did, and the files left out."""

    folder: FolderContent
    commit: Commit


@dataclass(frozen=True)
class Exported:
    """One collection written out: its generation, file count and folder."""

    collection: str
    generation: int
    files: int
    folder: Path


def import_library(conn: Connection, folders: list[FolderContent]) -> list[Imported]:
    """Commit each collection folder's articles: a new generation for each that changed.
    Collections in the store but not among the folders are left as they are."""
    return [Imported(f, commit_collection(conn, f.collection, f.articles)) for f in folders]


def export_library(conn: Connection, root: Path) -> list[Exported]:
    """Write every collection's newest generation under `root`, as `citebot import` reads
    it; all collections come from one snapshot of the database."""
    _refuse_non_empty(root)
    done: list[Exported] = []
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for name, generation in sorted(latest_generations(conn).items()):
            articles = articles_at(conn, name, generation)
            folder = collection_folder(root, name)
            folder.mkdir(parents=True, exist_ok=True)
            write_collection(folder, articles)
            done.append(Exported(name, generation, len(articles), folder))
    return done


def _refuse_non_empty(root: Path) -> None:
    """An export into folders holding files would mix them with the export."""
    for part in ("corpus", "collections"):
        folder = root / part
        if folder.is_dir() and any(folder.iterdir()):
            raise FleetError(f"{folder} is not empty: export into a new or empty folder")
