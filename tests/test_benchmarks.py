"""Smoke test of benchmarks/reports.py on a tiny demo shop: it runs and ends with its headline.

Timings are never asserted here (machines are shared and noisy); `make bench` checks the targets.
"""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_reports_benchmark_runs(tmp_path):
    db = tmp_path / "bench-5000.duckdb"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "reports.py"), "--orders", "5000", "--runs", "1", "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith("worst ratio"), proc.stdout[-3000:]
    assert "MISMATCH" not in proc.stdout, proc.stdout[-3000:]
    for report in ("kpis", "orders", "supplier_payments"):
        assert any(ln.startswith(report) for ln in lines), proc.stdout[-3000:]
    assert db.exists()  # built on demand; a second run would reuse it
