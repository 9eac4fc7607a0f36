"""The command line: `citebot index | ask | articles | eval | add | remove | restore |
collections | feeds | import | export | run | sync`."""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from enum import IntEnum
from pathlib import Path

from bot.answer import Answer, answer
from bot.cli_collections import add_collection_option, add_parsers, collection_settings
from bot.cli_fleet import add_fleet_parsers
from bot.config import ConfigError, Settings, load_settings
from bot.corpus import ArticleError
from bot.corpus.checks import metadata_warnings
from bot.counting import counted
from bot.errors import UserFacingError
from bot.index import health
from bot.index.build import ReindexSummary, reindex
from bot.index.freshness import corpus_is_newer
from bot.index.search import SearchIndex, load_index
from bot.index.store import StoreError, is_current
from bot.output import (
    TRUNCATED_MESSAGE,
    answer_to_json,
    answer_to_line,
    answer_to_text,
    json_line,
    terminal_safe,
)
from bot.progress import terminal_progress
from bot.rerank.context import set_index_limit

log = logging.getLogger(__name__)


class ExitCode(IntEnum):
    """Process exit codes."""

    OK = 0
    ERROR = 1
    USAGE = 2


class CliError(UserFacingError):
    """A problem to report to the user in one line, without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build settings, run one command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = collection_settings(load_settings().with_paths(args.corpus, args.db), args)
        set_index_limit(settings.close_reading_limit)
        _configure_logging(settings.log_level, args.command)
        command: Callable[[argparse.Namespace, Settings], int] = args.command
        return command(args, settings)
    except (UserFacingError, ConfigError, StoreError, ArticleError, OSError, sqlite3.Error) as exc:
        print(f"citebot: {terminal_safe(str(exc))}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        return 130


class _TerminalSafeFormatter(logging.Formatter):
    """Log lines whose message shows control characters harmlessly (file names, titles)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))


def _configure_logging(level: str, command: Callable[..., int]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_no_voice_warnings)
    # The terminal commands print what happened themselves: their log shows problems only,
    # unless DEBUG is asked for; the bot's log keeps one INFO line per answer.
    if command not in (cmd_run, cmd_sync) and level == "INFO":
        level = "WARNING"
    logging.basicConfig(level=getattr(logging, level), handlers=[handler])


