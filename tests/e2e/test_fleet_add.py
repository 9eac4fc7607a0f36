"""/add and /remove in fleet mode (issue #14): the article is committed to PostgreSQL as a
new generation of the server's collection, and the reply comes once every live process
serves it, saying so. Same checks and messages as single-process mode: a page that cannot
be an article is one line starting "Nothing was added:" and commits nothing; a repeat
offers Replace; a removal asks to confirm. The bot's own mirror is written by its follower
from PostgreSQL, never by the command.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bot_fixtures import KEEPER_QUESTION, buttons, embed_text
from fleet_postgres import fresh_database
from local_pages import GLASS_TITLE, Pages, serve_pages
from test_bot_collections import (
    FERRY_FILE,
    FERRY_TITLE,
    ask,
    attached,
    command,
    confirm,
    field,
    passages,
)
from test_fleet_identify import import_corpus

from bot.collections import server_collection
from bot.fleet.connect import connect
from bot.fleet.store import articles_at, latest_generation

pytestmark = pytest.mark.slow

EVERYWHERE = "served by every live process"


@pytest.fixture
def pages() -> Iterator[Pages]:
    with serve_pages() as site:
        site.routes["/blank"] = (b"   \n", "text/plain")
        yield site


def _fleet_bot(url: str, tmp_path, poll: float = 1.0) -> dict:
    return {
        "database_url": url,
        "fleet_cache": tmp_path / "cache",
        "collections": tmp_path / "no-collections",
        "fetch_allow_private": True,
        "fleet_poll_seconds": poll,
    }


def _stored(url: str, name: str) -> tuple[int, list[tuple[str, str]]]:
    """The collection's newest generation and its articles then (id, title)."""
    with connect(url) as conn:
        generation = latest_generation(conn, name)
        return generation, [(a.article_id, a.title) for a in articles_at(conn, name, generation)]


async def test_add_replace_and_remove_commit_generations_and_wait_for_the_fleet(
    fake_discord, start_bot, lighthouses, pages, tmp_path, pg_admin_url
):
    fake = fake_discord
    name = server_collection(fake.guild.id)
    with fresh_database(pg_admin_url) as url:
        import_corpus(url, lighthouses, tmp_path)
        async with start_bot(lighthouses, **_fleet_bot(url, tmp_path)):
            added = await command(fake, "add", {"url": f"<{pages.url('/glass')}>"})
            after_add = _stored(url, name)
            here = await ask(fake)
            blank = await command(fake, "add", {"url": pages.url("/blank")})
            missing = await command(fake, "add", {"url": pages.url("/nowhere")})
            after_failures = _stored(url, name)
            repeat = await command(fake, "add", {"url": pages.url("/glass"), "author": "L. V."})
            offered = repeat.embeds[0]["title"]
            replaced = await confirm(fake, repeat, "Replace")
            after_replace = _stored(url, name)
            offer = await command(fake, "remove", {"article": GLASS_TITLE})
            removed = await confirm(fake, offer, "Remove")
            gone = await ask(fake)
            keeper = await ask(fake, KEEPER_QUESTION)
            after_remove = _stored(url, name)
    assert added.embeds[0]["title"] == "Added to this server"
    assert field(added, "Title") == GLASS_TITLE and field(added, "Paragraphs") == "5"
    assert field(added, "Fleet") == f"Generation 1: {EVERYWHERE}."
    article_id = added.embeds[0]["footer"]["text"].split("Article id: ")[1].split(" ·")[0]
    assert after_add == (1, [(article_id, GLASS_TITLE)])
    assert passages(here) > 0 and GLASS_TITLE in embed_text(here)
    for failed in (blank, missing):
        assert failed.embeds[0]["description"].startswith("Nothing was added: ")
        assert not buttons(failed)
    assert "cannot add it" in blank.embeds[0]["description"]
    assert after_failures == after_add  # nothing committed
    assert offered == "Already added"
    assert replaced.embeds[0]["title"] == "Replaced in this server's articles"
    assert field(replaced, "Author") == "L. V." and field(replaced, "Fleet").startswith("Gen")
    assert after_replace == (2, [(article_id, GLASS_TITLE)])
    assert removed.embeds[0]["title"] == "Removed"
    assert field(removed, "Fleet") == f"Generation 3: {EVERYWHERE}."
    assert after_remove == (3, [])
    assert passages(gone) == 0 or GLASS_TITLE not in embed_text(gone)
    assert "keeper" in embed_text(keeper).lower()  # the shared collection is untouched


async def test_a_live_process_that_lags_is_named(
    fake_discord, start_bot, lighthouses, pages, tmp_path, pg_admin_url, monkeypatch
):
    import bot.discord_app.fleet_library

    monkeypatch.setattr(bot.discord_app.fleet_library, "CHANGE_WAIT_SECONDS", 1.0)
    fake = fake_discord
    with fresh_database(pg_admin_url) as url:
        import_corpus(url, lighthouses, tmp_path)
        with connect(url) as conn:  # a process beating its heart but never applying
            conn.execute("INSERT INTO processes (name) VALUES ('stuck')")
            # Polling every 10 s, a process is silent after 30 s without a heartbeat: the
            # stuck one stays live for the whole /add, however slow the machine.
            async with start_bot(lighthouses, **_fleet_bot(url, tmp_path, poll=10.0)):
                conn.execute("UPDATE processes SET heartbeat_at = now() WHERE name = 'stuck'")
                added = await command(fake, "add", {"url": pages.url("/glass")})
    assert field(added, "Fleet") == "Generation 1: not served yet by stuck"
    assert "answerable once every process serves it" in embed_text(added)


async def test_an_attached_file_is_committed_and_another_type_refused_unfetched(
    fake_discord, start_bot, lighthouses, tmp_path, pg_admin_url
):
    fake = fake_discord
    name = server_collection(fake.guild.id)
    with fresh_database(pg_admin_url) as url:
        import_corpus(url, lighthouses, tmp_path)
        async with start_bot(lighthouses, **_fleet_bot(url, tmp_path)):
            added = await command(fake, "add", attached(fake, "ferry.txt", FERRY_FILE))
            answer = await ask(fake, "Who was the ferry captain?")
            image = await command(fake, "add", attached(fake, "photo.png", b"\x89PNG\r\n"))
            stored = _stored(url, name)
    assert field(added, "Title") == FERRY_TITLE and field(added, "Paragraphs") == "3"
    assert field(added, "Fleet") == f"Generation 1: {EVERYWHERE}."
    assert FERRY_TITLE in embed_text(answer)
    assert image.embeds[0]["description"].startswith("Nothing was added: only .txt")
    assert len(fake.uploads.served) == 1  # the image was refused before it was fetched
    assert stored == (1, [("the-last-ferry-captain", FERRY_TITLE)])
