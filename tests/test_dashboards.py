"""workbench.dashboards: the orders and supplier payments forms (and the skeleton they share with KPIs).

The widgets are built against the small demo store, outside Voila: the form's options, the first
render, Run with other values, and errors shown as a message (never a traceback). Headless the
same builders show plain outputs and let errors fail the run.
"""
from __future__ import annotations

import base64
import datetime as dt
import re

import pytest

from workbench import dashboards
from workbench.errors import ParameterError, StoreNotFoundError
from workbench.reports.supplier_payments import (PAYMENT_RUN_COLUMNS, payment_run, supplier_payments_report,
                                                 write_payment_run)
from workbench.store import Store

pytest_plugins = ["conftest_reports"]

ERROR = 'class="wb-error"'  # an error message block (the style sheet names the class too)


@pytest.fixture(scope="module")
def store(demo_db):
    return Store(demo_db)


def _html(form) -> str:
    """Everything the form's output area shows, as one text."""
    parts = []
    for o in form.output.outputs:
        data = o.get("data", {})
        parts.append(str(data.get("text/html", "")) + str(o.get("text", "")))
    return "\n".join(parts)


def _table_rows(html_text: str, title: str) -> int:
    m = re.search(rf"<h3>{re.escape(title)}</h3><table[^>]*>.*?<tbody>(.*?)</tbody>", html_text, re.S)
    assert m, f"no table {title!r}"
    return m.group(1).count("<tr>")


def _chart_titles(form) -> list[str]:
    return [str(o["data"]["application/vnd.plotly.v1+json"]["layout"]["title"]["text"])
            for o in form.output.outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]


# ---- orders ---------------------------------------------------------------------------------------
def test_orders_form_options_and_first_render(clean_env, store, ipython_shell):
    import ipywidgets as w

    form = dashboards.orders_dashboard(store, {"period": "last_30_days", "channel": "pos", "grain": "day"})
    assert isinstance(form, w.VBox)
    c = form.controls
    assert list(c) == ["period", "dates", "channel", "grain"]
    assert c["period"].value == "last_30_days" and tuple(c["period"].options) == dashboards.PERIOD_CHOICES
    assert c["dates"].value == ""
    assert list(c["channel"].options) == ["all", *dashboards.store_channels(store)]
    assert c["channel"].value == "pos" and "online_store" in c["channel"].options
    assert list(c["grain"].options) == ["day", "week", "month"] and c["grain"].value == "day"
    shown = _html(form)
    assert "Orders report" in shown and "Data as of" in shown
    assert "<dd>pos</dd>" in shown  # the header names the chosen channel
    assert "orders_top_products.csv" in shown and "Download CSV" in shown
    assert any("per day" in t for t in _chart_titles(form))  # charts go into the output area
    assert _table_rows(shown, "By period") >= 28


def test_orders_run_redraws_with_another_grain(clean_env, store, ipython_shell):
    form = dashboards.orders_dashboard(store, {"period": "last_30_days", "channel": "all", "grain": "day"})
    days = _table_rows(_html(form), "By period")
    form.controls["grain"].value = "week"
    form.controls["channel"].value = "pos"
    form.run_button.click()
    shown = _html(form)
    assert "<dd>week</dd>" in shown and "<dd>pos</dd>" in shown
    assert 4 <= _table_rows(shown, "By period") <= 6 < days
    assert any("per week" in t for t in _chart_titles(form))
    # typed dates win over the dropdown
    form.controls["dates"].value = "2025-03"
    form.controls["grain"].value = "month"
    form.submit()
    assert "2025-03 (" in _html(form) and _table_rows(_html(form), "By period") == 1


def test_orders_errors_show_a_message(clean_env, store, ipython_shell):
    form = dashboards.orders_dashboard(store, {"period": "last_30_days", "channel": "no_such_channel"})
    assert form.controls["channel"].value == "no_such_channel"  # a bad link still opens the form
    shown = _html(form)
    assert ERROR in shown and "Unknown sales channel" in shown and "Traceback" not in shown
    form.controls["channel"].value = "all"
    form.controls["dates"].value = "2025-13"
    form.submit()
    shown = _html(form)
    assert "Please check the form" in shown and "Traceback" not in shown and not form.run_button.disabled
    form.controls["dates"].value = ""
    form.submit()
    assert ERROR not in _html(form) and "Orders report" in _html(form)


