"""What the fleet's store holds, as frozen dataclasses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class StoredArticle:
    """One article file: its original bytes, where it lives, and what was parsed from it."""

    article_id: str
    # The file's path under its collection folder, '/'-separated (the id plus its suffix).
    file_name: str
    content: bytes
    title: str
    author: str | None = None
    date: str | None = None

    @property
    def sha256(self) -> str:
        """The content's hash: what decides whether an import changed the article."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Commit:
    """What committing a collection's articles did; `generation` is None when nothing
    changed (no generation is committed then)."""

    collection: str
    generation: int | None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProcessStatus:
    """One fleet process as the processes table records it."""

    name: str
    shard_ids: tuple[int, ...] | None
    shard_count: int | None
    started_at: datetime
    heartbeat_at: datetime
    # Collection name -> the generation this process serves.
    served: tuple[tuple[str, int], ...]
