"""One PostgreSQL connection kept open for a store, used by one caller at a time.

The settings and feed stores are called often (settings for every /settings, feeds from the
scheduler's worker thread and the /feed commands): opening a connection, and checking the
schema, for each call would cost more than the call. The connection is opened on first use
and again after it was lost; an operation that finds the kept connection dead (PostgreSQL
restarted, the connection killed) is tried once more on a fresh one, which is safe because
every operation is one transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import psycopg

from bot.fleet.connect import Connection, FleetError, connect, first_line

T = TypeVar("T")


class Session:
    """A store's connection (see the module's text); `run` is its only use."""

    def __init__(self, url: str, purpose: str) -> None:
        self._url = url
        self._purpose = purpose
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def run(self, operation: Callable[[Connection], T]) -> T:
        """`operation(conn)`; FleetError (one line) when PostgreSQL cannot do it."""
        with self._lock:
            reused = self._conn is not None and not self._conn.closed
            try:
                return operation(self._connection())
            except psycopg.OperationalError as exc:
                self._drop()
                if not reused:
                    raise FleetError(f"PostgreSQL: {first_line(exc)}") from None
            try:  # the kept connection had died: once more, on a new one
                return operation(self._connection())
            except psycopg.OperationalError as exc:
                self._drop()
                raise FleetError(f"PostgreSQL: {first_line(exc)}") from None

    def close(self) -> None:
        """Close the connection (the next `run` opens another)."""
        with self._lock:
            self._drop()

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self._url, self._purpose)
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
