"""Context [n] for a passage of a server's collection: looked up in that collection again.

The button carries the collection's name (`cb:cctx:<collection>:…`, see pager.context_id),
so it works after a restart: the collection is loaded by the client's `ServedCollections`.
A click is served only where the answer can have been sent: in that collection's own
server, or in a DM (answers of a private server go to the asker by DM); Discord only sends
custom_ids that are on the message, and this check does not rely on it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.collections import CollectionError, collection, server_collection
from bot.discord_app.views import ContextButton
from bot.index.search import SearchIndex

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)


class CollectionContextButton(
    ContextButton,
    template=(
        r"cb:cctx:(?P<collection>[a-z0-9-]+):(?P<paragraph>\d+):(?P<digest>[0-9a-f]+)"
        r":(?P<kind>[ih]):(?P<ref>[\s\S]+)"
    ),
):
    """Context [n] of a passage found in a collection other than the shared one."""

    def __init__(self, match: re.Match[str], button: discord.ui.Button[Any]) -> None:
        super().__init__(match, button)
        self.collection = match["collection"]

    async def _index(self, interaction: discord.Interaction) -> SearchIndex | None:
        """The collection's index, if this click may read it and it still exists (the
        rest of the click is `ContextButton`'s)."""
        guild_id = interaction.guild_id
        if guild_id is not None and server_collection(guild_id) != self.collection:
            log.info("context refused for a collection of another server")
            return None
        bot: CitebotClient = interaction.client  # type: ignore[assignment]
        try:
            found = collection(bot.settings, self.collection)
        except CollectionError:
            return None
        if not found.folder.is_dir():
            return None
        return await asyncio.to_thread(bot.served.index, found)


def register_collection_buttons(client: discord.Client) -> None:
    """Route Context clicks of server collections' passages (before and after a restart)."""
    client.add_dynamic_items(CollectionContextButton)
