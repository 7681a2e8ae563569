"""workbench.ui: escaping, formula-safe downloads, query strings, forms, where-are-we detection."""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import re

import pandas as pd
import pytest

from workbench import ui
from workbench.errors import ParameterError, StoreNotFoundError

EVIL = '<script>alert("x")</script>'

pytest_plugins = ["conftest_reports"]  # demo_db, clean_env, ipython_shell


def _download_csv(html_text: str) -> str:
    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', html_text)
    assert m, "no CSV download link"
    return base64.b64decode(m.group(1)).decode("utf-8").lstrip("\ufeff")


# ---- header -------------------------------------------------------------------------------
def test_header_escapes_title_params_and_dates():
    out = ui.report_header(f"Orders {EVIL}", params={"channel": EVIL, "<k>": "a&b"},
                           data_as_of=f"2025-03-31 {EVIL}", run_at="2025-04-01 06:00",
                           description=EVIL)._repr_html_()
    assert "<script>alert" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&lt;k&gt;" in out and "a&amp;b" in out
    assert "Data as of" in out and "Run at" in out and "2025-04-01 06:00" in out


def test_header_formats_values():
    out = ui.header_html("KPIs", params={"period": "last_7_days", "empty": "", "count": 1234},
                         data_as_of=pd.Timestamp("2025-03-31 22:15", tz="UTC"), run_at=dt.date(2025, 4, 1))
    assert "2025-03-31 22:15 UTC" in out
    assert "1,234" in out
    assert "2025-04-01" in out
    assert "&ndash;" in out  # an empty parameter is shown as a dash, not left blank


# ---- tables -------------------------------------------------------------------------------
def test_table_escapes_cells_and_headers():
    frame = pd.DataFrame({"product": [EVIL, "Mug & <b>Cup</b>"], EVIL: [1, 2]})
    out = ui.table(frame, title=EVIL, filename="x")._repr_html_()
    assert "<script>alert" not in out and "<b>Cup</b>" not in out
    assert "Mug &amp; &lt;b&gt;Cup&lt;/b&gt;" in out
    assert out.count("&lt;script&gt;") >= 3  # title, header, cell


def test_table_download_is_formula_safe_and_complete():
    frame = pd.DataFrame({"sku": ["=HYPERLINK(\"http://evil\")", "+SUM(A1)", "@cmd", "plain", "-12.50"],
                          "qty": [1, 2, 3, 4, 5]})
    out = ui.table(frame, title="Items", filename="items", max_rows=2)._repr_html_()
    csv = _download_csv(out)
    lines = csv.splitlines()
    assert lines[0] == "sku,qty"
    assert len(lines) == 6  # every row, although only 2 are shown
    assert lines[1].startswith("\"'=HYPERLINK") and lines[2].startswith("'+SUM") and lines[3].startswith("'@cmd")
    assert lines[5] == "-12.50,5"  # a negative number is data, not a formula
    assert 'download="items.csv"' in out
    assert "Showing 2 of 5 rows" in out


def test_table_numbers_and_missing_values():
    frame = pd.DataFrame({"name": ["a", None], "amount": [decimal.Decimal("1234.5"), None],
                          "n": pd.array([1, None], dtype="Int64"), "f": [0.125, float("nan")]})
    out = ui.table_html(frame)
    assert "1,234.50" in out and 'class="num"' in out and "0.12" in out
    assert ">nan<" not in out.lower() and ">None<" not in out and "&lt;NA&gt;" not in out


def test_table_empty_frame_and_arrow_dtypes():
    empty = pd.DataFrame({"a": pd.Series([], dtype="string[pyarrow]")})
    assert "No rows." in ui.table_html(empty, filename="e")
    arrow = pd.DataFrame({"x": pd.array(["<i>", "b"], dtype="string[pyarrow]"), "y": pd.array([1, 2], dtype="int64[pyarrow]")})
    out = ui.table_html(arrow)
    assert "&lt;i&gt;" in out and ">2<" in out


def test_tables_one_block_per_frame():
    out = ui.tables({"Top products": pd.DataFrame({"a": [1]}), "By channel": pd.DataFrame({"b": [2]})},
                    prefix="orders")._repr_html_()
    assert 'download="orders_top_products.csv"' in out and 'download="orders_by_channel.csv"' in out


# ---- errors -------------------------------------------------------------------------------
def test_error_html_for_workbench_error_is_its_message_escaped():
    out = ui.error_html(ParameterError(f"Unknown sales channel {EVIL}."))
    assert "Please check the form" in out and "Unknown sales channel" in out and "<script>alert" not in out
    assert "Traceback" not in out
    assert "No data store" in ui.error_html(StoreNotFoundError("No workbench store at /x."))


def test_error_html_hides_other_exceptions(capsys):
    try:
        raise KeyError("secret internals")
    except KeyError as exc:
        out = ui.error_html(exc)
        ui.show_error(exc)
    assert "secret internals" not in out and "KeyError" in out and "Something went wrong" in out


# ---- query string and coercion ------------------------------------------------------------------
def test_query_params_from_env(clean_env):
    clean_env.setenv("QUERY_STRING", "channel=pos&period=last_7_days&unknown=1&top_n=5&flag=yes")
    got = ui.query_params({"channel": "all", "period": "last_30_days", "top_n": 10, "flag": False, "db": ""})
    assert got == {"channel": "pos", "period": "last_7_days", "top_n": 5, "flag": True, "db": ""}


def test_query_params_bad_value_keeps_default_and_decodes(clean_env):
    assert ui.query_params({"top_n": 10, "channel": "all"}, "top_n=ten&channel=online%20store") == \
        {"top_n": 10, "channel": "online store"}
    assert ui.query_params({"a": "x"}, "") == {"a": "x"}
    assert ui.query_params({"a": "x"}, "?a=y") == {"a": "y"}


