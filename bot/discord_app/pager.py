"""Live answers that can be paged, and the fixed moment each one's buttons go dead.

An answer's buttons expire a fixed time after it was sent; clicks do not extend it (a view
timeout that restarted on every click could outlive the 15-minute interaction token, and an
edit after it is a 401 that counts toward Discord's invalid-request limit). For an answer
sent through an interaction, expiry also comes before the token's end (`EDITABLE_FOR`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.answer import Answer, Passage
from bot.collections import SHARED
from bot.discord_app.render import answer_embed

log = logging.getLogger(__name__)

VIEW_TIMEOUT = 300.0
# An interaction token lives 15 minutes; stop editing through it a minute before.
# Module constants so tests can shorten them.
EDITABLE_FOR = 14 * 60.0
NOT_YOURS = "Only the person who asked can page through this answer. Ask your own with /ask."
EXPIRED = "This answer's pages have expired (or the bot restarted since): ask again to page."

ID_ROOM = 60  # article ids longer than this go in a custom_id as a digest
CUSTOM_ID_CHARS = 100  # Discord's limit on a component's custom_id

Edit = Callable[[discord.ui.View], Awaitable[Any]]


def token_left(interaction: discord.Interaction) -> float:
    """Seconds this interaction's token may still be used to edit (EDITABLE_FOR from its
    creation)."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return EDITABLE_FOR - age


def digest(text: str, size: int = 6) -> str:
    """A short, stable fingerprint (hex) of `text`."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).hexdigest()


def context_id(passage: Passage, collection: str = SHARED) -> str:
    """`cb:ctx:<¶>:<text digest>:i:<article id>` (or `:h:<id digest>` for a long id):
    everything *Context* needs, so it works after a restart (see views.ContextButton). A
    passage of another collection than the shared one is `cb:cctx:<collection>:…` (see
    context_buttons.py), its article id digested when the whole would not fit."""
    citation = passage.citation
    article = citation.article_id
    if collection == SHARED:
        ref = f"i:{article}" if len(article) <= ID_ROOM else f"h:{digest(article, 8)}"
        return f"cb:ctx:{citation.paragraph}:{digest(passage.text)}:{ref}"
    start = f"cb:cctx:{collection}:{citation.paragraph}:{digest(passage.text)}:"
    fits = len(start) + 2 + len(article) <= CUSTOM_ID_CHARS
    return start + (f"i:{article}" if fits else f"h:{digest(article, 8)}")


@dataclass
class Pager:
    """◀ ▶ through the ranked passages of one answer, and Context for each passage shown."""

    answer: Answer
    owner_id: int
    per_page: int
    collections: tuple[str, ...] = ()  # each passage's collection (none given: the shared)
    key: str = field(default_factory=lambda: secrets.token_hex(8))
    page: int = 0

    @property
    def pages(self) -> int:
        """Number of pages of passages."""
        return max(1, -(-len(self.answer.passages) // self.per_page))

    def shown(self) -> list[Passage]:
        """The passages on the current page."""
        start = self.page * self.per_page
        return list(self.answer.passages[start : start + self.per_page])

    def turn(self, step: int) -> None:
        """Move `step` pages, staying within the answer."""
        self.page = min(max(self.page + step, 0), self.pages - 1)

    def collection_of(self, passage: Passage) -> str:
        """The collection the passage was found in (ranks count from 1)."""
        at = passage.rank - 1
        return self.collections[at] if 0 <= at < len(self.collections) else SHARED

    def embed(self) -> discord.Embed:
        """The current page as an embed."""
        return answer_embed(self.answer.question, self.shown(), self.page + 1, self.pages)

    def view(self, live: bool = True) -> discord.ui.View:
        """The buttons of the current page; their state is in their custom_ids."""
        view = discord.ui.View(timeout=None)
        if self.pages > 1:
            first, last = self.page == 0, self.page >= self.pages - 1
            _add(view, "◀", f"cb:page:{self.key}:-1", first or not live, 0)
            _add(view, f"{self.page + 1}/{self.pages}", f"cb:pages:{self.key}", True, 0)
            _add(view, "▶", f"cb:page:{self.key}:+1", last or not live, 0)
        for passage in self.shown():
            ctx = context_id(passage, self.collection_of(passage))
            _add(view, f"Context [{passage.rank}]", ctx, not live, 1)
        # Never registered in discord.py's view store: the DynamicItems route every click.
        view.stop()
        return view


def _add(view: discord.ui.View, label: str, custom_id: str, disabled: bool, row: int) -> None:
    style = discord.ButtonStyle.secondary
    view.add_item(
        discord.ui.Button(label=label, custom_id=custom_id, style=style, disabled=disabled, row=row)
    )


def disabled_copy(message: discord.Message) -> discord.ui.View:
    """The message's buttons, all turned off."""
    view = discord.ui.View.from_message(message, timeout=None)
    for item in view.children:
        if isinstance(item, discord.ui.Button):
            item.disabled = True
    view.stop()
    return view


class Pagers:
    """The live answers of this process, by key; each dropped when its buttons expire."""

    def __init__(self) -> None:
        self._live: dict[str, Pager] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._live)

    def get(self, key: str) -> Pager | None:
        """The live answer with this key, or None (expired, or from another process)."""
        return self._live.get(key)

    def track(self, pager: Pager, edit: Edit, seconds: float) -> None:
        """Serve `pager` for `seconds`, then turn its buttons off through `edit`."""
        self._live[pager.key] = pager
        loop = asyncio.get_running_loop()
        self._timers[pager.key] = loop.call_later(max(seconds, 0.0), self._expire, pager, edit)

    def _expire(self, pager: Pager, edit: Edit) -> None:
        self._live.pop(pager.key, None)
        self._timers.pop(pager.key, None)
        task = asyncio.get_running_loop().create_task(_disable(pager, edit))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def idle(self) -> bool:
        """No live answer, and no expired one whose buttons are still being turned off."""
        return not self._live and not self._tasks

    def close(self) -> None:
        """Forget every live answer (their buttons answer "ask again" from now on)."""
        for timer in self._timers.values():
            timer.cancel()
        for task in self._tasks:
            task.cancel()
        self._timers.clear()
        self._live.clear()


async def _disable(pager: Pager, edit: Edit) -> None:
    try:
        await edit(pager.view(live=False))
    except Exception as exc:  # a tidy-up in the background: never let it raise
        log.debug("could not disable the buttons of an expired answer: %r", exc)
