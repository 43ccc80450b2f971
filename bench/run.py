"""`python -m bench.run`: the echo baseline and our bot, each in its own process, against the Bot API stand-in.

Prints one table (latency from update queued to reply received, throughput, CPU per update, memory,
errors) and whether the team's aims are met; `--json FILE` also writes every figure. The stand-in and
the simulated people run in this process on 127.0.0.1; nothing leaves the machine.

Why the default number of rounds shrinks as concurrency grows: every simulated inspector waits for each
answer before the next tap (a closed loop), so a phase lasts people × rounds ÷ throughput. Our bot
sends at most 30 messages a second (python-telegram-bot's AIORateLimiter, Telegram's broadcast limit)
and two per tap, so 500 people × 10 rounds alone would take minutes; the percentiles settle long
before that. `--rounds N` sets the same number for every level.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.people import phone_photo
from bench.report import aims, aims_text, breakdown, profile_digest, sql_table, table
from bench.scenario import BotRun, Plan, Scenario, bot_specs

DEFAULT_CONCURRENCY = (50, 200, 500)
UPDATES_PER_LEVEL = 1000


def default_rounds(concurrency: int) -> int:
    """10 rounds each up to 100 people, then about 1,000 round trips per level, never fewer than 2 each."""
    return max(2, min(10, UPDATES_PER_LEVEL // concurrency))


def _levels(text: str) -> tuple[int, ...]:
    """`50,200,500`; an empty string or 0 runs no concurrent phase."""
    if text.strip() in ("", "0"):
        return ()
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of numbers, e.g. 50,200,500") from None
    if any(level < 2 for level in levels):
        raise argparse.ArgumentTypeError("concurrency levels start at 2 (1 is the sequential phase)")
    return levels


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=_levels, help="simulated inspectors at once (default 50,200,500)")
    parser.add_argument("--rounds", type=int, help="round trips per inspector at every level (default: see above)")
    parser.add_argument("--sequential", type=int, help="round trips of the one-person phase (default 200; 0 skips)")
    parser.add_argument("--photos", type=int, help="12-megapixel photos sent one at a time (default 5; 0 skips)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a concurrent inspector reads before tapping (default 0)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 sequential, 50 concurrent × 5, 2 photos")
    parser.add_argument("--bots", default="echo,ours", help="which bots: echo,ours (default both)")
    parser.add_argument("--what-if", action="store_true", help="also run our bot without AIORateLimiter (diagnostic)")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="run our bot under cProfile; write DIR/*.prof")
    parser.add_argument(
        "--count-sql", action="store_true", help="count our bot's transactions, commits, statements per update"
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for one reply (default 180)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--data-root", type=Path, help="where the bots' DATA_DIRs go (default: system temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep DATA_DIRs and logs (path is printed)")
    args = parser.parse_args(argv)
    if args.quick:
        args.concurrency = args.concurrency or (50,)
        args.rounds = args.rounds or 5
        args.sequential = 50 if args.sequential is None else args.sequential
        args.photos = 2 if args.photos is None else args.photos
    args.concurrency = DEFAULT_CONCURRENCY if args.concurrency is None else args.concurrency
    args.sequential = 200 if args.sequential is None else args.sequential
    args.photos = 5 if args.photos is None else args.photos
    return args


def make_plan(args: argparse.Namespace) -> Plan:
    rounds = {level: args.rounds or default_rounds(level) for level in args.concurrency}
    return Plan(
        sequential=args.sequential,
        concurrency=args.concurrency,
        rounds=rounds,
        photos=args.photos,
        timeout=args.timeout,
        setup_timeout=max(args.timeout, 600.0),
        think=args.think,
    )


def commit_floor_ms(directory: Path, commits: int = 200) -> float:
    """What one durable SQLite commit costs on this disk (WAL, synchronous=FULL): the floor under every
    transaction our bot makes, so the per-update figures can be read as "so many commits"."""
    path = directory / "commit-floor.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        started = time.perf_counter()
        for key in range(commits):
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t VALUES (?, ?)", (key, "x" * 200))
            connection.execute("COMMIT")
        return 1000 * (time.perf_counter() - started) / commits
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def decode_floor_ms(repeats: int = 3) -> tuple[float, int]:
    """Pillow's full decode of the test photo in this process: the part of photo ingest no bot can skip."""
    import hashlib
    import io

    from PIL import Image

    data = phone_photo(0)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        hashlib.sha256(data).hexdigest()
        best = min(best, time.perf_counter() - started)
    return 1000 * best, len(data)


