"""Glue between `FakeDiscord` and discord.py: point the library at the fake, run a client.

discord.py 2.7 takes REST URLs from `Route.BASE`, but a plain `Client` never asks
`GET /gateway/bot`: it connects to `DiscordWebSocket.DEFAULT_GATEWAY` and afterwards to READY's
`resume_gateway_url` (and back to DEFAULT_GATEWAY after a non-resumable INVALID_SESSION), so
both must be patched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

import discord
import discord.gateway
import discord.http
import yarl

from .server import FakeDiscord


class _Patcher(Protocol):
    def setattr(self, target: object, name: str, value: object) -> None: ...


def point_discord_at(fake: FakeDiscord, monkeypatch: _Patcher) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    gateway = yarl.URL(fake.gateway_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)


@contextlib.asynccontextmanager
async def run_client(
    client: discord.Client, fake: FakeDiscord, token: str | None = None, timeout: float = 5.0
) -> AsyncIterator[discord.Client]:
    """Runs `client.start(token)` until it is ready; on exit closes it and re-raises any
    exception the client task ended with (a login failure surfaces here, not as a hang)."""
    task = asyncio.create_task(client.start(token or fake.token), name="discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # raises the login/connect error
            raise AssertionError("client stopped before becoming ready")
        if not done:
            raise AssertionError(f"client not ready after {timeout}s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        try:
            await asyncio.wait_for(task, timeout)
        finally:
            if not task.done():
                task.cancel()
