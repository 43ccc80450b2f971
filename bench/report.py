"""The printed table, the aims and the profile digest.

Ratios are always ours ÷ baseline, so ×1.0 means "costs what bare python-telegram-bot costs"; for
throughput a ratio below 1 is the slower one. The aims are the team's targets and each line says by
how much it is met or missed, because "missed" alone does not tell anyone what to fix first.
"""

from __future__ import annotations

import io
import math
import pstats
from dataclasses import dataclass
from pathlib import Path

from bench.scenario import BotRun, Phase

SEQUENTIAL_P95_FACTOR = 1.3
CONCURRENT_AIM = 500
CONCURRENT_P95_MS = 50.0
RSS_AIM_MB = 200.0


@dataclass(frozen=True)
class Aim:
    name: str
    met: bool | None  # None: not measured in this run
    detail: str


def _ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}"


def _ratio(ours: float | None, base: float | None) -> str:
    if ours is None or base is None or math.isnan(ours) or math.isnan(base) or base == 0:
        return "—"
    return f"×{ours / base:.1f}" if ours / base < 100 else f"×{ours / base:,.0f}"


def _rate(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(errors.items())) or "0"


HEADER = (
    f"{'phase':<15} {'bot':<34} {'updates':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
    f"{'upd/s':>7} {'CPU ms/upd':>10} {'loop+thr':>11} {'RSS MB':>6}  errors"
)


def _row(phase: Phase) -> str:
    split = f"{1000 * phase.cpu_main_seconds / max(phase.round_trips, 1):.1f}+"
    split += f"{1000 * phase.cpu_worker_seconds / max(phase.round_trips, 1):.1f}"
    return (
        f"{'':<15} {phase.bot:<34} {phase.round_trips:>7} {_ms(phase.p50_ms):>8} {_ms(phase.p95_ms):>8} "
        f"{_ms(phase.p99_ms):>8} {_ms(phase.max_ms):>8} {_rate(phase.updates_per_second):>7} "
        f"{phase.cpu_ms_per_update:>10.2f} {split:>11} {phase.rss_mb:>6.0f}  {_errors(phase.errors)}"
    )


def _ratio_row(ours: Phase, base: Phase) -> str:
    label = f"  ratio {ours.bot.split(' ')[0].rstrip(',')}{' what-if' if 'what-if' in ours.bot else ''} ÷ echo"
    return (
        f"{'':<15} {label:<34} {'':>7} {_ratio(ours.p50_ms, base.p50_ms):>8} {_ratio(ours.p95_ms, base.p95_ms):>8} "
        f"{_ratio(ours.p99_ms, base.p99_ms):>8} {_ratio(ours.max_ms, base.max_ms):>8} "
        f"{_ratio(ours.updates_per_second, base.updates_per_second):>7} "
        f"{_ratio(ours.cpu_ms_per_update, base.cpu_ms_per_update):>10}"
    )


def table(runs: list[BotRun]) -> str:
    out = io.StringIO()
    base = next((run for run in runs if run.key == "echo"), None)
    names: list[str] = []
    for run in runs:
        names += [phase.phase for phase in run.phases if phase.phase not in names]
    print(HEADER, file=out)
    print("-" * len(HEADER), file=out)
    for name in names:
        first = True
        for run in runs:
            phase = run.phase(name)
            if phase is None:
                continue
            line = _row(phase)
            if first:
                line = f"{name:<15}" + line[15:]
                first = False
            print(line, file=out)
        base_phase = base.phase(name) if base else None
        if base_phase is not None and name != "photo 12 MP":
            for run in runs:
                ours = run.phase(name)
                if run is not base and ours is not None:
                    print(_ratio_row(ours, base_phase), file=out)
        print(file=out)
    print(f"{'process':<15} {'bot':<34} {'start s':>7} {'RSS@start':>10} {'RSS@setup':>10} {'peak RSS':>9} "
          f"{'threads':>7}  {'setup s':>7}  errors (whole run)", file=out)  # fmt: skip
    for run in runs:
        ratio = f" ({_ratio(run.peak_rss_mb, base.peak_rss_mb)})" if base and run is not base else ""
        print(
            f"{'':<15} {run.label:<34} {run.startup_seconds:>7.2f} {run.rss_after_start_mb:>8.1f}MB "
            f"{run.rss_after_setup_mb:>8.1f}MB {run.peak_rss_mb:>7.1f}MB{ratio} {run.threads:>7}  "
            f"{run.setup_seconds:>7.1f}  {_errors(run.errors)}",
            file=out,
        )
    return out.getvalue()


