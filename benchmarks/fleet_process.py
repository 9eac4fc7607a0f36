"""The serving processes of `python -m benchmarks.fleet --serve`: fleet processes following
the generations, each from its own cache, or a single-process library over a copy of one,
and the measurements they take of themselves (answer() latency, resident memory).

Each runs in a process of its own, started with `spawn`, so nothing of the benchmark's
memory is inherited, and talks to it through two queues: it reports every generation it has
swapped in with the time (`time.monotonic()`, one clock for every process of the machine),
and takes the commands "measure" and "stop".
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, replace
from multiprocessing import Queue
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.collections import ServedCollections
from bot.config import Settings
from bot.fleet.processes import ProcessInfo
from bot.fleet.serving import FleetServing, fleet_settings
from bot.library import Library

# Questions answered before timing (first use of the analyzer, the model, caches).
WARM_UP = 20
# RSS is read after every this many questions.
SAMPLE_EVERY = 10


@dataclass(frozen=True)
class Role:
    """What one process is: `url` None for the single-process library."""

    name: str
    cache: Path
    url: str | None
    questions: tuple[str, ...]


class _Reporting(FleetServing):
    """A fleet process's serving that reports each generation once it is swapped in."""

    def __init__(self, reports: Queue[Any], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._reports = reports

    async def apply(self, name: str, generation: int) -> None:
        await super().apply(name, generation)
        self._reports.put(("served", self.process.name, generation, time.monotonic()))


def run(role: Role, reports: Queue[Any], commands: Queue[Any]) -> None:
    """The process's entry point; each move's timings are logged to stderr."""
    logging.basicConfig(level=logging.WARNING, format=f"{role.name}: %(message)s")
    logging.getLogger("bot.fleet.serving").setLevel(logging.INFO)
    asyncio.run(_serve(role, reports, commands))


async def _serve(role: Role, reports: Queue[Any], commands: Queue[Any]) -> None:
    base = Settings(db=role.cache / "citebot.db", database_url=role.url, fleet_cache=role.cache)
    if role.url is None:  # a single-process library over the cache's folder and index
        settings = replace(base, corpus=role.cache / "corpus", watch=False)
        library, serving = Library.open(settings), None
    else:
        settings = fleet_settings(replace(base, fleet_poll_seconds=10.0))
        library = Library.open(settings)
        info = ProcessInfo(role.name, None, None)
        serving = _Reporting(reports, settings, info, library, ServedCollections(), role.cache)
        serving.start()
    reports.put(("started", role.name, 0, time.monotonic()))
    while (command := await asyncio.to_thread(commands.get)) != "stop":
        assert command == "measure"
        measured = await asyncio.to_thread(measure, library, role.questions)
        reports.put(("measured", role.name, measured, time.monotonic()))
    if serving is not None:
        await serving.stop()


def measure(library: Library, questions: tuple[str, ...]) -> dict[str, float]:
    """answer() p50 over the questions (after a warm-up), and this process's resident
    memory, sampled while answering (its own pages only, read from /proc)."""
    for question in questions[:WARM_UP]:
        library.ask(question, 10)
    samples, latencies = [resident_mb()], []
    for n, question in enumerate(questions[WARM_UP:], 1):
        start = time.perf_counter()
        library.ask(question, 10)
        latencies.append(time.perf_counter() - start)
        if n % SAMPLE_EVERY == 0:
            samples.append(resident_mb())
    return {
        "answer_p50_ms": statistics.median(latencies) * 1000,
        "rss_mb": statistics.median(samples),
        "rss_max_mb": max(samples),
    }


def resident_mb() -> float:
    """This process's resident set size now (Linux /proc/self/statm), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Processes:
    """The benchmark's side: the processes started, their reports, their commands."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._reports: Queue[Any] = self._context.Queue()
        self._started: dict[str, tuple[BaseProcess, Queue[Any]]] = {}

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_all()

    def names(self) -> list[str]:
        return sorted(self._started)

    def start(self, role: Role) -> None:
        commands: Queue[Any] = self._context.Queue()
        process = self._context.Process(target=run, args=(role, self._reports, commands))
        process.start()
        self._started[role.name] = (process, commands)

    def await_served(self, generation: int) -> float:
        """When the last process swapped in `generation` (by `time.monotonic()`)."""
        waiting, last = set(self._started), 0.0
        while waiting:
            kind, name, value, at = self._reports.get(timeout=600)
            if kind == "served" and value >= generation and name in waiting:
                waiting.discard(name)
                last = max(last, at)
        return last

    def measure(self, name: str) -> dict[str, float]:
        """One process's measurements (the others are idle meanwhile)."""
        self._started[name][1].put("measure")
        while True:
            kind, _, value, _ = self._reports.get(timeout=600)
            if kind == "measured":
                return dict(value)

    def stop_all(self) -> None:
        for process, commands in self._started.values():
            if process.is_alive():
                commands.put("stop")
        for process, _ in self._started.values():
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
        self._started.clear()


def print_memory(questions: int, measured: dict[str, list[dict[str, float]]]) -> None:
    """Each process's figures (the median of its rounds; the largest RSS sample of all), and
    the largest fleet process's over the single process's."""
    rounds = len(next(iter(measured.values())))
    print(f"serving, {questions} questions per process, {rounds} rounds (one process at a time):")
    summary = {name: _summary(runs) for name, runs in measured.items()}
    single = summary.pop("single")
    for name, figures in summary.items():
        print(f"  fleet process {name}:   {_measured(figures)}")
    print(f"  single-process library: {_measured(single)}")
    rss = max(m["rss_mb"] for m in summary.values()) / single["rss_mb"]
    p50 = max(m["answer_p50_ms"] for m in summary.values()) / single["answer_p50_ms"]
    print(f"  largest fleet / single:  RSS {rss:.3f}x  answer() p50 {p50:.3f}x")


def _summary(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "answer_p50_ms": statistics.median(r["answer_p50_ms"] for r in runs),
        "rss_mb": statistics.median(r["rss_mb"] for r in runs),
        "rss_max_mb": max(r["rss_max_mb"] for r in runs),
    }


def _measured(m: dict[str, float]) -> str:
    return (
        f"RSS {m['rss_mb']:.0f} MB (max {m['rss_max_mb']:.0f})"
        f"  answer() p50 {m['answer_p50_ms']:.2f} ms"
    )
