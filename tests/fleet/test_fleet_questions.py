"""A question in fleet mode uses only what the follower serves: a server's mirror that the
follower is still writing is neither loaded by the question nor swapped in over the index
the follower is about to serve (that answer would log `generation=None`, and could be of
no generation at all)."""

from __future__ import annotations

from bot.collections import collection, server_collection
from bot.config import Settings
from bot.discord_app import create_client
from bot.discord_app.searching import server_index

GUILD = 1234


async def test_a_mirror_the_follower_has_not_served_yet_is_not_loaded(pg_url, tmp_path):
    settings = Settings(
        corpus=tmp_path / "corpus",
        db=tmp_path / "citebot.db",
        database_url=pg_url,
        fleet_cache=tmp_path / "cache",
        discord_token="x",
    )
    bot = create_client(settings)  # not started: its follower has served nothing yet
    own = collection(bot.settings, server_collection(GUILD))
    own.folder.mkdir(parents=True)  # the follower's first move is writing it
    (own.folder / "comets.txt").write_text("Comets\n\nComets grow a tail near the sun.\n")
    assert server_index(bot, GUILD) is None
    assert bot.served.loaded() == ()
