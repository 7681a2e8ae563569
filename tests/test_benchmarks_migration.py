"""Smoke test of benchmarks/migration.py: it runs end to end on a small export (no timing asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_migration_benchmark_smoke():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "migration.py"), "--products", "2000",
                           "--runs", "1"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-1].startswith("worst ratio vs I/O limit: ")
    table = "\n".join(lines)
    assert "magento2" in table and "woocommerce" in table
    assert "2,000" in table and "6,000" in table  # products and variants read
