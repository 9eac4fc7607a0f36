"""Slash commands: parse -> core -> render -> respond. Registered on the client's tree."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.citation import Citation
from bot.discord_app.access import REFUSAL, is_bot_admin
from bot.discord_app.asking import compose, live_for, refusal
from bot.discord_app.dm_collections import collection_choices, picked_scope
from bot.discord_app.pages import articles_embed, help_embed
from bot.discord_app.reindexing import reindex_for
from bot.discord_app.render import notice_embed, paragraph_embed, safe_trim
from bot.discord_app.searching import (
    Scope,
    article_choices_in,
    articles_in,
    find_in,
    resolve_in,
    scope_of,
    searcher,
)
from bot.index.search import IndexedArticle, StoredParagraph

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

# Servers and DMs with the bot; private channels (group DMs) need a user install, which the
# bot does not offer (see the tree's allowed_installs in client.py).
EVERYWHERE = {"guilds": True, "dms": True, "private_channels": False}


def register_commands(bot: CitebotClient) -> None:
    """Add /ask, /articles, /source, /reindex and /help to the bot's command tree."""
    tree = bot.tree

    async def asked_article(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        scope = scope_of(bot, interaction.guild_id)
        found = await asyncio.to_thread(article_choices_in, bot, scope, current)
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    async def shared_server(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await collection_choices(bot, interaction, current)
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    @tree.command(name="ask", description="Ask a question; get passages quoted from the articles")
    @app_commands.allowed_contexts(**EVERYWHERE)
    @app_commands.describe(
        question="What you want to know",
        article="Only search this article",
        results="Passages per page (1-5)",
        private="Only you see the answer (default: the server's setting)",
        collection="In a DM: search a server's articles (one you and I are both in)",
    )
    @app_commands.autocomplete(article=asked_article, collection=shared_server)
    async def ask(
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 6000],
        article: str | None = None,
        results: app_commands.Range[int, 1, 5] | None = None,
        private: bool | None = None,
        collection: str | None = None,
    ) -> None:
        user_id = interaction.user.id
        server = bot.server_settings.get(interaction.guild_id)
        cooldown = bot.cooldowns.for_server(interaction.guild_id, server)
        problem = refusal(bot.settings, cooldown, bot.slots, user_id, question)
        scope = scope_of(bot, interaction.guild_id)
        if problem is None and collection:
            picked = await picked_scope(bot, interaction, collection)
            problem, scope = (picked, scope) if isinstance(picked, str) else (None, picked)
        article_id = None
        if problem is None and article:
            article_id = await asyncio.to_thread(resolve_in, bot, scope, article)
            problem = (
                None if article_id else f"No indexed article matches “{safe_trim(article, 100)}”."
            )
        if problem is not None:
            await interaction.response.send_message(embed=notice_embed(problem), ephemeral=True)
            return
        with bot.slots.held(user_id):
            ephemeral = server.private if private is None else private
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            per_page = results or server.results
            bar = server.min_relevance
            await _answer(bot, interaction, scope, question, per_page, article_id, bar)

    @tree.command(name="articles", description="List the articles I can answer from")
    @app_commands.allowed_contexts(**EVERYWHERE)
    @app_commands.describe(page="Page number")
    async def articles(
        interaction: discord.Interaction, page: app_commands.Range[int, 1, 10000] = 1
    ) -> None:
        scope = scope_of(bot, interaction.guild_id)
        listed = await asyncio.to_thread(articles_in, bot, scope)
        await interaction.response.send_message(embed=articles_embed(listed, page), ephemeral=True)

    @tree.command(name="source", description="Show one paragraph of an article with its citation")
    @app_commands.allowed_contexts(**EVERYWHERE)
    @app_commands.describe(article="The article", paragraph="Paragraph number (¶)")
    @app_commands.autocomplete(article=asked_article)
    async def source(
        interaction: discord.Interaction,
        article: str,
        paragraph: app_commands.Range[int, 1, 100000],
    ) -> None:
        scope = scope_of(bot, interaction.guild_id)
        found = await asyncio.to_thread(find_in, bot, scope, article)
        stored = found[0].paragraph_at(found[1], paragraph - 1) if found else None
        if stored is None:
            problem = _missing_paragraph(found[0].article(found[1]) if found else None)
            await interaction.response.send_message(embed=notice_embed(problem), ephemeral=True)
            return
        await interaction.response.send_message(embed=_source_embed(stored))

    @tree.command(name="reindex", description="Reload the articles folder (bot admins only)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(**EVERYWHERE)
    async def reindex(interaction: discord.Interaction) -> None:
        if not is_bot_admin(interaction.user.id, bot.settings.admin_ids, bot.owner_ids):
            log.info("reindex refused for a user not on the allow-list")
            await interaction.response.send_message(embed=notice_embed(REFUSAL), ephemeral=True)
            return
        await interaction.response.defer(thinking=True, ephemeral=True)
        await reindex_for(bot, interaction)

    @tree.command(name="help", description="What I do, my commands, and how to read a citation")
    @app_commands.allowed_contexts(**EVERYWHERE)
    async def help_command(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(), ephemeral=True)


async def _answer(
    bot: CitebotClient,
    interaction: discord.Interaction,
    scope: Scope,
    question: str,
    per_page: int,
    article_id: str | None,
    min_relevance: float,
) -> None:
    """Compose the answer and put it in the deferred response; its buttons expire in time."""
    reply = await compose(
        searcher(bot, scope),
        bot.slots,
        question,
        user_id=interaction.user.id,
        per_page=per_page,
        article_id=article_id,
        via="slash",
        min_relevance=min_relevance,
    )
    if reply.pager is None:
        await interaction.edit_original_response(embed=reply.embed)
        return
    await interaction.edit_original_response(embed=reply.embed, view=reply.pager.view())

    async def disable(view: discord.ui.View) -> object:
        return await interaction.edit_original_response(view=view)

    bot.pagers.track(reply.pager, disable, live_for(interaction))


def _missing_paragraph(article: IndexedArticle | None) -> str:
    if article is None:
        return "No indexed article matches that. Pick one from the suggestions or see /articles."
    return f"That article has paragraphs 1 to {article.paragraph_count}."


def _source_embed(stored: StoredParagraph) -> discord.Embed:
    citation = Citation.of(stored)
    return paragraph_embed(citation, [(citation.paragraph, stored.text)], citation.paragraph)