def breakdown(runs: list[BotRun]) -> str:
    """Medians of the steps of a round trip, from the stand-in's side; they add up to about the p50.

    fetched: queued → the bot's getUpdates returned it. first call: → the bot's first request about
    that chat (ours: the edit freezing the answered question; echo: the reply). reply: → the awaited
    reply. handler: the bot's own log of its update handler ("… ms"), our bot only. calls/upd: Bot API
    requests per round trip, and the most frequent ones.
    """
    out = io.StringIO()
    print(
        f"{'phase':<15} {'bot':<34} {'fetched':>8} {'1st call':>9} {'reply':>8} {'handler':>8} {'calls/upd':>9}",
        file=out,
    )
    for run in runs:
        for phase in run.phases:
            fetched, first = phase.fetched_p50_ms, phase.first_call_p50_ms
            to_first = first - fetched if first is not None and fetched is not None else None
            to_reply = phase.p50_ms - first if first is not None else None
            frequent = sorted(phase.api_calls.items(), key=lambda item: -item[1])[:4]
            per = ", ".join(f"{name} {count / max(phase.round_trips, 1):.2f}" for name, count in frequent)
            print(
                f"{phase.phase:<15} {phase.bot:<34} {_ms(fetched):>8} {_ms(to_first):>9} {_ms(to_reply):>8} "
                f"{_ms(phase.handler_p50_ms):>8} {phase.calls_per_update:>9.2f}  {per}",
                file=out,
            )
    return out.getvalue()


SQL_COLUMNS = (
    ("updates", "updates", "{:.2f}"),
    ("transactions", "txns", "{:.1f}"),
    ("durable commits", "commits", "{:.1f}"),
    ("sql SELECT", "SELECT", "{:.1f}"),
    ("thread hops", "hops", "{:.0f}"),
    ("ms in COMMIT", "COMMIT ms", "{:.2f}"),
    ("ms thread hops (wall)", "hops ms", "{:.1f}"),
)


def sql_table(runs: list[BotRun]) -> str:
    """Per round trip: updates the bot processed (1.00 = no extra), transactions, durable commits (one
    fsync each), SELECTs, aiosqlite thread hops, time in COMMIT on the SQLite thread and the wall time
    of all hops (awaiting the SQLite thread, SQL included; under load this includes queueing)."""
    out = io.StringIO()
    header = f"{'phase':<15} {'bot':<34} " + " ".join(f"{title:>9}" for _, title, _ in SQL_COLUMNS)
    print(header, file=out)
    for run in runs:
        for phase in run.phases:
            if not phase.sql:
                continue
            cells = [form.format(phase.sql.get(key, 0.0)) for key, _, form in SQL_COLUMNS]
            print(f"{phase.phase:<15} {phase.bot:<34} " + " ".join(f"{cell:>9}" for cell in cells), file=out)
    return out.getvalue()


