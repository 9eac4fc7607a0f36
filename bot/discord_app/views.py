"""The answer pager: who may click, what each button does, and what happens on timeout.

Paging changes the shared message, so only the asker may page; anyone else gets a short
private note. "Context" only shows a private reply, so anyone may use it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

import discord

from bot.answer import Answer, Passage
from bot.discord_app.render import answer_embed, paragraph_embed
from bot.index.search import SearchIndex
from bot.library import Library

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 300.0
NOT_YOURS = "Only the person who asked can page through this answer. Ask your own with /ask."
STALE = "That article changed since this answer: ask again to see the current text."


class AnswerView(discord.ui.View):
    """◀ ▶ through the ranked passages of one answer, and Context for each passage shown."""

    def __init__(
        self,
        answer: Answer,
        library: Library,
        owner_id: int,
        per_page: int,
        timeout: float = VIEW_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.answer = answer
        # The library, not the index the answer came from: holding that index would keep a
        # replaced one (all its arrays and its SQLite snapshot) alive for the view's lifetime.
        self.library = library
        self.owner_id = owner_id
        self.per_page = per_page
        self.page = 0
        self.message: discord.Message | None = None
        self.interaction: discord.Interaction | None = None
        self._layout()

    @property
    def pages(self) -> int:
        """Number of pages of passages."""
        return max(1, -(-len(self.answer.passages) // self.per_page))

    def shown(self) -> list[Passage]:
        """The passages on the current page."""
        start = self.page * self.per_page
        return list(self.answer.passages[start : start + self.per_page])

    def embed(self) -> discord.Embed:
        """The current page as an embed."""
        return answer_embed(self.answer.question, self.shown(), self.page + 1, self.pages)

    def _layout(self) -> None:
        self.clear_items()
        if self.pages > 1:
            self._button("◀", self.page == 0, self._turn(-1), row=0)
            self._button(f"{self.page + 1}/{self.pages}", True, None, row=0)
            self._button("▶", self.page >= self.pages - 1, self._turn(+1), row=0)
        for passage in self.shown():
            self._button(f"Context [{passage.rank}]", False, self._context(passage), row=1)

    def _button(
        self,
        label: str,
        disabled: bool,
        callback: Callable[[discord.Interaction], Coroutine[Any, Any, None]] | None,
        row: int,
    ) -> None:
        style = discord.ButtonStyle.secondary
        button: discord.ui.Button[AnswerView] = discord.ui.Button(
            label=label, style=style, disabled=disabled, row=row
        )
        if callback is not None:
            button.callback = callback  # type: ignore[method-assign,assignment]
        self.add_item(button)

    def _turn(self, step: int) -> Callable[[discord.Interaction], Coroutine[Any, Any, None]]:
        async def turn(interaction: discord.Interaction) -> None:
            if interaction.user.id != self.owner_id:
                await interaction.response.send_message(NOT_YOURS, ephemeral=True)
                return
            self.page = min(max(self.page + step, 0), self.pages - 1)
            self._layout()
            await interaction.response.edit_message(embed=self.embed(), view=self)

        return turn

    def _context(
        self, passage: Passage
    ) -> Callable[[discord.Interaction], Coroutine[Any, Any, None]]:
        async def context(interaction: discord.Interaction) -> None:
            embed = context_embed(self.library.index, passage)
            if embed is None:
                await interaction.response.send_message(STALE, ephemeral=True)
                return
            await interaction.response.send_message(embed=embed, ephemeral=True)

        return context

    async def on_timeout(self) -> None:
        """Disable the buttons so nobody clicks a dead answer."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            if self.interaction is not None:
                await self.interaction.edit_original_response(view=self)
            elif self.message is not None:
                await self.message.edit(view=self)
        except discord.HTTPException as exc:
            log.debug("could not disable buttons of an expired answer: %s", exc)


def context_embed(index: SearchIndex, passage: Passage) -> discord.Embed | None:
    """The cited paragraph with its neighbours, or None if the index no longer has it as cited."""
    citation = passage.citation
    position = citation.paragraph - 1
    cited = index.paragraph_at(citation.article_id, position)
    if cited is None or cited.text != passage.text:
        return None
    neighbours = []
    for p in (position - 1, position, position + 1):
        stored = index.paragraph_at(citation.article_id, p)
        if stored is not None:
            neighbours.append((p + 1, stored.text))
    return paragraph_embed(citation, neighbours, citation.paragraph)
