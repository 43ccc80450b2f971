"""Instruments: a reply clock inside the Bot API stand-in and the bot's process seen through /proc.

Why hook the stand-in instead of calling its `wait_for`: `wait_for` rescans a chat's whole history on
every message the bot sends anywhere, so with hundreds of simulated people waiting the benchmark
process would spend its CPU (which it shares with the bot on a small machine) on bookkeeping and the
latencies would measure that. The clock instead wraps three of the stand-in's own records: its call
log (when each request arrived), `World.add_bot_message` (which request was a message, and which
person waits for it: one future per chat, O(1) per reply) and the getUpdates queue (when the bot
fetched an update). That is also what splits a round trip into fetched / first call / reply.

Why /proc and not `resource.getrusage(RUSAGE_CHILDREN)`: the children's usage is only known after
they exit and is summed (CPU) or maximised (RSS) over all of them, while the table needs CPU per
phase and per thread of a running bot (event loop thread versus SQLite and Pillow worker threads).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.standin import BotApiStandIn, SentMessage

Predicate = Callable[[SentMessage], bool]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent


class ReplyTimeout(Exception):
    """No matching reply within the time allowed; the simulated person stops (its state is unknown)."""


@dataclass(frozen=True)
class Trip:
    """One round trip, in seconds after the update was queued.

    `fetched`: the bot's getUpdates returned it. `first_call`: the bot's first request about that
    chat arrived (for our bot the edit that freezes the answered question, for the echo bot the
    reply itself). `replied`: the awaited reply's request arrived. NaN when a step was not seen.
    """

    reply: SentMessage
    replied: float
    fetched: float
    first_call: float


@dataclass
class _Waiter:
    predicate: Predicate
    future: asyncio.Future[Trip]
    queued: float = 0.0
    update_id: int | None = None
    first_call: float = math.nan
    last_send: float = math.nan


class _TimedCalls(list[tuple[str, dict[str, Any]]]):
    """The stand-in's call log, also telling the clock when each request arrived."""

    def __init__(self, calls: list[tuple[str, dict[str, Any]]], clock: ReplyClock) -> None:
        super().__init__(calls)
        self._clock = clock

    def append(self, call: tuple[str, dict[str, Any]]) -> None:
        super().append(call)
        self._clock.call_arrived(call[0], call[1].get("chat_id"))


