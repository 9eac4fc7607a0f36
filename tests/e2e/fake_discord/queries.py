"""Fault injection on REST and queries over what the fake recorded (mixed into FakeDiscord)."""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from .ratelimit import FailRule
from .records import InteractionRecord, RecordedRequest, SentMessage, latency_report

if TYPE_CHECKING:
    from .interactions import Interactions
    from .messages import MessageStore
    from .ratelimit import RateLimits
    from .records import Changes
    from .routes import CoreRoutes

JSON = dict[str, Any]


class RecordQueries:
    """`fail_next` plus the read side of the records: requests, messages, interactions."""

    requests: list[RecordedRequest]
    changes: Changes
    limits: RateLimits
    store: MessageStore
    interactions: Interactions
    core: CoreRoutes

    def fail_next(
        self,
        route_pattern: str,
        status: int = 429,
        retry_after: float = 0.2,
        count: int = 1,
        global_: bool = False,
        body: JSON | None = None,
    ) -> None:
        """Fails the next `count` requests whose route key (`"POST /channels/{channel_id}/
        messages"`) or `"METHOD /path"` matches the fnmatch `route_pattern`."""
        self.limits.rules.append(FailRule(route_pattern, status, count, retry_after, global_, body))

    def requests_to(self, pattern: str) -> list[RecordedRequest]:
        return [
            r
            for r in self.requests
            if fnmatchcase(r.route_key, pattern) or fnmatchcase(f"{r.method} {r.path}", pattern)
        ]

    def unknown_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route_key == "UNKNOWN"]

    def messages_sent(self, channel_id: int | None = None) -> list[SentMessage]:
        return self.store.sent_in(channel_id)

    def interaction(self, interaction_id: int) -> InteractionRecord:
        return self.interactions.records[interaction_id]

    def synced_commands(self, guild_id: int | None = None) -> list[JSON]:
        return self.core.commands.get(str(guild_id) if guild_id else "global", [])

    def latency_report(self) -> dict[str, float]:
        return latency_report(list(self.interactions.records.values()))

    async def wait_for_request(
        self,
        predicate: Callable[[RecordedRequest], bool],
        timeout: float = 2.0,
        after: int = 0,
    ) -> RecordedRequest:
        """The first recorded request (from index `after`) matching `predicate`."""

        def probe() -> RecordedRequest | None:
            return next((r for r in self.requests[after:] if predicate(r)), None)

        return await self.changes.wait_for(probe, timeout, "no matching request")

    async def wait_for_message(
        self,
        channel_id: int | None = None,
        predicate: Callable[[SentMessage], bool] = lambda m: True,
        timeout: float = 2.0,
    ) -> SentMessage:
        """The first bot-sent message (in `channel_id`) matching `predicate`."""

        def probe() -> SentMessage | None:
            return next((m for m in self.messages_sent(channel_id) if predicate(m)), None)

        return await self.changes.wait_for(probe, timeout, "no matching message")