def aims(runs: list[BotRun]) -> list[Aim]:
    """The team's three aims, for our bot as shipped (`ours`); a what-if run is never judged."""
    base = next((run for run in runs if run.key == "echo"), None)
    ours = next((run for run in runs if run.key == "ours"), None)
    if ours is None:
        return []
    result: list[Aim] = []
    seq, seq_base = ours.phase("sequential"), base.phase("sequential") if base else None
    name = f"sequential p95 ≤ {SEQUENTIAL_P95_FACTOR}× baseline"
    if seq and seq_base:
        limit = SEQUENTIAL_P95_FACTOR * seq_base.p95_ms
        detail = f"{seq.p95_ms:.1f} ms vs limit {limit:.1f} ms (baseline {seq_base.p95_ms:.1f} ms)"
        if seq.p95_ms > limit:
            detail += f": {seq.p95_ms / limit:.1f}× over, +{seq.p95_ms - limit:.1f} ms"
        result.append(Aim(name, seq.p95_ms <= limit, detail))
    else:
        result.append(Aim(name, None, "not measured (needs the sequential phase of both bots)"))
    name = f"{CONCURRENT_AIM} concurrent: no error, p95 < {CONCURRENT_P95_MS:.0f} ms"
    big = ours.phase(f"{CONCURRENT_AIM} concurrent")
    if big:
        errors = sum(big.errors.values())
        met = errors == 0 and big.p95_ms < CONCURRENT_P95_MS
        detail = f"p95 {_ms(big.p95_ms)} ms, {errors} error(s)"
        if big.p95_ms >= CONCURRENT_P95_MS:
            detail += f": {big.p95_ms / CONCURRENT_P95_MS:,.0f}× the limit"
        base_big = base.phase(big.phase) if base else None
        if base_big:
            detail += f" (baseline p95 {_ms(base_big.p95_ms)} ms)"
        result.append(Aim(name, met, detail))
    else:
        result.append(Aim(name, None, f"not measured (add {CONCURRENT_AIM} to --concurrency)"))
    name = f"peak RSS < {RSS_AIM_MB:.0f} MB"
    detail = f"{ours.peak_rss_mb:.1f} MB"
    if base:
        detail += f" (baseline {base.peak_rss_mb:.1f} MB)"
    result.append(Aim(name, ours.peak_rss_mb < RSS_AIM_MB, detail))
    return result


def aims_text(found: list[Aim]) -> str:
    lines = []
    for aim in found:
        mark = "not run" if aim.met is None else ("met   " if aim.met else "MISSED")
        lines.append(f"  [{mark}] {aim.name}: {aim.detail}")
    return "\n".join(lines)


def _area(filename: str, function: str) -> str:
    """Which library or part of the project a profiled function belongs to."""
    if filename == "~":
        return "idle: waiting in epoll" if "epoll" in function else "C built-ins (socket, queue, json...)"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    for project in ("bot", "handlers", "storage"):
        if f"/{project}/" in filename and "site-packages" not in filename and "/lib/python" not in filename:
            return f"project: {project}/"
    if "/lib/python" in filename:
        tail = filename.split("/lib/python", 1)[1].split("/", 2)
        return f"stdlib: {tail[1].removesuffix('.py')}" if len(tail) > 1 else "stdlib"
    return "other (frozen importlib...)"


def profile_digest(path: Path, top: int = 20) -> str:
    """Where the event loop thread's CPU goes: own time per library, the hottest functions, and the
    project's functions by cumulative time (for coroutines this includes time they were suspended)."""
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    areas: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _, function), (_, _, own, _, _) in raw.items():
        area = _area(filename, function)
        areas[area] = areas.get(area, 0.0) + own
    total = sum(areas.values())
    busy = total - areas.get("idle: waiting in epoll", 0.0)
    print(f"== {path.name}: main thread {total:.2f} s profiled, {busy:.2f} s busy; own time by area ==", file=out)
    for area, own in sorted(areas.items(), key=lambda item: -item[1])[:top]:
        share = f"{100 * own / busy:5.1f}% of busy" if not area.startswith("idle") else ""
        print(f"  {own:8.3f} s  {share:>14}  {area}", file=out)
    stats.strip_dirs()
    print(f"== {path.name}: hottest functions by own time ==", file=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"== {path.name}: project functions by cumulative time ==", file=out)
    stats.sort_stats("cumulative").print_stats(
        r"(engine|repository|inbox|delivery|ordering|routes|intake|turn|photos|convert)\.py", top
    )
    keep = (line for line in out.getvalue().splitlines() if line.strip() and "Ordered by" not in line)
    return "\n".join(line for line in keep if "List reduced" not in line)