def test_query_params_ignored_when_headless(clean_env):
    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    clean_env.setenv("QUERY_STRING", "channel=pos")
    assert ui.query_params({"channel": "all"}) == {"channel": "all"}


@pytest.mark.parametrize("value, like, expected", [
    ("5", 1, 5), ("2.5", 1.0, 2.5), ("3", 1.0, 3.0), ("true", False, True), ("No", True, False),
    ("0", True, False), ("pos", "all", "pos"), (7, "", "7"), ("x", None, "x"),
])
def test_coerce(value, like, expected):
    got = ui.coerce(value, like)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("value, like", [("five", 1), ("1.5", 1), ("maybe", True), ("x", 1.0)])
def test_coerce_refuses(value, like):
    with pytest.raises(ParameterError):
        ui.coerce(value, like, name="p")


# ---- environment detection ------------------------------------------------------------------
def test_in_voila_and_headless(clean_env):
    assert not ui.in_voila() and not ui.is_headless()
    clean_env.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert ui.in_voila()
    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    assert ui.is_headless() and not ui.in_voila()  # a headless run never counts as a page
    clean_env.delenv("WORKBENCH_HEADLESS")
    clean_env.delenv("SERVER_SOFTWARE")
    clean_env.setenv("VOILA_KERNEL_ID", "abc")
    assert ui.in_voila()


def test_setup_plotly_headless_embeds_plotlyjs(clean_env):
    import plotly.io as pio

    before = pio.renderers.default
    try:
        ui.setup_plotly()
        assert pio.renderers.default == before
        clean_env.setenv("WORKBENCH_HEADLESS", "1")
        ui.setup_plotly()
        assert pio.renderers.default == "notebook"
    finally:
        pio.renderers.default = before


# ---- forms --------------------------------------------------------------------------------
def test_report_form_headless_calls_once_without_widgets(clean_env):
    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    seen = []
    form = ui.report_form([ui.Field("channel", "Channel", "pos", "dropdown", ["all", "pos"])], seen.append)
    assert form is None and seen == [{"channel": "pos"}]


def test_report_form_widgets_and_run(clean_env):
    import ipywidgets as w

    seen = []

    def on_submit(values):
        seen.append(values)
        if values["channel"] == "bad":
            raise ParameterError("Unknown sales channel 'bad'.")

    fields = [ui.Field("channel", "Channel", "web", "dropdown", ["all", "pos"]),
              ui.Field("period", "Period", "last_7_days"),
              ui.Field("as_of", "As of", "2025-03-31", "date")]
    form = ui.report_form(fields, on_submit)
    assert isinstance(form, w.VBox)
    assert seen == [{"channel": "web", "period": "last_7_days", "as_of": dt.date(2025, 3, 31)}]
    assert list(form.controls["channel"].options) == ["all", "pos", "web"]  # a preselected value is kept
    form.controls["channel"].value = "pos"
    form.run_button.click()
    assert seen[-1]["channel"] == "pos"
    # an error inside the callback is caught (shown in the output area), never raised to the page
    form.controls["channel"].options = ["all", "pos", "bad"]
    form.controls["channel"].value = "bad"
    form.submit()
    assert seen[-1]["channel"] == "bad" and not form.run_button.disabled
    shown = str(form.output.outputs)
    assert "Please check the form" in shown and "Unknown sales channel" in shown and "Traceback" not in shown


# ---- the KPI dashboard builder (workbench.dashboards) -------------------------------------------


def test_kpi_dashboard_form_on_demo_store(clean_env, demo_db, ipython_shell):
    import ipywidgets as w

    from workbench import dashboards
    from workbench.store import Store

    form = dashboards.kpi_dashboard(Store(demo_db), {"period": "last_7_days", "channel": "pos", "targets": "none"})
    assert isinstance(form, w.VBox)
    assert form.controls["channel"].value == "pos" and "online_store" in form.controls["channel"].options
    assert form.controls["period"].value == "last_7_days" and form.controls["dates"].value == ""
    shown = str(form.output.outputs)
    assert 'data-kpi="net_sales"' in shown
    assert "application/vnd.plotly.v1+json" in shown  # charts go into the output area
    # a typed period that is not in the dropdown goes to the text field
    form = dashboards.kpi_dashboard(Store(demo_db), {"period": "2025-Q1", "channel": "all", "targets": "none"})
    assert form.controls["dates"].value == "2025-Q1"


def test_kpi_dashboard_without_store_shows_a_message(clean_env, tmp_path, capsys):
    from workbench import dashboards
    from workbench.store import Store

    assert dashboards.kpi_dashboard(Store(tmp_path / "missing.duckdb"), {"period": "last_7_days"}) is None
    out = capsys.readouterr().out
    assert "No data store" in out or "wb-error" in out


def test_kpi_dashboard_headless_raises(clean_env, tmp_path):
    """Headless, an error must fail the run (the runner writes the error file), not become a message."""
    from workbench import dashboards
    from workbench.errors import StoreNotFoundError
    from workbench.store import Store

    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    with pytest.raises(StoreNotFoundError):
        dashboards.kpi_dashboard(Store(tmp_path / "missing.duckdb"), {"period": "last_7_days"})


def test_resolve_targets(tmp_path):
    from workbench.dashboards import resolve_targets
    from workbench.store import project_root

    assert resolve_targets("none") is None
    assert resolve_targets("data/t.toml") == project_root() / "data" / "t.toml"
    assert resolve_targets(str(tmp_path / "t.toml")) == tmp_path / "t.toml"
