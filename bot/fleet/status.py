"""`citebot fleet status` as text and JSON: each process's shards, generations, heartbeat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.fleet.model import ProcessStatus

# A heartbeat older than this many poll intervals marks a process as silent (stopped,
# hung or cut off): it no longer counts as serving anything.
SILENT_AFTER_POLLS = 3


def shard_text(status: ProcessStatus) -> str:
    """The shards as an operator writes them: `0-2,5 of 6`, or `all`."""
    if not status.shard_ids:
        return "all"
    ids, runs = sorted(status.shard_ids), []
    start = prev = ids[0]
    for shard in [*ids[1:], None]:
        if shard is not None and shard == prev + 1:
            prev = shard
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if shard is not None:
            start = prev = shard
    of = f" of {status.shard_count}" if status.shard_count else ""
    return ",".join(runs) + of


def lagging(status: ProcessStatus, latest: dict[str, int]) -> list[str]:
    """The collections this process serves at an older generation than the newest (or not
    at all)."""
    served = dict(status.served)
    return [name for name, generation in sorted(latest.items()) if served.get(name, 0) < generation]


def status_lines(
    processes: list[ProcessStatus], latest: dict[str, int], now: datetime, poll_seconds: float
) -> list[str]:
    """The status table: the newest generations, then one line per process."""
    newest = ", ".join(f"{n} {g}" for n, g in sorted(latest.items())) or "none"
    lines = [f"newest generations: {newest}"]
    if not processes:
        return [*lines, "no processes have joined the fleet"]
    for p in processes:
        age = (now - p.heartbeat_at).total_seconds()
        served = ", ".join(f"{n} {g}" for n, g in p.served) or "nothing yet"
        behind = lagging(p, latest)
        notes = [f"behind on {', '.join(behind)}"] if behind else []
        if age > SILENT_AFTER_POLLS * poll_seconds:
            notes.append("silent")
        note = f" ({'; '.join(notes)})" if notes else ""
        lines.append(
            f"{p.name}: shards {shard_text(p)}, serving {served}, heartbeat {age:.0f} s ago{note}"
        )
    return lines


def status_json(p: ProcessStatus, latest: dict[str, int], now: datetime) -> dict[str, Any]:
    """One process as a JSON object."""
    return {
        "process": p.name,
        "shard_ids": list(p.shard_ids) if p.shard_ids else None,
        "shard_count": p.shard_count,
        "served": dict(p.served),
        "behind": lagging(p, latest),
        "started_at": p.started_at.isoformat(),
        "heartbeat_at": p.heartbeat_at.isoformat(),
        "heartbeat_age_seconds": round((now - p.heartbeat_at).total_seconds(), 3),
    }
