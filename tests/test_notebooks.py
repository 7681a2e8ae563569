"""The report notebooks: tidy (committed without outputs), thin, and every one executes headless."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from workbench import runner
from workbench.errors import RunError

pytest_plugins = ["conftest_reports"]

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
EXPECTED_PARAMS = {
    "orders": {"period": "last_30_days", "channel": "all", "grain": "day", "db": ""},
    "supplier_payments": {"as_of": "", "supplier": "all", "db": ""},
    "kpis": {"period": "last_30_days", "channel": "all", "targets": "", "db": ""},
}


def test_every_report_has_its_notebook():
    assert {p.stem for p in NOTEBOOKS} >= set(EXPECTED_PARAMS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_tidy_and_thin(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "starts with an H1 title"
    code = [c for c in cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "committed without outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged parameters"
    assert code.index(tagged[0]) == 1, "imports first, then the parameters"
    assert all(re.match(r"^(from|import) ", ln) for ln in code[0].source.splitlines() if ln.strip())
    for c in code[2:]:
        assert len(c.source.strip().splitlines()) <= 4, f"thin cells only:\n{c.source}"
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", sorted(EXPECTED_PARAMS))
def test_parameters_cell(name):
    assert runner.notebook_parameters(runner.notebooks_dir() / f"{name}.ipynb") == EXPECTED_PARAMS[name]


def _assert_report_html(html: str, title: str):
    assert title in html and "Data as of" in html and "Run at" in html
    assert "Plotly.newPlot" in html and "Download CSV" in html
    assert "Traceback" not in html and "widget-view" not in html.lower()  # plain outputs, no widgets
    assert not re.search(r'<script[^>]+src="https?://', html)


def test_kpis_notebook_runs(kpis_run):
    html = kpis_run.html.read_text(encoding="utf-8")
    _assert_report_html(html, "KPI dashboard")
    assert 'data-kpi="net_sales"' in html and "Key figures" in html
    assert "last_30_days (" in html


def test_orders_notebook_runs(demo_db, tmp_path):
    result = runner.run_report("orders", {"period": "last_30_days", "channel": "pos", "grain": "week"},
                               db=demo_db, out_dir=tmp_path)
    html = result.html.read_text(encoding="utf-8")
    _assert_report_html(html, "Orders report")
    assert "Top products" in html and "orders_top_products.csv" in html


def test_supplier_payments_notebook_runs(demo_db, tmp_path):
    result = runner.run_report("supplier_payments", {}, db=demo_db, out_dir=tmp_path)
    html = result.html.read_text(encoding="utf-8")
    _assert_report_html(html, "Supplier payments")
    assert "Balances" in html and "supplier_payments_open_items.csv" in html


def test_bad_parameter_value_fails_the_headless_run(demo_db, tmp_path):
    """A dashboard shows errors as a message; headless the same error must fail the run, not hide."""
    with pytest.raises(RunError) as info:
        runner.run_report("kpis", {"channel": "no_such_channel"}, db=demo_db, out_dir=tmp_path)
    text = Path(info.value.error_file).read_text()
    assert "Unknown sales channel" in text and "no_such_channel" in text
