"""What users do, played by the fake (mixed into FakeDiscord): send and delete messages, run
slash commands and autocomplete, click buttons. Each dispatches the gateway event Discord
would send the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .dispatch import command_options, interaction_create, message_create
from .payloads import FakeChannel, FakeGuild, FakeUser, Snowflakes
from .records import InteractionRecord, SentMessage
from .world import World

if TYPE_CHECKING:
    from collections.abc import Callable

    from .gateway import Gateway
    from .interactions import Interactions
    from .messages import MessageStore
    from .routes import CoreRoutes
    from .uploads import Uploads

JSON = dict[str, Any]


class _Default:
    """Marks 'use the default guild' where `None` means 'in a DM'."""


DEFAULT: Final = _Default()


class UserActions:
    """Users acting on the fake Discord."""

    world: World
    ids: Snowflakes
    store: MessageStore
    gateway: Gateway
    interactions: Interactions
    core: CoreRoutes
    uploads: Uploads
    clock: Callable[[], float]
    application_id: int
    alice: FakeUser
    other_bot: FakeUser
    guild: FakeGuild

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
        resolved = {
            "roles": self._resolved_roles(data["options"], guild),
            "attachments": self._resolved_attachments(data["options"]),
        }
        if any(resolved.values()):
            data["resolved"] = {kind: found for kind, found in resolved.items() if found}
        guild_scoped = any(c["name"] == name for c in self.core.commands.get(str(guild_id), []))
        if guild_id is not None and guild_scoped:
            data["guild_id"] = str(guild_id)
        return data

    def _resolved_roles(self, options: list[JSON], guild: Any) -> JSON:
        """Discord sends the full object of every role given as an option (type 8) in the
        interaction's `data.resolved.roles`, keyed by id."""
        if guild is None:
            return {}
        target = self.guild if guild is DEFAULT else guild
        wanted = {str(o["value"]) for o in options if o.get("type") == 8}
        return {str(r.id): r.payload() for r in target.roles if str(r.id) in wanted}

    def _resolved_attachments(self, options: list[JSON]) -> JSON:
        """Discord sends every attachment given as an option (type 11, its value the id) in
        `data.resolved.attachments`, with its CDN url."""
        wanted = [int(o["value"]) for o in options if o.get("type") == 11]
        return {str(i): self.uploads.payload(self.uploads.files[i]) for i in wanted}

    def upload(
        self, filename: str, data: bytes, content_type: str = "text/plain; charset=utf-8"
    ) -> JSON:
        """A file a user attaches to a command (served on the fake's CDN route): give it as
        the option `{"name": ..., "type": 11, "value": <its "id">}`."""
        upload = self.uploads.add(self.guild.text_channel.id, filename, data, content_type)
        return self.uploads.payload(upload)

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
