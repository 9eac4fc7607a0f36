"""Fleet mode's own cost: from a commit in PostgreSQL to a follower holding the new
generation in its mirror folder, or (`--serve`) to every process answering from it.

    python -m benchmarks.fleet postgresql://user@host:port/db [--paragraphs 100000]
        [--changes 10] [--followers 3] [--serve] [--questions 200]

1. `--paragraphs` generated paragraphs (benchmarks/synthetic.py) read from their folder as
   `citebot import` reads it (found and parsed) and committed as one collection.
2. `--followers` followers (3; in this one process, each with its own connections and
   folder; poll interval 10 s, so only NOTIFY explains a quick move) whose apply mirrors
   the generation into the follower's folder (the first one whole).
3. `--changes` times, one article's file changed and the whole collection committed again,
   as `citebot import` does: the commit's time, and from the commit's return until every
   follower's mirror holds the new generation.

With `--serve` each follower is a whole fleet process (bot/fleet/serving.py, as `citebot
run` has it: mirror, reindex of what moved, load, swap), each a process of its own
(benchmarks/fleet_process.py). Generation 1 is built once, whole, from PostgreSQL (here, in
the benchmark's process); every follower starts from a copy of that cache, as a process
restarted with its cache does. The second figure is then from the commit's return to the
last process having swapped the new generation in. Afterwards each process, one at a time,
answers `--questions` questions and samples its own resident memory, and so does a
single-process library (no PostgreSQL) opened on another copy of the built cache (the same
collection, at generation 1): in three rounds, taking turns, so that a busier moment of the
machine falls on all of them; per process the median of its rounds, and the ratios.

The database named is only used to create (and afterwards drop) a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from benchmarks.fleet_process import Processes, Role, print_memory
from benchmarks.synthetic import BUNDLED_CORPUS, Spec, questions, write_corpus
from bot.collections import ServedCollections
from bot.collections.layout import Collection
from bot.config import Settings
from bot.fleet.connect import Connection, connect
from bot.fleet.folders import read_collection
from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.mirror import mirror_generation
from bot.fleet.model import StoredArticle
from bot.fleet.processes import ProcessInfo
from bot.fleet.serving import FleetServing, fleet_settings
from bot.fleet.store import commit_collection
from bot.library import Library

# Rounds of answering per process, taking turns.
ROUNDS = 3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    name = f"citebot_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlsplit(args.url)._replace(path=f"/{name}").geturl()
        with tempfile.TemporaryDirectory() as work:
            _run(url, Path(work), args)
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgresql:// address of a user that may create databases")
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--followers", type=int, default=3, help="followers in this process")
    parser.add_argument("--serve", action="store_true", help="fleet processes that serve")
    parser.add_argument("--questions", type=int, default=200, help="answered per process")
    return parser


def _run(url: str, work: Path, args: argparse.Namespace) -> None:
    folder = work / "source"
    written = write_corpus(Spec(args.paragraphs), BUNDLED_CORPUS, folder)
    start = time.perf_counter()
    content = read_collection(Collection("bench", folder, work / "unused.db"))
    read_s = time.perf_counter() - start
    name = "shared" if args.serve else "bench"
    with connect(url) as conn:
        start = time.perf_counter()
        commit_collection(conn, name, content.articles)
        commit_s = time.perf_counter() - start
    print(f"{len(content.articles)} files, {args.paragraphs} paragraphs:")
    print(f"import: read and parse {read_s:.1f} s, first commit {commit_s:.1f} s")
    articles = list(content.articles)
    if args.serve:
        asked = tuple(questions(written, args.questions, Spec(0).seed))
        _serve(url, work, articles, args, asked)
    else:
        asyncio.run(_follow(url, work, articles, args.changes, args.followers))


async def _follow(
    url: str, work: Path, articles: list[StoredArticle], changes: int, count: int
) -> None:
    """Followers in this process that only mirror."""
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(connect(url))
        followers = [_follower(url, work / f"mirror-{n}", stack, n) for n in range(count)]
        tasks = [asyncio.create_task(f.run()) for f in followers]
        start = time.perf_counter()
        await asyncio.gather(*(f.wait_until("bench", 1) for f in followers))
        print(f"{count} followers start to generation 1 mirrored (whole): {_since(start):.1f} s")
        commits, moves = [], []
        for n in range(changes):
            generation, started = _change(writer, "bench", articles, n)
            committed = time.perf_counter()
            await asyncio.gather(*(f.wait_until("bench", generation) for f in followers))
            commits.append(committed - started)
            moves.append(time.perf_counter() - committed)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    _print_moves(changes, commits, moves, "mirror moved")


def _change(
    writer: Connection, name: str, articles: list[StoredArticle], n: int
) -> tuple[int, float]:
    """Change article n and commit the whole collection; the generation and the start."""
    edited = articles[n].content + f"\nEdit {n}.\n".encode()
    articles[n] = replace(articles[n], content=edited)
    started = time.perf_counter()
    generation = commit_collection(writer, name, articles).generation
    assert generation is not None
    return generation, started


def _print_moves(changes: int, commits: list[float], moves: list[float], what: str) -> None:
    print(f"{changes} one-article changes (whole collection committed, as citebot import does):")
    print(f"commit:                      {_stats(commits)}")
    print(f"commit to every {what}: {_stats(moves)}")


def _since(start: float) -> float:
    return time.perf_counter() - start


def _follower(url: str, mirror: Path, stack: contextlib.ExitStack, n: int) -> GenerationFollower:
    """A follower whose apply mirrors the generation into its own folder."""
    conn = stack.enter_context(connect(url))

    async def apply(collection: str, generation: int) -> None:
        await asyncio.to_thread(mirror_generation, conn, collection, generation, mirror)

    info = ProcessInfo(f"bench-{n}", None, None)
    return GenerationFollower(FollowerConfig(url, info, 10.0), apply)


def _serve(
    url: str,
    work: Path,
    articles: list[StoredArticle],
    args: argparse.Namespace,
    asked: tuple[str, ...],
) -> None:
    """Fleet processes of their own, started from one built cache; then memory and answers."""
    start = time.perf_counter()
    asyncio.run(_build_cache(url, work / "built"))
    print(f"generation 1 built whole from PostgreSQL (one process): {_since(start):.1f} s")
    with Processes() as processes:
        start = time.perf_counter()
        for n in range(args.followers):
            shutil.copytree(work / "built", work / f"cache-{n}")
            processes.start(Role(f"bench-{n}", work / f"cache-{n}", url, asked))
        processes.await_served(1)
        print(
            f"{args.followers} processes start from copies of it to generation 1 served:"
            f" {_since(start):.1f} s"
        )
        with connect(url) as writer:
            commits, moves = [], []
            for n in range(args.changes):
                generation, started = _change(writer, "shared", articles, n)
                committed = time.monotonic()
                commits.append(time.perf_counter() - started)
                moves.append(processes.await_served(generation) - committed)
        _print_moves(args.changes, commits, moves, "process answering from it")
        shutil.copytree(work / "built", work / "single")
        processes.start(Role("single", work / "single", None, asked))
        measured: dict[str, list[dict[str, float]]] = {n: [] for n in processes.names()}
        for _ in range(ROUNDS):  # in turns, so that a busier moment falls on all of them
            for name, rounds in measured.items():
                rounds.append(processes.measure(name))
        print_memory(len(asked), measured)


async def _build_cache(url: str, cache: Path) -> None:
    """Generation 1 of the shared collection, served once in this process (built whole)."""
    base = Settings(db=cache / "citebot.db", database_url=url, fleet_cache=cache)
    settings = fleet_settings(replace(base, fleet_poll_seconds=10.0))
    settings.corpus.mkdir(parents=True)
    library = Library.open(settings)
    info = ProcessInfo("bench-builder", None, None)
    serving = FleetServing(settings, info, library, ServedCollections(), settings.corpus)
    serving.start()
    await serving.follower.wait_until("shared", 1)
    await serving.stop()


def _stats(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.0f} ms  max {max(values) * 1000:.0f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
