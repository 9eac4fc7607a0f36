"""Starting with a bad token, keeping the token secret, and surviving Discord's faults."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord
import pytest
from bot_fixtures import KEEPER_QUESTION, answered_dm, assert_acked_in_time, cited_titles
from fake_discord import FakeDiscord
from fake_discord.harness import run_client

from bot.cli import main
from bot.config import Settings
from bot.discord_app import create_client
from bot.discord_app.runner import BAD_TOKEN

REJECTED = "MTAxNjM4.rejected-token-value.do-not-log"
SEND = "POST /channels/{channel_id}/messages"
EDIT_ORIGINAL = "PATCH /webhooks/{application_id}/{interaction_token}/messages/{message_id}"


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{r.getMessage()}\n{r.exc_text or ''}\n{r.stack_info or ''}" for r in caplog.records
    )


async def test_rejected_token_raises_login_failure(fake_discord, lighthouses, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    settings = Settings(corpus=lighthouses, db=tmp_path / "bot.db", discord_token=REJECTED)
    with pytest.raises(discord.LoginFailure):
        async with run_client(create_client(settings), fake_discord, token=REJECTED):
            raise AssertionError("the bot must not become ready")
    assert [r.status for r in fake_discord.requests] == [401]
    assert REJECTED not in logged_text(caplog)


async def test_citebot_run_with_a_rejected_token_exits_with_one_clear_line(
    fake_discord, lighthouses, tmp_path, monkeypatch, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.setenv("DISCORD_TOKEN", REJECTED)
    argv = ["run", "--corpus", str(lighthouses), "--db", str(tmp_path / "bot.db")]
    # `citebot run` owns its event loop (asyncio.run), so it runs in a thread while this
    # loop serves the fake.
    code = await asyncio.to_thread(main, argv)
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"citebot: {BAD_TOKEN}"
    assert fake_discord.requests_to("GET /users/@me")[0].status == 401
    assert REJECTED not in logged_text(caplog) and REJECTED not in err


async def test_token_never_appears_in_requests_or_logs(
    fake_discord, start_bot, lighthouses, caplog
):
    caplog.set_level(logging.DEBUG)
    async with start_bot(lighthouses):
        interaction = await fake_discord.send_slash_command("ask", {"question": KEEPER_QUESTION})
        await interaction.content(timeout=5)
        await answered_dm(fake_discord, fake_discord.alice)
    logs = logged_text(caplog)
    assert "connected as citebot" in logs and "question via=dm" in logs  # logging was captured
    assert fake_discord.token not in logs
    bodies = [str(r.json) + str(r.query) + r.path for r in fake_discord.requests]
    assert len(bodies) > 3 and not any(fake_discord.token in body for body in bodies)


async def drop(fake: FakeDiscord) -> None:
    await fake.drop_connection()


async def reconnect(fake: FakeDiscord) -> None:
    await fake.send_reconnect()


async def invalid_session(fake: FakeDiscord) -> None:
    await fake.invalidate_session(resumable=False)


@pytest.mark.parametrize("fault", [drop, reconnect, invalid_session], ids=lambda f: f.__name__)
async def test_bot_reconnects_and_answers_every_question_after_a_gateway_fault(
    fake_discord,
    start_bot,
    lighthouses,
    monkeypatch,
    fault: Callable[[FakeDiscord], Awaitable[None]],
):
    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before every IDENTIFY after the first

    async with start_bot(lighthouses) as client:
        monkeypatch.setattr(client, "before_identify_hook", no_wait)
        before = await answered_dm(fake_discord, fake_discord.alice)
        await fault(fake_discord)
        if fault is invalid_session:  # a new session: Discord replays nothing
            await fake_discord.wait_until_identified(count=2)
            during = await answered_dm(fake_discord, fake_discord.bob)
        else:  # sent while the bot is away: delivered when it resumes
            pending = asyncio.create_task(answered_dm(fake_discord, fake_discord.bob))
            await fake_discord.wait_until_resumed()
            during = await pending
        after = await answered_dm(fake_discord, fake_discord.owner)
        interaction = await fake_discord.send_slash_command("ask", {"question": KEEPER_QUESTION})
        slash = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    for message in (before, during, after, slash):
        assert cited_titles(message) == ["Keepers of the light"] * 3
    expected_identifies = 2 if fault is invalid_session else 1
    assert fake_discord.gateway.count("IDENTIFY") == expected_identifies


@pytest.mark.parametrize("status", [429, 500])
async def test_dm_answer_is_delivered_despite_a_rate_limit_or_server_error(
    fake_discord, start_bot, lighthouses, status
):
    fake_discord.fail_next(SEND, status, retry_after=0.2)
    async with start_bot(lighthouses, expected_errors={(status, SEND)}):
        reply = await answered_dm(fake_discord, fake_discord.alice, timeout=10)
    assert cited_titles(reply) == ["Keepers of the light"] * 3
    assert [r.status for r in fake_discord.requests_to(SEND)] == [status, 200]


async def test_slash_answer_is_delivered_despite_a_rate_limit(fake_discord, start_bot, lighthouses):
    fake_discord.fail_next(EDIT_ORIGINAL, 429, retry_after=0.2)
    async with start_bot(lighthouses, expected_errors={(429, EDIT_ORIGINAL)}):
        interaction = await fake_discord.send_slash_command("ask", {"question": KEEPER_QUESTION})
        message = await interaction.content(timeout=5)
    assert_acked_in_time(interaction)
    assert cited_titles(message) == ["Keepers of the light"] * 3
    assert [r.status for r in fake_discord.requests_to(EDIT_ORIGINAL)] == [429, 200]
