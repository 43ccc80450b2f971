"""Our bot's process for diagnostic runs: `python -m bot` under cProfile, without the rate limiter, or counting SQL.

The timed figures come from plain `python -m bot`; this wrapper exists for the questions a missed aim
raises, and changes nothing in the bot on disk (every patch lives only in this process):

* `--profile FILE`: where does the event loop's time go. cProfile sees only the main thread; the
  SQLite and Pillow worker threads show up as the awaits that wait for them (their CPU is read from
  /proc by the benchmark).
* `--no-rate-limit`: how much of the latency is python-telegram-bot's AIORateLimiter (30 messages per
  second overall). It swaps in an AIORateLimiter with both limits off, keeping its RetryAfter handling.
* `--count-sql`: what "every update is written to SQLite" amounts to. Counts updates, transactions,
  durable commits (a COMMIT after at least one write: one fsync of the WAL), SQL statements by kind and
  aiosqlite thread hops, with the time spent in each, and prints the running totals as one
  `BENCH-SQL {json}` line on stderr on SIGUSR1 and when the process ends.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import json
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from telegram.ext import AIORateLimiter

SQL_MARK = "BENCH-SQL "
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def unlimited_rate_limiter() -> AIORateLimiter:
    """AIORateLimiter without the overall and per-group limits (what-if only, never for production)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


class SqlCounter:
    """Counters patched into aiosqlite, the store and the update processor of this process."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}  # time inside sqlite3 on the worker thread, by statement kind
        self.hop_seconds = 0.0  # wall time of thread hops, from the await to the result, SQL included
        self._lock = threading.Lock()
        self._wrote = False

    def install(self) -> None:
        import aiosqlite

        from handlers.telegram.ordering import PerPersonUpdateProcessor
        from storage.sqlite.store import SqliteStore as Store

        counter = self
        execute: Any = aiosqlite.Connection.execute
        hop: Any = aiosqlite.Connection._execute
        transaction: Any = Store.transaction
        process: Any = PerPersonUpdateProcessor.do_process_update

        def counted_execute(connection: Any, sql: str, parameters: Any = None) -> Any:
            counter.statement(sql)
            return execute(connection, sql, parameters)

        async def counted_hop(connection: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            kind = str(args[0]).split(None, 1)[0].upper() if args and isinstance(args[0], str) else fn.__name__
            started = time.perf_counter()
            try:
                return await hop(connection, counter.timed(kind, fn), *args, **kwargs)
            finally:
                counter.hop_seconds += time.perf_counter() - started
                counter.counts["thread hops"] += 1

        def counted_transaction(store: Any) -> Any:
            counter.counts["transactions"] += 1
            return transaction(store)

        async def counted_process(processor: Any, update: object, coroutine: Any) -> None:
            counter.counts["updates"] += 1
            await process(processor, update, coroutine)

        setattr(aiosqlite.Connection, "execute", counted_execute)  # noqa: B010 - patching, not attribute access
        setattr(aiosqlite.Connection, "_execute", counted_hop)  # noqa: B010
        setattr(Store, "transaction", counted_transaction)  # noqa: B010
        setattr(PerPersonUpdateProcessor, "do_process_update", counted_process)  # noqa: B010
        atexit.register(self.report)
        # The benchmark asks for the running totals at each phase boundary.
        signal.signal(signal.SIGUSR1, lambda *_: self.report())

    def statement(self, sql: str) -> None:
        """Statements run one at a time under the store's lock, so one flag tracks the open transaction."""
        kind = sql.split(None, 1)[0].upper()
        self.counts[f"sql {kind}"] += 1
        if kind == "BEGIN":
            self._wrote = False
        elif kind in WRITES:
            self._wrote = True
        elif kind == "COMMIT" and self._wrote:
            self.counts["durable commits"] += 1

    def timed(self, kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wraps what runs on the worker thread, so its time (fsync included for COMMIT) is known."""

        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - started

        return run

    def report(self) -> None:
        document = {"counts": dict(self.counts), "seconds": dict(self.seconds), "hop_seconds": self.hop_seconds}
        print(SQL_MARK + json.dumps(document), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile statistics of the whole run to FILE")
    parser.add_argument("--no-rate-limit", action="store_true", help="replace AIORateLimiter by an unlimited one")
    parser.add_argument("--count-sql", action="store_true", help="count transactions, statements and thread hops")
    args = parser.parse_args(argv)

    import handlers.telegram.channel
    from app.cli import main as bot_main

    if args.no_rate_limit:
        # build_application looks the limiter up in its own module
        setattr(handlers.telegram.channel, "AIORateLimiter", unlimited_rate_limiter)  # noqa: B010
    if args.count_sql:
        SqlCounter().install()
    if not args.profile:
        return bot_main(["run"])
    profiler = cProfile.Profile()
    try:
        return int(profiler.runcall(bot_main, ["run"]))
    finally:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    sys.exit(main())
