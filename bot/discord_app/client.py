"""The Discord client: minimal intents, mentions disabled everywhere, one error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.collections import SHARED, ServedCollections, collection
from bot.config import Settings, load_settings
from bot.cooldown import Cooldown
from bot.discord_app.collections_commands import register_collection_commands
from bot.discord_app.commands import register_commands
from bot.discord_app.context_buttons import register_collection_buttons
from bot.discord_app.feed_commands import register_feed_commands
from bot.discord_app.inflight import AnswerSlots, share_the_interpreter_finely
from bot.discord_app.messages import APOLOGY, handle_message
from bot.discord_app.pager import Pagers
from bot.discord_app.pending import PendingActions
from bot.discord_app.render import notice_embed
from bot.discord_app.settings_command import register_settings
from bot.discord_app.shards import Shards
from bot.discord_app.sync import sync_tree
from bot.discord_app.views import register_buttons
from bot.fetch import add_limiter
from bot.library import Library
from bot.rerank.context import set_index_limit
from bot.server_cooldowns import ServerCooldowns
from bot.stores import feed_scheduler, follow_settings, open_settings_store
from bot.watch import CollectionsWatcher, CorpusWatcher

if TYPE_CHECKING:
    from bot.fleet.identify import IdentifyPacer
    from bot.fleet.serving import FleetServing

log = logging.getLogger(__name__)

# Server collections kept loaded at once; the least recently asked is dropped beyond this.
MAX_LOADED_COLLECTIONS = 100


def intents() -> discord.Intents:
    """Only what the bot needs: no privileged message-content intent (DMs and mentions
    carry their content without it)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    return wanted


