"""Fleet mode under load (issue #14): three real `citebot run` processes on disjoint ranges of
6 shards (0-1, 2-3, 4-5) of one bot, one fake Discord that paces IDENTIFY as Discord does
(one per 5 s, op 9 for a faster one), one PostgreSQL. A steady stream of questions (a
mention in a server on each shard, DMs) runs while editors make 10 `/add`s in servers on
every shard and the owner one `reindex` with a new article in the corpus folder.

Checked: each `/add` and the reindex answer once every live process serves the new
generation; each question gets exactly one reply, from the process holding its shard
(DMs: the process holding shard 0); every answer logs `fleet answer: process=…
generation=… paragraphs=… cited=…`, every cited paragraph is one of that generation's
articles in PostgreSQL, and every passage a reply shows is word for word a paragraph its
answer's log line cites (so no answer mixes generations); an article is answered from the moment its `/add` replied; no
process logs an error or serves an older generation after a newer one; IDENTIFYs stay at
least 5 s apart and none is refused.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from statistics import median

import pytest
from bot_fixtures import KEEPER_QUESTION, embed_text, guild_on_shard, rejected, replies_to
from fake_discord import FakeDiscord, FakeGuild, FakeUser, SentMessage
from fleet_checks import assert_no_regression, check_cited
from fleet_postgres import fresh_database
from local_pages import Pages, serve_pages
from test_fleet_processes import ANSWER_LINE, citebot, citebot_env, processes, status

from bot.collections import SHARED

pytestmark = pytest.mark.slow

SHARDS = 6
RANGES = ("0-1", "2-3", "4-5")  # process k holds shards 2k and 2k+1
WINDOW = 5.0
POLL = 1.0
GAP = 0.25  # seconds between one asker's questions: a steady stream, not a flood
ADD_GAP = 1.0  # seconds before each /add
TIDES_QUESTION = "What raises the tides twice a day?"
TIDES_TEXT = "The moon's pull raises the tides twice a day along the whole coast."
# (trade, place, person): one page each, answerable only by its own article.
TRADES = (
    ("clockmaker", "Tarsel", "Edda Vonn"),
    ("bellfounder", "Mirrow", "Pell Sato"),
    ("ropemaker", "Quenby", "Ivo Strand"),
    ("cartographer", "Oskel", "Lena Marsh"),
    ("falconer", "Brisk", "Tomas Heyl"),
    ("cooper", "Dunmere", "Ada Kells"),
    ("weaver", "Holloway", "Mira Stone"),
    ("tanner", "Ribble", "Olan Pike"),
    ("thatcher", "Ashcombe", "Bram Tull"),
    ("potter", "Kelderby", "Sian Rowe"),
)


def trade_page(trade: str, place: str, person: str) -> bytes:
    title = f"The {trade} of {place}"
    paragraphs = [
        f"The {trade} of {place} was {person}, who kept a workshop by the old market cross.",
        f"{person} learned the craft as a child and worked at it for fifty years in {place}.",
        f"Visitors to {place} still ask about the {trade} and the tools left in the workshop.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f"<h1>{title}</h1>{body}</article></body></html>"
    ).encode()


@dataclass
class Stream:
    """What the askers did: every question sent (channel, message id), by process, and the
    articles each server has (its question becomes expected once its /add replied)."""

    stop: asyncio.Event = field(default_factory=asyncio.Event)
    asked: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    added: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    reindexed: bool = False
    add_seconds: list[float] = field(default_factory=list)  # each /add, command to reply
    failures: list[str] = field(default_factory=list)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(identify_window=WINDOW) as served:
        served.world.guilds = [guild_on_shard(served, k, 3000) for k in range(SHARDS)]
        yield served


@pytest.fixture
def pages() -> Iterator[Pages]:
    with serve_pages() as site:
        for k, trade in enumerate(TRADES):
            site.routes[f"/trade{k}"] = (trade_page(*trade), "text/html")
        yield site


async def wait_until(check, within: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await asyncio.to_thread(check):
        assert asyncio.get_running_loop().time() < deadline, f"not within {within} s: {what}"
        await asyncio.sleep(0.5)


def serving_shared(env: dict[str, str], generation: int) -> bool:
    found = status(env)
    return len(found) == len(RANGES) and all(
        p["served"].get(SHARED) == generation for p in found.values()
    )


async def test_three_processes_answer_a_steady_stream_through_adds_and_a_reindex(
    fake, pages, lighthouses, write_article, tmp_path, pg_admin_url
):
    with fresh_database(pg_admin_url) as url:
        env = citebot_env(fake, url, tmp_path, lighthouses) | {
            "CITEBOT_FETCH_ALLOW_PRIVATE": "1",  # the pages are served on 127.0.0.1
            "CITEBOT_COOLDOWN_QUESTIONS": "1000",
        }
        citebot(env, "import")
        with processes(env, tmp_path, RANGES, SHARDS):
            await wait_until(lambda: serving_shared(env, 1), 120, "every process serves gen 1")
            await wait_until(lambda: len(fake.gateway.identified) == SHARDS, 120, "6 shards up")
            stream = Stream()
            askers = [asyncio.create_task(asker(fake, k, stream)) for k in range(len(RANGES))]
            adds = await add_and_reindex(fake, pages, write_article, stream)
            await asyncio.sleep(3.0)  # a last round of questions on the final generations
            stream.stop.set()
            await asyncio.gather(*askers)
            await asyncio.sleep(0.5)  # time for a second reply, if any process sent one
            logs = [(tmp_path / f"p{k}.log").read_text("utf-8", "replace") for k in range(3)]
            replies = {k: [replies_of(fake, c, m) for c, m in stream.asked[k]] for k in range(3)}
        answers = {k: [m.groups() for m in ANSWER_LINE.finditer(logs[k])] for k in range(3)}
        for k in range(len(RANGES)):
            shown = [first_reply(fake, c, m) for c, m in stream.asked[k]]
            assert check_cited(url, answers[k], shown) >= len(shown)  # a passage or more each
    assert stream.failures == []
    assert adds == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2]  # each server's collection: one per /add
    took = stream.add_seconds  # shown with -s: the README's figure
    print(f"/add until every process serves it: p50 {median(took):.2f} s, max {max(took):.2f} s")
    for k in range(len(RANGES)):
        assert len(stream.asked[k]) >= 10 and all(n == 1 for n in replies[k]), replies[k]
        assert {a[0] for a in answers[k]} == {f"p{k}"}  # each answered by its shard's process
        assert len([a for a in answers[k] if a[1] == SHARED]) == len(stream.asked[k])
        assert_no_regression(logs[k], answers[k])
        assert "ERROR" not in logs[k] and "Traceback" not in logs[k], logs[k][-3000:]
    assert rejected(fake.requests) == []
    identified = fake.gateway.identified
    assert sorted(shard for _, shard in identified) == [(k, SHARDS) for k in range(SHARDS)]
    assert fake.gateway.count("IDENTIFY_REFUSED") == 0
    started = sorted(at for at, _ in identified)
    assert all(b - a >= WINDOW for a, b in itertools.pairwise(started)), started


async def asker(fake: FakeDiscord, k: int, stream: Stream) -> None:
    """Ask process k's servers (and, for process 0, DMs) one question after another until
    told to stop, each the next of what that server can answer by then."""
    # A member has one question answered at a time: each target is asked by another member,
    # so a question never comes before the bot has let go of the same member's last one.
    targets: list[tuple[FakeGuild | None, FakeUser]] = [
        (fake.world.guilds[2 * k], fake.alice),
        (fake.world.guilds[2 * k + 1], fake.bob),
    ]
    if k == 0:
        targets.append((None, fake.owner))  # DMs arrive on shard 0
    for turn in itertools.count():
        if stream.stop.is_set():
            return
        target, author = targets[turn % len(targets)]
        choices = questions(stream, target)
        question, expected = choices[(turn // len(targets)) % len(choices)]
        channel, asked, text = await ask(fake, target, author, question)
        stream.asked[k].append((channel, asked))
        if expected not in text:
            stream.failures.append(f"p{k} {question!r}: {text[:300]!r}")
        await asyncio.sleep(GAP)


def questions(stream: Stream, target: FakeGuild | None) -> list[tuple[str, str]]:
    """(question, text its answer must hold): the shared collection's, and the server's own
    articles whose /add has replied."""
    found = [(KEEPER_QUESTION, "lighthouse keeper")]
    if stream.reindexed:
        found.append((TIDES_QUESTION, "moon's pull"))
    return found + (stream.added[target.id] if target is not None else [])


async def ask(
    fake: FakeDiscord, target: FakeGuild | None, author: FakeUser, question: str
) -> tuple[int, str, str]:
    """A mention in the server's channel, or a DM; (channel, message id, reply)."""
    if target is None:
        channel = fake.dm_channel(author).id
        sent = await fake.send_message(question, author=author, guild=None)
    else:
        channel = target.text_channel.id
        mention = f"<@{fake.bot.id}> {question}"
        sent = await fake.send_message(mention, author=author, channel=target.text_channel)
    reply = await fake.wait_for_message(channel, lambda m: replies_to(m) == sent["id"], 30)
    return channel, sent["id"], embed_text(reply)


