"""`FakeDiscord`: a Discord API (REST + gateway) served on 127.0.0.1 for discord.py clients.

A test starts it, points discord.py at `base_url` / `gateway_url`, lets a real client log in,
then plays users (`send_message`, `send_slash_command`, `send_autocomplete`, `click_button`)
and asserts on what the client sent (`requests`, `messages_sent`, interaction records).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .actions import UserActions
from .gateway import PRIVILEGED, Gateway
from .interactions import Interactions
from .messages import MessageStore
from .payloads import FakeChannel, FakeGuild, FakeMember, FakeUser, Snowflakes
from .queries import RecordQueries
from .ratelimit import RateLimits
from .records import Changes, RecordedRequest
from .rest import RestApi
from .routes import CoreRoutes
from .uploads import Uploads
from .world import World, default_world

JSON = dict[str, Any]


class FakeDiscord(UserActions, RecordQueries):
    def __init__(
        self,
        token: str = "fake-bot-token",
        *,
        guilds: list[FakeGuild] | None = None,
        world: World | None = None,
        interaction_window: float = 3.0,
        token_lifetime: float = 15 * 60,
        heartbeat_interval_ms: int = 41_250,
        rate_limit: int = 50,
        rate_limit_per: float = 1.0,
        privileged_intents: int = PRIVILEGED,
        app_flags: int = 0,
        sharding_required_at: int = 2500,
        guilds_per_shard: int = 1000,
        identify_window: float | None = None,
    ) -> None:
        self.token = token
        self.ids = Snowflakes()
        self.world = world or default_world(self.ids)
        if guilds is not None:
            self.world.guilds = guilds
        for guild in self.world.guilds:  # the bot is a member of every guild it is in
            if guild.member(self.world.bot.id) is None:
                guild.members.append(FakeMember(self.world.bot))
        self.interaction_window = interaction_window
        self.token_lifetime = token_lifetime
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.privileged_intents = privileged_intents
        self.app_flags = app_flags
        self.sharding_required_at = sharding_required_at
        self.guilds_per_shard = guilds_per_shard
        # Discord starts one session per `max_concurrency` bucket (here 1) per 5 s and
        # answers a faster IDENTIFY with op 9; None leaves IDENTIFY unpaced (the tests that
        # restart clients quickly), 5.0 is Discord's rule.
        self.identify_window = identify_window
        self.clock: Callable[[], float] = time.monotonic
        self.requests: list[RecordedRequest] = []
        self.changes = Changes()
        self.limits = RateLimits(rate_limit, rate_limit_per)
        self.store = MessageStore(self)
        self.interactions = Interactions(self)
        self.gateway = Gateway(self)
        self.core = CoreRoutes(self)
        self.rest = RestApi(self, self.core.routes())
        self.uploads = Uploads(self)
        self.port = 0
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
        cdn = "/attachments/{channel_id}/{attachment_id}/{filename}"
        app.router.add_get(cdn, self.uploads.serve)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What `discord.http.Route.BASE` must be set to."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    # --- the world -------------------------------------------------------------------------

    @property
    def bot(self) -> FakeUser:
        return self.world.bot

    @property
    def application_id(self) -> int:
        return self.world.bot.id

    @property
    def owner(self) -> FakeUser:
        return self.world.owner

    @property
    def alice(self) -> FakeUser:
        return self.world.users[0]

    @property
    def bob(self) -> FakeUser:
        return self.world.users[1]

    @property
    def other_bot(self) -> FakeUser:
        return next(u for u in self.world.users if u.bot)

    @property
    def guild(self) -> FakeGuild:
        return self.world.guilds[0]

    @property
    def channel(self) -> FakeChannel:
        return self.guild.text_channel

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        return self.store.dm_channel(user.id)

    # --- gateway: readiness and faults -------------------------------------------------------

    async def wait_until_identified(self, count: int = 1, timeout: float = 5.0) -> None:
        """Until READY and every GUILD_CREATE have been sent for the `count`-th IDENTIFY."""
        await self.gateway.wait_for_op("READY_SENT", count, timeout)

    async def wait_until_resumed(self, count: int = 1, timeout: float = 5.0) -> None:
        await self.gateway.wait_for_op("RESUMED_SENT", count, timeout)

    async def drop_connection(self, code: int | None = None) -> None:
        await self.gateway.drop_connection(code)

    async def send_reconnect(self) -> None:
        await self.gateway.send_reconnect()

    async def invalidate_session(self, resumable: bool = False) -> None:
        await self.gateway.invalidate_session(resumable)
