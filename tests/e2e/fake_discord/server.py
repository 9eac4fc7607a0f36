"""`FakeDiscord`: a Discord API (REST + gateway) served on 127.0.0.1 for discord.py clients.

A test starts it, points discord.py at `base_url` / `gateway_url`, lets a real client log in,
then plays users (`send_message`, `send_slash_command`, `send_autocomplete`, `click_button`)
and asserts on what the client sent (`requests`, `messages_sent`, interaction records).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any, Final

from aiohttp import web

from .dispatch import command_options, interaction_create, message_create
from .gateway import PRIVILEGED, Gateway
from .interactions import Interactions
from .messages import MessageStore
from .payloads import FakeChannel, FakeGuild, FakeMember, FakeUser, Snowflakes, World, default_world
from .queries import RecordQueries
from .ratelimit import RateLimits
from .records import Changes, InteractionRecord, RecordedRequest, SentMessage
from .rest import RestApi
from .routes import CoreRoutes

JSON = dict[str, Any]


class _Default:
    """Marks 'use the default guild' where `None` means 'in a DM'."""


DEFAULT: Final = _Default()


class FakeDiscord(RecordQueries):
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
        self.clock: Callable[[], float] = time.monotonic
        self.requests: list[RecordedRequest] = []
        self.changes = Changes()
        self.limits = RateLimits(rate_limit, rate_limit_per)
        self.store = MessageStore(self)
        self.interactions = Interactions(self)
        self.gateway = Gateway(self)
        self.core = CoreRoutes(self)
        self.rest = RestApi(self, self.core.routes())
        self.port = 0
        self._runner: web.AppRunner | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway-resume", self.gateway.handle)
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

    # --- users acting --------------------------------------------------------------------------

    async def send_message(
        self,
        content: str,
        *,
        author: FakeUser | None = None,
        channel: FakeChannel | None = None,
        guild: FakeGuild | _Default | None = DEFAULT,
        mentions: list[FakeUser] | None = None,
        bot_author: bool = False,
        extra: JSON | None = None,
    ) -> JSON:
        """Dispatches MESSAGE_CREATE from `author` (alice; another bot if `bot_author`).
        `guild=None` (or a DM `channel`) sends it as a DM to the bot. Returns the payload."""
        author = author or (self.other_bot if bot_author else self.alice)
        if guild is None or (channel is not None and channel.type == 1):
            target_guild, channel = None, channel or self.store.dm_channel(author.id)
        else:
            target_guild = self.guild if isinstance(guild, _Default) else guild
            if channel is not None and channel.guild_id is not None:
                target_guild = self.world.guild(channel.guild_id) or target_guild
            channel = channel or target_guild.text_channel
        data = message_create(
            self.world,
            self.ids.next(),
            channel,
            target_guild,
            author,
            content,
            mentions or [],
            extra,
        )
        self.store.user_messages[int(data["id"])] = data
        await self.gateway.dispatch("MESSAGE_CREATE", data)
        return data

    async def delete_user_message(self, message: JSON) -> None:
        """A user deletes their message (`send_message`'s payload): gone, MESSAGE_DELETE sent."""
        self.store.user_messages.pop(int(message["id"]), None)
        data = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            data["guild_id"] = message["guild_id"]
        await self.gateway.dispatch("MESSAGE_DELETE", data)

    async def _interact(
        self,
        itype: int,
        data: JSON,
        user: FakeUser | None,
        guild: FakeGuild | _Default | None,
        channel: FakeChannel | None,
        locale: str,
        message: JSON | None = None,
    ) -> InteractionRecord:
        user = user or self.alice
        target = self.guild if isinstance(guild, _Default) else guild
        if channel is None:
            channel = target.text_channel if target else self.store.dm_channel(user.id)
        payload = interaction_create(
            world=self.world,
            interaction_id=self.ids.next(),
            application_id=self.application_id,
            itype=itype,
            data=data,
            user=user,
            channel=channel,
            guild=target,
            locale=locale,
            message=message,
        )
        record = self.interactions.add(payload, self.clock())
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _command_data(self, name: str, options: Any, guild: Any, focused: str | None) -> JSON:
        guild_id = None if guild is None else (self.guild if guild is DEFAULT else guild).id
        data: JSON = {
            "id": str(self.core.command_id(name, guild_id)),
            "name": name,
            "type": 1,
            "options": command_options(options, focused),
        }
        guild_scoped = any(c["name"] == name for c in self.core.commands.get(str(guild_id), []))
        if guild_id is not None and guild_scoped:
            data["guild_id"] = str(guild_id)
        return data

    async def send_slash_command(
        self,
        name: str,
        options: dict[str, Any] | list[JSON] | None = None,
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | _Default | None = DEFAULT,
        channel: FakeChannel | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Dispatches INTERACTION_CREATE type 2 for `/name`; `guild=None` means in a DM."""
        data = self._command_data(name, options, guild, None)
        return await self._interact(2, data, user, guild, channel, locale)

    async def send_autocomplete(
        self,
        name: str,
        options: dict[str, Any] | list[JSON],
        focused: str | None = None,
        *,
        user: FakeUser | None = None,
        guild: FakeGuild | _Default | None = DEFAULT,
        channel: FakeChannel | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Type 4: `focused` names the option being typed (default: the last one)."""
        if isinstance(options, dict) and focused is None:
            focused = list(options)[-1]
        data = self._command_data(name, options, guild, focused)
        return await self._interact(4, data, user, guild, channel, locale)

    async def click_button(
        self,
        message: SentMessage | int,
        custom_id: str,
        *,
        user: FakeUser | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Type 3 on a message the bot sent (buttons; selects with `component_type`/`values`)."""
        sent = message if isinstance(message, SentMessage) else self.store.by_id[message]
        channel = self.store.channel(sent.channel_id)
        guild = self.world.guild(channel.guild_id) if channel.guild_id else None
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        return await self._interact(3, data, user, guild, channel, locale, message=sent.message)
