"""Our bot's process for diagnostic runs: `python -m bot`, optionally under cProfile or without the rate limiter.

The timed figures come from plain `python -m bot`; this wrapper exists for the two questions a missed
aim raises. `--profile FILE` answers "where does the event loop's time go" (cProfile sees only the
main thread; the SQLite and Pillow worker threads show up as the awaits that wait for them, and their
CPU is reported separately by the benchmark from /proc). `--no-rate-limit` answers "how much of the
latency is python-telegram-bot's AIORateLimiter (30 messages per second overall)": it swaps in an
AIORateLimiter with both limits switched off, keeping its RetryAfter handling. Nothing in the bot
is changed on disk; the patch lives only in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import sys

from telegram.ext import AIORateLimiter


def unlimited_rate_limiter() -> AIORateLimiter:
    """AIORateLimiter without the overall and per-group limits (what-if only, never for production)."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile statistics of the whole run to FILE")
    parser.add_argument("--no-rate-limit", action="store_true", help="replace AIORateLimiter by an unlimited one")
    args = parser.parse_args(argv)

    import bot.app
    from bot.__main__ import main as bot_main

    if args.no_rate_limit:
        bot.app.AIORateLimiter = unlimited_rate_limiter  # type: ignore[assignment,misc]
    if not args.profile:
        return bot_main(["run"])
    profiler = cProfile.Profile()
    try:
        return int(profiler.runcall(bot_main, ["run"]))
    finally:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    sys.exit(main())
