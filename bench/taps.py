"""`python -m bench.taps`: what one checklist tap costs our bot and a bare python-telegram-bot bot, in one run.

The bare bot (`bench.echo_bot --edit`) does per press what a checklist bot built the plain way does:
answer the press, send the next question, edit the answered one; it runs with AIORateLimiter (as
ours does) and without. Each bot gets its own Bot API stand-in, DATA_DIR and process; the figures:

* rate-limited calls per tap: requests that carry a `chat_id` (answerCallbackQuery is not limited);
* CPU per tap: 10 people tapping in a closed loop, 30 taps each (a bot behind its rate limiter then
  has taps waiting in it), and at the lowest paced load, where no bot has any waiting;
* 20 people each tapping about once a second (on a timetable: a slow reply does not delay the next
  tap), p50 / p95 from the update queued to the reply;
* paced loads from `--rates`: people on a timetable of one tap every 2 s each (well within
  Telegram's advice of one message a second per chat); the highest rate with p95 under 1 s. A bot
  that misses a rate is not asked for a higher one; "≥" when it served the highest rate tried;
* fdatasync and fsync calls per tap, counted by strace attached to our bot during 100 taps;
* the busiest second: rate-limited calls within any one second of the run (Telegram allows 30);
* one 12 MP photo from update to acknowledgement (p50), an album of ten to its one acknowledgement,
  and the peak memory of the process.

Only our bot walks the real checklist (its people answer Đạt / Có and go back at the first question a
tap cannot answer); the bare bot's people press its one button.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from operator import methodcaller
from pathlib import Path

from bench.harness import BotProcess, ReplyClock, ReplyTimeout, python
from bench.people import Inspector, Outcome, Person, phone_photo
from bench.report import profile_digest
from bench.scenario import BotSpec, Plan, Scenario, settle
from tests.standin import BotApiStandIn, SentMessage

DEFAULT_RATES = (15, 20, 25, 28, 30, 32, 35, 40)
PACED_PERIOD = 2.0  # seconds between one person's taps in the paced loads
FSYNC = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(fdatasync|fsync)\s*$", re.MULTILINE)


@dataclass
class TapFigures:
    """One bot's figures; NaN where the bot was not measured for that figure."""

    label: str
    calls_per_tap: float = math.nan
    cpu_ms_per_tap: float = math.nan
    one_a_second: tuple[float, float] = (math.nan, math.nan)
    ladder: dict[int, float] = field(default_factory=dict)  # taps per second -> p95 ms
    paced_cpu_ms: dict[int, float] = field(default_factory=dict)  # taps per second -> CPU ms per tap
    syncs_per_tap: float = math.nan
    busiest_second: int = 0
    photo_p50_ms: float = math.nan
    album_ms: float = math.nan
    peak_rss_mb: float = math.nan
    errors: dict[str, int] = field(default_factory=dict)

    def highest_rate(self) -> str:
        """The highest rate tried with p95 under 1 s; "≥" when even the last rate tried was served."""
        passed = [rate for rate, p95 in self.ladder.items() if p95 < 1000]
        if not passed:
            return "none"
        return f"≥ {max(passed)}" if len(passed) == len(self.ladder) else str(max(passed))


@dataclass(frozen=True)
class TapPlan:
    closed_people: int
    closed_taps: int
    steady_people: int
    steady_taps: int
    rates: tuple[int, ...]
    seconds: float
    fsync_taps: int
    photos: int
    timeout: float

    @property
    def people(self) -> int:
        paced = max((math.ceil(rate * PACED_PERIOD) for rate in self.rates), default=0)
        return max(self.closed_people, self.steady_people, paced)


Walk = Callable[[Person], Awaitable[Outcome]]


