"""What /ask, DMs and mentions share: the checks on a question, and composing the reply."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import discord

from bot.answer import AnswerStatus
from bot.config import Settings
from bot.cooldown import Cooldown
from bot.discord_app.inflight import AnswerSlots
from bot.discord_app.pager import VIEW_TIMEOUT, Pager, token_left
from bot.discord_app.render import no_answer_embed
from bot.discord_app.searching import Search

log = logging.getLogger(__name__)

PAGES = 3
# Seconds the answer's buttons stay live; a module constant so tests can shorten it.
ANSWER_TIMEOUT = VIEW_TIMEOUT
USAGE_HINT = "Ask me a question about the articles, e.g. `@citebot Who delivered the response?`"
STILL_ANSWERING = "I'm still answering your previous question: ask again once it's answered."


@dataclass(frozen=True)
class Reply:
    """An embed, and the pager when the answer has passages."""

    embed: discord.Embed
    pager: Pager | None

    @property
    def view(self) -> discord.ui.View | None:
        """The buttons to send with the embed (none for a no-answer)."""
        return self.pager.view() if self.pager else None


def live_for(interaction: discord.Interaction | None) -> float:
    """Seconds an answer's buttons stay live: ANSWER_TIMEOUT, and for an answer sent through
    an interaction never past the time its token can still edit the message."""
    if interaction is None:
        return ANSWER_TIMEOUT
    return min(ANSWER_TIMEOUT, token_left(interaction))


def refusal(
    settings: Settings, cooldown: Cooldown, slots: AnswerSlots, user_id: int, question: str
) -> str | None:
    """Why this question is not answered now (empty, too long, the user's previous question
    still in flight, cooling down), or None; only a question that passes counts as asked."""
    if not question.strip():
        return USAGE_HINT
    if len(question) > settings.max_question_chars:
        return (
            f"That question is {len(question)} characters long; please keep it under "
            f"{settings.max_question_chars}."
        )
    if slots.busy(user_id):
        return STILL_ANSWERING
    wait = cooldown.retry_after(user_id)
    if wait > 0:
        return f"You're asking quickly: try again in {max(1, round(wait))} s."
    return None


async def compose(
    search: Search,
    slots: AnswerSlots,
    question: str,
    *,
    user_id: int,
    per_page: int,
    article_id: str | None,
    via: str,
    min_relevance: float | None = None,
) -> Reply:
    """Answer on an answer thread (large indexes take milliseconds) and build the reply;
    `search` knows which collections to search (see searching.py); `min_relevance` is the
    server's no-answer bar (None: the configured one)."""
    started = time.perf_counter()
    k = per_page * PAGES
    merged = await slots.run(search, question, k, article_id, min_relevance)
    result = merged.answer
    log.info(
        "question via=%s status=%s passages=%d in %.1f ms",
        via,
        result.status.value,
        len(result.passages),
        (time.perf_counter() - started) * 1000,
    )
    if result.status is not AnswerStatus.ANSWERED:
        return Reply(no_answer_embed(result), None)
    pager = Pager(result, owner_id=user_id, per_page=per_page, collections=merged.collections)
    return Reply(pager.embed(), pager)