class CitebotClient(discord.AutoShardedClient):
    """citebot on Discord: slash commands, DMs and mentions, served from one Library.

    Sharded, as Discord requires from 2,500 servers: with no shards given, one process runs
    as many as Discord recommends; `shards` runs only those of `shard_count` (several
    processes can then share one large bot)."""

    def __init__(self, settings: Settings, library: Library, shards: Shards | None = None) -> None:
        mentions = discord.AllowedMentions.none()
        if shards is None:
            super().__init__(intents=intents(), allowed_mentions=mentions)
        else:
            super().__init__(
                intents=intents(),
                allowed_mentions=mentions,
                shard_ids=list(shards.ids),
                shard_count=shards.count,
            )
        self.settings = settings
        self.library = library
        self.cooldown = Cooldown(settings.cooldown_questions, settings.cooldown_seconds)
        # Settings and feeds: the SQLite state file, or PostgreSQL in fleet mode (bot.stores).
        self.server_settings = open_settings_store(settings)
        self._settings_task: asyncio.Task[None] | None = None
        self.cooldowns = ServerCooldowns(self.cooldown)
        self.feeds = feed_scheduler(settings, self.on_feed_added)
        self.slots = AnswerSlots()
        self.pagers = Pagers()
        self.served = ServedCollections(MAX_LOADED_COLLECTIONS)  # servers' own collections
        self.watchers: tuple[CorpusWatcher, ...] = (
            (CorpusWatcher(library, settings), CollectionsWatcher(self.served, settings, library))
            if settings.watch
            else ()
        )
        self.pending = PendingActions()
        self.add_limits = add_limiter()  # per server: /add fetches and indexes
        self.owner_ids: frozenset[int] = frozenset()
        self.identify_pacer = identify_pacer(settings)
        self.fleet: FleetServing | None = None  # fleet mode: set by create_client
        self._identify_concurrency: int | None = None
        # Guild install only, stated so that turning on user install in the developer portal
        # cannot put /reindex (or anything else) into other people's servers and DMs.
        self.tree = app_commands.CommandTree(
            self, allowed_installs=app_commands.AppInstallationType(guild=True, user=False)
        )
        self.tree.on_error = self._on_command_error  # type: ignore[method-assign]
        register_commands(self)
        register_settings(self)
        register_buttons(self)
        register_collection_commands(self)
        register_collection_buttons(self)
        register_feed_commands(self)

    async def setup_hook(self) -> None:
        """Keep the event loop responsive beside busy answer threads; learn the application's
        owners; watch the corpus and collections folders if CITEBOT_WATCH; run feeds on their
        schedule; sync commands to the dev server if one is set."""
        share_the_interpreter_finely()
        app = await self.application_info()
        owners = {member.id for member in app.team.members} if app.team else {app.owner.id}
        self.owner_ids = frozenset(owners)
        for watcher in self.watchers:
            watcher.start()
        if self.fleet is not None:
            self.fleet.start()
        following = follow_settings(self.server_settings, self.settings)
        if following is not None:
            self._settings_task = asyncio.create_task(following, name="citebot-settings")
        self.feeds.start()
        if self.settings.dev_guild is not None:
            guild = discord.Object(id=self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await sync_tree(self, self.tree, guild)
            log.info("synced %d commands to the development server", synced)

    async def close(self) -> None:
        """Stop watching the corpus and running feeds, disconnect, then let the answer
        threads go."""
        for watcher in self.watchers:
            await watcher.stop()
        await self.feeds.stop()
        if self._settings_task is not None:
            self._settings_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._settings_task
        if self.fleet is not None:
            await self.fleet.stop()
        await super().close()
        if self.identify_pacer is not None:
            await self.identify_pacer.close()
        self.slots.close()
        self.pagers.close()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """In fleet mode, wait for this shard's IDENTIFY turn across every process of the
        bot (`bot.fleet.identify`); otherwise discord.py's pacing of this process's shards."""
        if self.identify_pacer is None:
            await super().before_identify_hook(shard_id, initial=initial)
            return
        await self.identify_pacer.wait_turn(shard_id or 0, await self._max_concurrency())

    async def _max_concurrency(self) -> int:
        """The bot's IDENTIFYs allowed per 5 s (`GET /gateway/bot`), asked once; 1 if unknown."""
        if self._identify_concurrency is None:
            try:
                _, _, limits = await self.http.get_bot_gateway()
                self._identify_concurrency = max(1, int(limits.get("max_concurrency", 1)))
            except (discord.DiscordException, KeyError, TypeError, ValueError):
                self._identify_concurrency = 1
        return self._identify_concurrency

    async def on_feed_added(self, collection_name: str) -> None:
        """Serve the articles a feed run just added (they are saved and indexed already); in
        fleet mode they are a new generation, which the follower serves."""
        if self.fleet is not None:
            return
        if collection_name == SHARED:
            await self.library.reindex()
        elif collection_name in self.served.loaded():
            # A collection not loaded yet is read fresh by its next question.
            own = collection(self.settings, collection_name)
            await asyncio.to_thread(self.served.reload, own)

    async def on_ready(self) -> None:
        """Log who we are (never the token)."""
        shards = sorted(self.shards)
        log.info("connected as %s to %d servers on shards %s", self.user, len(self.guilds), shards)

    async def on_message(self, message: discord.Message) -> None:
        """DMs and mentions are questions."""
        await handle_message(self, message)

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("command failed", exc_info=error)
        apology = notice_embed(APOLOGY)
        deferred = discord.InteractionResponseType.deferred_channel_message
        try:
            if interaction.response.type is deferred:
                # Replace the "thinking…" message rather than leave it spinning.
                await interaction.edit_original_response(embed=apology)
            elif interaction.response.is_done():
                await interaction.followup.send(embed=apology, ephemeral=True)
            else:
                await interaction.response.send_message(embed=apology, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failure")


def identify_pacer(settings: Settings) -> IdentifyPacer | None:
    """Fleet mode's IDENTIFY pacing through PostgreSQL; None (and no psycopg) without it."""
    if settings.database_url is None:
        return None
    from bot.fleet.identify import IdentifyPacer

    return IdentifyPacer(settings.database_url)


def create_client(settings: Settings | None = None, shards: Shards | None = None) -> CitebotClient:
    """The bot, wired: settings (default: from the environment), library, client."""
    settings = settings or load_settings()
    set_index_limit(settings.close_reading_limit)
    if settings.database_url is not None:
        return fleet_client(settings, shards)
    return CitebotClient(settings, Library.open(settings), shards)


def fleet_client(settings: Settings, shards: Shards | None) -> CitebotClient:
    """Fleet mode's bot: served from the process's local mirrors of PostgreSQL, which its
    follower keeps at the newest generation (`bot.fleet.serving`)."""
    from bot.fleet.processes import process_info
    from bot.fleet.serving import FleetServing, fleet_settings

    served = fleet_settings(settings)
    served.corpus.mkdir(parents=True, exist_ok=True)
    client = CitebotClient(served, Library.open(served), shards)
    ids, count = (shards.ids, shards.count) if shards is not None else (None, None)
    process = process_info(settings.process_name, ids, count)
    client.fleet = FleetServing(served, process, client.library, client.served, settings.corpus)
    return client
