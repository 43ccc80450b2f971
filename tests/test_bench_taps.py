"""`python -m bench.taps --quick` still runs end to end against all three bots and prints every row.

Only that it finishes and prints its table is checked: the figures depend on the machine, and a test
that judged them would fail for reasons that have nothing to do with the code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("rate-limited calls per tap", "CPU per tap", "highest paced load", "fdatasync", "album of 10")


@pytest.mark.timeout(400)
def test_quick_tap_benchmark_prints_its_table(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench.taps", "--quick", "--data-root", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=380)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| this bot | bare bot with AIORateLimiter | bare bot without |" in result.stdout
    for row in ROWS:
        assert row in result.stdout
    calls = next(line for line in result.stdout.splitlines() if line.startswith("| rate-limited calls per tap"))
    assert calls.split("|")[2].strip() == "1.00", calls  # ours: one rate-limited call per tap
