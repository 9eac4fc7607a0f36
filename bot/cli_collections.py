"""The command line for collections: `citebot add | remove | restore | collections | feeds`
(feeds in bot/cli_feeds.py), and the `--collection` option of the commands that read one
index."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.citation import human_date, shorten
from bot.cli_feeds import add_feed_parsers
from bot.collections import (
    SHARED,
    AlreadyAdded,
    ArticleReport,
    CollectionError,
    Overrides,
    Source,
    add_article,
    collection,
    collection_stats,
    existing_collection,
    file_source,
    list_collections,
    remove_article,
    restore_article,
    shared_collection,
    trashed_articles,
)
from bot.collections.purge import purge_trash
from bot.collections.replacing import recover_if_needed
from bot.config import Settings
from bot.corpus import ArticleError, read_article_file
from bot.counting import counted
from bot.errors import UserFacingError
from bot.output import json_line, terminal_safe

FIRST_PARAGRAPH_CHARS = 300


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the collection commands on the main parser's subcommands."""
    p = sub.add_parser("add", parents=[common], help="add an article (a file or a web address)")
    p.add_argument("source", help="a .txt, .md or .html file, or an http(s) address")
    _collection_option(p)
    p.add_argument("--title", help="the article's title (wins over the one found)")
    p.add_argument("--author", help="the article's author")
    p.add_argument("--date", help="the article's date, such as 2024-03-06")
    p.add_argument("--replace", action="store_true", help="replace the article it repeats")
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_add)

    p = sub.add_parser("remove", parents=[common], help="move an article to the trash")
    p.add_argument("article", help="the article id (see `citebot articles`)")
    _collection_option(p)
    p.set_defaults(command=cmd_remove)

    p = sub.add_parser("restore", parents=[common], help="bring an article back from the trash")
    p.add_argument("article", nargs="?", help="the article id (default: list the trash)")
    _collection_option(p)
    p.set_defaults(command=cmd_restore)

    p = sub.add_parser("trash", parents=[common], help="list or empty a collection's trash")
    _collection_option(p)
    p.add_argument(
        "--purge-older-than",
        type=_days,
        metavar="DAYS",
        help="delete for good what was removed more than DAYS days ago (0: everything)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_trash)

    p = sub.add_parser("collections", parents=[common], help="list the collections")
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_collections)

    add_feed_parsers(sub, common)


def _collection_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--collection", default=SHARED, help=f"the collection (default: {SHARED}, the corpus)"
    )


def add_collection_option(parser: argparse.ArgumentParser) -> None:
    """`--collection` for a command that reads one index (ask, articles, index, eval)."""
    _collection_option(parser)
    parser.set_defaults(one_index=True)


