"""`citebot restore` in fleet mode: the trash is PostgreSQL's history of the collection.

A `/remove` (or a replace) in fleet mode closes the article's row at the generation that
removed it (bot/fleet/writes.py); restoring commits that last version again as a new
generation, and waits, as `/add` does, for every live process to serve it.
"""

from __future__ import annotations

from bot.config import Settings
from bot.fleet.connect import connect
from bot.fleet.editing import CHANGE_WAIT_SECONDS, Fleet, restore_in_fleet
from bot.fleet.status import SILENT_AFTER_POLLS
from bot.fleet.writes import trashed
from bot.output import terminal_safe


def restore_from_database(url: str, settings: Settings, name: str, article: str | None) -> int:
    """Restore the article's last removed version, or list what can be restored."""
    if article is None:
        with connect(url, "citebot restore") as conn:
            for article_id, generation in trashed(conn, name):
                print(f"{terminal_safe(article_id)}\tremoved in generation {generation}")
        return 0
    silent_after = SILENT_AFTER_POLLS * settings.fleet_poll_seconds
    landed = restore_in_fleet(Fleet(url, CHANGE_WAIT_SECONDS, silent_after), name, article)
    served = (
        f"not served yet by {', '.join(landed.lagging)}"
        if landed.lagging
        else "served by every live process"
    )
    print(
        terminal_safe(
            f"restored {landed.article_id} to collection {landed.collection}:"
            f" generation {landed.generation}, {served}"
        )
    )
    return 0
