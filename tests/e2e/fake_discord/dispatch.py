"""Builders for what users cause: MESSAGE_CREATE and INTERACTION_CREATE payloads.

Shapes follow Discord's gateway docs and discord.py's parsers (Message, Interaction):
guild messages carry `guild_id` and a `member` without `user`; DMs carry neither; the bot
is listed in `mentions` when `<@BOT_ID>` appears in the content, as Discord does.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from .payloads import FakeChannel, FakeGuild, FakeUser, iso_now
from .world import World

JSON = dict[str, Any]
MENTION_RE = re.compile(r"<@!?(\d+)>")
GUILD_INSTALL, USER_INSTALL = "0", "1"
CTX_GUILD, CTX_BOT_DM = 0, 1


def message_create(
    world: World,
    message_id: int,
    channel: FakeChannel,
    guild: FakeGuild | None,
    author: FakeUser,
    content: str,
    mentions: list[FakeUser],
    extra: JSON | None = None,
) -> JSON:
    mentioned = {u.id: u for u in mentions}
    for match in MENTION_RE.finditer(content):
        user = world.user(int(match.group(1)))
        if user is not None:
            mentioned[user.id] = user
    data: JSON = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": author.payload(),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": "@everyone" in content or "@here" in content,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "nonce": str(message_id),
    }
    for user in mentioned.values():
        entry = user.payload()
        member = guild.member(user.id) if guild else None
        if member is not None:
            entry["member"] = member.payload(with_user=False)
        data["mentions"].append(entry)
    if guild is not None:
        data["guild_id"] = str(guild.id)
        member = guild.member(author.id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
    return data | (extra or {})


def interaction_create(
    *,
    world: World,
    interaction_id: int,
    application_id: int,
    itype: int,
    data: JSON,
    user: FakeUser,
    channel: FakeChannel,
    guild: FakeGuild | None,
    locale: str = "en-US",
    message: JSON | None = None,
) -> JSON:
    """An INTERACTION_CREATE body: type 2 command, 3 component, 4 autocomplete."""
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": itype,
        "data": data,
        "channel": channel.payload(),
        "channel_id": str(channel.id),
        "token": f"itok-{interaction_id}-{secrets.token_urlsafe(24)}",
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "app_permissions": "0",
    }
    if guild is not None:
        member = guild.member(user.id)
        member_payload: JSON = member.payload() if member else {"user": user.payload()}
        member_payload["permissions"] = str(guild.permissions_of(user.id))
        payload |= {
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "member": member_payload,
            "app_permissions": str(guild.permissions_of(world.bot.id)),
            "authorizing_integration_owners": {GUILD_INSTALL: str(guild.id)},
            "context": CTX_GUILD,
        }
    else:
        payload |= {
            "user": user.payload(),
            "authorizing_integration_owners": {USER_INSTALL: str(user.id)},
            "context": CTX_BOT_DM,
        }
    if message is not None:
        payload["message"] = message
    return payload


OPTION_TYPES = {str: 3, bool: 5, int: 4, float: 10}


def command_options(options: dict[str, Any] | list[JSON] | None, focused: str | None) -> list[JSON]:
    """`{"query": "x"}` -> `[{"name": "query", "type": 3, "value": "x"}]`; lists pass through.
    `focused` marks the option being typed (autocomplete)."""
    if options is None:
        return []
    if isinstance(options, list):
        return options
    out = []
    for name, value in options.items():
        opt: JSON = {"name": name, "type": OPTION_TYPES.get(type(value), 3), "value": value}
        if name == focused:
            opt["focused"] = True
        out.append(opt)
    return out
