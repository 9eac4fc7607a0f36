"""Channel permissions as Discord computes them, and what sending a message requires.

Imitates: guild permissions from roles (owner and ADMINISTRATOR get everything), then the
channel's overwrites in Discord's order (@everyone, roles together, the member); a thread
takes its parent's. Sending needs VIEW_CHANNEL (else 403 50001 Missing Access), then
SEND_MESSAGES, or SEND_MESSAGES_IN_THREADS in a thread (else 403 50013); a reply needs
READ_MESSAGE_HISTORY as well (403 50013; the status and code are the fake's choice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .limits import ApiError, error
from .payloads import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    FakeChannel,
)

if TYPE_CHECKING:
    from .world import World

JSON = dict[str, Any]


def channel_permissions(world: World, channel: FakeChannel, user_id: int) -> int:
    """What `user_id` may do in `channel` (a guild channel or thread)."""
    guild = world.guild(channel.guild_id or 0)
    if guild is None:
        return ALL_PERMISSIONS  # DMs: the fake does not model blocked DMs
    base = guild.permissions_of(user_id)
    if base & ADMINISTRATOR or user_id == guild.owner_id:
        return ALL_PERMISSIONS
    source = world.channel(channel.parent_id) if channel.parent_id else channel
    overwrites = source.overwrites if source is not None else []
    member = guild.member(user_id)
    roles = set(member.roles if member else [])
    for stage in (
        [o for o in overwrites if o.type == 0 and o.id == guild.id],
        [o for o in overwrites if o.type == 0 and o.id in roles],
        [o for o in overwrites if o.type == 1 and o.id == user_id],
    ):
        deny = allow = 0
        for overwrite in stage:
            deny, allow = deny | overwrite.deny, allow | overwrite.allow
        base = (base & ~deny) | allow
    return base


def check_can_send(world: World, channel: FakeChannel, body: JSON) -> ApiError | None:
    """The error Discord answers a bot's message create with, or None if it may send."""
    if channel.guild_id is None:
        return None
    perms = channel_permissions(world, channel, world.bot.id)
    if not perms & VIEW_CHANNEL:
        return error(403, 50001, "Missing Access")
    needed = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
    if body.get("message_reference"):
        needed |= READ_MESSAGE_HISTORY
    if perms & needed != needed:
        return error(403, 50013, "Missing Permissions")
    return None