def collection_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """For a command that reads one index: the settings with the chosen collection's folder
    and index as its corpus and database (default: the shared collection, as configured)."""
    name = getattr(args, "collection", SHARED)
    if not getattr(args, "one_index", False):
        return settings
    if name == SHARED:
        if settings.corpus.is_dir():  # a replace interrupted by a crash is finished first
            recover_if_needed(shared_collection(settings))
        return settings
    if args.corpus or args.db:
        raise UserFacingError("--collection reads the collection's own folder: drop --corpus/--db")
    chosen = existing_collection(settings, name)
    chosen.db.parent.mkdir(exist_ok=True)
    recover_if_needed(chosen)
    return settings.with_paths(chosen.folder, chosen.db)


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add an article to a collection and show what was found."""
    target = collection(settings, args.collection)
    if target.shared and not target.folder.is_dir():
        raise UserFacingError(f"corpus folder {target.folder} does not exist")
    source = _source(args.source, settings)
    overrides = Overrides(args.title, args.author, args.date)
    try:
        report = add_article(target, source, overrides, replace=args.replace)
    except AlreadyAdded as exc:
        raise UserFacingError(f"{exc}: add it with --replace to replace it") from exc
    print(json_line(_report_json(report)) if args.json else format_report(report))
    return 0


def _source(text: str, settings: Settings) -> Source:
    if text.lower().startswith(("http://", "https://")):
        from bot.collections.pages import fetch_page  # the HTTP client only when needed
        from bot.fetch import FetchKind, policy_for

        return fetch_page(text, policy_for(FetchKind.PAGE, settings))
    path = Path(text)
    if not path.is_file():
        raise CollectionError(f"{text}: no such file")
    try:
        return file_source(path.name, read_article_file(path))
    except ArticleError as exc:  # too large, unreadable
        raise CollectionError(f"{text}: {exc}") from exc


def format_report(report: ArticleReport, verb: str | None = None) -> str:
    """What an add or restore found, for people."""
    verb = verb or ("replaced" if report.replaced else "added")
    details = ", ".join(
        d
        for d in (report.author, human_date(report.date), counted(report.paragraphs, "paragraph"))
        if d
    )
    lines = [
        f"{verb} {report.article_id} to collection {report.collection}: {report.title} — {details}",
        f"  {shorten(report.first_paragraph, FIRST_PARAGRAPH_CHARS)}",
    ]
    if report.url:
        lines.insert(1, f"  {report.url}")
    lines += [f"  warning: {w}" for w in report.warnings]
    return "\n".join(map(terminal_safe, lines))


def _report_json(report: ArticleReport) -> dict[str, Any]:
    return dataclasses.asdict(report) | {"warnings": list(report.warnings)}


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Move an article to its collection's trash."""
    removed = remove_article(existing_collection(settings, args.collection), args.article)
    print(
        terminal_safe(
            f"removed {removed.article_id} from collection {removed.collection}"
            f" (in the trash: `citebot restore {removed.article_id}{_option(removed.collection)}`"
            " brings it back)"
        )
    )
    return 0


def _option(name: str) -> str:
    return "" if name == SHARED else f" --collection {name}"


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Restore an article from the trash, or list the trash."""
    if settings.database_url is not None:  # fleet mode: the trash is in PostgreSQL
        from bot.cli_fleet_restore import restore_from_database

        return restore_from_database(settings.database_url, settings, args.collection, args.article)
    target = existing_collection(settings, args.collection)
    if args.article is None:
        for entry in trashed_articles(target):
            print(f"{terminal_safe(entry.article_id)}\tremoved {entry.removed_at}")
        return 0
    report = restore_article(target, args.article)
    print(format_report(report, "restored"))
    return 0


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not 0 <= days < 100_000:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}")
    return days


def cmd_trash(args: argparse.Namespace, settings: Settings) -> int:
    """List the trash (latest removal first), or delete what was removed long enough ago."""
    target = existing_collection(settings, args.collection)
    if args.purge_older_than is None:
        entries, verb = trashed_articles(target), "removed"
    else:
        entries = purge_trash(target, timedelta(days=args.purge_older_than))
        verb = "deleted, removed"
    for entry in entries:
        size = entry.path.stat().st_size if entry.path.exists() else None
        if args.json:
            row = {"article_id": entry.article_id, "removed_at": entry.removed_at}
            print(json_line(row | {"bytes": size, "deleted": verb != "removed"}))
        else:
            shown = f"\t{size:,} bytes" if size is not None else ""
            print(f"{terminal_safe(entry.article_id)}\t{verb} {entry.removed_at}{shown}")
    if not args.json and args.purge_older_than is not None:
        print(f"{len(entries)} removed articles deleted from the trash of {target.name}")
    return 0


def cmd_collections(args: argparse.Namespace, settings: Settings) -> int:
    """List the collections: name, folder, articles, paragraphs."""
    for found in list_collections(settings):
        stats = collection_stats(found)
        row: dict[str, Any] = {"name": found.name, "folder": str(found.folder)}
        row |= {"articles": stats.articles, "paragraphs": stats.paragraphs}
        if args.json:
            print(json_line(row))
            continue
        size = "not indexed yet"
        if stats.articles is not None and stats.paragraphs is not None:
            size = f"{counted(stats.articles, 'article')}, {counted(stats.paragraphs, 'paragraph')}"
        print("\t".join((found.name, terminal_safe(str(found.folder)), size)))
    return 0
