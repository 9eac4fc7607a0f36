"""The fake's world: the bot, its owner, other users and the guilds, and the default one."""

from __future__ import annotations

from dataclasses import dataclass

from .payloads import (
    ADMINISTRATOR,
    EVERYONE_PERMISSIONS,
    MANAGE_GUILD,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    Snowflakes,
)


@dataclass
class World:
    """Everything the fake serves: the bot, its owner, other users and the guilds."""

    bot: FakeUser
    owner: FakeUser
    users: list[FakeUser]
    guilds: list[FakeGuild]

    def user(self, user_id: int) -> FakeUser | None:
        everyone = [self.bot, self.owner, *self.users]
        return next((u for u in everyone if u.id == user_id), None)

    def guild(self, guild_id: int) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == guild_id), None)

    def channel(self, channel_id: int) -> FakeChannel | None:
        for g in self.guilds:
            for c in g.channels:
                if c.id == channel_id:
                    return c
        return None


def default_world(ids: Snowflakes) -> World:
    """One guild owned by `owner`, with #general, @everyone and Admin roles, two members
    (alice, bob), another bot and our bot (application id = bot user id)."""
    bot = FakeUser(ids.next(), "citebot", bot=True)
    owner = FakeUser(ids.next(), "owner", global_name="Owner")
    alice = FakeUser(ids.next(), "alice", global_name="Alice")
    bob = FakeUser(ids.next(), "bob", global_name="Bob")
    other_bot = FakeUser(ids.next(), "otherbot", bot=True)
    guild_id = ids.next()
    admin = FakeRole(ids.next(), "Admin", ADMINISTRATOR | MANAGE_GUILD, position=1)
    guild = FakeGuild(
        id=guild_id,
        name="Test Guild",
        owner_id=owner.id,
        channels=[FakeChannel(ids.next(), "general", 0, guild_id)],
        roles=[FakeRole(guild_id, "@everyone", EVERYONE_PERMISSIONS), admin],
        members=[
            FakeMember(owner, [admin.id]),
            FakeMember(alice),
            FakeMember(bob),
            FakeMember(other_bot),
            FakeMember(bot),
        ],
    )
    return World(bot=bot, owner=owner, users=[alice, bob, other_bot], guilds=[guild])
