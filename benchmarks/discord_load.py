"""End to end through the test suite's fake Discord: /ask latency on a large index.

Builds (once, cached under benchmarks/results/) a synthetic corpus of N paragraphs with
benchmarks.synthetic and indexes it with the real `reindex`; then serves the fake Discord API
of tests/e2e on 127.0.0.1, runs the real bot against it (`create_client`) and sends /ask
interactions from concurrent simulated users, each asking its questions one after another.
Prints p50/p99/max of the time to acknowledgement and to the answer, and how many missed
Discord's 3-second window.

    python -m benchmarks.discord_load [--paragraphs 100000] [--questions 500] [--users 20]
                                      [--switch-interval MS]

`--switch-interval` runs the bot with another thread switch interval than its own
(`bot.discord_app.inflight.SWITCH_INTERVAL`; 5 is CPython's default), to see what it costs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sys
import time
from pathlib import Path

from benchmarks.synthetic import BUNDLED_CORPUS, Spec, questions, read_corpus, write_corpus
from bot.config import Settings
from bot.discord_app import create_client, inflight
from bot.index.build import reindex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from fake_discord import FakeDiscord, FakeMember, FakeUser  # noqa: E402
from fake_discord.harness import point_discord_at, run_client  # noqa: E402

WINDOW = 3.0
RESULTS = ROOT / "benchmarks" / "results" / "discord_load"


class _Patch:
    """`setattr` that remembers, for `point_discord_at` (which expects a monkeypatch)."""

    def __init__(self) -> None:
        self.saved: list[tuple[object, str, object]] = []

    def setattr(self, target: object, name: str, value: object) -> None:
        self.saved.append((target, name, getattr(target, name)))
        setattr(target, name, value)

    def undo(self) -> None:
        for target, name, value in reversed(self.saved):
            setattr(target, name, value)


def prepare(paragraphs: int, count: int) -> tuple[Path, Path, list[str]]:
    """The corpus folder and its index (built once per size), and `count` questions."""
    work = RESULTS / f"p{paragraphs}"
    corpus, db, done = work / "corpus", work / "citebot.db", work / "built"
    spec = Spec(paragraphs=paragraphs)
    if not done.exists():
        started = time.perf_counter()
        write_corpus(spec, BUNDLED_CORPUS, corpus)
        db.unlink(missing_ok=True)
        summary = reindex(corpus, db)
        print(
            f"built {summary.paragraphs} paragraphs in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        done.write_text("ok\n")
    texts = read_corpus(corpus)
    articles = [texts[i : i + 10] for i in range(0, len(texts), 10)]
    return corpus, db, questions(articles, count, spec.seed)


def add_users(fake: FakeDiscord, count: int) -> list[FakeUser]:
    users = [FakeUser(fake.ids.next(), f"user{n:02d}") for n in range(count)]
    fake.world.users.extend(users)
    fake.guild.members.extend(FakeMember(u) for u in users)
    return users


async def one_user(fake: FakeDiscord, user: FakeUser, asked: list[str]) -> None:
    for text in asked:
        record = await fake.send_slash_command("ask", {"question": text}, user=user)
        await record.content(timeout=60)


async def run(corpus: Path, db: Path, asked: list[str], users: int) -> dict[str, float]:
    patch = _Patch()
    async with FakeDiscord() as fake:
        point_discord_at(fake, patch)
        try:
            settings = Settings(
                corpus=corpus, db=db, discord_token=fake.token, cooldown_questions=0
            )
            client = create_client(settings)
            client._connection.guild_ready_timeout = 0.05
            people = add_users(fake, users)
            async with run_client(client, fake, timeout=60):
                started = time.perf_counter()
                shares = [asked[n::users] for n in range(users)]
                pairs = zip(people, shares, strict=True)
                await asyncio.gather(*(one_user(fake, user, share) for user, share in pairs))
                elapsed = time.perf_counter() - started
            records = list(fake.interactions.records.values())
            errors = [(r.status, r.route_key) for r in fake.requests if r.status >= 400]
        finally:
            patch.undo()
    report = fake.latency_report()
    late = sum(1 for r in records if r.ack_latency is None or r.ack_latency >= WINDOW)
    report |= {"late": float(late), "seconds": elapsed, "rejected": float(len(errors))}
    return report


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 1000:,.0f} ms"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--switch-interval", type=float, metavar="MS")
    args = parser.parse_args(argv)
    if args.switch_interval is not None:  # this process's only bot is about to start
        inflight.SWITCH_INTERVAL = args.switch_interval / 1000
    logging.basicConfig(level=logging.WARNING)
    corpus, db, asked = prepare(args.paragraphs, args.questions)
    r = asyncio.run(run(corpus, db, asked, args.users))
    print(
        f"{int(r['count'])} /ask from {args.users} concurrent users, "
        f"{args.paragraphs:,} paragraphs, {r['seconds']:.1f} s "
        f"({r['count'] / r['seconds']:.1f} answers/s), "
        f"thread switch interval {sys.getswitchinterval() * 1000:g} ms"
    )
    print(f"ack:    p50 {_ms(r['ack_p50'])}  p99 {_ms(r['ack_p99'])}  max {_ms(r['ack_max'])}")
    print(
        f"answer: p50 {_ms(r['content_p50'])}  p99 {_ms(r['content_p99'])}  "
        f"max {_ms(r['content_max'])}"
    )
    late, rejected = int(r["late"]), int(r["rejected"])
    print(f"past the {WINDOW:.0f} s window: {late}; rejected requests: {rejected}")
    return 0 if late == 0 and rejected == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
