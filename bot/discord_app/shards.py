"""Which shards this process runs: `--shard-ids 0-3 --shard-count 8` (or `0,2,5`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserFacingError


class ShardError(UserFacingError):
    """The shard options cannot be used; the message says why."""


@dataclass(frozen=True)
class Shards:
    """Shard ids this process runs, out of `count` shards in all."""

    ids: tuple[int, ...]
    count: int


def parse_shards(ids: str | None, count: int | None) -> Shards | None:
    """None (Discord's recommended count, all in this process) when neither is given."""
    if ids is None and count is None:
        return None
    if count is None or count < 1:
        raise ShardError("--shard-count must be given (1 or more) to run chosen shards")
    chosen = _parse_ids(ids) if ids is not None else tuple(range(count))
    outside = [n for n in chosen if n >= count]
    if outside:
        raise ShardError(f"shard id {outside[0]} is not below --shard-count {count}")
    return Shards(chosen, count)


def _parse_ids(text: str) -> tuple[int, ...]:
    """`0-3`, `0,2,5` or `0-1,4`, as sorted unique ids."""
    found: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        low, _, high = part.partition("-")
        if not low.isdigit() or not (high.isdigit() or not high):
            raise ShardError(f"--shard-ids: {part!r} is not a shard id or a range like 0-3")
        first, last = int(low), int(high or low)
        if last < first:
            raise ShardError(f"--shard-ids: the range {part!r} runs backwards")
        found.update(range(first, last + 1))
    return tuple(sorted(found))
