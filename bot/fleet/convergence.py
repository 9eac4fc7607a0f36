"""Whether every live process of the fleet serves a generation yet (for `/reindex` and
`/add` to answer once the change is everywhere, or name the processes that lag)."""

from __future__ import annotations

import time

from bot.fleet.connect import Connection

# How often the served table is read again while waiting.
CHECK_SECONDS = 0.1


def lagging_processes(
    conn: Connection, collection: str, generation: int, silent_after: float
) -> list[str]:
    """The live processes (a heartbeat within `silent_after` seconds, by the database's
    clock) that do not serve `collection` at `generation` or newer yet, by name."""
    rows = conn.execute(
        "SELECT p.name FROM processes p"
        " LEFT JOIN served s ON s.process = p.name AND s.collection = %s"
        " WHERE p.heartbeat_at > now() - make_interval(secs => %s)"
        " AND coalesce(s.generation, 0) < %s ORDER BY p.name",
        (collection, silent_after, generation),
    ).fetchall()
    return [name for (name,) in rows]


def wait_for_fleet(
    conn: Connection, collection: str, generation: int, timeout: float, silent_after: float
) -> list[str]:
    """Wait up to `timeout` seconds for every live process to serve the generation; returns
    the ones still lagging then (empty: the whole fleet serves it)."""
    deadline = time.monotonic() + timeout
    while True:
        lagging = lagging_processes(conn, collection, generation, silent_after)
        if not lagging or time.monotonic() >= deadline:
            return lagging
        time.sleep(min(CHECK_SECONDS, max(0.0, deadline - time.monotonic())))
