"""DMs and mentions: a DM is a question (or `reindex` from an admin); in a server only
messages that mention the bot are questions. Bots, the bot itself included, are ignored."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.discord_app.access import REFUSAL, is_bot_admin
from bot.discord_app.asking import USAGE_HINT, compose, live_for, refusal
from bot.discord_app.permissions import may_reply, may_send
from bot.discord_app.reindexing import run_reindex
from bot.discord_app.render import notice_embed
from bot.discord_app.searching import Scope, searcher

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

REINDEX_WORD = "reindex"
APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment."
# This server keeps answers private (/settings private): mentions are answered by DM.
SENT_BY_DM = "This server keeps answers private: I've sent you the answer by direct message."
DMS_CLOSED = (
    "This server keeps answers private, and I can't send you a direct message: "
    "use /ask here, or open your DMs to members of this server."
)


def question_from(message: discord.Message, bot_id: int) -> str | None:
    """The question in a message, or None when the message is not for the bot."""
    if message.guild is None:
        return message.content.strip()
    if bot_id not in message.raw_mentions:
        return None
    return re.sub(rf"<@!?{bot_id}>", " ", message.content).strip()


async def handle_message(bot: CitebotClient, message: discord.Message) -> None:
    """Answer a DM or a mention; reply with an apology if anything unexpected fails.
    Where the bot may not send, nothing is sent (and nothing is computed)."""
    if message.author.bot or bot.user is None:
        return
    question = question_from(message, bot.user.id)
    if question is None:
        return
    if not may_send(message):
        log.info("mentioned in a channel where I may not send; not answering")
        return
    try:
        await _respond(bot, message, question)
    except Exception:
        log.exception("failed to answer a message")
        try:
            await _send(message, notice_embed(APOLOGY))
        except Exception:  # nothing may escape on_message
            log.warning("could not send the apology either", exc_info=True)


async def _respond(bot: CitebotClient, message: discord.Message, question: str) -> None:
    if message.guild is None and question.casefold() == REINDEX_WORD:
        await _reindex_by_dm(bot, message)
        return
    if not question:
        await _send(message, notice_embed(USAGE_HINT))
        return
    user_id = message.author.id
    guild_id = message.guild.id if message.guild else None
    server = bot.server_settings.get(guild_id)
    cooldown = bot.cooldowns.for_server(guild_id, server)
    problem = refusal(bot.settings, cooldown, bot.slots, user_id, question)
    if problem is not None:
        await _send(message, notice_embed(problem))
        return
    via = "dm" if message.guild is None else "mention"
    with bot.slots.held(user_id):
        reply = await compose(
            searcher(bot, Scope(guild_id, server.include_shared)),
            bot.slots,
            question,
            user_id=user_id,
            per_page=server.results,
            article_id=None,
            via=via,
            min_relevance=server.min_relevance,
        )
        if server.private and message.guild is not None:
            sent = await _send_privately(message, reply.embed, reply.view)
        else:
            sent = await _send(message, reply.embed, reply.view)
    if reply.pager is not None and sent is not None:
        answer = sent
        bot.pagers.track(reply.pager, lambda view: answer.edit(view=view), live_for(None))


async def _send_privately(
    message: discord.Message, embed: discord.Embed, view: discord.ui.View | None
) -> discord.Message | None:
    """A server whose answers are private: the answer goes to the asker by DM, and a short
    note in the channel says where it went (or that their DMs are closed)."""
    try:
        sent = await message.author.send(embed=embed, view=view or discord.utils.MISSING)
    except discord.HTTPException as exc:
        log.info("could not DM a private answer (%s)", exc.status)
        await _send(message, notice_embed(DMS_CLOSED))
        return None
    await _send(message, notice_embed(SENT_BY_DM))
    return sent


async def _reindex_by_dm(bot: CitebotClient, message: discord.Message) -> None:
    if not is_bot_admin(message.author.id, bot.settings.admin_ids, bot.owner_ids):
        await _send(message, notice_embed(REFUSAL))
        return
    await _send(message, notice_embed("Reindexing… I'll reply when it's done."))
    await _send(message, await run_reindex(bot))


async def _send(
    message: discord.Message, embed: discord.Embed, view: discord.ui.View | None = None
) -> discord.Message:
    """Reply to the message where history may be read (a reply needs it), else plain send.
    `fail_if_not_exists=False`: a question deleted meanwhile still gets its answer."""
    view = view or discord.utils.MISSING
    if not may_reply(message):
        return await message.channel.send(embed=embed, view=view)
    reference = message.to_reference(fail_if_not_exists=False)
    return await message.channel.send(
        embed=embed, view=view, reference=reference, mention_author=False
    )
