"""Smoke tests of the benchmark scripts (reports.py on a tiny demo shop; the output comparison helper).

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


def test_same_outputs_lists_every_difference(tmp_path):
    """benchmarks/_same_outputs.py: files only on one side and files whose bytes differ, nested too."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("same_outputs", ROOT / "benchmarks" / "_same_outputs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a / "route", b / "route"):
        d.mkdir(parents=True)
        (d / "same.csv").write_bytes(b"x,y\n1,2\n")
    (a / "route" / "changed.csv").write_bytes(b"1\n")
    (b / "route" / "changed.csv").write_bytes(b"2\n")
    (a / "route" / "gone.csv").write_bytes(b"")
    (b / "new-route").mkdir()
    assert mod.differences(a, b) == ["new-route (only in the working tree)", "route/changed.csv",
                                     "route/gone.csv (only in the commit)"]
    assert mod.differences(a / "route", a / "route") == []
