"""The bot's wiring: its feed schedule runs due feeds and the shared collection's served
index picks the new articles up (the real client, not connected to Discord)."""

from __future__ import annotations

import subprocess
import sys

from collection_samples import FILLER, article_bytes

from bot.answer import AnswerStatus, answer
from bot.collections import collection
from bot.discord_app import create_client
from bot.feeds import subscribe

LIGHTHOUSE_Q = "How many ships did the lighthouse keeper count?"


async def test_a_feed_entry_added_by_the_bots_schedule_is_answered_by_the_bot(
    settings, store, site
):
    site.publish("lighthouse")
    subscribe(settings, store, site.url("/feed.xml"), "shared")
    client = create_client(settings)
    try:
        assert client.library.ask(LIGHTHOUSE_Q, 1).status is AnswerStatus.NO_RELEVANT_PASSAGE
        results = await client.feeds.run_due()
        assert [len(r.added) for r in results] == [1]
        found = client.library.ask(LIGHTHOUSE_Q, 1)
        assert found.status is AnswerStatus.ANSWERED
        assert "counted 412 ships" in found.passages[0].text
    finally:  # never connected: stop what the client started, not the connection
        await client.feeds.stop()
        client.slots.close()
        client.pagers.close()


async def test_a_feed_entry_for_a_loaded_server_collection_is_served_at_once(settings, store, site):
    own = collection(settings, "server-42")
    (own.folder).mkdir(parents=True)
    (own.folder / "filler.txt").write_bytes(article_bytes("Club news", FILLER))
    site.publish("lighthouse")
    subscribe(settings, store, site.url("/feed.xml"), own.name)
    client = create_client(settings)
    try:
        before = client.served.index(own)  # loaded, as a server's questions load it
        assert answer(before, LIGHTHOUSE_Q, 1).status is AnswerStatus.NO_RELEVANT_PASSAGE
        results = await client.feeds.run_due()
        assert [len(r.added) for r in results] == [1]
        found = answer(client.served.index(own), LIGHTHOUSE_Q, 1)
        assert found.status is AnswerStatus.ANSWERED
        assert "counted 412 ships" in found.passages[0].text
    finally:
        await client.feeds.stop()
        client.slots.close()
        client.pagers.close()


def test_importing_feeds_loads_no_discord():
    code = "import sys, bot.feeds, bot.cli_feeds; print('discord' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
