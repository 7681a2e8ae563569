"""workbench.runner: parameters, headless execution, HTML export, failures written to an error file."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from workbench import runner
from workbench.errors import ParameterError, RunError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY = str(FIXTURES / "tiny_report.ipynb")
FAILING = str(FIXTURES / "failing_report.ipynb")


def _stdout(nb_path: Path) -> str:
    nb = nbformat.read(str(nb_path), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One real run of the tiny notebook, shared by the tests below (a kernel start costs ~1-3 s)."""
    import os

    out = tmp_path_factory.mktemp("tiny_out")
    db = out / "some.duckdb"
    saved = os.environ.get("SERVER_SOFTWARE")
    os.environ["SERVER_SOFTWARE"] = "voila/0.5.13"  # as if started from a dashboard kernel
    try:
        result = runner.run_report(TINY, {"label": '<b>"x"</b>', "count": "7", "ratio": "2", "verbose": "yes"},
                                   db=db, out_dir=out)
    finally:
        if saved is None:
            os.environ.pop("SERVER_SOFTWARE", None)
        else:
            os.environ["SERVER_SOFTWARE"] = saved
    return result, out, db


def test_run_writes_notebook_and_html(tiny_run):
    result, out, _ = tiny_run
    assert result.ok and result.error_file is None
    assert result.notebook.parent == out and result.html.parent == out
    assert re.fullmatch(r"\d{8}-\d{6}\.ipynb", result.notebook.name)
    assert result.html.name == result.notebook.name.replace(".ipynb", ".html")
    assert not list(out.glob(".*.part"))  # the atomic write left no temporary file


def test_text_parameters_are_coerced_to_the_defaults_types(tiny_run):
    result, _, db = tiny_run
    assert result.params == {"label": '<b>"x"</b>', "count": 7, "ratio": 2.0, "verbose": True, "db": str(db.resolve())}
    text = _stdout(result.notebook)
    assert "'<b>\"x\"</b>' 7 2.0 True" in text


def test_kernel_env_is_headless_with_db_and_not_voila(tiny_run):
    result, _, db = tiny_run
    text = _stdout(result.notebook)
    assert f"HEADLESS 1 DB {db.resolve()}" in text
    assert "VOILA False None" in text  # request variables of a dashboard kernel are not passed on


def test_html_is_standalone_without_code_or_cdn(tiny_run):
    result, _, _ = tiny_run
    html = result.html.read_text(encoding="utf-8")
    assert "Tiny chart" in html and "Plotly.newPlot" in html  # plotly.js embedded with the figure
    assert not re.search(r'<script[^>]+src="https?://', html)  # no CDN script (require.js, MathJax)
    assert "ui.setup_plotly()" not in html and "print(repr(label)" not in html  # no code
    assert '<td>&lt;b&gt;"x"&lt;/b&gt;</td>' in html and '<b>"x"</b>' not in html  # the table escaped the label
    assert "Download CSV" in html


def test_unknown_parameter_is_refused_before_running(tmp_path):
    with pytest.raises(ParameterError) as info:
        runner.run_report(TINY, {"colour": "red"}, out_dir=tmp_path)
    assert "colour" in str(info.value) and "label" in str(info.value)
    assert not list(tmp_path.iterdir())


def test_wrong_type_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="whole number"):
        runner.run_report(TINY, {"count": "many"}, out_dir=tmp_path)


def test_unknown_report_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="no report called 'nope'"):
        runner.run_report("nope", {}, out_dir=tmp_path)


def test_failure_writes_error_file_and_raises(tmp_path):
    with pytest.raises(RunError) as info:
        runner.run_report(FAILING, {"period": "2024-01", "api_token": "s3cr3t-value"}, out_dir=tmp_path)
    err = Path(info.value.error_file)
    assert err.exists() and err.parent == tmp_path and err.name.endswith(".error.txt")
    assert str(err) in str(info.value)
    text = err.read_text()
    assert "Failed in cell" in text and 'raise ParameterError(f"No orders in the period {period}.")' in text
    assert "ParameterError: No orders in the period 2024-01." in text
    assert "s3cr3t-value" not in text and "'api_token': '***'" in text
    assert "\x1b[" not in text  # no terminal colour codes
    assert not list(tmp_path.glob("*.html"))


def test_registry_notebooks_exist_and_take_db():
    for name, report in runner.REGISTRY.items():
        path = runner.notebooks_dir() / report.notebook
        assert path.exists(), name
        params = runner.notebook_parameters(path)
        assert "db" in params and params["db"] == "", name
    assert set(runner.REGISTRY) == {"orders", "supplier_payments", "kpis"}


def test_notebook_parameters_reads_defaults():
    assert runner.notebook_parameters(TINY) == {"label": "hello", "count": 3, "ratio": 0.5, "verbose": False, "db": ""}


def test_cli_report_unknown_parameter_exits_1(tmp_path):
    from click.testing import CliRunner

    from workbench.cli import main

    res = CliRunner().invoke(main, ["report", "kpis", "-p", "colour", "red", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "colour" in res.output and "Traceback" not in res.output


def test_error_summary_for_other_exceptions():
    text = runner._error_summary("x", Path("x.ipynb"), {"password": "p"}, TimeoutError("cell timed out"))
    assert "TimeoutError: cell timed out" in text and "'password': '***'" in text
    json.dumps(text)  # plain text
