"""One process of the fleet for a job (the feed schedule), elected through PostgreSQL.

The process that holds a session-level advisory lock (`pg_try_advisory_lock`) on a
connection of its own does the job; the others ask again at each of their ticks. A lock
belongs to its session, so when the holder dies (or its connection is killed) PostgreSQL
releases it and the next process to ask takes the job over; nothing is left to clean up.
The holder checks its connection every time it asks, so a holder whose session was ended
learns it and stops, rather than go on beside the new one.
"""

from __future__ import annotations

import logging
import threading

import psycopg

from bot.fleet.connect import CONNECT_TIMEOUT, Connection, first_line

log = logging.getLogger(__name__)

# Advisory lock keys (the two-integer form): "cbfd" in ASCII, then the job.
FEED_POLLER = (0x63626664, 1)
# TCP keepalive probes of the session's connection: a dead peer is noticed in about 20 s.
KEEPALIVE_SECONDS = 5


class Election:
    """This process's candidacy for one job; a `bot.feeds.storage.Leader`."""

    def __init__(self, url: str, key: tuple[int, int], purpose: str) -> None:
        self._url = url
        self._key = key
        self._purpose = purpose
        self._conn: Connection | None = None
        self._held = False
        self._lock = threading.Lock()

    def holds(self) -> bool:
        """Whether this process holds the job now: its session still holds the lock, or
        it just took the free lock (blocking; False while PostgreSQL is unreachable)."""
        with self._lock:
            try:
                return self._ask()
            except psycopg.Error as exc:
                if self._held:
                    log.warning("%s: lost its session (%s)", self._purpose, first_line(exc))
                self._drop()
                return False

    def close(self) -> None:
        """Give the job up (closing the session releases the lock)."""
        with self._lock:
            self._drop()

    def _ask(self) -> bool:
        if self._conn is not None and self._held:
            self._conn.execute("SELECT 1")  # raises if the session was ended
            return True
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(
                self._url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=self._purpose,
                # A cut network drops packets silently: without keepalives the check of
                # the session could wait for minutes instead of failing.
                keepalives=1,
                keepalives_idle=KEEPALIVE_SECONDS,
                keepalives_interval=KEEPALIVE_SECONDS,
                keepalives_count=3,
            )
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", self._key).fetchone()
        self._held = bool(row and row[0])
        if self._held:
            log.info("%s: this process now holds the job", self._purpose)
        return self._held

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._held = False
