"""Helpers for the bot's end-to-end tests: small corpora, and checks on what the bot sent.

The corpora keep BM25 honest (see house-style): every question's terms sit in fewer than
half of the paragraphs, so they carry real weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fake_discord import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InteractionRecord,
    RecordedRequest,
    SentMessage,
)
from fake_discord.payloads import EVERYONE_PERMISSIONS

JSON = dict[str, Any]
WriteArticle = Callable[..., Path]

KEEPER_QUESTION = "Who was the lighthouse keeper?"
INTERACTION_WINDOW = 3.0
EPHEMERAL = 64

# Paragraphs that share no words with the test questions, so the questions' terms stay rare.
FILLER = {
    "gardening": (
        "Notes from the allotment",
        [
            "Tomatoes ripen slowly when the nights turn cold in September.",
            "Runner beans climb any cane you give them, and some you do not.",
            "Compost heaps want turning every fortnight through the summer.",
            "Slugs prefer lettuce seedlings to almost anything else on the plot.",
            "Rhubarb forced under a pot comes up pink and tender in spring.",
        ],
    ),
    "cycling": (
        "Riding the coast road",
        [
            "The climb out of the valley takes twenty minutes on a loaded bicycle.",
            "Tyre pressure matters more on gravel than most riders think.",
            "A headwind along the cliffs can halve your average speed.",
            "Cafés in the villages open late on Sundays, so carry food.",
            "Chains need oil after every wet ride or they rust overnight.",
        ],
    ),
    "baking": (
        "Sourdough without fuss",
        [
            "A starter fed twice a day smells sweet and rises within hours.",
            "Long cold proving in the fridge deepens the flavour of the crumb.",
            "Steam in the first minutes of baking gives the crust its blisters.",
            "Rye flour ferments faster than white and needs less water.",
        ],
    ),
}

KEEPER_PLACES = [
    "Dunmore Head",
    "Skerry Rock",
    "Point Lynas",
    "Flamborough",
    "Longships",
    "Bishop Rock",
    "Start Point",
    "Beachy Head",
]


def write_filler(write_article: WriteArticle) -> None:
    """Three unrelated articles (14 paragraphs) that dilute the question terms."""
    for name, (title, paragraphs) in FILLER.items():
        write_article(name, title, paragraphs, author="Filler Writer", date="2023-05-01")


def write_lighthouses(write_article: WriteArticle) -> None:
    """An article whose eight paragraphs all answer "Who was the lighthouse keeper?" (three
    pages of three passages), a second article with one matching paragraph, and filler."""
    paragraphs = [
        f"The lighthouse keeper at {place} trimmed the wick each evening and logged every "
        f"passing ship. Paragraph {n} of the lighthouse keeper series."
        for n, place in enumerate(KEEPER_PLACES, start=1)
    ]
    write_article(
        "lighthouses",
        "Keepers of the light",
        paragraphs,
        author="Mara Quill",
        date="2022-01-26",
        url="https://example.org/keepers",
    )
    write_article(
        "harbour",
        "Harbour gossip",
        [
            "Fishing boats come in at dawn with the tide.",
            "The old lighthouse keeper now grows leeks behind the harbour wall.",
            "Nets are mended on the quay every Thursday.",
        ],
        author="Tom Reed",
        date="2021-03-02",
    )
    write_filler(write_article)


def write_many_articles(write_article: WriteArticle, count: int = 32) -> None:
    """`count` small articles: all but six titled "Harbour report NN", six "Mountain diary N"."""
    for n in range(1, count + 1):
        mountain = n > count - 6
        title = f"Mountain diary {n}" if mountain else f"Harbour report {n:02d}"
        body = [f"Entry {n}: the weather was {'cold' if mountain else 'calm'} on day {n}."]
        write_article(f"article-{n:02d}", title, [*body, "Nothing else happened that day."])


def assert_acked_in_time(record: InteractionRecord) -> None:
    """The interaction got its first response within Discord's 3 s window."""
    assert record.ack_latency is not None, f"interaction {record.id} was never acknowledged"
    assert record.ack_latency < INTERACTION_WINDOW, f"acked after {record.ack_latency:.2f} s"


def callback_flags(record: InteractionRecord) -> int:
    """The flags of the interaction's first response (defer or message)."""
    assert record.callback is not None
    return int((record.callback.get("data") or {}).get("flags") or 0)


def embed_text(message: SentMessage) -> str:
    """All text of the message's embeds (title, description, fields, footer) in one string."""
    parts: list[str] = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for item in embed.get("fields") or []:
            parts += [item["name"], item["value"]]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def buttons(message: SentMessage) -> list[JSON]:
    """The message's buttons, row by row."""
    return [item for row in message.components for item in row.get("components", [])]


def button_id(message: SentMessage, label: str) -> str:
    """The custom_id of the button with this label."""
    found = [b for b in buttons(message) if b.get("label") == label]
    assert found, f"no button {label!r} in {[b.get('label') for b in buttons(message)]}"
    return str(found[0]["custom_id"])


def footer(message: SentMessage) -> str:
    """The first embed's footer text."""
    return str(message.embeds[0].get("footer", {}).get("text", ""))


def cited_titles(message: SentMessage) -> list[str]:
    """The article title in each passage's citation line (`[n] Title — ...`)."""
    titles = []
    for item in message.embeds[0].get("fields") or []:
        line = item["value"].rsplit("\n", 1)[-1]
        match = re.match(r"\[\d+\] \[?(.+?)\]?(?:\(.*\))? — ", line)
        assert match, f"no citation line in {item['value']!r}"
        titles.append(match.group(1))
    return titles


def replies_to(message: SentMessage) -> str | None:
    """The id of the message this one replies to, as a string (None if not a reply)."""
    reference = message.message.get("message_reference") or {}
    return str(reference["message_id"]) if "message_id" in reference else None


async def answered_dm(
    fake: FakeDiscord, user: FakeUser, question: str = KEEPER_QUESTION, timeout: float = 5
) -> SentMessage:
    """Send a DM question and wait for the bot's reply to it."""
    sent = await fake.send_message(question, author=user, guild=None)
    return await fake.wait_for_message(
        fake.dm_channel(user).id, lambda m: replies_to(m) == sent["id"], timeout=timeout
    )


def rejected(requests: list[RecordedRequest]) -> list[tuple[int, str]]:
    """(status, route) of every request the fake answered with an error."""
    return [(r.status, r.route_key) for r in requests if r.status >= 400]


def guild_on_shard(fake: FakeDiscord, k: int, base: int) -> FakeGuild:
    """A guild on shard k of any count dividing `base`: Discord routes a guild's events to
    `(guild_id >> 22) % shard_count`, and (base + k) % count == k."""
    guild_id = ((base + k) << 22) | 7
    members = [FakeMember(u) for u in (fake.owner, fake.alice, fake.bob, fake.bot)]
    return FakeGuild(
        id=guild_id,
        name=f"Guild {k}",
        owner_id=fake.owner.id,
        channels=[FakeChannel(fake.ids.next(), "general", 0, guild_id)],
        roles=[FakeRole(guild_id, "@everyone", EVERYONE_PERMISSIONS)],
        members=members,
    )