class TapScenario(Scenario):
    """One bot through the tap phases; `figures` is what the table prints."""

    def __init__(self, spec: BotSpec, plan: TapPlan, workdir: Path) -> None:
        super().__init__(spec, Plan(0, (), {}, plan.photos, plan.timeout, max(plan.timeout, 600.0)), workdir)
        self.taps = plan
        self.figures = TapFigures(spec.label)

    async def _measure_all(self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess) -> None:
        plan, figures = self.taps, self.figures
        crowd, photographer = await self._setup(standin, clock, plan.people + 1)
        album_taker = crowd.pop()
        await settle(standin)
        process.log_since_mark()
        first_call = len(clock.chat_calls)

        closed = crowd[: plan.closed_people]
        phase = await self._phase(
            standin, clock, process, "closed loop", closed, methodcaller("rounds", plan.closed_taps)
        )
        figures.cpu_ms_per_tap = phase.cpu_ms_per_update
        figures.calls_per_tap = (len(clock.chat_calls) - first_call) / phase.round_trips

        steady = crowd[: plan.steady_people]
        phase = await self._phase(standin, clock, process, "1 tap/s each", steady, _paced(plan.steady_taps, 1.0))
        figures.one_a_second = (phase.p50_ms, phase.p95_ms)

        for rate in plan.rates:
            people = crowd[: math.ceil(rate * PACED_PERIOD)]
            walk = _paced(max(1, round(plan.seconds / PACED_PERIOD)), PACED_PERIOD)
            phase = await self._phase(standin, clock, process, f"{rate} taps/s", people, walk)
            figures.ladder[rate] = phase.p95_ms
            figures.paced_cpu_ms[rate] = phase.cpu_ms_per_update
            if phase.p95_ms >= 1000 or phase.errors.get("timeout"):
                break

        if self.spec.ours and plan.fsync_taps:
            figures.syncs_per_tap = await self._syncs(standin, clock, process, closed)
        if plan.photos:
            await self._photos(standin, clock, process, photographer)
            figures.photo_p50_ms = self.run.phases[-1].p50_ms
            figures.album_ms = await self._album(clock, album_taker)
        figures.busiest_second = busiest_second(clock.chat_calls[first_call:])

    async def _syncs(
        self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess, people: Sequence[Person]
    ) -> float:
        """strace attached to every thread of the bot during a closed-loop phase; NaN without strace."""
        strace = shutil.which("strace")
        if strace is None:
            return math.nan
        output = self.workdir / f"{self.spec.key}.strace"
        tracer = await asyncio.create_subprocess_exec(
            strace, "-f", "-qq", "-c", "-e", "trace=fsync,fdatasync", "-o", str(output), "-p", str(process.pid)
        )
        await asyncio.sleep(1.0)  # attaching to every thread takes a moment
        walk = methodcaller("rounds", max(1, self.taps.fsync_taps // len(people)))
        phase = await self._phase(standin, clock, process, "under strace", people, walk)
        tracer.send_signal(signal.SIGINT)
        await tracer.wait()
        calls = sum(int(count) for count, _ in FSYNC.findall(output.read_text()))
        return calls / phase.round_trips if phase.round_trips else math.nan

    async def _album(self, clock: ReplyClock, person: Person) -> float:
        """Ten photos in one album: ms until our one acknowledgement of all ten, or the bare bot's tenth reply."""
        if isinstance(person, Inspector):
            await person.to_photo_step()
        images = [phone_photo(100 + index) for index in range(10)]
        replies: list[SentMessage] = []

        def acknowledged(message: SentMessage) -> bool:
            if self.spec.ours:
                return "Đã nhận 10 ảnh" in message.text
            replies.append(message)
            return len(replies) == len(images)

        try:
            trip = await clock.round_trip(
                person.user.id, lambda: person.standin.send_album(person.user, images), acknowledged, self.taps.timeout
            )
        except ReplyTimeout:
            self.figures.errors["album timeout"] = 1
            return math.nan
        return 1000 * trip.replied

    def _finish(self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess) -> None:
        super()._finish(standin, clock, process)
        self.figures.peak_rss_mb = self.run.peak_rss_mb
        self.figures.errors.update(self.run.errors)


def _paced(taps: int, period: float) -> Walk:
    """Everyone on the same timetable, each starting at a random point of the first period."""

    def walk(person: Person) -> Awaitable[Outcome]:
        return person.paced(taps, period, random.uniform(0, period))

    return walk


def busiest_second(arrivals: Sequence[float]) -> int:
    """Most requests within any one second (a sliding window over sorted arrival times)."""
    best = start = 0
    for end, at in enumerate(arrivals):
        while at - arrivals[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def specs(profile: Path | None = None) -> list[BotSpec]:
    """The three bots.
    With `profile`, our bot runs under cProfile (`bench.bot_process`), which slows it: a diagnostic run."""
    echo = (python(), "-m", "bench.echo_bot", "--edit")
    ours: tuple[str, ...] = (python(), "-m", "bot")
    if profile is not None:
        ours = (python(), "-m", "bench.bot_process", "--profile", str(profile))
    return [
        BotSpec("ours", "this bot", ours, ours=True),
        BotSpec("bare-limited", "bare bot with AIORateLimiter", (*echo, "--rate-limiter"), ours=False),
        BotSpec("bare", "bare bot without", echo, ours=False),
    ]


def _ms(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:,.0f}"


def table(results: Sequence[TapFigures], rates: Sequence[int]) -> str:
    def row(name: str, cells: Sequence[str]) -> str:
        return f"| {name} | " + " | ".join(cells) + " |"

    def each(render: Callable[[TapFigures], str]) -> list[str]:
        return [render(figures) for figures in results]

    lines = [
        row("figure", [figures.label for figures in results]),
        row("---", ["---"] * len(results)),
        row("rate-limited calls per tap", each(lambda f: f"{f.calls_per_tap:.2f}")),
        row("CPU per tap, ms (closed loop)", each(lambda f: f"{f.cpu_ms_per_tap:.1f}")),
        row(
            "p50 / p95 ms, each tapping once a second",
            each(lambda f: f"{_ms(f.one_a_second[0])} / {_ms(f.one_a_second[1])}"),
        ),
    ]
    for rate in rates:
        lines.append(row(f"p95 ms at {rate} taps/s", [_ms(f.ladder.get(rate, math.nan)) for f in results]))
    lines += [
        row("highest paced load with p95 < 1 s, taps/s", each(lambda f: f.highest_rate() if f.ladder else "—")),
        row(
            f"CPU per tap, ms (paced, {rates[0]} taps/s)" if rates else "CPU per tap, ms (paced)",
            each(lambda f: f"{f.paced_cpu_ms[rates[0]]:.1f}" if rates and rates[0] in f.paced_cpu_ms else "—"),
        ),
        row("busiest second, rate-limited calls", each(lambda f: str(f.busiest_second))),
        row(
            "fdatasync + fsync per tap",
            each(lambda f: "—" if math.isnan(f.syncs_per_tap) else f"{f.syncs_per_tap:.2f}"),
        ),
        row("12 MP photo to acknowledgement, p50 ms", each(lambda f: _ms(f.photo_p50_ms))),
        row("album of 10 to acknowledgement, ms", each(lambda f: _ms(f.album_ms))),
        row("peak memory, MB", each(lambda f: _ms(f.peak_rss_mb))),
        row("errors", each(lambda f: ", ".join(f"{k} {v}" for k, v in sorted(f.errors.items())) or "none")),
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.taps", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)), help="paced loads, taps per second")
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each paced load (default 12)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer taps, two paced loads, 2 photos")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one reply (default 60)")
    parser.add_argument("--data-root", type=Path, help="where the bots' DATA_DIRs go (default: system temp dir)")
    parser.add_argument("--profile", type=Path, metavar="FILE", help="run our bot under cProfile, write FILE, print it")
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> TapPlan:
    rates = tuple(int(part) for part in str(args.rates).split(",") if part.strip())
    if args.quick:
        return TapPlan(4, 5, 5, 3, rates[:2], 4.0, 20, 2, args.timeout)
    return TapPlan(10, 30, 20, 20, rates, args.seconds, 100, 9, args.timeout)


async def measure(plan: TapPlan, workdir: Path, profile: Path | None) -> list[TapFigures]:
    results = []
    for spec in specs(profile):
        scenario = TapScenario(spec, plan, workdir)
        await scenario.execute()
        results.append(scenario.figures)
        print(f"  {spec.label}: done", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    with tempfile.TemporaryDirectory(prefix="bench-taps-", dir=args.data_root) as workdir:
        results = asyncio.run(measure(plan, Path(workdir), args.profile and args.profile.resolve()))
    print(
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"python-telegram-bot {version('python-telegram-bot')}; "
        f"{plan.closed_people} people × {plan.closed_taps} taps closed loop, {plan.steady_people} people × "
        f"{plan.steady_taps} taps at one a second, paced loads of {plan.seconds:g} s at one tap per "
        f"{PACED_PERIOD:g} s per person."
    )
    print(table(results, plan.rates))
    if args.profile:
        print(profile_digest(args.profile))
    return 0 if all(not figures.errors for figures in results) else 1


if __name__ == "__main__":
    sys.exit(main())