def test_orders_headless_shows_plain_outputs_and_raises(clean_env, store, tmp_path, ipython_shell, capsys):
    from IPython.utils.capture import capture_output

    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    with capture_output() as cap:
        assert dashboards.orders_dashboard(store, {"period": "last_7_days", "channel": "all", "grain": "week"}) is None
    html_text = "".join(o.data.get("text/html", "") for o in cap.outputs)
    assert "Orders report" in html_text and "orders_by_period.csv" in html_text
    assert any("application/vnd.plotly.v1+json" in o.data for o in cap.outputs)
    with pytest.raises(ParameterError):
        dashboards.orders_dashboard(store, {"period": "last_7_days", "grain": "hour"})
    with pytest.raises(StoreNotFoundError):
        dashboards.orders_dashboard(Store(tmp_path / "missing.duckdb"), {"period": "last_7_days"})


def test_dashboards_without_store_show_a_message(clean_env, tmp_path, ipython_shell):
    from IPython.utils.capture import capture_output

    missing = Store(tmp_path / "missing.duckdb")
    for build, defaults in ((dashboards.orders_dashboard, {"period": "last_7_days"}),
                            (dashboards.supplier_payments_dashboard, {"supplier": "all"})):
        with capture_output() as cap:
            assert build(missing, defaults) is None
        shown = "".join(o.data.get("text/html", "") for o in cap.outputs)
        assert ERROR in shown and "No data store" in shown and "Traceback" not in shown


# ---- supplier payments ----------------------------------------------------------------------------
def test_store_suppliers_labels_are_names_or_ids_when_shared(store):
    labels = dashboards.store_suppliers(store)
    assert "Stoke Pottery Ltd." in labels and labels["Stoke Pottery Ltd."].startswith("sup")
    assert len(set(labels.values())) == len(labels) == 20


def test_supplier_payments_form_options_and_first_render(clean_env, store, ipython_shell):
    import ipywidgets as w

    form = dashboards.supplier_payments_dashboard(store, {"as_of": "", "supplier": "all"})
    assert isinstance(form, w.VBox)
    c = form.controls
    assert list(c) == ["as_of", "supplier"]
    assert isinstance(c["as_of"], w.DatePicker) and c["as_of"].value is None  # empty: today
    assert list(c["supplier"].options) == ["all", *dashboards.store_suppliers(store)]
    assert c["supplier"].value == "all"
    shown = _html(form)
    assert "Supplier payments" in shown and _table_rows(shown, "Balances") == 20
    assert "supplier_payments_open_items.csv" in shown
    assert "Payment-run CSV" in shown and len(_chart_titles(form)) == 2


def test_supplier_payments_preselects_by_name_or_id_and_runs(clean_env, store, ipython_shell):
    labels = dashboards.store_suppliers(store)
    name = "Jute & Co. Textiles"
    form = dashboards.supplier_payments_dashboard(store, {"as_of": "", "supplier": name})
    assert form.controls["supplier"].value == name
    shown = _html(form)
    assert _table_rows(shown, "Balances") == 1 and "Jute &amp; Co. Textiles" in shown
    # an id (or a name in other case) selects the same entry of the dropdown
    form = dashboards.supplier_payments_dashboard(store, {"supplier": labels[name].upper()})
    assert form.controls["supplier"].value == name
    form = dashboards.supplier_payments_dashboard(store, {"supplier": name.lower()})
    assert form.controls["supplier"].value == name
    # Run with another supplier and a date
    form.controls["supplier"].value = "Stoke Pottery Ltd."
    as_of = dt.date.today() - dt.timedelta(days=60)
    form.controls["as_of"].value = as_of
    form.run_button.click()
    shown = _html(form)
    assert _table_rows(shown, "Balances") == 1 and "Stoke Pottery Ltd." in shown
    assert f"<dd>{as_of.isoformat()}</dd>" in shown
    assert f'download="payment_run_{as_of.isoformat()}.csv"' in shown


