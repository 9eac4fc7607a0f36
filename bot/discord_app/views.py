"""The answer pager: what its buttons carry, who may click, and when they go dead.

Every button's state is in its custom_id, handled by `DynamicItem`s the client registers at
start-up, so buttons answer after a restart too: *Context* needs only the article, the
paragraph and a digest of its text (to notice a changed paragraph); ◀ ▶ need the ranked
passages, which live in this process (`Pagers`) until the answer expires. A page click the
process cannot serve (expired, or sent before a restart) turns the buttons off and says so.

Paging changes the shared message, so only the asker may page; anyone else gets a short
private note. "Context" only shows a private reply, so anyone may use it.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.citation import Citation
from bot.discord_app.pager import EXPIRED, NOT_YOURS, digest, disabled_copy
from bot.discord_app.render import paragraph_embed
from bot.index.search import SearchIndex

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

STALE = "That article changed since this answer: ask again to see the current text."

__all__ = ["EXPIRED", "NOT_YOURS", "STALE", "ContextButton", "PageButton", "register_buttons"]


def _client(interaction: discord.Interaction) -> CitebotClient:
    return interaction.client  # type: ignore[return-value]


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cb:page:(?P<key>[0-9a-f]+):(?P<step>[+-]1)",
):
    """◀ or ▶ of one answer: turns its page, for the asker, while the answer is live."""

    def __init__(self, key: str, step: int, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.key, self.step = key, step

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        assert isinstance(item, discord.ui.Button)
        return cls(match["key"], int(match["step"]), item)

    async def callback(self, interaction: discord.Interaction) -> None:
        pager = _client(interaction).pagers.get(self.key)
        if pager is None:
            await _retire(interaction)
        elif interaction.user.id != pager.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        else:
            pager.turn(self.step)
            await interaction.response.edit_message(embed=pager.embed(), view=pager.view())


async def _retire(interaction: discord.Interaction) -> None:
    """Buttons of an answer this process cannot page: turn them off, say to ask again."""
    message = interaction.message
    if message is None:
        await interaction.response.send_message(EXPIRED, ephemeral=True)
        return
    await interaction.response.edit_message(view=disabled_copy(message))
    await interaction.followup.send(EXPIRED, ephemeral=True)


class ContextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"cb:ctx:(?P<paragraph>\d+):(?P<digest>[0-9a-f]+):(?P<kind>[ih]):(?P<ref>[\s\S]+)",
):
    """Context [n]: the cited paragraph with its neighbours, privately, for anyone."""

    def __init__(self, match: re.Match[str], button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.paragraph = int(match["paragraph"])
        self.text_digest = match["digest"]
        self.kind, self.ref = match["kind"], match["ref"]

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ContextButton:
        assert isinstance(item, discord.ui.Button)
        return cls(match, item)

    async def callback(self, interaction: discord.Interaction) -> None:
        index = await self._index(interaction)
        embed = None if index is None else self._embed(index)
        if embed is None:
            await interaction.response.send_message(STALE, ephemeral=True)
            return
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _index(self, interaction: discord.Interaction) -> SearchIndex | None:
        """The index the cited paragraph is looked up in: the shared collection's."""
        return _client(interaction).library.index

    def _article_id(self, index: SearchIndex) -> str | None:
        if self.kind == "i":
            return self.ref
        return next((a.id for a in index.articles if digest(a.id, 8) == self.ref), None)

    def _embed(self, index: SearchIndex) -> discord.Embed | None:
        """None if the index no longer has the paragraph as it was cited."""
        article_id = self._article_id(index)
        position = self.paragraph - 1
        cited = index.paragraph_at(article_id, position) if article_id else None
        if article_id is None or cited is None or digest(cited.text) != self.text_digest:
            return None
        neighbours = []
        for p in (position - 1, position, position + 1):
            stored = index.paragraph_at(article_id, p)
            if stored is not None:
                neighbours.append((p + 1, stored.text))
        return paragraph_embed(Citation.of(cited), neighbours, self.paragraph)


def register_buttons(client: discord.Client) -> None:
    """Route every answer button, including those sent before this process started."""
    client.add_dynamic_items(PageButton, ContextButton)
