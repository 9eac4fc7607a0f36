"""Self-tests of the fake Discord: a stock discord.py client against it, end to end.

Each test checks one behaviour of the fake through what discord.py observes (events, raised
HTTP errors) and what the fake recorded, so removing that behaviour fails the test.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable

import discord
import pytest
from discord import app_commands
from discord.webhook.async_ import async_context, interaction_response_params
from fake_discord import FakeDiscord
from fake_discord.harness import point_discord_at, run_client


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = wanted.guild_messages = wanted.dm_messages = True
    return wanted


def stock_client() -> discord.Client:
    # guild_ready_timeout: discord.py waits this long after the last GUILD_CREATE before READY.
    return discord.Client(
        intents=intents(), allowed_mentions=discord.AllowedMentions.none(), guild_ready_timeout=0.05
    )


class TreeClient(discord.Client):
    """A Client with a CommandTree that syncs its global commands at start-up."""

    def __init__(self) -> None:
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.tree = app_commands.CommandTree(self)
        self.errors: list[BaseException] = []

        @self.tree.error
        async def on_tree_error(inter: discord.Interaction, error: Exception) -> None:
            self.errors.append(getattr(error, "original", error))

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def wait_for_error(self, timeout: float = 2.0) -> BaseException:
        async with asyncio.timeout(timeout):
            while not self.errors:
                await asyncio.sleep(0.01)
        return self.errors[0]


def echo_client() -> discord.Client:
    client = stock_client()

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id != client.user.id:  # type: ignore[union-attr]
            await message.channel.send(f"echo:{message.content}")

    return client


async def test_connects_and_sees_the_guild(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        guild = client.get_guild(fake_discord.guild.id)
        assert guild is not None and guild.owner_id == fake_discord.owner.id
        assert guild.me is not None and guild.me.id == fake_discord.bot.id
        assert client.get_channel(fake_discord.channel.id) is not None
        assert {r.name for r in guild.roles} == {"@everyone", "Admin"}
        assert client.user is not None and client.user.id == fake_discord.bot.id
        assert client.application_id == fake_discord.application_id
        # The X-RateLimit-Bucket headers reached discord.py's bucket bookkeeping.
        assert "GET /users/@me" in client.http._bucket_hashes
    assert fake_discord.gateway.count("IDENTIFY") == 1
    assert [r.route_key for r in fake_discord.requests] == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
    ]


async def test_rejected_token_and_unknown_route(fake_discord: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with run_client(stock_client(), fake_discord, token="wrong-token"):
            pass
    assert fake_discord.requests[0].status == 401
    async with run_client(stock_client(), fake_discord) as client:
        with pytest.raises(discord.NotFound) as info:
            await client.http.request(discord.http.Route("GET", "/not/a/route"))
    assert info.value.text == "404: Not Found"
    assert [r.path for r in fake_discord.unknown_requests()] == ["/not/a/route"]


async def test_message_reaches_on_message_and_reply_is_recorded(fake_discord: FakeDiscord) -> None:
    async with run_client(echo_client(), fake_discord):
        sent = await fake_discord.send_message(f"{fake_discord.bot.mention} hello")
        assert [u["id"] for u in sent["mentions"]] == [str(fake_discord.bot.id)]
        reply = await fake_discord.wait_for_message(fake_discord.channel.id)
        assert reply.content == f"echo:{fake_discord.bot.mention} hello"
        assert reply.allowed_mentions == {"parse": []}
        # No MESSAGE_CONTENT intent: a guild message not mentioning the bot arrives empty.
        await fake_discord.send_message("no mention here", author=fake_discord.bob)
        blank = await fake_discord.wait_for_message(predicate=lambda m: m.content == "echo:")
        assert blank.channel_id == fake_discord.channel.id
        # DMs carry their content and the reply goes to the DM channel.
        await fake_discord.send_message("in a dm", guild=None)
        dm = await fake_discord.wait_for_message(predicate=lambda m: m.content == "echo:in a dm")
        assert dm.channel_id == fake_discord.dm_channel(fake_discord.alice).id
    assert fake_discord.unknown_requests() == []


@pytest.mark.parametrize(
    ("kwargs", "error_path"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embed": discord.Embed(description="d" * 4097)}, "embeds.0.description"),
        (
            {
                "embeds": [
                    discord.Embed(description="d" * 4000),
                    discord.Embed(title="t" * 200, description="d" * 1801),
                ]
            },
            "embeds",
        ),
    ],
    ids=["content-2001", "description-4097", "embed-total-6001"],
)
async def test_over_limit_send_is_rejected(
    fake_discord: FakeDiscord, kwargs: dict[str, object], error_path: str
) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as info:
            await channel.send(**kwargs)  # type: ignore[call-overload]
    assert (info.value.status, info.value.code) == (400, 50035)
    assert error_path in info.value.text
    assert fake_discord.messages_sent() == []


async def test_empty_message_too_many_embeds_and_buttons(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as info:
            await channel.send(content="   ")
        assert info.value.code == 50006
        rows = [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "b", "custom_id": f"{r}-{i}"} for i in range(6)
                ],
            }
            for r in range(1)
        ]
        with pytest.raises(discord.HTTPException) as info:
            await client.http.send_message(
                channel.id, params=_params({"content": "x", "components": rows})
            )
        assert "components.0.components" in info.value.text
        # discord.py refuses 11 embeds itself; the fake must too when a raw request has them.
        embeds = [{"title": str(i)} for i in range(11)]
        with pytest.raises(discord.HTTPException) as info:
            await client.http.send_message(channel.id, params=_params({"embeds": embeds}))
        assert info.value.code == 50035 and "embeds" in info.value.text
    assert fake_discord.messages_sent() == []


def _params(payload: dict[str, object]) -> discord.http.MultipartParameters:
    return discord.http.MultipartParameters(payload=payload, multipart=None, files=None)


def command_client(
    body: Callable[[discord.Interaction, str], Awaitable[None]],
    autocomplete: Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]
    | None = None,
) -> TreeClient:
    client = TreeClient()

    @client.tree.command(name="cite", description="Find a passage")
    @app_commands.describe(query="What to look for")
    async def cite(interaction: discord.Interaction, query: str) -> None:
        await body(interaction, query)

    if autocomplete is not None:
        cite.autocomplete("query")(autocomplete)
    return client


async def test_slash_command_synced_invoked_and_answered(fake_discord: FakeDiscord) -> None:
    async def answer(interaction: discord.Interaction, query: str) -> None:
        await interaction.response.send_message(embed=discord.Embed(title=f"About {query}"))

    async with run_client(command_client(answer), fake_discord):
        (synced,) = fake_discord.synced_commands()
        assert synced["name"] == "cite" and synced["options"][0]["name"] == "query"
        rec = await fake_discord.send_slash_command("cite", {"query": "bm25"})
        assert rec.payload["data"]["id"] == synced["id"]
        response = await rec.response()
        assert response["type"] == 4
        assert response["data"]["embeds"][0]["title"] == "About bm25"
        assert response["data"]["allowed_mentions"] == {"parse": []}
        assert rec.original is not None and rec.original.embeds[0]["title"] == "About bm25"
        assert rec.ack_latency is not None and rec.ack_latency < 1
        assert rec.content_latency == rec.ack_latency
    assert fake_discord.latency_report()["count"] == 1


async def test_deferred_interaction_answered_with_followup(fake_discord: FakeDiscord) -> None:
    async def slow(interaction: discord.Interaction, query: str) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send(f"found {query}")

    async with run_client(command_client(slow), fake_discord):
        rec = await fake_discord.send_slash_command("cite", {"query": "x"}, guild=None)
        assert (await rec.response()) == {"type": 5, "data": {"flags": 64}}
        first = await rec.followup()
        # Discord: the first followup replaces the "thinking" message and stays ephemeral.
        assert rec.original is not None and first.id == rec.original.id
        assert first.content == "found x" and first.ephemeral
        assert rec.content_latency is not None and rec.ack_latency is not None
        assert rec.content_latency >= rec.ack_latency + 0.04


async def test_late_callback_is_unknown_interaction(fake_discord: FakeDiscord) -> None:
    fake_discord.interaction_window = 0.2

    async def late(interaction: discord.Interaction, query: str) -> None:
        await asyncio.sleep(0.25)
        await interaction.response.send_message("too late")

    async with run_client(command_client(late), fake_discord) as client:
        rec = await fake_discord.send_slash_command("cite", {"query": "x"})
        assert isinstance(client, TreeClient)
        error = await client.wait_for_error()
    assert isinstance(error, discord.NotFound) and error.code == 10062
    assert rec.callback is None and fake_discord.messages_sent() == []


async def test_double_ack_and_early_followup_are_rejected(fake_discord: FakeDiscord) -> None:
    outcome: dict[str, BaseException] = {}

    async def twice(interaction: discord.Interaction, query: str) -> None:
        with pytest.raises(discord.NotFound) as early:
            await interaction.followup.send("before the ack")
        outcome["early"] = early.value
        await interaction.response.send_message("first")
        # discord.py refuses a second ack locally, so send the raw callback it would send.
        with pytest.raises(discord.HTTPException) as second:
            await async_context.get().create_interaction_response(
                interaction.id,
                interaction.token,
                session=interaction._session,
                params=interaction_response_params(4, {"content": "second"}),
            )
        outcome["second"] = second.value

    async with run_client(command_client(twice), fake_discord):
        rec = await fake_discord.send_slash_command("cite", {"query": "x"})
        await rec.response()
        await fake_discord.wait_for_request(lambda r: r.status == 400)
    assert getattr(outcome["early"], "code", None) == 10015
    assert getattr(outcome["second"], "code", None) == 40060
    assert [m.content for m in fake_discord.messages_sent()] == ["first"]


async def test_button_click_on_a_view(fake_discord: FakeDiscord) -> None:
    class Confirm(discord.ui.View):
        @discord.ui.button(label="Yes", custom_id="confirm-yes")
        async def yes(
            self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
        ) -> None:
            await interaction.response.edit_message(content="confirmed", view=None)

    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Sure?", view=Confirm())
        (sent,) = fake_discord.messages_sent()
        assert sent.components[0]["components"][0]["custom_id"] == "confirm-yes"
        rec = await fake_discord.click_button(sent, "confirm-yes", user=fake_discord.bob)
        assert (await rec.response())["type"] == 7
        assert sent.content == "confirmed" and sent.components == []


async def test_autocomplete_choice_limit(fake_discord: FakeDiscord) -> None:
    async def suggest(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"n{i}", value=f"v{i}") for i in range(int(current))]

    async def unused(interaction: discord.Interaction, query: str) -> None:
        raise AssertionError("autocomplete must not invoke the command")

    async with run_client(command_client(unused, suggest), fake_discord):
        too_many = await fake_discord.send_autocomplete("cite", {"query": "30"})
        rejected = await fake_discord.wait_for_request(lambda r: r.status == 400)
        assert rejected.params["interaction_id"] == str(too_many.id)
        assert rejected.response["errors"]["data"]["choices"]["_errors"][0]["code"] == (
            "BASE_TYPE_MAX_LENGTH"
        )
        assert too_many.callback is None
        ok = await fake_discord.send_autocomplete("cite", {"query": "25"})
        response = await ok.response()
    assert response["type"] == 8 and len(response["data"]["choices"]) == 25


async def test_429_then_success(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        fake_discord.fail_next("POST /channels/*/messages", status=429, retry_after=0.1)
        started = time.monotonic()
        await channel.send("after the limit")
        assert time.monotonic() - started >= 0.1
    sends = fake_discord.requests_to("POST /channels/{channel_id}/messages")
    assert [r.status for r in sends] == [429, 200]
    assert sends[0].response["retry_after"] == 0.1
    assert [m.content for m in fake_discord.messages_sent()] == ["after the limit"]


async def test_bucket_headers_make_discord_py_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2 requests per 0.3 s: discord.py must read Remaining/Reset-After and wait, never 429.
    async with FakeDiscord(rate_limit=2, rate_limit_per=0.3) as fake:
        point_discord_at(fake, monkeypatch)
        async with run_client(stock_client(), fake) as client:
            channel = client.get_channel(fake.channel.id)
            assert isinstance(channel, discord.TextChannel)
            started = time.monotonic()
            for i in range(3):
                await channel.send(f"m{i}")
            assert time.monotonic() - started >= 0.2
    sends = fake.requests_to("POST /channels/*/messages")
    assert [r.status for r in sends] == [200, 200, 200]


async def test_multipart_upload_is_parsed(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("see file", file=discord.File(io.BytesIO(b"hi"), "notes.txt"))
    assert message.attachments[0].filename == "notes.txt"
    (request,) = fake_discord.requests_to("POST /channels/*/messages")
    assert request.files == ["notes.txt"] and request.json["content"] == "see file"
    assert request.json["allowed_mentions"] == {"parse": []}


async def test_500_then_success(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        channel = client.get_channel(fake_discord.channel.id)
        assert isinstance(channel, discord.TextChannel)
        fake_discord.fail_next("POST /channels/{channel_id}/messages", status=500)
        await channel.send("after the outage")  # discord.py waits 1 s before retrying a 5xx
    assert [r.status for r in fake_discord.requests_to("POST /channels/*")] == [500, 200]


async def test_invalid_command_definition_rejected(fake_discord: FakeDiscord) -> None:
    async with run_client(stock_client(), fake_discord) as client:
        app_id = fake_discord.application_id
        bad = [{"name": "cite", "description": "d" * 101, "options": []}]
        with pytest.raises(discord.HTTPException) as info:
            await client.http.bulk_upsert_global_commands(app_id, bad)
    assert info.value.code == 50035 and "description" in info.value.text
    assert fake_discord.synced_commands() == []


async def _reconnect(fake: FakeDiscord) -> None:
    await fake.send_reconnect()


async def _resumable_invalid(fake: FakeDiscord) -> None:
    await fake.invalidate_session(resumable=True)


async def _drop(fake: FakeDiscord) -> None:
    await fake.drop_connection()


@pytest.mark.parametrize("fault", [_reconnect, _resumable_invalid, _drop], ids=lambda f: f.__name__)
async def test_client_resumes_after_fault(
    fake_discord: FakeDiscord, fault: Callable[[FakeDiscord], Awaitable[None]]
) -> None:
    async with run_client(echo_client(), fake_discord):
        await fault(fake_discord)
        # Sent while the client is away: the fake buffers it and replays it on RESUME.
        await fake_discord.send_message("during the outage", guild=None)
        await fake_discord.wait_until_resumed()
        await fake_discord.send_message("after", guild=None)
        await fake_discord.wait_for_message(predicate=lambda m: m.content == "echo:after")
        contents = [m.content for m in fake_discord.messages_sent()]
    assert contents == ["echo:during the outage", "echo:after"]
    assert fake_discord.gateway.count("IDENTIFY") == 1
    resumes = [d for op, d in fake_discord.gateway.ops if op == "CONNECT"][1:]
    assert [c["path"] for c in resumes] == ["/gateway-resume"]


async def test_client_reidentifies_after_invalid_session(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = echo_client()

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before every non-initial IDENTIFY

    monkeypatch.setattr(client, "before_identify_hook", no_wait)
    async with run_client(client, fake_discord):
        await fake_discord.invalidate_session(resumable=False)
        await fake_discord.wait_until_identified(count=2)
        await fake_discord.send_message("new session", guild=None)
        reply = await fake_discord.wait_for_message(predicate=lambda m: m.content != "")
    assert reply.content == "echo:new session"
    assert fake_discord.gateway.count("RESUME") == 0
