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


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(errors.items())) or "0"


HEADER = (
    f"{'phase':<15} {'bot':<34} {'updates':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
    f"{'upd/s':>7} {'CPU ms/upd':>10} {'loop+thr':>11}  errors"
)


def _row(phase: Phase) -> str:
    split = f"{1000 * phase.cpu_main_seconds / max(phase.round_trips, 1):.1f}+"
    split += f"{1000 * phase.cpu_worker_seconds / max(phase.round_trips, 1):.1f}"
    return (
        f"{'':<15} {phase.bot:<34} {phase.round_trips:>7} {_ms(phase.p50_ms):>8} {_ms(phase.p95_ms):>8} "
        f"{_ms(phase.p99_ms):>8} {_ms(phase.max_ms):>8} {phase.updates_per_second:>7.1f} "
        f"{phase.cpu_ms_per_update:>10.2f} {split:>11}  {_errors(phase.errors)}"
    )


def _ratio_row(ours: Phase, base: Phase) -> str:
    label = f"  ratio {ours.bot.split(' ')[0]}{', what-if' if 'what-if' in ours.bot else ''} ÷ echo"
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


def profile_digest(path: Path, top: int = 25) -> str:
    """The event loop thread's hot spots: own time first (what to optimise), then the project's call tree."""
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs()
    print(f"== {path.name}: by own time (tottime) ==", file=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"== {path.name}: project functions by cumulative time ==", file=out)
    stats.sort_stats("cumulative").print_stats(
        r"(engine|repository|inbox|delivery|ordering|routes|intake|turn|photos)\.py", top
    )
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip() and "Ordered by" not in line)
