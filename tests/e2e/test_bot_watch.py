"""Edits on disk reach the running bot without /reindex (issue 13, item 6)."""

from __future__ import annotations

import asyncio
import time

import pytest
from bot_fixtures import answered_dm, cited_titles

import bot.watch

MILL_QUESTION = "Who was the millwright?"


@pytest.fixture(autouse=True)
def quick_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.watch, "QUIET_SECONDS", 0.3)


async def test_a_file_written_into_the_corpus_folder_becomes_answerable_without_reindex(
    fake_discord, start_bot, lighthouses, write_article
):
    fake = fake_discord
    async with start_bot(lighthouses, watch=True) as client:
        before = await answered_dm(fake, fake.alice, MILL_QUESTION)
        write_article(
            "tidal-mills",
            "Tidal mills",
            ["The millwright at Eling rebuilt the wheel after the great storm."],
            author="Ada Penn",
        )
        deadline = time.monotonic() + 15
        while client.library.index.article("tidal-mills") is None:
            assert time.monotonic() < deadline, "the new article was never indexed"
            await asyncio.sleep(0.05)
        after = await answered_dm(fake, fake.alice, MILL_QUESTION)
    assert not before.embeds[0].get("fields")
    assert cited_titles(after)[0] == "Tidal mills"


async def test_watching_is_off_when_the_setting_says_so(fake_discord, start_bot, lighthouses):
    async with start_bot(lighthouses, watch=False) as client:
        assert client.watchers == ()
