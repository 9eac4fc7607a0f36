"""The work behind /add and /remove: fetch, add or remove, reload; one reply for each outcome.

All of it blocks (network, files, SQLite) and runs in a worker thread. After a change the
server's collection is reloaded in the client's `ServedCollections`, so the next question
finds the change (in fleet mode the change is committed to PostgreSQL instead, and the
reply waits for the fleet to serve it: fleet_library.py). A failure of the user's making
(a refused address, a page too large, not an article, a repeat) is a `UserFacingError`
whose message is shown; nothing has changed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.collections import (
    AlreadyAdded,
    ArticleReport,
    Overrides,
    Source,
    add_article,
    file_source,
    remove_article,
)
from bot.collections.pages import fetch_page
from bot.discord_app.library_render import (
    action_view,
    removed_embed,
    repeat_embed,
    report_embed,
)
from bot.discord_app.pending import Remove, Replace
from bot.discord_app.render import notice_embed
from bot.discord_app.searching import server_collection
from bot.errors import UserFacingError
from bot.fetch import FetchKind, fetch, policy_for

if TYPE_CHECKING:
    from bot.discord_app.client import CitebotClient

log = logging.getLogger(__name__)

Reply = tuple[discord.Embed, discord.ui.View | None]


@dataclass(frozen=True)
class AddRequest:
    """What /add was given: a page's address or an attachment, and the overrides."""

    guild_id: int
    owner_id: int
    url: str | None
    file_url: str | None
    file_name: str | None
    overrides: Overrides


def confirm_id(key: str) -> str:
    """The custom_id of a pending action's button (see collections_commands.ConfirmButton)."""
    return f"cb:confirm:{key}"


def source_of(bot: CitebotClient, request: AddRequest) -> Source:
    """The page or the attachment, fetched through bot.fetch's checks (blocking)."""
    if request.url is not None:
        return fetch_page(request.url, policy_for(FetchKind.PAGE, bot.settings))
    assert request.file_url is not None and request.file_name is not None
    fetched = fetch(request.file_url, policy_for(FetchKind.ATTACHMENT, bot.settings))
    return file_source(request.file_name, fetched.body)


def add_and_reload(
    bot: CitebotClient, guild_id: int, source: Source, overrides: Overrides, replace: bool
) -> ArticleReport:
    """Add to the server's collection and serve its new index (blocking)."""
    own = server_collection(bot, guild_id)
    report = add_article(own, source, overrides, replace=replace)
    bot.served.reload(own)
    return report


def add_and_serve(
    bot: CitebotClient, guild_id: int, source: Source, overrides: Overrides, replaces: str | None
) -> discord.Embed:
    """Add (in place of the article `replaces`, if given) and serve it; the report (blocking).
    In fleet mode: committed to PostgreSQL, once every live process serves it."""
    if bot.settings.database_url is None:
        report = add_and_reload(bot, guild_id, source, overrides, replaces is not None)
        log.info("added %s to %s", report.article_id, report.collection)
        return report_embed(report)
    from bot.discord_app.fleet_library import add_in_fleet, with_fleet

    report, landed = add_in_fleet(bot, guild_id, source, overrides, replaces)
    log.info(
        "added %s to %s: generation %d", report.article_id, report.collection, landed.generation
    )
    return with_fleet(report_embed(report), landed)


async def add_reply(bot: CitebotClient, request: AddRequest) -> Reply:
    """Fetch and add; the report, an offer to replace a repeat, or why nothing changed."""
    try:
        request.overrides.fields()  # a wrong date is said before anything is fetched
        source = await asyncio.to_thread(source_of, bot, request)
        added = await asyncio.to_thread(
            add_and_serve, bot, request.guild_id, source, request.overrides, None
        )
    except AlreadyAdded as exc:
        action = Replace(source, request.overrides, exc.existing.article_id)
        key = bot.pending.put(request.owner_id, request.guild_id, action)
        view = action_view("Replace", confirm_id(key), discord.ButtonStyle.primary)
        return repeat_embed(exc.existing), view
    except UserFacingError as exc:
        log.info("add refused: %s", exc)
        return notice_embed(f"Nothing was added: {exc}"), None
    return added, None


async def run_action(bot: CitebotClient, guild_id: int, action: Replace | Remove) -> discord.Embed:
    """Carry out a confirmed action; what happened, or why nothing changed."""
    try:
        if isinstance(action, Replace):
            return await asyncio.to_thread(
                add_and_serve, bot, guild_id, action.source, action.overrides, action.existing_id
            )
        return await asyncio.to_thread(remove_and_serve, bot, guild_id, action)
    except UserFacingError as exc:
        log.info("%s refused: %s", type(action).__name__.lower(), exc)
        return notice_embed(f"Nothing was changed: {exc}")


def remove_and_serve(bot: CitebotClient, guild_id: int, action: Remove) -> discord.Embed:
    """Remove the article and serve the collection without it; what happened (blocking).
    In fleet mode: committed to PostgreSQL, once every live process serves it."""
    own = server_collection(bot, guild_id)
    done = removed_embed(action.title, action.article_id, own.name)
    if bot.settings.database_url is None:
        remove_and_reload(bot, guild_id, action.article_id)
        return done
    from bot.discord_app.fleet_library import remove_in_fleet, with_fleet

    return with_fleet(done, remove_in_fleet(bot, guild_id, action.article_id))


def remove_and_reload(bot: CitebotClient, guild_id: int, article_id: str) -> None:
    """Move the article to the trash and serve the index without it (blocking)."""
    own = server_collection(bot, guild_id)
    remove_article(own, article_id)
    bot.served.reload(own)