async def add_and_reindex(
    fake: FakeDiscord, pages: Pages, write_article, stream: Stream
) -> list[int]:
    """Ten /adds, a server on each shard in turn, with the owner's reindex halfway; the
    generation each /add reports."""
    generations = []
    for k, (trade, place, person) in enumerate(TRADES):
        if k == 5:
            write_article("tides", "Tides", [TIDES_TEXT])
            reindexed = await reindex_by_dm(fake)
            assert "generation **2** committed" in reindexed, reindexed
            assert "Served by every live process" in reindexed, reindexed
            stream.reindexed = True
        await asyncio.sleep(ADD_GAP)  # changes spread over the stream, not all at once
        guild = fake.world.guilds[k % SHARDS]
        options = {"url": pages.url(f"/trade{k}")}
        began = time.perf_counter()
        sent = await fake.send_slash_command("add", options, user=fake.owner, guild=guild)
        added = embed_text(await sent.content(timeout=90))
        stream.add_seconds.append(time.perf_counter() - began)
        found = re.search(r"Generation (\d+): served by every live process\.", added)
        assert "Added to this server" in added and found, added
        generations.append(int(found[1]))
        stream.added[guild.id].append((f"Who was the {trade} of {place}?", person))
    return generations


async def reindex_by_dm(fake: FakeDiscord) -> str:
    """The owner DMs `reindex` (DMs arrive on shard 0: one process); its final reply (the
    owner's DM questions share the channel)."""
    sent = await fake.send_message("reindex", author=fake.owner, guild=None)
    reply = await fake.wait_for_message(
        fake.dm_channel(fake.owner).id,
        lambda m: replies_to(m) == sent["id"] and m.embeds[0].get("title") == "Reindexed",
        90,
    )
    return embed_text(reply)


def replies_of(fake: FakeDiscord, channel: int, asked: str) -> int:
    return len([m for m in fake.messages_sent(channel) if replies_to(m) == asked])


def first_reply(fake: FakeDiscord, channel: int, asked: str) -> SentMessage:
    return next(m for m in fake.messages_sent(channel) if replies_to(m) == asked)
