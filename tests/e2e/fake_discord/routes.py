"""The REST routes the fake serves, besides interactions (see interactions.py).

Imitates: gateway discovery, the bot user, application info, application command bulk
overwrite (validated, stored with ids, 200 creations per scope per day), DM channel creation,
channel lookup, typing, and channel message create/get/edit/delete with Discord's limits and
channel permissions (see permissions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .limits import check_commands, check_message, error
from .permissions import check_can_send
from .rest import Call, Route
from .shards import recommended_shards

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]
DAILY_COMMAND_CREATES = 200


class CoreRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        # Synced commands per scope ("global" or guild id) and creations counted per scope.
        self.commands: dict[str, list[JSON]] = {}
        self.creates_today: dict[str, int] = {}

    def routes(self) -> list[Route]:
        f, i = self, self.fake.interactions
        app, guild_cmds = "/applications/{application_id}", "/guilds/{guild_id}/commands"
        msg = "/channels/{channel_id}/messages/{message_id}"
        webhook = "/webhooks/{application_id}/{interaction_token}"
        return [
            Route("GET", "/gateway", f.gateway),
            Route("GET", "/gateway/bot", f.gateway_bot),
            Route("GET", "/users/@me", f.me),
            Route("GET", "/oauth2/applications/@me", f.application),
            Route("GET", "/applications/@me", f.application),
            Route("GET", f"{app}/commands", f.get_commands),
            Route("PUT", f"{app}/commands", f.put_commands),
            Route("GET", f"{app}{guild_cmds}", f.get_commands),
            Route("PUT", f"{app}{guild_cmds}", f.put_commands),
            Route("POST", "/users/@me/channels", f.create_dm),
            Route("GET", "/channels/{channel_id}", f.get_channel),
            Route("GET", "/guilds/{guild_id}/members/{user_id}", f.get_member),
            Route("POST", "/channels/{channel_id}/typing", f.typing),
            Route("POST", "/channels/{channel_id}/messages", f.create_message),
            Route("GET", msg, f.get_message),
            Route("PATCH", msg, f.edit_message),
            Route("DELETE", msg, f.delete_message),
            Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                i.callback,
                auth=False,
            ),
            Route("POST", webhook, i.followup, auth=False),
            Route("GET", f"{webhook}/messages/{{message_id}}", i.webhook_message, auth=False),
            Route("PATCH", f"{webhook}/messages/{{message_id}}", i.webhook_message, auth=False),
            Route("DELETE", f"{webhook}/messages/{{message_id}}", i.webhook_message, auth=False),
        ]

    async def gateway(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.fake.gateway_url}

    async def gateway_bot(self, call: Call) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        fake = self.fake
        shards = recommended_shards(len(fake.world.guilds), fake.guilds_per_shard)
        return 200, {"url": fake.gateway_url, "shards": shards, "session_start_limit": limit}

    async def me(self, call: Call) -> tuple[int, Any]:
        return 200, self.fake.world.bot.payload() | {"verified": True, "mfa_enabled": False}

    async def application(self, call: Call) -> tuple[int, Any]:
        fake = self.fake
        return 200, {
            "id": str(fake.application_id),
            "name": fake.world.bot.username,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": fake.app_flags,
            "owner": fake.world.owner.payload(),
            "team": None,
            "bot": fake.world.bot.payload(),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(fake.world.guilds),
        }

    def _scope(self, call: Call) -> str:
        if call.params["application_id"] != str(self.fake.application_id):
            raise error(403, 50001, "Missing Access")
        guild_id = call.params.get("guild_id")
        if guild_id is not None and self.fake.world.guild(int(guild_id)) is None:
            raise error(403, 50001, "Missing Access")
        return guild_id or "global"

    async def get_commands(self, call: Call) -> tuple[int, Any]:
        return 200, self.commands.get(self._scope(call), [])

    async def put_commands(self, call: Call) -> tuple[int, Any]:
        """Bulk overwrite: same-name commands keep their id, new names count as creations."""
        scope = self._scope(call)
        problem = check_commands(call.json)
        if problem:
            raise problem
        old = {(c["name"], c.get("type", 1)): c for c in self.commands.get(scope, [])}
        new_names = [c for c in call.json if (c["name"], c.get("type", 1)) not in old]
        if self.creates_today.get(scope, 0) + len(new_names) > DAILY_COMMAND_CREATES:
            # Discord answers this with code 30034; a 400 keeps discord.py from sleeping a day.
            msg = "Max number of daily application command creates has been reached (200)"
            raise error(400, 30034, msg)
        self.creates_today[scope] = self.creates_today.get(scope, 0) + len(new_names)
        stored = []
        for cmd in call.json:
            prev = old.get((cmd["name"], cmd.get("type", 1)))
            stored.append(
                {
                    "type": 1,
                    "description": "",
                    "options": [],
                    "default_member_permissions": None,
                    "nsfw": False,
                    "contexts": None,
                    "integration_types": [0],
                    **cmd,
                    "id": prev["id"] if prev else str(self.fake.ids.next()),
                    "application_id": str(self.fake.application_id),
                    "version": str(self.fake.ids.next()),
                    **({"guild_id": scope} if scope != "global" else {}),
                }
            )
        self.commands[scope] = stored
        return 200, stored

    def command_id(self, name: str, guild_id: int | None) -> int:
        """The id of a synced command (guild scope first, then global); a fresh id if unsynced."""
        for scope in ([str(guild_id)] if guild_id else []) + ["global"]:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return int(cmd["id"])
        return self.fake.ids.next()

    async def create_dm(self, call: Call) -> tuple[int, Any]:
        recipient = (call.json or {}).get("recipient_id")
        return 200, self.fake.store.dm_channel(int(recipient or 0)).payload()

    async def get_channel(self, call: Call) -> tuple[int, Any]:
        return 200, self.fake.store.channel(int(call.params["channel_id"])).payload()

    async def get_member(self, call: Call) -> tuple[int, Any]:
        """Get Guild Member: needs no privileged intent, only that the bot is in the guild."""
        world = self.fake.world
        guild = world.guild(int(call.params["guild_id"]))
        if guild is None or guild.member(world.bot.id) is None:
            raise error(404, 10004, "Unknown Guild")
        member = guild.member(int(call.params["user_id"]))
        if member is None:
            raise error(404, 10007, "Unknown Member")
        return 200, member.payload()

    async def typing(self, call: Call) -> tuple[int, Any]:
        self.fake.store.channel(int(call.params["channel_id"]))
        return 204, None

    async def create_message(self, call: Call) -> tuple[int, Any]:
        store = self.fake.store
        channel = store.channel(int(call.params["channel_id"]))
        body = call.json if isinstance(call.json, dict) else {}
        problem = check_can_send(self.fake.world, channel, body) or check_message(
            body | {"files": call.files}
        )
        if problem:
            raise problem
        sent = store.create(channel, body, source="channel", files=call.files)
        return 200, sent.message

    async def get_message(self, call: Call) -> tuple[int, Any]:
        store = self.fake.store
        message_id = int(call.params["message_id"])
        found = store.lookup(message_id)
        if found is None or found["channel_id"] != call.params["channel_id"]:
            raise error(404, 10008, "Unknown Message")
        return 200, found

    async def edit_message(self, call: Call) -> tuple[int, Any]:
        store = self.fake.store
        sent = store.own(int(call.params["channel_id"]), int(call.params["message_id"]))
        body = call.json if isinstance(call.json, dict) else {}
        problem = check_message(body, partial=True)
        if problem:
            raise problem
        return 200, store.edit(sent, body, call.files).message

    async def delete_message(self, call: Call) -> tuple[int, Any]:
        store = self.fake.store
        channel_id, message_id = int(call.params["channel_id"]), int(call.params["message_id"])
        if message_id in store.user_messages:
            # Deleting others' messages needs MANAGE_MESSAGES, which the fake's bot lacks.
            raise error(403, 50013, "Missing Permissions")
        store.own(channel_id, message_id).deleted = True
        return 204, None
