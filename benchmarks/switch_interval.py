"""What the bot's GIL switch interval (`bot.discord_app.inflight.SWITCH_INTERVAL`) buys and costs.

    python -m benchmarks.switch_interval [--rounds 4]

Beside CPython's default (5 ms), on the bundled own-words corpus:
- latency: one member's quick answers while two other threads grind through slow
  questions (pure-Python CPU work, as the bot's answer threads do on a pathological index);
- throughput: three threads answering the own-words questions at once.
The two settings alternate round by round so that drift on a shared machine hits both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.discord_app.inflight import SWITCH_INTERVAL
from bot.evaluate import load_questions
from bot.library import Library

OWN_WORDS = Path(__file__).parent / "own_words"
DEFAULT_INTERVAL = 0.005  # CPython's own
QUICK_ANSWERS = 20
THROUGHPUT_PASSES = 3


def burn(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(500))


def quick_answer_latency(library: Library, question: str) -> float:
    """Median seconds for one warm answer while two threads burn CPU."""
    stop = threading.Event()
    burners = [threading.Thread(target=burn, args=(stop,)) for _ in range(2)]
    for thread in burners:
        thread.start()
    try:
        times = []
        for _ in range(QUICK_ANSWERS):
            started = time.perf_counter()
            library.ask(question, 3)
            times.append(time.perf_counter() - started)
    finally:
        stop.set()
        for thread in burners:
            thread.join()
    return statistics.median(times)


def three_thread_throughput(library: Library, questions: list[str]) -> float:
    """Seconds for three threads to answer every question THROUGHPUT_PASSES times each."""

    def work() -> None:
        for _ in range(THROUGHPUT_PASSES):
            for question in questions:
                library.ask(question, 3)

    workers = [threading.Thread(target=work) for _ in range(3)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - started


def at_interval(interval: float, measure: Callable[[], float]) -> float:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        return measure()
    finally:
        sys.setswitchinterval(previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    questions = [q.question for q in load_questions(OWN_WORDS / "questions.jsonl")]
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Settings(corpus=OWN_WORDS / "corpus", db=Path(tmp) / "i.db"))
        for question in questions:  # every reading warm, as on a bot that has been up a while
            library.ask(question, 3)
        settings = {
            "default 5 ms": DEFAULT_INTERVAL,
            f"citebot {SWITCH_INTERVAL * 1000:g} ms": SWITCH_INTERVAL,
        }
        latency: dict[str, list[float]] = {name: [] for name in settings}
        throughput: dict[str, list[float]] = {name: [] for name in settings}
        for _ in range(args.rounds):
            for name, interval in settings.items():
                latency[name].append(
                    at_interval(interval, lambda: quick_answer_latency(library, questions[0]))
                )
                throughput[name].append(
                    at_interval(interval, lambda: three_thread_throughput(library, questions))
                )
    answers = 3 * THROUGHPUT_PASSES * len(questions)
    print(f"{args.rounds} rounds, medians; own-words corpus, {len(questions)} questions")
    for name in settings:
        print(
            f"{name:>14}: quick answer beside 2 busy threads "
            f"{statistics.median(latency[name]) * 1000:7.1f} ms; "
            f"{answers} answers on 3 threads {statistics.median(throughput[name]):6.2f} s"
        )
    default, ours = settings
    print(
        f"ratio citebot/default: latency "
        f"{statistics.median(latency[ours]) / statistics.median(latency[default]):.2f}, "
        f"throughput time "
        f"{statistics.median(throughput[ours]) / statistics.median(throughput[default]):.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
