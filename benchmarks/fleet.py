"""Fleet mode's own cost: from a commit in PostgreSQL to a follower holding the new
generation in its mirror folder. The index rebuild that would follow is not included
(benchmarks/collections.py measures it: "add until answerable").

    python -m benchmarks.fleet postgresql://user@host:port/db [--paragraphs 100000]
        [--changes 10] [--followers 3]

1. `--paragraphs` generated paragraphs (benchmarks/synthetic.py) read from their folder as
   `citebot import` reads it (found and parsed) and committed as one collection.
2. `--followers` followers (3; in this one process, each with its own connections and
   folder; poll interval 10 s, so only NOTIFY explains a quick move) whose apply mirrors
   the generation into the follower's folder (the first one whole).
3. `--changes` times, one article's file changed and the whole collection committed again,
   as `citebot import` does: the commit's time, and from the commit's return until every
   follower's mirror holds the new generation.

The database named is only used to create (and afterwards drop) a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from benchmarks.synthetic import BUNDLED_CORPUS, Spec, write_corpus
from bot.collections.layout import Collection
from bot.fleet.connect import connect
from bot.fleet.folders import read_collection
from bot.fleet.follower import FollowerConfig, GenerationFollower
from bot.fleet.mirror import mirror_generation
from bot.fleet.model import StoredArticle
from bot.fleet.processes import ProcessInfo
from bot.fleet.store import commit_collection


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    name = f"citebot_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = urlsplit(args.url)._replace(path=f"/{name}").geturl()
        with tempfile.TemporaryDirectory() as work:
            asyncio.run(_run(url, Path(work), args.paragraphs, args.changes, args.followers))
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
    return parser


async def _run(url: str, work: Path, paragraphs: int, changes: int, followers: int) -> None:
    folder = work / "source"
    write_corpus(Spec(paragraphs), BUNDLED_CORPUS, folder)
    start = time.perf_counter()
    content = read_collection(Collection("bench", folder, work / "unused.db"))
    read_s = time.perf_counter() - start
    with connect(url) as conn:
        start = time.perf_counter()
        commit_collection(conn, "bench", content.articles)
        commit_s = time.perf_counter() - start
    print(f"{len(content.articles)} files, {paragraphs} paragraphs:")
    print(f"import: read and parse {read_s:.1f} s, first commit {commit_s:.1f} s")
    await _follow(url, work, list(content.articles), changes, followers)


async def _follow(
    url: str, work: Path, articles: list[StoredArticle], changes: int, count: int
) -> None:
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(connect(url))
        followers = [_follower(url, work / f"mirror-{n}", stack, n) for n in range(count)]
        tasks = [asyncio.create_task(f.run()) for f in followers]
        start = time.perf_counter()
        await asyncio.gather(*(f.wait_until("bench", 1) for f in followers))
        whole = time.perf_counter() - start
        print(f"{count} followers start to generation 1 mirrored (whole): {whole:.1f} s")
        commits, moves = [], []
        for n in range(changes):
            edited = articles[n].content + f"\nEdit {n}.\n".encode()
            articles[n] = replace(articles[n], content=edited)
            start = time.perf_counter()
            generation = commit_collection(writer, "bench", articles).generation
            committed = time.perf_counter()
            assert generation is not None
            await asyncio.gather(*(f.wait_until("bench", generation) for f in followers))
            commits.append(committed - start)
            moves.append(time.perf_counter() - committed)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    print(f"{changes} one-article changes (whole collection committed, as citebot import does):")
    print(f"commit:                      {_stats(commits)}")
    print(f"commit to every mirror moved: {_stats(moves)}")


def _follower(url: str, mirror: Path, stack: contextlib.ExitStack, n: int) -> GenerationFollower:
    """A follower whose apply mirrors the generation into its own folder."""
    conn = stack.enter_context(connect(url))

    async def apply(collection: str, generation: int) -> None:
        await asyncio.to_thread(mirror_generation, conn, collection, generation, mirror)

    info = ProcessInfo(f"bench-{n}", None, None)
    return GenerationFollower(FollowerConfig(url, info, 10.0), apply)


def _stats(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.0f} ms  max {max(values) * 1000:.0f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