def _no_voice_warnings(record: logging.LogRecord) -> bool:
    """discord.py warns that PyNaCl and davey are missing: the bot uses no voice."""
    return not record.getMessage().endswith("voice will NOT be supported")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="article folder (default: $CITEBOT_CORPUS)")
    common.add_argument("--db", type=Path, help="index database (default: $CITEBOT_DB)")
    parser = argparse.ArgumentParser(prog="citebot", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("index", parents=[common], help="build or update the index")
    add_collection_option(p)
    p.set_defaults(command=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer a question with cited passages")
    p.add_argument("question", nargs="?", help="the question (default: one per line on stdin)")
    p.add_argument("-k", type=int, default=None, help="passages to show (1-20; default 3)")
    p.add_argument("--article", help="only search this article id")
    add_collection_option(p)
    p.add_argument("--json", action="store_true", help="print the JSON schema in the README")
    p.set_defaults(command=cmd_ask)

    p = sub.add_parser("articles", parents=[common], help="list the indexed articles")
    add_collection_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_articles)

    p = sub.add_parser("eval", parents=[common], help="measure retrieval on a question set")
    p.add_argument("questions", type=Path, help="questions.jsonl (article, 0-based paragraph)")
    p.add_argument("--scope", choices=["corpus", "article"], default="corpus")
    add_collection_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_eval)

    add_parsers(sub, common)
    add_fleet_parsers(sub, common)

    p = sub.add_parser("run", parents=[common], help="start the Discord bot")
    p.add_argument("--shard-ids", help="run only these shards: 0-3 or 0,2,5 (with --shard-count)")
    p.add_argument("--shard-count", type=int, help="shards in all, across every process")
    p.set_defaults(command=cmd_run)

    p = sub.add_parser("sync", parents=[common], help="register the slash commands")
    p.add_argument("--guild", type=int, help="sync to one server only (instant)")
    p.set_defaults(command=cmd_sync)
    return parser


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index and print what changed."""
    summary = _reindex(settings)
    print(format_summary(summary))
    _print_metadata_warnings(settings, {*summary.added, *summary.changed})
    return ExitCode.OK


def _print_metadata_warnings(settings: Settings, article_ids: set[str]) -> None:
    """Warn about each new or changed article whose title, author or date needs a look."""
    if not article_ids:
        return
    index = load_index(settings.db)
    try:
        for a in index.articles:
            if a.id in article_ids:
                for problem in metadata_warnings(a.id, a.title, a.author, a.date):
                    print(terminal_safe(f"  warning {a.id}: {problem}"))
    finally:
        index.close()


def _reindex(settings: Settings) -> ReindexSummary:
    if not settings.corpus.is_dir():
        state = "is not a folder" if settings.corpus.exists() else "does not exist"
        raise CliError(f"corpus folder {settings.corpus} {state}")
    if not settings.db.parent.is_dir():
        raise CliError(
            f"the folder {settings.db.parent} for the index database does not exist:"
            " create it, or choose another --db"
        )
    return reindex(settings.corpus, settings.db, progress=terminal_progress(sys.stderr))


def format_summary(summary: ReindexSummary) -> str:
    """A reindex summary for people."""
    lines = [
        f"{counted(summary.articles, 'article')}, {counted(summary.paragraphs, 'paragraph')}"
        f" ({len(summary.added)} added, {len(summary.changed)} changed,"
        f" {len(summary.removed)} removed, {summary.unchanged} unchanged)"
        f" in {summary.seconds:.1f} s",
    ]
    if summary.rebuilt:
        reason = terminal_safe(summary.rebuilt)
        lines.insert(0, f"the index database was damaged ({reason}): rebuilt it from the corpus")
    lines += [f"  skipped {terminal_safe(f'{s.path}: {s.reason}')}" for s in summary.skipped]
    return "\n".join(lines)


def open_index(settings: Settings) -> SearchIndex:
    """The index, built first if there is none yet, it is from an older version, or its
    tables disagree; rebuilt if SQLite finds it damaged while loading it."""
    if not is_current(settings.db) or health.damage(settings.db, quick_check=False):
        log.debug("no sound current index at %s: building it", settings.db)
        print(format_summary(_reindex(settings)), file=sys.stderr)
    elif settings.corpus.is_dir() and corpus_is_newer(settings.corpus, settings.db):
        _refresh(settings)
    try:
        return load_index(settings.db)
    except StoreError as exc:
        if not health.is_damage(exc.__cause__ or exc):
            raise
        return _rebuilt_index(settings, str(exc.__cause__))


def _refresh(settings: Settings) -> None:
    """Read the files changed since the last reindex, as `citebot index` does; an index
    that cannot be written (read-only, full disk) still answers as it is."""
    try:
        summary = _reindex(settings)
    except StoreError as exc:
        print(f"citebot: {terminal_safe(str(exc))}: answering from it as it is", file=sys.stderr)
        return
    if summary.added or summary.changed or summary.removed:
        print(format_summary(summary), file=sys.stderr)


def _rebuilt_index(settings: Settings, reason: str) -> SearchIndex:
    """Move aside a database SQLite found damaged, build it again and load it."""
    aside = health.discard(settings.db)
    summary = replace(_reindex(settings), rebuilt=f"{reason}; moved to {aside.name}")
    print(format_summary(summary), file=sys.stderr)
    return load_index(settings.db)


def _answer(
    index: SearchIndex, settings: Settings, question: str, k: int, article: str | None
) -> tuple[Answer, SearchIndex]:
    """The answer, and the index it came from: rebuilt once if SQLite finds it damaged."""
    try:
        return answer(index, question, k, article, settings.min_relevance), index
    except sqlite3.Error as exc:
        if not health.is_damage(exc):
            raise
        index.close()
        index = _rebuilt_index(settings, str(exc))
        return answer(index, question, k, article, settings.min_relevance), index


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line from stdin."""
    k = settings.results if args.k is None else args.k
    if not 1 <= k <= 20:
        raise CliError("-k must be between 1 and 20")
    if args.question is not None and not args.question.strip():
        raise CliError("the question is empty")
    index = open_index(settings)
    try:
        if args.article and index.article(args.article) is None:
            raise CliError(
                f"no indexed article has the id {args.article!r} (see `citebot articles`)"
            )
        questions = [args.question] if args.question is not None else _stdin_questions()
        for question in questions:
            result, index = _answer(index, settings, question, k, args.article)
            _print_answer(result, args)
    finally:
        index.close()
    return ExitCode.OK


def _print_answer(result: Answer, args: argparse.Namespace) -> None:
    if result.truncated:
        print(f"citebot: {TRUNCATED_MESSAGE}", file=sys.stderr)
    if args.json:
        print(json_line(answer_to_json(result)))
    elif args.question is None:
        print(answer_to_line(result))
    else:
        print(answer_to_text(result))


def _stdin_questions() -> Iterator[str]:
    return (line.strip() for line in sys.stdin if line.strip())


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    """List the indexed articles."""
    index = open_index(settings)
    try:
        for a in index.articles:
            row: dict[str, object] = {"id": a.id, "title": a.title, "author": a.author}
            row |= {"date": a.date, "paragraphs": a.paragraph_count}
            if args.json:
                print(json_line(row))
            else:
                fields = (a.id, a.title, a.author or "-", a.date or "-")
                size = counted(a.paragraph_count, "paragraph")
                print("\t".join(map(terminal_safe, (*fields, size))))
    finally:
        index.close()
    return ExitCode.OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Measure Hit@k and MRR on a question set."""
    from bot.evaluate import format_report, load_questions, run_evaluation

    questions = load_questions(args.questions)  # a bad file: one line naming the line
    index = open_index(settings)
    try:
        report = run_evaluation(index, questions, args.scope, settings.min_relevance)
    finally:
        index.close()
    if not report.count:
        raise CliError(
            f"none of the {len(questions)} questions names an indexed article and paragraph"
            f" (check the article ids against `citebot articles` and --corpus/--db)"
        )
    print(json.dumps(report.to_json()) if args.json else format_report(report))
    return ExitCode.OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Discord bot (imports discord only now)."""
    from bot.discord_app.runner import run_bot

    return run_bot(settings, args.shard_ids, args.shard_count)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the slash commands globally or to one server."""
    from bot.discord_app.runner import sync_commands

    return sync_commands(settings, args.guild)
