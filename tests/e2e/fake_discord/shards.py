"""Sharding as Discord does it: which shard a guild belongs to, and which shards get an event.

A guild's events go to shard `(guild_id >> 22) % shard_count`; DMs (events with no guild)
go to shard 0 only. An IDENTIFY whose shard would hold `sharding_required_at` guilds or more
(2,500 on Discord) is closed with 4011 "Sharding required"; an invalid `shard` with 4010.
`GET /gateway/bot` recommends one shard per `guilds_per_shard` guilds (1,000 on Discord).
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

Shard = tuple[int, int]  # (shard id, shard count)
UNSHARDED: Shard = (0, 1)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives this guild's events."""
    return (guild_id >> 22) % shard_count


def parse_shard(identify: JSON) -> Shard | None:
    """The IDENTIFY's `shard` as (id, count); UNSHARDED if absent; None if invalid."""
    raw = identify.get("shard")
    if raw is None:
        return UNSHARDED
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(n, int) for n in raw):
        return None
    shard_id, count = raw
    return (shard_id, count) if 0 <= shard_id < count else None


def receives(shard: Shard, data: JSON) -> bool:
    """Whether a session on `shard` gets an event with this payload."""
    guild_id = data.get("guild_id")
    target = shard_of(int(guild_id), shard[1]) if guild_id is not None else 0
    return shard[0] == target


def recommended_shards(guilds: int, guilds_per_shard: int) -> int:
    """What GET /gateway/bot answers in `shards`."""
    return max(1, -(-guilds // max(1, guilds_per_shard)))
