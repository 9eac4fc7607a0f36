"""Emptying a collection's trash: removals older than some days are deleted for good.

Every remove, and every replace (the old version is kept), leaves a folder in the trash
named after the moment of the removal (UTC), so the age of each removal is known without
trusting file times, which copies and backups change. A folder whose name is not such a
moment was not made by citebot and is left alone.
"""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta

from bot.collections.files import locked, sync_folder
from bot.collections.layout import Collection
from bot.collections.trash import Trashed, trashed_articles

log = logging.getLogger(__name__)


def removed_at(name: str) -> datetime | None:
    """The moment a trash folder's name gives (`trash_slot` makes them), if it is one."""
    moment, dot, fraction = name.partition(".")
    if not dot or not fraction.endswith("Z") or not fraction[:-1].isdigit():
        return None
    try:
        return datetime.strptime(moment, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def purge_trash(
    collection: Collection, older_than: timedelta, now: datetime | None = None
) -> list[Trashed]:
    """Delete the removals made more than `older_than` ago; returns what was deleted."""
    now = now or datetime.now(UTC)
    purged: list[Trashed] = []
    if not collection.trash.is_dir():
        return purged
    with locked(collection.state):
        by_removal: dict[str, list[Trashed]] = {}
        for entry in trashed_articles(collection):
            by_removal.setdefault(entry.removed_at, []).append(entry)
        for name in sorted(p.name for p in collection.trash.iterdir() if p.is_dir()):
            moment = removed_at(name)
            if moment is None or now - moment < older_than:
                continue
            shutil.rmtree(collection.trash / name)
            purged += by_removal.get(name, [])
        if purged:
            sync_folder(collection.trash)
    if purged:
        log.info("deleted %d removed articles of collection %s", len(purged), collection.name)
    return purged
