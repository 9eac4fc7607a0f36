"""A fake Discord (REST + gateway) for end-to-end tests of discord.py bots."""

from .actions import DEFAULT
from .limits import ApiError
from .payloads import (
    ADMINISTRATOR,
    MANAGE_GUILD,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Snowflakes,
)
from .records import InteractionRecord, RecordedRequest, SentMessage, latency_report
from .server import FakeDiscord
from .world import World, default_world

__all__ = [
    "ADMINISTRATOR",
    "DEFAULT",
    "MANAGE_GUILD",
    "ApiError",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "InteractionRecord",
    "RecordedRequest",
    "SentMessage",
    "Snowflakes",
    "World",
    "default_world",
    "latency_report",
]