def test_payment_run_download_is_the_bank_file(clean_env, store, ipython_shell, tmp_path):
    form = dashboards.supplier_payments_dashboard(store, {"supplier": "all"})
    m = re.search(r'<a class="wb-download wb-payment-run" download="([^"]+)" '
                  r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', _html(form))
    assert m, "no Payment-run CSV link"
    text = base64.b64decode(m.group(2)).decode("utf-8")
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0] == ",".join(PAYMENT_RUN_COLUMNS)
    expected = tmp_path / "run.csv"
    write_payment_run(payment_run(supplier_payments_report(store)), expected)
    assert text == expected.read_text(encoding="utf-8")


def test_payment_run_csv_is_formula_safe():
    import decimal

    import pandas as pd

    run = pd.DataFrame([{"supplier_id": "sup99", "supplier_name": "=HYPERLINK(\"http://x\")", "iban": "@evil",
                         "currency": "EUR", "amount": decimal.Decimal("10.005"), "due_items": 2,
                         "oldest_due_date": dt.date(2025, 3, 1), "reference": "PAYRUN-2025-03-31-sup99"}])
    text = dashboards.payment_run_csv(run)
    row = text.splitlines()[1]
    assert "'=HYPERLINK" in row and "'@evil" in row and ",10.01," in row and "2025-03-01" in row


def test_supplier_payments_errors_show_a_message(clean_env, store, ipython_shell):
    form = dashboards.supplier_payments_dashboard(store, {"supplier": "Nobody Ltd."})
    assert form.controls["supplier"].value == "Nobody Ltd."  # kept, and Run says what is wrong
    shown = _html(form)
    assert ERROR in shown and "unknown supplier" in shown and "Traceback" not in shown
    form.controls["supplier"].value = "all"
    form.controls["as_of"].value = dt.date.today() + dt.timedelta(days=5)
    form.submit()
    shown = _html(form)
    assert "Please check the form" in shown and "in the future" in shown and not form.run_button.disabled
    # a link with an unreadable date opens the form, says so, and the next Run works
    form = dashboards.supplier_payments_dashboard(store, {"as_of": "31.03.2025", "supplier": "all"})
    assert form.controls["as_of"].value is None
    assert "as_of must be a date" in _html(form) and "Traceback" not in _html(form)
    form.submit()
    assert ERROR not in _html(form) and _table_rows(_html(form), "Balances") == 20


def test_supplier_payments_headless_shows_plain_outputs_and_raises(clean_env, store, ipython_shell):
    from IPython.utils.capture import capture_output

    clean_env.setenv("WORKBENCH_HEADLESS", "1")
    with capture_output() as cap:
        assert dashboards.supplier_payments_dashboard(store, {"as_of": "", "supplier": "Stoke Pottery Ltd."}) is None
    html_text = "".join(o.data.get("text/html", "") for o in cap.outputs)
    assert "Supplier payments" in html_text and _table_rows(html_text, "Balances") == 1
    assert "Payment-run CSV" not in html_text  # archived reports leave the bank file out
    with pytest.raises(ParameterError):
        dashboards.supplier_payments_dashboard(store, {"as_of": "31.03.2025", "supplier": "all"})


# ---- the KPI dashboard keeps its behaviour on the shared skeleton -------------------------------------
def test_kpi_dashboard_on_the_shared_skeleton(clean_env, store, ipython_shell):
    form = dashboards.kpi_dashboard(store, {"period": "2025-Q1", "channel": "pos", "targets": "none"})
    assert list(form.controls) == ["period", "dates", "channel"]
    assert form.controls["dates"].value == "2025-Q1" and form.controls["channel"].value == "pos"
    assert "2025-Q1 (" in _html(form) and 'data-kpi="net_sales"' in _html(form)
