"""One bot's whole benchmark: its own stand-in, its own process, set-up, then the measured phases.

Every bot gets a fresh stand-in and a fresh DATA_DIR so that no bot pays for another's history, and
runs the same phases in the same order: sequential, each concurrency level, photos. Between phases
the bot is left to go quiet, so the CPU read at the end of a phase is that phase's own work.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from operator import methodcaller
from pathlib import Path
from typing import Any

from bench.harness import BotProcess, ReplyClock, ReplyTimeout, harness_cpu, percentile, python
from bench.people import EchoUser, Inspector, Outcome, Person, phone_photo
from bot.texts import catalogue as texts
from tests.standin import BotApiStandIn, FakeUser

GROUP_ID = -1009000000001
ADMIN = FakeUser(id=8_000_001, first_name="Trần", last_name="Trưởng Đoàn", username="truongdoan")
FIRST_PERSON_ID = 8_100_000
HANDLED = re.compile(r"update \d+ from user -?\d+ in chat -?\d+: \w+, \d+ replies, ([\d.]+) ms")
#: Texts of the bot that mean something went wrong for the person who got them.
WATCHED = {"flood notice": texts.VI.SLOW_DOWN[:40], "error reply": "Bot gặp lỗi"}


@dataclass(frozen=True)
class BotSpec:
    """Which bot and how to start it; `ours` bots get a team, inspectors and our checklist walk."""

    key: str
    label: str
    argv: tuple[str, ...]
    ours: bool
    count_sql: bool = False


@dataclass(frozen=True)
class Plan:
    sequential: int
    concurrency: tuple[int, ...]
    rounds: dict[int, int]
    photos: int
    timeout: float
    setup_timeout: float
    think: float = 0.0


@dataclass
class Phase:
    """Figures of one phase of one bot; latencies in milliseconds, CPU in seconds of the bot process."""

    bot: str
    phase: str
    concurrency: int
    round_trips: int
    wall_seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    updates_per_second: float
    cpu_seconds: float
    cpu_main_seconds: float
    cpu_worker_seconds: float
    harness_cpu_seconds: float
    fetched_p50_ms: float | None
    first_call_p50_ms: float | None
    handler_p50_ms: float | None
    handler_p95_ms: float | None
    rss_mb: float = 0.0
    sql: dict[str, float] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def calls_per_update(self) -> float:
        """Bot API requests per round trip, getUpdates included (each long poll returns a batch)."""
        return sum(self.api_calls.values()) / self.round_trips if self.round_trips else float("nan")

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.round_trips if self.round_trips else float("nan")

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "cpu_ms_per_update": self.cpu_ms_per_update, "calls_per_update": self.calls_per_update}


@dataclass
class BotRun:
    """Everything measured for one bot."""

    key: str
    label: str
    phases: list[Phase] = field(default_factory=list)
    startup_seconds: float = 0.0
    rss_after_start_mb: float = 0.0
    rss_after_setup_mb: float = 0.0
    peak_rss_mb: float = 0.0
    threads: int = 0
    setup_seconds: float = 0.0
    exit_code: int | None = None
    errors: dict[str, int] = field(default_factory=dict)
    log: str = ""

    def phase(self, name: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.phase == name), None)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["phases"] = [phase.as_json() for phase in self.phases]
        return data


def phase_name(concurrency: int) -> str:
    return "sequential" if concurrency == 1 else f"{concurrency} concurrent"


class Scenario:
    """Runs one bot from start to stop and collects its `BotRun`."""

    def __init__(self, spec: BotSpec, plan: Plan, workdir: Path) -> None:
        self.spec = spec
        self.plan = plan
        self.workdir = workdir
        self.run = BotRun(spec.key, spec.label)
        self._people_errors: Counter[str] = Counter()

    async def execute(self) -> BotRun:
        data_dir = self.workdir / self.spec.key
        data_dir.mkdir(parents=True)
        async with BotApiStandIn() as standin:
            standin.add_group(GROUP_ID, "Đoàn kiểm tra hiệu năng")
            clock = ReplyClock(standin, WATCHED)
            env = {
                "TELEGRAM_BOT_TOKEN": standin.TOKEN,
                "TELEGRAM_BASE_URL": standin.base_url,
                "TELEGRAM_BASE_FILE_URL": standin.base_file_url,
                "DATA_DIR": str(data_dir),
                "ADMIN_IDS": str(ADMIN.id),
            }
            process = BotProcess(self.spec.label, self.spec.argv, env, data_dir, data_dir / "bot.log")
            await process.start(standin)
            try:
                await self._measure_all(standin, clock, process)
            finally:
                await process.stop()
            self._finish(standin, clock, process)
        return self.run

    async def _measure_all(self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess) -> None:
        self.run.startup_seconds = process.startup_seconds
        self.run.rss_after_start_mb = process.rss_kib() / 1024
        people = 1 + max(self.plan.concurrency, default=0)
        begun = time.perf_counter()
        crowd, photographer = await self._setup(standin, clock, people)
        self.run.setup_seconds = time.perf_counter() - begun
        await settle(standin)
        self.run.rss_after_setup_mb = process.rss_kib() / 1024
        process.log_since_mark()

        if self.plan.sequential:
            sequential = self.plan.sequential
            await self._phase(standin, clock, process, "sequential", crowd[:1], lambda p: p.rounds(sequential))
        for concurrency in self.plan.concurrency:
            rounds, think = self.plan.rounds[concurrency], self.plan.think
            group = crowd[1 : concurrency + 1]
            walk = methodcaller("rounds", rounds, think)
            await self._phase(standin, clock, process, phase_name(concurrency), group, walk)
        if self.plan.photos:
            await self._photos(standin, clock, process, photographer)
        self.run.threads = process.threads()

    async def _setup(self, standin: BotApiStandIn, clock: ReplyClock, count: int) -> tuple[list[Person], Person]:
        """Not measured: the echo users' first message; for our bot the team, its members and their drafts."""
        timeout = self.plan.setup_timeout
        users = [FakeUser(FIRST_PERSON_ID + i, "Kiểm tra", f"viên {i}") for i in range(count + 1)]
        if not self.spec.ours:
            echo: list[Person] = [EchoUser(standin, clock, user, self.plan.timeout) for user in users]
            await asyncio.gather(*(person.say("/start", patience=timeout) for person in echo))
            return echo[:-1], echo[-1]
        created = await clock.round_trip(
            GROUP_ID,
            lambda: standin.send_text(ADMIN, "/newteam Đoàn kiểm tra hiệu năng", chat_id=GROUP_ID),
            lambda message: "Đã tạo đoàn" in message.text,
            timeout,
        )
        code = created.reply.text.split("start=")[1].split()[0]
        inspectors: list[Inspector] = [Inspector(standin, clock, user, self.plan.timeout) for user in users]
        await asyncio.gather(
            *(person.join(code, f"UBND xã Thử Nghiệm {i}", timeout) for i, person in enumerate(inspectors))
        )
        photographer = inspectors[-1]
        await photographer.to_photo_step()
        return list(inspectors[:-1]), photographer

    async def _phase(
        self,
        standin: BotApiStandIn,
        clock: ReplyClock,
        process: BotProcess,
        name: str,
        people: Sequence[Person],
        walk: Callable[[Person], Awaitable[Outcome]],
    ) -> Phase:
        """Every person walks at once (`walk` says how); the phase's figures are kept and returned."""
        before = await _Snapshot.take(standin, clock, process, self.spec.count_sql)
        started = time.perf_counter()
        outcomes: list[Outcome] = await asyncio.gather(*(walk(person) for person in people))
        wall = time.perf_counter() - started
        await settle(standin)
        outcome = Outcome()
        for each in outcomes:
            outcome.merge(each)
        self._people_errors.update(outcome.errors)
        phase = await before.phase(self.spec.label, name, len(people), outcome, wall)
        self.run.phases.append(phase)
        return phase

    async def _photos(self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess, person: Person) -> None:
        """One photo at a time, each a new 12-megapixel JPEG; for our bot the reply is its acknowledgement."""
        expect = "Đã nhận ảnh" if self.spec.ours else None
        images = [phone_photo(index) for index in range(self.plan.photos)]
        outcome = Outcome()
        before = await _Snapshot.take(standin, clock, process, self.spec.count_sql)
        wall = 0.0
        for image in images:
            try:
                trip = await person.send_photo(image, expect)
            except ReplyTimeout:
                outcome.errors["timeout"] += 1
                break
            outcome.trips.append(trip)
            wall += trip.replied
        await settle(standin)
        self._people_errors.update(outcome.errors)
        phase = await before.phase(self.spec.label, "photo 12 MP", 1, outcome, wall)
        phase.updates_per_second = math.nan  # one photo at a time, with pauses to make the next: not a rate
        self.run.phases.append(phase)

    def _finish(self, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess) -> None:
        self.run.peak_rss_mb = process.peak_rss_kib / 1024
        self.run.exit_code = process.exit_code
        errors: Counter[str] = process.log_problems()
        errors.update(method for method, _ in standin.errors_returned)
        errors.update(clock.seen)
        errors.update(self._people_errors)
        errors["refused press"] += _toasts(standin)
        if process.exit_code not in (0, None):
            errors["exit code"] += 1
        self.run.errors = {key: value for key, value in errors.items() if value}
        self.run.log = str(process.log)


