"""Command registration: `citebot sync` and the development-server sync at start-up."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fake_discord.harness import run_client

from bot.cli import main
from bot.config import Settings
from bot.discord_app import create_client
from bot.discord_app.runner import _sync

COMMANDS = {"ask", "articles", "source", "reindex", "help", "settings", "add", "remove", "feed"}


def settings_for(fake, corpus: Path, tmp_path: Path, **extra) -> Settings:
    return Settings(corpus=corpus, db=tmp_path / "sync.db", discord_token=fake.token, **extra)


async def test_sync_registers_every_command_globally_with_valid_definitions(
    fake_discord, bundled_corpus, tmp_path
):
    client = create_client(settings_for(fake_discord, bundled_corpus, tmp_path))
    count = await _sync(client, fake_discord.token, None)
    synced = {c["name"]: c for c in fake_discord.synced_commands()}
    assert count == len(COMMANDS) and set(synced) == COMMANDS
    ask_options = {o["name"]: o for o in synced["ask"]["options"]}
    assert ask_options["question"]["required"] and ask_options["question"]["max_length"] == 6000
    assert ask_options["article"]["autocomplete"]
    assert ask_options["collection"]["autocomplete"] and not ask_options["collection"]["required"]
    assert (ask_options["results"]["min_value"], ask_options["results"]["max_value"]) == (1, 5)
    # Hidden from members without Manage Server (0x20) by default; checked at run time too.
    assert int(synced["reindex"]["default_member_permissions"]) == 1 << 5
    assert int(synced["settings"]["default_member_permissions"]) == 1 << 5
    assert synced["settings"]["contexts"] == [0]  # servers only: settings are per server
    # /add and /remove: servers only (each server's own articles), checked at run time.
    assert synced["add"]["contexts"] == [0] and synced["remove"]["contexts"] == [0]
    add_options = {o["name"]: o for o in synced["add"]["options"]}
    assert add_options["file"]["type"] == 11 and add_options["url"]["type"] == 3
    assert not any(o.get("required") for o in add_options.values())
    assert synced["remove"]["options"][0]["autocomplete"]
    # /feed add, list, remove: a group, servers only.
    assert synced["feed"]["contexts"] == [0]
    subcommands = {o["name"]: o for o in synced["feed"]["options"]}
    assert set(subcommands) == {"add", "list", "remove"}
    assert subcommands["remove"]["options"][0]["autocomplete"]


async def test_sync_to_one_server_leaves_global_commands_alone(
    fake_discord, bundled_corpus, tmp_path
):
    client = create_client(settings_for(fake_discord, bundled_corpus, tmp_path))
    await _sync(client, fake_discord.token, fake_discord.guild.id)
    assert {c["name"] for c in fake_discord.synced_commands(fake_discord.guild.id)} == COMMANDS
    assert fake_discord.synced_commands() == []


async def test_run_syncs_to_the_dev_server_only_when_configured(
    fake_discord, bundled_corpus, tmp_path
):
    plain = create_client(settings_for(fake_discord, bundled_corpus, tmp_path))
    async with run_client(plain, fake_discord):
        pass
    assert fake_discord.requests_to("PUT */commands") == []
    dev = create_client(
        settings_for(fake_discord, bundled_corpus, tmp_path, dev_guild=fake_discord.guild.id)
    )
    async with run_client(dev, fake_discord, timeout=10):
        await asyncio.sleep(0)
    assert {c["name"] for c in fake_discord.synced_commands(fake_discord.guild.id)} == COMMANDS
    assert fake_discord.synced_commands() == []


GLOBAL_ONLY = ("contexts", "dm_permission", "integration_types")
GUILD_INSTALL = 0


def sync_bodies(fake, scope: str) -> list[list[dict]]:
    """The bodies of the bulk-overwrite requests the bot sent for `scope` (global or guild)."""
    guild = "/guilds/{guild_id}" if scope == "guild" else ""
    return [
        r.json for r in fake.requests_to(f"PUT /applications/{{application_id}}{guild}/commands")
    ]


async def test_commands_synced_to_one_server_carry_no_global_only_fields(
    fake_discord, bundled_corpus, tmp_path
):
    client = create_client(settings_for(fake_discord, bundled_corpus, tmp_path))
    await _sync(client, fake_discord.token, fake_discord.guild.id)
    dev = create_client(
        settings_for(fake_discord, bundled_corpus, tmp_path, dev_guild=fake_discord.guild.id)
    )
    async with run_client(dev, fake_discord, timeout=10):
        pass
    bodies = sync_bodies(fake_discord, "guild")
    assert len(bodies) == 2  # `citebot sync --guild` and the dev-server sync at start-up
    for body in bodies:
        assert {c["name"] for c in body} == COMMANDS
        for command in body:
            assert not set(command) & set(GLOBAL_ONLY), command


async def test_global_commands_are_for_guild_installs_only(fake_discord, bundled_corpus, tmp_path):
    client = create_client(settings_for(fake_discord, bundled_corpus, tmp_path))
    await _sync(client, fake_discord.token, None)
    (body,) = sync_bodies(fake_discord, "global")
    for command in body:
        # Stated explicitly: enabling user install in the portal must not expose /reindex
        # (a command without integration_types follows the portal's install settings).
        assert command["integration_types"] == [GUILD_INSTALL], command["name"]
        assert command["contexts"] and set(command["contexts"]) <= {0, 1}, command["name"]
    reindex = next(c for c in body if c["name"] == "reindex")
    assert int(reindex["default_member_permissions"]) == 1 << 5


async def test_sync_to_a_server_the_bot_is_not_in_is_one_clear_line(
    fake_discord, bundled_corpus, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.setenv("DISCORD_TOKEN", fake_discord.token)
    stranger = fake_discord.guild.id + 1  # a server the bot was never invited to
    argv = ["sync", "--guild", str(stranger), "--corpus", str(bundled_corpus)]
    code = await asyncio.to_thread(main, [*argv, "--db", str(tmp_path / "sync.db")])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and str(stranger) in err, err
    assert "applications.commands" in err
    assert fake_discord.synced_commands(stranger) == []
