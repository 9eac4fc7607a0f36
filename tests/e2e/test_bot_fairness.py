"""One member's slow questions never hold up other members' answers (issue 11, item 1).

The slow questions are slow for real: a `Library` whose answer to any question ending in
"??" first spends SLOW seconds of pure-Python CPU work (holding the GIL as the core's
own slow paths do), as an index with a pathological paragraph would. The marker is an extra
question mark, which the analyzer drops, so both questions find the same passages. No part of Discord or
of the bot is mocked: the bot runs against the fake Discord with this library passed in at
the composition point.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

from bot_fixtures import (
    EPHEMERAL,
    KEEPER_QUESTION,
    assert_acked_in_time,
    callback_flags,
    replies_to,
)
from fake_discord import FakeDiscord
from fake_discord.harness import run_client

from bot.answer import Answer
from bot.config import Settings
from bot.discord_app import CitebotClient
from bot.discord_app.asking import STILL_ANSWERING
from bot.library import Library

SLOW = 1.5
SLOW_QUESTION = KEEPER_QUESTION + "?"


class SlowLibrary(Library):
    """A real library whose answers to "??" questions burn CPU first."""

    def ask(
        self,
        question: str,
        k: int,
        article_id: str | None = None,
        min_relevance: float | None = None,
    ) -> Answer:
        if question.endswith("??"):
            deadline = time.perf_counter() + SLOW
            while time.perf_counter() < deadline:
                sum(range(500))
        return super().ask(question, k, article_id, min_relevance)


@contextlib.asynccontextmanager
async def slow_bot(fake: FakeDiscord, corpus: Path, db: Path) -> AsyncIterator[CitebotClient]:
    settings = Settings(corpus=corpus, db=db, discord_token=fake.token)
    library = SlowLibrary.open(settings)
    # What is measured is the wait behind other members' questions, not the first reading of
    # these passages by the context model (about 30 ms each, several times that while two
    # threads hold the GIL), which any first question to a new index pays.
    library.ask(KEEPER_QUESTION, 3)
    client = CitebotClient(settings, library)
    client._connection.guild_ready_timeout = 0.05
    async with run_client(client, fake):
        yield client


async def test_one_members_slow_questions_do_not_hold_up_anyone_elses_answer(
    fake_discord, lighthouses, tmp_path
):
    fake = fake_discord
    async with slow_bot(fake, lighthouses, tmp_path / "slow.db"):
        slow = [
            await fake.send_slash_command("ask", {"question": SLOW_QUESTION}, user=user)
            for user in [fake.alice] * 5 + [fake.bob] * 2
        ]
        started = time.perf_counter()
        owners = await fake.send_slash_command(
            "ask", {"question": KEEPER_QUESTION}, user=fake.owner
        )
        answer = await owners.content(timeout=4 * SLOW)
        waited = time.perf_counter() - started
        # Everyone's first slow question is answered in the end; the rest were turned away.
        firsts = await asyncio.gather(*(slow[i].content(timeout=6 * SLOW) for i in (0, 5)))
    assert "lighthouse keeper" in answer.embeds[0]["fields"][0]["value"]
    assert waited < SLOW / 2, f"the owner waited {waited:.2f} s behind the slow questions"
    assert owners.content_at < min(slow[i].content_at for i in (0, 5))
    for record in slow:
        assert_acked_in_time(record)
    for message in firsts:
        assert "lighthouse keeper" in message.embeds[0]["fields"][0]["value"]
    for record in slow[1:5] + slow[6:]:
        assert record.callback["type"] == 4 and callback_flags(record) & EPHEMERAL
        assert record.callback["data"]["embeds"][0]["description"] == STILL_ANSWERING


async def test_a_second_dm_while_the_first_is_answered_is_told_to_wait(
    fake_discord, lighthouses, tmp_path
):
    fake = fake_discord
    dm = fake.dm_channel(fake.alice).id
    async with slow_bot(fake, lighthouses, tmp_path / "slow.db"):
        first = await fake.send_message(SLOW_QUESTION, guild=None)
        second = await fake.send_message(KEEPER_QUESTION, guild=None)
        told = await fake.wait_for_message(dm, lambda m: m.embeds, timeout=SLOW)
        answered = await fake.wait_for_message(
            dm, lambda m: m is not told and m.embeds, timeout=4 * SLOW
        )
    assert told.embeds[0]["description"] == STILL_ANSWERING
    assert replies_to(told) == second["id"]
    assert "lighthouse keeper" in answered.embeds[0]["fields"][0]["value"]
    assert replies_to(answered) == first["id"]
