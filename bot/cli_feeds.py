"""The command line for feeds: `citebot feeds [add URL | remove URL | run [URL]]`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.collections import SHARED
from bot.config import Settings
from bot.errors import UserFacingError
from bot.feeds import (
    MAX_ENTRIES_PER_RUN,
    RunResult,
    Subscription,
    run_feed,
    subscribe,
    unsubscribe,
)
from bot.fetch import checked_url
from bot.output import json_line, terminal_safe
from bot.stores import open_feed_store


def add_feed_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `citebot feeds` and its actions on the main parser's subcommands."""
    feeds = sub.add_parser("feeds", parents=[common], help="follow RSS and Atom feeds")
    feeds.add_argument("--json", action="store_true", help="one JSON object per feed")
    feeds.add_argument("--collection", help="only this collection's feeds")
    feeds.set_defaults(command=cmd_feeds_list)
    actions = feeds.add_subparsers(metavar="{add,remove,run}")

    p = actions.add_parser("add", parents=[common], help="follow a feed into a collection")
    p.add_argument("url", help="the feed's http(s) address")
    p.add_argument("--collection", default=SHARED, help=f"the collection (default: {SHARED})")
    p.set_defaults(command=cmd_feeds_add)

    p = actions.add_parser("remove", parents=[common], help="stop following a feed")
    p.add_argument("url")
    p.add_argument("--collection", help="the collection (needed if several follow the feed)")
    p.set_defaults(command=cmd_feeds_remove)

    p = actions.add_parser("run", parents=[common], help="run feeds now; print what was added")
    p.add_argument("url", nargs="?", help="only this feed (default: every feed)")
    p.add_argument("--collection", help="only this collection's feeds")
    p.set_defaults(command=cmd_feeds_run)


def cmd_feeds_list(args: argparse.Namespace, settings: Settings) -> int:
    """Every feed: address, collection, last run, status, entries added, error."""
    for sub in open_feed_store(settings).subscriptions(args.collection):
        if args.json:
            print(json_line(_json(sub)))
            continue
        print("\t".join(map(terminal_safe, _row(sub))))
    return 0


def _row(sub: Subscription) -> list[str]:
    if sub.last_run_at is None:
        return [sub.url, sub.collection, "not run yet", f"due {_when(sub.next_due_at)}"]
    row = [sub.url, sub.collection, f"last run {_when(sub.last_run_at)}", sub.last_status or ""]
    row.append(f"{sub.last_added or 0} added")
    return row + ([sub.last_error] if sub.last_error else [])


def _json(sub: Subscription) -> dict[str, Any]:
    keys = ("url", "collection", "added_at", "last_run_at", "last_status", "last_error")
    row: dict[str, Any] = {key: getattr(sub, key) for key in keys}
    return row | {"last_added": sub.last_added, "next_due_at": sub.next_due_at}


def _when(stored: str) -> str:
    return stored.replace("T", " ")[:16] + " UTC"  # "2024-05-01T12:00:00Z" -> to the minute


def cmd_feeds_add(args: argparse.Namespace, settings: Settings) -> int:
    """Follow a feed, after reading it once; a feed that cannot be read is one line."""
    done = subscribe(settings, open_feed_store(settings), args.url, args.collection)
    sub, feed = done.subscription, done.feed
    when = (
        "at the next scheduled check"
        if settings.feed_minutes
        else "when you run it (CITEBOT_FEED_MINUTES=0: no schedule)"
    )
    print(
        terminal_safe(
            f"following {sub.url} in collection {sub.collection}: {feed.title or 'untitled'},"
            f" {len(feed.entries)} entries; up to {MAX_ENTRIES_PER_RUN} are added {when}"
            f" (now: `citebot feeds run {sub.url}`)"
        )
    )
    return 0


def cmd_feeds_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Stop following a feed; the articles it added stay."""
    sub = unsubscribe(open_feed_store(settings), args.url, args.collection)
    print(
        terminal_safe(
            f"stopped following {sub.url} in collection {sub.collection}"
            " (the articles it added stay)"
        )
    )
    return 0


def cmd_feeds_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen feeds now, whether due or not; exit 1 if any run had a failure."""
    store = open_feed_store(settings)
    chosen = store.subscriptions(args.collection)
    if args.url is not None:
        url = checked_url(args.url)
        chosen = [s for s in chosen if s.url == url]
        if not chosen:
            raise UserFacingError(f"no collection follows the feed {url} (see `citebot feeds`)")
    worst = 0
    for sub in chosen:
        result = run_feed(settings, store, sub)
        print(format_run(result))
        worst = max(worst, 0 if result.status == "ok" else 1)
    return worst


def format_run(result: RunResult) -> str:
    """What one run did, for people: a summary line, then one line per article or failure."""
    sub = result.subscription
    counts = f"{len(result.added)} added"
    if result.present:
        counts += f", {result.present} already there"
    if result.failed:
        counts += f", {len(result.failed)} failed"
    lines = [f"{sub.url} -> {sub.collection}: {result.status}, {counts}"]
    if result.status == "failed":
        lines[0] = f"{sub.url} -> {sub.collection}: failed: {result.error}"
    lines += [f"  added {r.article_id}: {r.title}" for r in result.added]
    lines += [f"  failed {f.link}: {f.error}" for f in result.failed]
    return "\n".join(map(terminal_safe, lines))
