"""`python -m bench.reports --quick` still runs end to end, so the report benchmark cannot rot unnoticed.

Only that it finishes and prints its table is checked: timings and memory depend on the machine, and a
test that judged them would fail for reasons that have nothing to do with the code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.reports import HEADERS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(150)
def test_quick_report_benchmark_prints_its_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.reports",
            "--quick",
            "--photo-cache",
            str(tmp_path / "photos"),
            "--data-root",
            str(tmp_path / "data"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for header in HEADERS:
        assert header in result.stdout
    for row in ("record DOCX", "baseline: python-docx", "workbook XLSX", "baseline: csv", "archive ZIP", "Aims"):
        assert row in result.stdout
    assert "Every case ran: yes." in result.stdout
    assert not any((tmp_path / "data").iterdir()), "the DATA_DIRs are removed unless --keep"
