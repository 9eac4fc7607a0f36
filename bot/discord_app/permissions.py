"""Whether the bot may send (and reply) where a message came from, known before sending.

Discord answers a send without permission with 403 (50013 / 50001), and invalid requests
count toward a ban of the bot's IP, so the bot checks the cached permissions first instead of
learning from errors. A thread needs Send Messages in Threads rather than Send Messages.
"""

from __future__ import annotations

import discord


def _permissions(message: discord.Message) -> discord.Permissions | None:
    """The bot's permissions in the message's channel; None where they cannot be known
    (a DM, or a channel the cache does not hold)."""
    channel = message.channel
    guild = message.guild
    if guild is None or guild.me is None or isinstance(channel, discord.PartialMessageable):
        return None
    try:
        return channel.permissions_for(guild.me)
    except discord.ClientException:  # a thread whose parent is not cached
        return None


def may_send(message: discord.Message) -> bool:
    """Whether a message may be sent in the channel of `message` (unknown: try)."""
    perms = _permissions(message)
    if perms is None:
        return True
    if isinstance(message.channel, discord.Thread):
        return perms.send_messages_in_threads
    return perms.send_messages


def may_reply(message: discord.Message) -> bool:
    """Whether a reply (which needs Read Message History) may be sent."""
    perms = _permissions(message)
    return perms is None or perms.read_message_history