def filesystem_of(path: Path) -> str:
    """The filesystem type holding `path` (from /proc/mounts): fsync on tmpfs would flatter the bot."""
    best, kind = "", "?"
    resolved = str(path.resolve())
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and resolved.startswith(parts[1]) and len(parts[1]) >= len(best):
                best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def context_lines(workdir: Path, plan: Plan) -> tuple[list[str], dict[str, Any]]:
    commit_ms = commit_floor_ms(workdir)
    decode_ms, photo_bytes = decode_floor_ms() if plan.photos else (float("nan"), 0)
    facts: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "python_telegram_bot": version("python-telegram-bot"),
        "data_dir_filesystem": filesystem_of(workdir),
        "sqlite_commit_ms": commit_ms,
        "photo_decode_ms": decode_ms,
        "photo_bytes": photo_bytes,
        "plan": {
            "think_seconds": plan.think,
            "sequential": plan.sequential,
            "concurrency": list(plan.concurrency),
            "rounds": {str(k): v for k, v in plan.rounds.items()},
            "photos": plan.photos,
        },
    }
    lines = [
        f"Machine: {facts['cpus']} CPUs, Python {facts['python']}, python-telegram-bot "
        f"{facts['python_telegram_bot']}; DATA_DIR on {facts['data_dir_filesystem']} ({workdir})",
        f"One SQLite commit (WAL, synchronous=FULL) on that disk: {commit_ms:.2f} ms.",
    ]
    if plan.photos:
        lines.append(
            f"Test photo: 4000×3000 JPEG, {photo_bytes / 2**20:.1f} MB; Pillow full decode + SHA-256 here: "
            f"{decode_ms:.0f} ms."
        )
    levels = ", ".join(f"{level} × {plan.rounds[level]}" for level in plan.concurrency)
    think = f", each waiting 0.5–1.5 × {plan.think:g} s before a tap" if plan.think else " (closed loop, no pause)"
    lines.append(
        f"Round trips: sequential 1 × {plan.sequential}; concurrent (people × rounds): {levels or 'none'}{think}; "
        f"photos {plan.photos}."
    )
    return lines, facts


async def run_all(args: argparse.Namespace, plan: Plan, workdir: Path) -> list[BotRun]:
    wanted = {name.strip() for name in args.bots.split(",") if name.strip()}
    if args.what_if:
        wanted.add("ours-no-rate-limit")
    specs = [spec for spec in bot_specs(args.profile, args.what_if, args.count_sql) if spec.key in wanted]
    runs = []
    for spec in specs:
        print(f"… {spec.label}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        runs.append(await Scenario(spec, plan, workdir).execute())
        print(f"  done in {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        args.profile = args.profile.resolve()
    if args.data_root is not None:
        args.data_root.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="kiemtra-bench-", dir=args.data_root))
    try:
        lines, facts = context_lines(workdir, plan)
        runs = asyncio.run(run_all(args, plan, workdir))
    finally:
        if not args.keep:
            _remove(workdir)
    found = aims(runs)
    print()
    print("\n".join(lines))
    if args.profile is not None:
        print(
            "Our bot ran under cProfile: its latencies and CPU are inflated; use a run without --profile for figures."
        )
    print()
    print(table(runs))
    print("Where the time goes (medians in ms of each step; see bench/report.py `breakdown`):")
    print(breakdown(runs))
    if args.count_sql:
        print("SQLite per update (bench.bot_process --count-sql; ms are wall time on the SQLite thread):")
        print(sql_table(runs))
    if found:
        print("Aims (our bot as shipped):")
        print(aims_text(found))
    failures = sum(sum(run.errors.values()) for run in runs)
    print(f"\nEvery request got its reply: {'yes' if failures == 0 else f'NO ({failures} error(s) above)'}.")
    if args.keep:
        print(f"DATA_DIRs and logs kept in {workdir}")
    if args.profile is not None:
        for path in sorted(args.profile.glob("*.prof")):
            print()
            print(profile_digest(path))
    if args.json is not None:
        document = {
            "context": facts,
            "runs": [run.as_json() for run in runs],
            "aims": [{"name": aim.name, "met": aim.met, "detail": aim.detail} for aim in found],
        }
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    return 0 if failures == 0 else 1


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
