"""Fleet mode's own cost: from a commit in PostgreSQL to a follower holding the new
generation in its mirror folder. The index rebuild that would follow is not included
(benchmarks/collections.py measures it: "add until answerable").

    python -m benchmarks.fleet postgresql://user@host:port/db [--paragraphs 100000] [--changes 10]

1. `--paragraphs` generated paragraphs (benchmarks/synthetic.py) read from their folder as
   `citebot import` reads it (found and parsed) and committed as one collection.
2. A follower (poll interval 10 s, so only NOTIFY explains a quick move) whose apply
   mirrors the generation into a local folder (the first one whole).
3. `--changes` times, one article's file changed and the whole collection committed again,
   as `citebot import` does: the commit's time, and from the commit's return until the
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
            asyncio.run(_run(url, Path(work), args.paragraphs, args.changes))
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="postgresql:// address of a user that may create databases")
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10)
    return parser


async def _run(url: str, work: Path, paragraphs: int, changes: int) -> None:
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
    await _follow(url, work / "mirror", list(content.articles), changes)


async def _follow(url: str, mirror: Path, articles: list[StoredArticle], changes: int) -> None:
    with connect(url) as mirror_conn, connect(url) as writer:

        async def apply(collection: str, generation: int) -> None:
            await asyncio.to_thread(mirror_generation, mirror_conn, collection, generation, mirror)

        info = ProcessInfo("bench", None, None)
        follower = GenerationFollower(FollowerConfig(url, info, 10.0), apply)
        task = asyncio.create_task(follower.run())
        start = time.perf_counter()
        await follower.wait_until("bench", 1)
        print(
            f"follower start to generation 1 mirrored (whole): {time.perf_counter() - start:.1f} s"
        )
        commits, moves = [], []
        for n in range(changes):
            articles[n] = replace(
                articles[n], content=articles[n].content + f"\nEdit {n}.\n".encode()
            )
            start = time.perf_counter()
            generation = commit_collection(writer, "bench", articles).generation
            committed = time.perf_counter()
            assert generation is not None
            await follower.wait_until("bench", generation)
            commits.append(committed - start)
            moves.append(time.perf_counter() - committed)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    print(f"{changes} one-article changes (whole collection committed, as citebot import does):")
    print(f"commit:                 {_stats(commits)}")
    print(f"commit to mirror moved: {_stats(moves)}")


def _stats(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.0f} ms  max {max(values) * 1000:.0f} ms"


if __name__ == "__main__":
    raise SystemExit(main())
