"""The one error a fetch raises: its message is shown to the user as is."""

from __future__ import annotations

from bot.errors import UserFacingError


class FetchError(UserFacingError):
    """A page, feed or attachment could not be fetched; the message says why in one line.

    `transient` is True when trying again later may succeed (a time-out, a refused
    connection, a server error), False when it will not (a refused address, a wrong content
    type, a page over the size limit): a feed scheduler retries only the first kind.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
