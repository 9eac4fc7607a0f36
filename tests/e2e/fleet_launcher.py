"""`citebot run` in a process of its own, pointed at a test's fake Discord.

Run as `python tests/e2e/fleet_launcher.py run --shard-ids ...`: discord.py's REST and
gateway addresses come from CITEBOT_TEST_DISCORD_URL and CITEBOT_TEST_GATEWAY_URL (read
only here, never by bot/), then the real command line runs with the other arguments.
"""

from __future__ import annotations

import os
import sys

import discord
import yarl

from bot.cli import main


def point_at_fake() -> None:
    """discord.py talks to the fake Discord the test serves on 127.0.0.1."""
    discord.http.Route.BASE = os.environ["CITEBOT_TEST_DISCORD_URL"]
    gateway = yarl.URL(os.environ["CITEBOT_TEST_GATEWAY_URL"])
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


if __name__ == "__main__":
    point_at_fake()
    sys.exit(main(sys.argv[1:]))
