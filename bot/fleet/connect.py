"""Connections to the fleet's PostgreSQL, and the one error type fleet code raises."""

from __future__ import annotations

from typing import TypeAlias

import psycopg
from psycopg.rows import TupleRow

from bot.errors import UserFacingError
from bot.fleet.schema import migrate

Connection: TypeAlias = psycopg.Connection[TupleRow]
AsyncConnection: TypeAlias = psycopg.AsyncConnection[TupleRow]

# Seconds to wait for PostgreSQL to accept a connection before reporting it unreachable.
CONNECT_TIMEOUT = 10


class FleetError(UserFacingError):
    """A fleet operation that cannot be done (no database, unreachable, bad data)."""


def connect(url: str, purpose: str = "citebot") -> Connection:
    """An autocommit connection (transactions are explicit), with the schema up to date."""
    try:
        conn = psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=purpose
        )
    except psycopg.OperationalError as exc:
        raise FleetError(f"cannot connect to PostgreSQL: {first_line(exc)}") from None
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


async def connect_async(url: str, purpose: str) -> AsyncConnection:
    """An autocommit asyncio connection, for listening (the schema is the caller's)."""
    return await psycopg.AsyncConnection.connect(
        url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=purpose
    )


def first_line(exc: BaseException) -> str:
    """An error's first line: psycopg's further lines are hints for developers."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def require_url(url: str | None) -> str:
    """The database URL, or the error that says fleet mode needs one."""
    if url is None:
        raise FleetError("this needs CITEBOT_DATABASE_URL=postgresql://... (see README Scaling)")
    return url
