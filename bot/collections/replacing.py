"""Replacing an article by a file of another type, which takes two steps, crash-safely.

The new file (say `story.txt`) is written whole, then the old one (`story.html`, already
kept in the trash) is deleted. A process killed between the two would leave both, two
files for one article id, and the index would keep serving the old one. So the replace is
written down first (`.citebot/replacing.json`), and whoever next uses the collection
finishes it (`recover`): if the new file is in place the old one goes, and the collection
is the new one; if not, nothing changed and the collection is the old one.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.collections.articles import checked_id
from bot.collections.files import locked, sync_folder, write_atomically
from bot.collections.layout import Collection
from bot.collections.names import CollectionError

log = logging.getLogger(__name__)


def _journal(collection: Collection) -> Path:
    return collection.state / "replacing.json"


def replace_with_other_type(collection: Collection, old: Path, new: Path, data: bytes) -> None:
    """Write `new` (all of `data`) and delete `old`: a crash leaves one or the other once
    `recover` has run (call it holding the lock, the old file already in the trash)."""
    journal = _journal(collection)
    entry = {"old": _relative(collection, old), "new": _relative(collection, new)}
    write_atomically(journal, json.dumps(entry).encode())
    write_atomically(new, data)
    old.unlink()
    sync_folder(old.parent)
    journal.unlink()


def recover(collection: Collection) -> None:
    """Finish a replace a killed process left halfway (call it holding the lock)."""
    journal = _journal(collection)
    try:
        entry = json.loads(journal.read_bytes())
        old = collection.folder / checked_id(entry["old"])
        new = collection.folder / checked_id(entry["new"])
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError, CollectionError) as exc:
        # Written atomically, so never half written: only a hand could have spoiled it.
        log.warning("ignoring an unreadable %s: %s", journal, exc)
        journal.unlink(missing_ok=True)
        return
    if new.is_file() and old != new:
        log.info("finishing the interrupted replace of %s by %s", old.name, new.name)
        old.unlink(missing_ok=True)
        sync_folder(old.parent)
    journal.unlink()
    sync_folder(journal.parent)


def recover_if_needed(collection: Collection) -> None:
    """`recover`, taking the lock only when a replace was interrupted (opening a collection
    must not wait for an add that is running)."""
    if _journal(collection).is_file():
        with locked(collection.state):
            recover(collection)


def _relative(collection: Collection, path: Path) -> str:
    return path.relative_to(collection.folder).as_posix()