class ReplyClock:
    """Time of arrival, at the stand-in, of the reply each simulated person waits for.

    One waiter per chat at a time, which is how people use the bot (one action, then read the
    answer). The reply's time is when its request reached the stand-in (the call log's entry, before
    validation); which request it was is known once the stand-in records the message. Messages nobody
    waits for are only counted, and texts listed in `watch` are counted by name (e.g. the bot's "you
    are sending too fast" notice), so every phase can say what went wrong.
    """

    def __init__(self, standin: BotApiStandIn, watch: dict[str, str] | None = None) -> None:
        self._original = standin.world.add_bot_message
        self._original_edit = standin.world.bot_message_edited
        self._get_updates = standin.updates.get
        self._waiting: dict[int, _Waiter] = {}
        self._fetched: dict[int, float] = {}
        self.watch = watch or {}
        self.seen: Counter[str] = Counter()
        self.messages = 0
        self.edits = 0
        standin.world.add_bot_message = self._record  # type: ignore[method-assign]
        standin.world.bot_message_edited = self._record_edit  # type: ignore[method-assign]
        standin.updates.get = self._fetch  # type: ignore[method-assign]
        standin.calls = _TimedCalls(standin.calls, self)

    async def _fetch(self, offset: int, limit: int, poll_seconds: int) -> list[dict[str, Any]]:
        batch = await self._get_updates(offset, limit, poll_seconds)
        now = time.perf_counter()
        for update in batch:
            self._fetched.setdefault(int(update["update_id"]), now)
        return batch

    def call_arrived(self, method: str, chat_id: object) -> None:
        if chat_id is None:
            return
        try:
            waiter = self._waiting.get(int(str(chat_id)))
        except ValueError:
            return
        if waiter is None:
            return
        now = time.perf_counter()
        if math.isnan(waiter.first_call):
            waiter.first_call = now
        if method.lower().startswith(("send", "edit")):
            waiter.last_send = now

    def _record(self, *args: Any, **kwargs: Any) -> SentMessage:
        recorded = time.perf_counter()
        sent = self._original(*args, **kwargs)
        self.messages += 1
        self._arrived(sent, recorded)
        return sent

    def _record_edit(self, sent: SentMessage) -> None:
        """A question written into the message whose button was pressed is a reply like a new one."""
        recorded = time.perf_counter()
        self._original_edit(sent)
        self.edits += 1
        self._arrived(sent, recorded)

    def _arrived(self, sent: SentMessage, recorded: float) -> None:
        for name, needle in self.watch.items():
            if needle in sent.text:
                self.seen[name] += 1
        waiter = self._waiting.get(sent.chat_id)
        if waiter is not None and not waiter.future.done() and waiter.predicate(sent):
            del self._waiting[sent.chat_id]
            arrived = recorded if math.isnan(waiter.last_send) else waiter.last_send
            fetched = self._fetched.pop(waiter.update_id, math.nan) if waiter.update_id else math.nan
            waiter.future.set_result(
                Trip(sent, arrived - waiter.queued, fetched - waiter.queued, waiter.first_call - waiter.queued)
            )

    async def round_trip(self, chat_id: int, act: Callable[[], object], predicate: Predicate, patience: float) -> Trip:
        """Runs `act` (which queues one update and returns its id) and waits for the reply.

        The clock starts when `act` returns, i.e. once the update is in the stand-in's queue: work the
        stand-in does to build the update (thumbnails of a 12-megapixel photo) is not the bot's time.
        """
        waiter = _Waiter(predicate, asyncio.get_running_loop().create_future())
        self._waiting[chat_id] = waiter
        try:
            update_id = act()
            waiter.queued = time.perf_counter()
            waiter.update_id = update_id if isinstance(update_id, int) else None
            return await asyncio.wait_for(waiter.future, patience)
        except TimeoutError:
            raise ReplyTimeout(f"no reply in chat {chat_id} within {patience:.0f}s") from None
        finally:
            if self._waiting.get(chat_id) is waiter:
                del self._waiting[chat_id]


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds of a process so far: all threads, and the main (event loop) thread alone."""

    total: float
    main: float

    @property
    def workers(self) -> float:
        return self.total - self.main

    def __sub__(self, other: CpuSample) -> CpuSample:
        return CpuSample(self.total - other.total, self.main - other.main)


def _stat_cpu(path: Path) -> float:
    """utime + stime (+ reaped children's) from a /proc stat file; the name field may contain spaces."""
    fields = path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _status_kib(pid: int, key: str) -> int:
    match = re.search(rf"^{key}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


@dataclass
class BotProcess:
    """One bot in its own process, pointed at the stand-in; output goes to `log`."""

    name: str
    argv: Sequence[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    process: asyncio.subprocess.Process | None = None
    exit_code: int | None = None
    peak_rss_kib: int = 0
    startup_seconds: float = 0.0
    _log_offset: int = field(default=0, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, standin: BotApiStandIn, patience: float = 60.0) -> None:
        """Started means polling: the first getUpdates has reached the stand-in."""
        polls = len(standin.calls_to("getUpdates"))
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "DATA_"))}
        environment.update(self.env, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        begun = time.perf_counter()
        with self.log.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=environment, cwd=self.cwd, stdout=output, stderr=asyncio.subprocess.STDOUT
            )
        deadline = begun + patience
        while len(standin.calls_to("getUpdates")) <= polls:
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.name} did not start polling within {patience}s:\n{self.log_tail()}")
            await asyncio.sleep(0.02)
        self.startup_seconds = time.perf_counter() - begun

    def cpu(self) -> CpuSample:
        main = _stat_cpu(Path(f"/proc/{self.pid}/task/{self.pid}/stat"))
        return CpuSample(_stat_cpu(Path(f"/proc/{self.pid}/stat")), main)

    def rss_kib(self) -> int:
        return _status_kib(self.pid, "VmRSS")

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/task"))

    async def stop(self, patience: float = 30.0) -> None:
        """SIGTERM, as an operator would; the peak RSS (VmHWM) is read just before."""
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.peak_rss_kib = _status_kib(self.pid, "VmHWM")
        self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = await asyncio.wait_for(self.process.wait(), patience)
        except TimeoutError:
            self.process.kill()
            self.exit_code = await self.process.wait()

    async def sql_counts(self, patience: float = 5.0) -> dict[str, Any]:
        """Running totals of a bot started with `bench.bot_process --count-sql`, asked for by SIGUSR1."""
        marker = "BENCH-SQL "
        before = self.log.read_text("utf-8", "replace").count(marker)
        self.process.send_signal(signal.SIGUSR1)  # type: ignore[union-attr]
        deadline = time.perf_counter() + patience
        while time.perf_counter() < deadline:
            text = self.log.read_text("utf-8", "replace")
            if text.count(marker) > before:
                line = text[text.rindex(marker) + len(marker) :].split("\n", 1)[0]
                return dict(json.loads(line))
            await asyncio.sleep(0.01)
        raise RuntimeError(f"{self.name} did not report its SQL counts")

    def log_since_mark(self) -> str:
        """The log written since the last call: lets a phase read only its own lines."""
        with self.log.open("rb") as handle:
            handle.seek(self._log_offset)
            data = handle.read()
        self._log_offset += len(data)
        return data.decode("utf-8", "replace")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])

    def log_problems(self) -> Counter[str]:
        """ERROR and WARNING lines and tracebacks in the whole log: each one is an error of the run."""
        problems: Counter[str] = Counter()
        for line in self.log.read_text("utf-8", "replace").splitlines():
            if line.startswith("Traceback"):
                problems["traceback"] += 1
            elif " ERROR " in line or " CRITICAL " in line:
                problems["log ERROR"] += 1
            elif " WARNING " in line:
                problems["log WARNING"] += 1
        return problems


def harness_cpu() -> float:
    """CPU seconds of this process (stand-in plus simulated people), to show it was not the bottleneck."""
    usage = os.times()
    return usage.user + usage.system


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: an observed value, so p99 of 200 samples is the 2nd slowest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def python() -> str:
    """The interpreter running the benchmark (the project's venv), reused for the bots."""
    return sys.executable
