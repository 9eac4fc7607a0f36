"""The Discord bot: the only package that imports discord."""

from bot.discord_app.client import CitebotClient, create_client

__all__ = ["CitebotClient", "create_client"]