@dataclass
class _Snapshot:
    """Counters at the start of a phase; `phase` turns their change into the phase's figures."""

    standin: BotApiStandIn
    clock: ReplyClock
    process: BotProcess
    cpu: Any
    harness: float
    api_errors: int
    calls: int
    toasts: int
    seen: Counter[str]
    sql: dict[str, Any] | None

    @classmethod
    async def take(cls, standin: BotApiStandIn, clock: ReplyClock, process: BotProcess, sql: bool) -> _Snapshot:
        counts = await process.sql_counts() if sql else None
        process.log_since_mark()
        return cls(
            standin,
            clock,
            process,
            process.cpu(),
            harness_cpu(),
            len(standin.errors_returned),
            len(standin.calls),
            _toasts(standin),
            Counter(clock.seen),
            counts,
        )

    async def phase(self, bot: str, name: str, concurrency: int, outcome: Outcome, wall: float) -> Phase:
        cpu = self.process.cpu() - self.cpu
        sql = _sql_per_update(self.sql, await self.process.sql_counts(), len(outcome.trips)) if self.sql else {}
        errors = Counter(outcome.errors)
        errors.update(method for method, _ in self.standin.errors_returned[self.api_errors :])
        errors["refused press"] += _toasts(self.standin) - self.toasts
        errors.update(self.clock.seen - self.seen)
        log = self.process.log_since_mark()
        errors["log ERROR"] += log.count(" ERROR ") + log.count(" CRITICAL ") + log.count("Traceback")
        errors["log WARNING"] += log.count(" WARNING ")
        handled = [float(ms) for ms in HANDLED.findall(log)]
        latencies_ms = [1000 * trip.replied for trip in outcome.trips]
        count = len(latencies_ms)
        return Phase(
            bot=bot,
            phase=name,
            concurrency=concurrency,
            round_trips=count,
            wall_seconds=wall,
            p50_ms=percentile(latencies_ms, 0.50),
            p95_ms=percentile(latencies_ms, 0.95),
            p99_ms=percentile(latencies_ms, 0.99),
            max_ms=max(latencies_ms, default=float("nan")),
            updates_per_second=count / wall if wall > 0 else float("nan"),
            cpu_seconds=cpu.total,
            cpu_main_seconds=cpu.main,
            cpu_worker_seconds=cpu.workers,
            harness_cpu_seconds=harness_cpu() - self.harness,
            fetched_p50_ms=_median_ms(trip.fetched for trip in outcome.trips),
            first_call_p50_ms=_median_ms(trip.first_call for trip in outcome.trips),
            handler_p50_ms=percentile(handled, 0.50) if handled else None,
            handler_p95_ms=percentile(handled, 0.95) if handled else None,
            rss_mb=self.process.rss_kib() / 1024,
            sql=sql,
            api_calls=dict(Counter(method for method, _ in self.standin.calls[self.calls :])),
            errors={key: value for key, value in errors.items() if value},
        )


