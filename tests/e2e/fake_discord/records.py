"""What the fake saw: every REST request, every message the bot created, every interaction.

Tests assert on these records instead of mocking discord.py: they are the bytes the bot put
on the wire, as a Discord server would have received them.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

JSON = dict[str, Any]


class Changes:
    """A notify-all condition: waiters re-check a predicate whenever anything is recorded."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """Returns the first non-None `probe()`, re-checked after each change."""
        try:
            async with asyncio.timeout(timeout):
                while (found := probe()) is None:
                    await self._event.wait()
                return found
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s: {what}") from None


@dataclass
class RecordedRequest:
    """One REST request and the fake's answer. `json` is the parsed body (payload_json for
    multipart), `route_key` is discord.py-style (`"POST /channels/{channel_id}/messages"`,
    or `"UNKNOWN"` for routes the fake does not serve)."""

    method: str
    path: str
    route_key: str
    json: Any
    status: int
    at: float
    query: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    response: Any = None


@dataclass
class SentMessage:
    """A message the bot created (channel send, interaction response or followup).

    `payload` is the last create/edit body as sent, so `allowed_mentions`, `flags` and
    `components` can be asserted exactly; `message` is the Discord message object served back.
    """

    id: int
    channel_id: int
    source: str  # "channel" | "interaction" | "followup"
    payload: JSON
    message: JSON
    interaction_id: int | None = None
    edits: list[JSON] = field(default_factory=list)
    deleted: bool = False

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        return list(self.message.get("components") or [])

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.payload.get("allowed_mentions")

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.message.get("flags") or 0) & 64)


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched and everything the bot answered to it.

    `responses` holds the callback, edits and followups in order as RecordedRequests.
    Latencies are seconds from dispatch: `ack_latency` to the callback, `content_latency` to
    the first user-visible content (a type 4/7 callback, or the first edit/followup after a
    defer)."""

    id: int
    token: str
    type: int
    payload: JSON
    dispatched_at: float
    changes: Changes
    callback: JSON | None = None
    callback_at: float | None = None
    content_at: float | None = None
    responses: list[RecordedRequest] = field(default_factory=list)
    followups: list[SentMessage] = field(default_factory=list)
    original: SentMessage | None = None

    @property
    def ack_latency(self) -> float | None:
        return None if self.callback_at is None else self.callback_at - self.dispatched_at

    @property
    def content_latency(self) -> float | None:
        return None if self.content_at is None else self.content_at - self.dispatched_at

    async def response(self, timeout: float = 2.0) -> JSON:
        """The initial callback body `{"type": ..., "data": ...}`."""
        return await self.changes.wait_for(
            lambda: self.callback, timeout, f"no callback for interaction {self.id}"
        )

    async def followup(self, index: int = 0, timeout: float = 2.0) -> SentMessage:
        def probe() -> SentMessage | None:
            return self.followups[index] if len(self.followups) > index else None

        return await self.changes.wait_for(probe, timeout, f"no followup #{index}")

    async def content(self, timeout: float = 2.0) -> SentMessage:
        """The message carrying the first answer content (original or first followup)."""

        def probe() -> SentMessage | None:
            if self.content_at is None:
                return None
            if self.original is not None and (self.original.content or self.original.embeds):
                return self.original
            return self.followups[0] if self.followups else self.original

        return await self.changes.wait_for(probe, timeout, f"no content for {self.id}")

    async def edited(self, count: int = 1, timeout: float = 2.0) -> SentMessage:
        """The original response once it has been edited `count` times."""

        def probe() -> SentMessage | None:
            o = self.original
            return o if o is not None and len(o.edits) >= count else None

        return await self.changes.wait_for(probe, timeout, f"original not edited {count}x")


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def latency_report(records: list[InteractionRecord]) -> dict[str, float]:
    """p50/p99/max of ack and content latencies, in seconds."""
    acks = [r.ack_latency for r in records if r.ack_latency is not None]
    contents = [r.content_latency for r in records if r.content_latency is not None]
    return {
        "count": float(len(records)),
        "ack_p50": percentile(acks, 50),
        "ack_p99": percentile(acks, 99),
        "ack_max": max(acks, default=float("nan")),
        "content_p50": percentile(contents, 50),
        "content_p99": percentile(contents, 99),
        "content_max": max(contents, default=float("nan")),
    }
