"""The command line for fleet mode: `citebot import [DIR]`, `citebot export DIR`,
`citebot fleet status`.

The fleet modules (and psycopg) are imported only when one of these commands runs, so
the single-process commands start as fast as before.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.counting import counted
from bot.output import json_line, terminal_safe

if TYPE_CHECKING:
    from bot.fleet.connect import Connection
    from bot.fleet.transfer import Imported


def add_fleet_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the fleet commands on the main parser's subcommands."""
    p = sub.add_parser("import", parents=[common], help="load a library folder into PostgreSQL")
    p.add_argument(
        "folder",
        nargs="?",
        type=Path,
        help="a folder holding corpus/ and collections/ (default: $CITEBOT_CORPUS and"
        " $CITEBOT_COLLECTIONS)",
    )
    p.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="then wait up to SECONDS for every live process to serve the new generations",
    )
    p.set_defaults(command=cmd_import)

    p = sub.add_parser("export", parents=[common], help="write the PostgreSQL library as files")
    p.add_argument("folder", type=Path, help="a new or empty folder: gets corpus/, collections/")
    p.set_defaults(command=cmd_export)

    fleet = sub.add_parser("fleet", parents=[common], help="the processes of a fleet")
    actions = fleet.add_subparsers(required=True, metavar="{status,forget}")
    p = actions.add_parser("status", parents=[common], help="processes, shards, generations")
    p.add_argument("--json", action="store_true", help="one JSON object per process")
    p.set_defaults(command=cmd_fleet_status)
    p = actions.add_parser("forget", parents=[common], help="remove a stopped process")
    p.add_argument("process", help="the process's name (see `citebot fleet status`)")
    p.set_defaults(command=cmd_fleet_forget)


@contextmanager
def _database(settings: Settings, purpose: str) -> Iterator[Connection]:
    """A connection to the fleet's database; psycopg errors become one-line errors."""
    import psycopg

    from bot.fleet.connect import FleetError, connect, first_line, require_url

    try:
        with connect(require_url(settings.database_url), purpose) as conn:
            yield conn
    except psycopg.Error as exc:
        raise FleetError(f"PostgreSQL: {first_line(exc)}") from None


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Load every collection folder into PostgreSQL; print each collection's generation."""
    from bot.fleet.folders import library_settings, read_library
    from bot.fleet.transfer import import_library

    if args.folder is not None:
        settings = library_settings(settings, args.folder)
    folders = read_library(settings)
    with _database(settings, "citebot import") as conn:
        done = import_library(conn, folders)
        for imported in done:
            print(format_imported(imported))
        if args.wait is not None:
            return _wait_for_fleet(conn, done, args.wait, settings)
    return 0


def _wait_for_fleet(
    conn: Connection, done: list[Imported], seconds: float, settings: Settings
) -> int:
    """Wait for the live processes to serve each new generation; exit 1 if some lag."""
    from bot.fleet.convergence import wait_for_fleet
    from bot.fleet.status import SILENT_AFTER_POLLS

    silent_after = SILENT_AFTER_POLLS * settings.fleet_poll_seconds
    deadline = time.monotonic() + max(0.0, seconds)
    lagging: set[str] = set()
    for collection, generation in ((i.commit.collection, i.commit.generation) for i in done):
        if generation is not None:
            left = max(0.0, deadline - time.monotonic())
            lagging.update(wait_for_fleet(conn, collection, generation, left, silent_after))
    if lagging:
        names = ", ".join(sorted(lagging))
        print(terminal_safe(f"citebot: not served yet by {names}"), file=sys.stderr)
        return 1
    print("served by every live process")
    return 0


def format_imported(imported: Imported) -> str:
    """One collection's import as lines: generation, changes, skipped files."""
    commit, folder = imported.commit, imported.folder
    count = counted(len(folder.articles), "article")
    if commit.generation is None:
        head = f"{commit.collection}: unchanged, {count}"
    else:
        changes = f"{len(commit.added)} added, {len(commit.changed)} changed"
        changes += f", {len(commit.removed)} removed"
        head = f"{commit.collection}: generation {commit.generation}, {count} ({changes})"
    lines = [head] + [f"  skipped {s.path}: {s.reason}" for s in folder.skipped]
    return "\n".join(terminal_safe(line) for line in lines)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write every collection's newest generation back as files under the folder."""
    from bot.fleet.transfer import export_library

    with _database(settings, "citebot export") as conn:
        for done in export_library(conn, args.folder):
            line = f"{done.collection}: generation {done.generation}, {done.files} files"
            print(terminal_safe(f"{line} -> {done.folder}"))
    return 0


def cmd_fleet_status(args: argparse.Namespace, settings: Settings) -> int:
    """List the fleet's processes: shards, generations served, last heartbeat."""
    from bot.fleet.processes import fleet_status
    from bot.fleet.status import status_json, status_lines
    from bot.fleet.store import latest_generations, now

    with _database(settings, "citebot fleet status") as conn:
        processes, latest, at = fleet_status(conn), latest_generations(conn), now(conn)
    if args.json:
        for process in processes:
            print(json_line(status_json(process, latest, at)))
        return 0
    for line in status_lines(processes, latest, at, settings.fleet_poll_seconds):
        print(terminal_safe(line))
    return 0


def cmd_fleet_forget(args: argparse.Namespace, settings: Settings) -> int:
    """Remove a process that was stopped for good from the fleet's tables."""
    from bot.fleet.connect import FleetError
    from bot.fleet.processes import forget_process

    with _database(settings, "citebot fleet forget") as conn:
        if not forget_process(conn, args.process):
            raise FleetError(f"no process named {args.process!r} (see `citebot fleet status`)")
    print(terminal_safe(f"forgot {args.process}"))
    return 0