def _sql_per_update(before: dict[str, Any], after: dict[str, Any], updates: int) -> dict[str, float]:
    """The change in `bench.bot_process --count-sql` totals over a phase, per round trip (times in ms)."""
    if not updates:
        return {}
    result: dict[str, float] = {}
    for key, value in after["counts"].items():
        result[key] = (value - before["counts"].get(key, 0)) / updates
    for key, value in after["seconds"].items():
        result[f"ms in {key}"] = 1000 * (value - before["seconds"].get(key, 0.0)) / updates
    result["ms thread hops (wall)"] = 1000 * (after["hop_seconds"] - before["hop_seconds"]) / updates
    return result


def _median_ms(seconds: Iterable[float]) -> float | None:
    """Median of the steps that were observed (NaN marks a step not seen for that trip)."""
    values = [1000 * value for value in seconds if not math.isnan(value)]
    return percentile(values, 0.5) if values else None


def _toasts(standin: BotApiStandIn) -> int:
    """Button presses the bot answered with a notice (stale, foreign, refused): none are expected."""
    return sum(1 for answer in standin.callback_answers if answer.get("text"))


async def settle(standin: BotApiStandIn) -> None:
    """Waits until the bot has had nothing to do for a moment (trailing answers, outbox bookkeeping)."""
    with contextlib.suppress(AssertionError):
        await standin.wait_idle(quiet=0.3, timeout=15)


def bot_specs(profile_dir: Path | None, what_if: bool, count_sql: bool) -> list[BotSpec]:
    """The baseline, our bot as shipped, and (on request) our bot without the rate limiter.

    Our bot runs as plain `python -m bot` unless a diagnostic is asked for; then it runs through
    `bench.bot_process`, which applies the diagnostic in that process only.
    """

    def ours(key: str, *flags: str) -> tuple[str, ...]:
        options = list(flags)
        if profile_dir is not None:
            options += ["--profile", str(profile_dir / f"{key}.prof")]
        if count_sql:
            options.append("--count-sql")
        if not options:
            return (python(), "-m", "bot")
        return (python(), "-m", "bench.bot_process", *options)

    instruments = " + ".join(name for name, on in (("cProfile", profile_dir), ("SQL counters", count_sql)) if on)
    suffix = f" + {instruments}" if instruments else ""
    specs = [
        BotSpec("echo", "echo (PTB baseline)", (python(), "-m", "bench.echo_bot"), ours=False),
        BotSpec("ours", f"ours (python -m bot{suffix})", ours("ours"), ours=True, count_sql=count_sql),
    ]
    if what_if:
        argv = ours("ours-no-rate-limit", "--no-rate-limit")
        label = f"ours, no AIORateLimiter{suffix} (what-if)"
        specs.append(BotSpec("ours-no-rate-limit", label, argv, ours=True, count_sql=count_sql))
    return specs
