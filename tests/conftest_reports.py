"""Session fixtures for the report, notebook and dashboard tests (a pytest plugin).

Use it from a test module with ``pytest_plugins = ["conftest_reports"]`` (tests/ is on sys.path,
see tests/conftest.py).

* ``demo_db``: a small demo store (3,000 orders over the last year, so ``last_30_days`` has data),
  built once per session (per xdist worker) in a temporary folder.
* ``kpis_run``: one headless run of the ``kpis`` report on it (RunResult), shared by the tests
  that look at its HTML.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    from workbench.demo import seed_demo
    from workbench.store import Store

    path = tmp_path_factory.mktemp("demo_store") / "demo.duckdb"
    store = Store(path).init()
    seed_demo(store, orders=3000, seed=7, start=dt.date.today() - dt.timedelta(days=365), days=365,
              progress=False)
    return path


@pytest.fixture(scope="session")
def kpis_run(demo_db, tmp_path_factory):
    from workbench.runner import run_report

    return run_report("kpis", {"period": "last_30_days"}, db=demo_db, out_dir=tmp_path_factory.mktemp("kpis_out"))


@pytest.fixture
def clean_env(monkeypatch):
    """No Voila or headless markers in the environment (tests set the ones they need)."""
    for var in ("WORKBENCH_HEADLESS", "SERVER_SOFTWARE", "QUERY_STRING", "VOILA_KERNEL_ID", "VOILA_REQUEST_URL",
                "VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_PREHEAT"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.fixture
def ipython_shell():
    """An IPython shell (as in a kernel), so display() publishes rich outputs that can be captured."""
    import plotly.io as pio
    from IPython.core.interactiveshell import InteractiveShell

    before = pio.renderers.default
    pio.renderers.default = "plotly_mimetype"  # the kernel default (Lab and Voila)
    shell = InteractiveShell.instance()
    try:
        yield shell
    finally:
        InteractiveShell.clear_instance()
        pio.renderers.default = before
