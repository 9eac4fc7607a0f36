"""Question rate limits per server: each server's own limits, kept apart from the others'."""

from __future__ import annotations

from bot.cooldown import Cooldown
from bot.server_settings import ServerSettings


class ServerCooldowns:
    """One sliding-window limiter per server with that server's limits; DMs share `default`.

    A server that changes its limits gets a fresh window (the old one counted under other
    rules), so a stricter limit cannot lock out members for what they asked before it."""

    def __init__(self, default: Cooldown) -> None:
        self.default = default
        self._servers: dict[int, tuple[tuple[int, float], Cooldown]] = {}

    def for_server(self, guild_id: int | None, settings: ServerSettings) -> Cooldown:
        """The limiter that counts questions asked in this server (None: a DM)."""
        if guild_id is None:
            return self.default
        limits = (settings.cooldown_questions, settings.cooldown_seconds)
        held = self._servers.get(guild_id)
        if held is None or held[0] != limits:
            held = (limits, Cooldown(*limits))
            self._servers[guild_id] = held
        return held[1]
