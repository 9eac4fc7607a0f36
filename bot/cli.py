"""The command line: `citebot index | ask | articles | eval | run | sync`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import IntEnum
from pathlib import Path

from bot.answer import answer
from bot.config import ConfigError, Settings, load_settings
from bot.corpus import ArticleError
from bot.errors import UserFacingError
from bot.index.build import ReindexSummary, reindex
from bot.index.search import SearchIndex, load_index
from bot.index.store import StoreError, is_current
from bot.output import answer_to_json, answer_to_line, answer_to_text
from bot.progress import terminal_progress

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
        settings = load_settings().with_paths(args.corpus, args.db)
        logging.basicConfig(
            level=getattr(logging, settings.log_level),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        command: Callable[[argparse.Namespace, Settings], int] = args.command
        return command(args, settings)
    except (UserFacingError, ConfigError, StoreError, ArticleError, OSError) as exc:
        print(f"citebot: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="article folder (default: $CITEBOT_CORPUS)")
    common.add_argument("--db", type=Path, help="index database (default: $CITEBOT_DB)")
    parser = argparse.ArgumentParser(prog="citebot", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("index", parents=[common], help="build or update the index")
    p.set_defaults(command=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer a question with cited passages")
    p.add_argument("question", nargs="?", help="the question (default: one per line on stdin)")
    p.add_argument("-k", type=int, default=None, help="passages to show (1-20; default 3)")
    p.add_argument("--article", help="only search this article id")
    p.add_argument("--json", action="store_true", help="print the JSON schema in the README")
    p.set_defaults(command=cmd_ask)

    p = sub.add_parser("articles", parents=[common], help="list the indexed articles")
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_articles)

    p = sub.add_parser("eval", parents=[common], help="measure retrieval on a question set")
    p.add_argument("questions", type=Path, help="questions.jsonl (article, 0-based paragraph)")
    p.add_argument("--scope", choices=["corpus", "article"], default="corpus")
    p.add_argument("--json", action="store_true")
    p.set_defaults(command=cmd_eval)

    p = sub.add_parser("run", parents=[common], help="start the Discord bot")
    p.set_defaults(command=cmd_run)

    p = sub.add_parser("sync", parents=[common], help="register the slash commands")
    p.add_argument("--guild", type=int, help="sync to one server only (instant)")
    p.set_defaults(command=cmd_sync)
    return parser


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build or update the index and print what changed."""
    summary = _reindex(settings)
    print(format_summary(summary))
    return ExitCode.OK


def _reindex(settings: Settings) -> ReindexSummary:
    if not settings.corpus.is_dir():
        raise CliError(f"corpus folder {settings.corpus} does not exist")
    return reindex(settings.corpus, settings.db, progress=terminal_progress(sys.stderr))


def format_summary(summary: ReindexSummary) -> str:
    """A reindex summary for people."""
    lines = [
        f"{summary.articles} articles, {summary.paragraphs} paragraphs"
        f" ({len(summary.added)} added, {len(summary.changed)} changed,"
        f" {len(summary.removed)} removed, {summary.unchanged} unchanged)"
        f" in {summary.seconds:.1f} s",
    ]
    lines += [f"  skipped {s.path}: {s.reason}" for s in summary.skipped]
    return "\n".join(lines)


def open_index(settings: Settings) -> SearchIndex:
    """The index, built first if there is none yet or it is from an older version."""
    if not is_current(settings.db):
        log.info("no current index at %s: building it from %s", settings.db, settings.corpus)
        print(format_summary(_reindex(settings)), file=sys.stderr)
    return load_index(settings.db)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or one per line from stdin."""
    k = settings.results if args.k is None else args.k
    if not 1 <= k <= 20:
        raise CliError("-k must be between 1 and 20")
    if args.question is not None and not args.question.strip():
        raise CliError("the question is empty")
    index = open_index(settings)
    if args.article and index.article(args.article) is None:
        raise CliError(f"no indexed article has the id {args.article!r} (see `citebot articles`)")
    try:
        questions = [args.question] if args.question is not None else _stdin_questions()
        for question in questions:
            result = answer(index, question, k, args.article, settings.min_relevance)
            if args.json:
                print(json.dumps(answer_to_json(result), ensure_ascii=False))
            elif args.question is None:
                print(answer_to_line(result))
            else:
                print(answer_to_text(result))
    finally:
        index.close()
    return ExitCode.OK


def _stdin_questions() -> Iterator[str]:
    return (line.strip() for line in sys.stdin if line.strip())


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    """List the indexed articles."""
    index = open_index(settings)
    try:
        for a in index.articles:
            row = {"id": a.id, "title": a.title, "date": a.date, "paragraphs": a.paragraph_count}
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(f"{a.id}\t{a.title}\t{a.date or '-'}\t{a.paragraph_count} paragraphs")
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

    return run_bot(settings)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    """Register the slash commands globally or to one server."""
    from bot.discord_app.runner import sync_commands

    return sync_commands(settings, args.guild)
