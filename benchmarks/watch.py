"""Edits on disk: seconds from writing an article into the corpus folder to answering from it.

    python -m benchmarks.watch CORPUS [--rounds N]

Copies CORPUS to a temporary folder, builds its index, starts the bot's corpus watcher
(`bot.watch.CorpusWatcher`, the default 2 s quiet period) and, N times, writes one new
article and times until the served index holds it. The figure is the quiet period plus
one incremental reindex of the corpus.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.library import Library
from bot.watch import CorpusWatcher

ARTICLE = "---\ntitle: Mills {n}\n---\n\nThe millwright number {n} rebuilt the wheel.\n"


async def measure(corpus: Path, rounds: int) -> list[float]:
    """Seconds from each write to the article being served."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(shutil.copytree(corpus, Path(tmp) / "corpus"))
        settings = Settings(corpus=copy, db=Path(tmp) / "citebot.db")
        library = Library.open(settings)
        watcher = CorpusWatcher(library, settings)
        watcher.start()
        await asyncio.sleep(1)  # the watcher attaches to the folder
        seconds = []
        try:
            for n in range(rounds):
                started = time.monotonic()
                (copy / f"zz-watch-{n}.txt").write_text(ARTICLE.format(n=n), encoding="utf-8")
                while library.index.article(f"zz-watch-{n}") is None:
                    await asyncio.sleep(0.01)
                seconds.append(time.monotonic() - started)
        finally:
            await watcher.stop()
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    seconds = asyncio.run(measure(args.corpus, args.rounds))
    median = statistics.median(seconds)
    print(f"write -> answerable over {len(seconds)} writes: median {median:.2f} s,", end=" ")
    print(f"max {max(seconds):.2f} s")


if __name__ == "__main__":
    main()
