"""Dashboards: the forms and wiring behind the Voila pages (notebooks only call these).

Every dashboard is one builder, the last cell of its notebook:

* :func:`kpi_dashboard` (``notebooks/kpis.ipynb``): period and channel, KPI cards, target alerts,
  charts and tables;
* :func:`orders_dashboard` (``notebooks/orders.ipynb``): period, channel and grain (day/week/month),
  the orders report's charts and tables;
* :func:`supplier_payments_dashboard` (``notebooks/supplier_payments.ipynb``): as-of date and
  supplier, open balances aged, open items, and a "Payment-run CSV" download.

They share one skeleton (:func:`_dashboard`): under Voila and in JupyterLab the builder returns a
form (fields, Run, an output area filled from the kernel side by :func:`workbench.ui.report_form`,
so Voila's first page request never stalls) and renders the report at once; headless
(papermill) it shows the report as plain outputs and returns ``None``. A builder's ``defaults``
are the notebook's parameters passed through :func:`workbench.ui.query_params`, so a link such as
``orders.ipynb?channel=pos`` opens the form preselected. Staff never see a traceback: an error is
shown as one clear message (:func:`workbench.ui.show_error`); headless the same error fails the run.

    dashboards.kpi_dashboard(store, ui.query_params({"period": "last_30_days", "channel": "all", "targets": ""}))
    dashboards.orders_dashboard(store, ui.query_params({"period": period, "channel": channel, "grain": grain}))
    dashboards.supplier_payments_dashboard(store, ui.query_params({"as_of": as_of, "supplier": supplier}))
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from . import ui
from .errors import ParameterError

__all__ = ["CARD_KPIS", "GRAIN_CHOICES", "PERIOD_CHOICES", "kpi_cards_html", "kpi_dashboard", "kpi_table_view",
           "orders_dashboard", "payment_run_csv", "render_kpis", "render_orders", "render_supplier_payments",
           "resolve_targets", "store_channels", "store_suppliers", "supplier_payments_dashboard"]

#: periods offered in the dashboard's dropdown (any other period can be typed in)
PERIOD_CHOICES = ("last_7_days", "last_30_days", "last_90_days", "this_month", "last_month", "this_quarter",
                  "last_quarter", "this_year", "last_year")
#: KPIs shown as cards above the table, in this order
CARD_KPIS = ("net_sales", "orders", "aov", "conversion_rate", "refund_rate", "gross_margin")
#: the orders report's time buckets
GRAIN_CHOICES = ("day", "week", "month")
ALL = "all"


def store_channels(store) -> list[str]:
    """The sales channels that have orders in the store, sorted."""
    frame = store.query("SELECT DISTINCT channel FROM orders WHERE channel IS NOT NULL AND NOT is_test ORDER BY 1")
    return [str(c) for c in frame["channel"].tolist()]


def store_suppliers(store) -> dict[str, str]:
    """The store's suppliers for a dropdown: ``{label: supplier_id}``, sorted by label.

    The label is the supplier's name; when several suppliers share a name, each of them is
    labelled by its id instead (the report takes either, but a shared name is ambiguous).
    """
    frame = store.query("SELECT supplier_id, name FROM suppliers ORDER BY lower(name), supplier_id")
    ids = [str(i) for i in frame["supplier_id"].tolist()]
    names = [str(n) if n is not None and str(n).strip() else i for n, i in zip(frame["name"].tolist(), ids)]
    lowered = [n.lower() for n in names]
    labels = [n if lowered.count(n.lower()) == 1 else i for n, i in zip(names, ids)]
    return dict(sorted(zip(labels, ids), key=lambda kv: kv[0].lower()))


def resolve_targets(targets: Any):
    """The notebook's ``targets`` text as what :func:`kpi_report` accepts.

    Empty: ``data/kpi_targets.toml`` when it exists, else no targets; ``none``: no targets; anything
    else: a TOML file (a relative path is taken from the project root).
    """
    from .reports.targets import default_targets_path
    from .store import project_root

    if targets is None or not isinstance(targets, (str, os.PathLike)):
        return targets
    text = str(targets).strip()
    if text.lower() in ("none", "no", "off"):
        return None
    if not text:
        default = default_targets_path()
        return default if default.exists() else None
    path = Path(text).expanduser()
    return path if path.is_absolute() else project_root() / path


def _fmt(value: Any, unit: str, currency: str | None) -> str:
    from .reports.kpis import format_value

    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    return format_value(value, unit, currency)


def _pct(change: Any) -> str:
    if change is None or (isinstance(change, float) and change != change):
        return ""
    return f"{float(change) * 100:+.1f}%"


def kpi_cards_html(report, kpis=CARD_KPIS) -> str:
    """A row of KPI cards (value, change vs previous period, target status); everything escaped."""
    table = report.table.set_index("kpi")
    cards = []
    for kpi in kpis:
        if kpi not in table.index:
            continue
        row = table.loc[kpi]
        value = _fmt(row["value"], row["unit"], report.currency)
        change = _pct(row["change_vs_previous"])
        status = str(row["status"])
        colour = {"ok": "#1e7b34", "miss": "#b02a1b"}.get(status, "#555")
        e = html.escape
        cards.append(
            f'<div class="wb-kpi" data-kpi="{e(kpi)}" style="border:1px solid #d5dde6;border-radius:6px;'
            f'padding:8px 14px;min-width:10em;background:#fff">'
            f'<div class="wb-kpi-label" style="color:#555;font-size:.85em">{e(str(row["label"]))}</div>'
            f'<div class="wb-kpi-value" style="font-size:1.45em;font-weight:600">{e(value)}</div>'
            f'<div class="wb-kpi-change" style="font-size:.85em;color:#555">'
            f'{e(change + " vs previous period") if change else "&nbsp;"}</div>'
            f'<div class="wb-kpi-status" style="font-size:.8em;color:{colour}">{e(status)}</div></div>')
    return ('<div class="wb-kpis" style="display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 12px 0;'
            'font-family:system-ui,-apple-system,Segoe UI,sans-serif">' + "".join(cards) + "</div>")


def _alerts_html(report) -> str:
    if report.alerts is None or report.alerts.empty:
        return ""
    items = "".join(f"<li>{html.escape(str(m))}</li>" for m in report.alerts["message"])
    return ('<div class="wb-alerts" style="border-left:4px solid #d68910;background:#fef9e7;padding:6px 12px;'
            'margin:6px 0;font-family:system-ui,sans-serif"><strong>Targets missed</strong>'
            f"<ul style='margin:4px 0'>{items}</ul></div>")


def kpi_table_view(report) -> pd.DataFrame:
    """The KPI table as people read it (formatted values); the CSV download keeps the raw numbers."""
    t = report.table
    cur = report.currency
    return pd.DataFrame({
        "KPI": t["label"],
        "Value": [_fmt(v, u, cur) for v, u in zip(t["value"], t["unit"])],
        "Previous period": [_fmt(v, u, cur) for v, u in zip(t["previous"], t["unit"])],
        "Change": [_pct(c) for c in t["change_vs_previous"]],
        "Last year": [_fmt(v, u, cur) for v, u in zip(t["last_year"], t["unit"])],
        "Change vs last year": [_pct(c) for c in t["change_vs_last_year"]],
        "Target": [_fmt(v, u, cur) if v is not None else "" for v, u in zip(t["target"], t["unit"])],
        "Status": t["status"],
        "Note": t["note"],
    })


def _short_path(path: str | None) -> str | None:
    """A path relative to the project root when it is inside it (shorter in headers)."""
    from .store import project_root

    if not path:
        return path
    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


# ---- the skeleton every dashboard shares ---------------------------------------------------------
def _dashboard(values: Mapping[str, Any], render: Callable[[dict], None],
               fields: Callable[[], Sequence[ui.Field]]):
    """Form, Run and render, the same way for every dashboard.

    Parameters
    ----------
    values : dict
        The form's first values (from the notebook's parameters); headless, the report is rendered
        once with them.
    render : callable
        ``render(values)`` displays the report (header, charts, tables) for the form's values; it
        raises on bad input (under the form the error is shown as a message).
    fields : callable
        Returns the form's fields; called only when a form is shown (it may read the store for the
        dropdowns' options).

    Returns
    -------
    ipywidgets.VBox or None
        The form (:func:`workbench.ui.report_form`, which fills its output area from the kernel
        side); ``None`` headless (plain outputs were shown, errors raised so the run fails) or when
        the form cannot be built (a message was shown instead).
    """
    if ui.is_headless():
        render(dict(values))  # errors fail the run: never silent
        return None
    try:
        form_fields = list(fields())
    except Exception as exc:  # e.g. no store: staff see a message, never a traceback
        ui.show_error(exc)
        return None
    return ui.report_form(form_fields, render)


def _period_fields(period: str) -> list[ui.Field]:
    """A period dropdown and a free "or dates" text (a period not in the dropdown goes there)."""
    preset = period if period in PERIOD_CHOICES else "last_30_days"
    custom = "" if period in PERIOD_CHOICES else period
    return [ui.Field("period", "Period", preset, "dropdown", PERIOD_CHOICES),
            ui.Field("dates", "or dates", custom, "text", placeholder="2025-03, 2025-Q1 or 2025-01-01..2025-01-31")]


def _chosen_period(values: Mapping[str, Any]) -> str:
    """The dates typed in, else the dropdown's period."""
    return str(values.get("dates") or "").strip() or str(values["period"])


def _channel_field(store, channel: str) -> ui.Field:
    return ui.Field("channel", "Channel", channel, "dropdown", [ALL, *store_channels(store)])


def _unless_all(choice: Any) -> str | None:
    """``None`` for "all" (or nothing), else the choice (a channel, a supplier)."""
    return None if str(choice or ALL).strip().lower() in (ALL, "") else str(choice)


# ---- KPIs ---------------------------------------------------------------------------------------
def render_kpis(store, *, period: str, channel: str = ALL, targets: Any = "") -> None:
    """Display the KPI report (header, cards, alerts, charts, tables) in the current output."""
    from .reports.kpis import kpi_figures, kpi_report

    report = kpi_report(store, period, channel=_unless_all(channel), targets=resolve_targets(targets))
    header = ui.report_header(
        "KPI dashboard",
        params={"period": f"{period} ({report.period.label})", "channel": report.channel or ALL,
                "compared with": f"previous period {report.previous_period.label}, "
                                 f"last year {report.last_year_period.label}",
                "targets": _short_path(report.targets_source) or "none", "currency": report.currency},
        data_as_of=report.data_as_of,
        description="The shop's key figures for the period, against the previous period, last year and targets.")
    ui.show(header, ui.HTML(kpi_cards_html(report) + _alerts_html(report)))
    ui.show_figures(kpi_figures(report))
    ui.show(ui.table(kpi_table_view(report), title="Key figures", filename="kpis", download=report.table),
            ui.table(report.daily, title="Per day", filename="kpis_daily"))


def kpi_dashboard(store, defaults: Mapping[str, Any]):
    """The KPI dashboard: a form (period, channel, optional dates) with a Run button above the report.

    Parameters
    ----------
    store : Store
        Where the data comes from.
    defaults : dict
        ``period``, ``channel`` and ``targets`` preselected in the form (usually the notebook's
        parameters passed through :func:`workbench.ui.query_params`).

    Returns
    -------
    ipywidgets.VBox or None
        The form; ``None`` when headless (the report was displayed as plain outputs) or when the
        store cannot be read (a message was displayed instead).
    """
    period = str(defaults.get("period") or "last_30_days")
    channel = str(defaults.get("channel") or ALL)
    targets = defaults.get("targets", "")

    def render(values: dict) -> None:
        render_kpis(store, period=_chosen_period(values), channel=values["channel"], targets=targets)

    return _dashboard({"period": period, "dates": "", "channel": channel}, render,
                      lambda: [*_period_fields(period), _channel_field(store, channel)])


# ---- orders -------------------------------------------------------------------------------------
def render_orders(store, *, period: str, channel: str = ALL, grain: str = "day") -> None:
    """Display the orders report (header, charts, tables with CSV downloads) in the current output."""
    from .reports.orders import orders_figures, orders_report

    report = orders_report(store, period, channel=_unless_all(channel), grain=grain)
    ui.show(ui.report_header(
        "Orders report",
        params={"period": f"{period} ({report.period.label})", "channel": report.channel or ALL,
                "grain": report.grain, "currency": report.currency},
        data_as_of=report.data_as_of,
        description="Orders and sales of the period, by day/week/month, channel, status and country."))
    ui.show_figures(orders_figures(report))
    ui.show(ui.tables({"Summary": report.summary, "By period": report.by_period, "By channel": report.by_channel,
                       "By status": report.by_status, "By country": report.by_country,
                       "Top products": report.top_products, "Refunds": report.refunds}, prefix="orders"))


def orders_dashboard(store, defaults: Mapping[str, Any]):
    """The orders dashboard: period (or dates), channel and grain, Run, then the orders report.

    Parameters
    ----------
    store : Store
        Where the data comes from.
    defaults : dict
        ``period``, ``channel`` and ``grain`` preselected in the form (the notebook's parameters
        passed through :func:`workbench.ui.query_params`).

    Returns
    -------
    ipywidgets.VBox or None
        As :func:`kpi_dashboard`.
    """
    period = str(defaults.get("period") or "last_30_days")
    channel = str(defaults.get("channel") or ALL)
    grain = str(defaults.get("grain") or "day")

    def render(values: dict) -> None:
        render_orders(store, period=_chosen_period(values), channel=values["channel"], grain=values["grain"])

    return _dashboard({"period": period, "dates": "", "channel": channel, "grain": grain}, render,
                      lambda: [*_period_fields(period), _channel_field(store, channel),
                               ui.Field("grain", "Grain", grain, "dropdown", GRAIN_CHOICES)])


# ---- supplier payments --------------------------------------------------------------------------
def payment_run_csv(run: "pd.DataFrame") -> str:
    """The payment-run file's text, exactly as :func:`~workbench.reports.supplier_payments.write_payment_run`
    writes it (fixed columns, amounts with two decimals, ISO dates, formula-safe, no BOM)."""
    from .reports.supplier_payments import write_payment_run

    with tempfile.TemporaryDirectory(prefix="wb-payrun-") as folder:
        path = Path(folder) / "payment_run.csv"
        write_payment_run(run, path)
        return path.read_text(encoding="utf-8")


def _payment_run_html(report) -> str:
    """The payment run as a table plus a "Payment-run CSV" download (the bank-upload file)."""
    from .reports.supplier_payments import payment_run

    run = payment_run(report)
    text = payment_run_csv(run)
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")
    name = f"payment_run_{report.as_of.isoformat()}.csv"
    link = (f'<a class="wb-download wb-payment-run" download="{html.escape(name)}" href="{href}">'
            f"Payment-run CSV ({len(run):,} payment{'' if len(run) == 1 else 's'})</a>")
    block = ui.table_html(run, title="Payment run (everything due on or before the as-of date)")
    return block + f'<div class="wb-table-block">{link}</div>'


def _notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(str(n))}</li>" for n in notes)
    return f'<div class="wb-note wb-notes"><strong>Left out</strong><ul style="margin:2px 0">{items}</ul></div>'


def render_supplier_payments(store, *, as_of: Any = None, supplier: str | None = None,
                             payment_run: bool = False) -> None:
    """Display the supplier payments report (header, charts, tables) in the current output.

    ``supplier`` is ``None``/``"all"`` or a supplier id or exact name; ``payment_run`` adds the
    payment-run table and its "Payment-run CSV" download (the form shows it; headless reports,
    which are archived, leave the bank details out).
    """
    from .reports.supplier_payments import supplier_payments_figures, supplier_payments_report

    if isinstance(as_of, str):
        as_of = as_of.strip() or None
    report = supplier_payments_report(store, as_of=as_of, supplier=_unless_all(supplier))
    name = ALL
    if report.supplier is not None:
        hit = report.suppliers.loc[report.suppliers["supplier_id"] == report.supplier, "name"]
        name = f"{hit.iloc[0]} ({report.supplier})" if len(hit) else report.supplier
    ui.show(ui.report_header(
        "Supplier payments",
        params={"as of": report.as_of, "supplier": name,
                "currency": report.currency or ", ".join(report.currencies)},
        data_as_of=report.data_as_of,
        description="Open balances per supplier, aged by days past due, and the open items behind them."))
    ui.show_figures(supplier_payments_figures(report))
    blocks = ui.tables({"Balances": report.balances, "Open items": report.open_items}, prefix="supplier_payments")
    if payment_run:
        blocks = blocks + ui.HTML(_payment_run_html(report))
    ui.show(blocks, ui.HTML(_notes_html(report.notes)) if report.notes else None)


def _as_of_value(as_of: Any) -> tuple[dt.date | None, ParameterError | None]:
    """The as-of parameter as the date picker's value (a date, or None for today) and, for text
    that is not a date, the error to show instead of the first report."""
    if isinstance(as_of, dt.datetime):
        return as_of.date(), None
    if isinstance(as_of, dt.date) or as_of is None:
        return as_of, None
    text = str(as_of).strip()
    if not text:
        return None, None
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, ParameterError(f"as_of must be a date like 2025-03-31, not {text!r}. "
                                    f"Pick a date in the form (empty: today) and press Run.")


def supplier_payments_dashboard(store, defaults: Mapping[str, Any]):
    """The supplier payments dashboard: as-of date and supplier, Run, then balances and a payment run.

    Parameters
    ----------
    store : Store
        Where the data comes from.
    defaults : dict
        ``as_of`` (ISO date text; empty: today) and ``supplier`` (``all``, a supplier's id or
        exact name) preselected in the form (the notebook's parameters passed through
        :func:`workbench.ui.query_params`).

    Returns
    -------
    ipywidgets.VBox or None
        As :func:`kpi_dashboard`.
    """
    as_of = defaults.get("as_of") or ""
    supplier = str(defaults.get("supplier") or ALL).strip() or ALL
    labels: dict[str, str] = {}  # dropdown label -> supplier id (filled when the form is built)
    pending: list[ParameterError] = []  # a link's unreadable as_of: shown instead of the first report

    def render(values: dict) -> None:
        if pending:
            raise pending.pop()
        chosen = values.get("supplier") or ALL
        render_supplier_payments(store, as_of=values.get("as_of") or None, supplier=labels.get(chosen, chosen),
                                 payment_run=not ui.is_headless())

    def fields() -> list[ui.Field]:
        labels.update(store_suppliers(store))
        wanted = supplier
        if wanted.lower() != ALL and wanted not in labels:  # an id or a differently cased name
            by_key = {**{sid.lower(): label for label, sid in labels.items()},
                      **{label.lower(): label for label in labels}}
            wanted = by_key.get(wanted.lower(), wanted)  # unknown: kept, and Run says so
        picked, error = _as_of_value(as_of)
        pending.extend([error] if error else [])
        return [ui.Field("as_of", "As of", picked, "date"),
                ui.Field("supplier", "Supplier", ALL if wanted.lower() == ALL else wanted, "dropdown",
                         [ALL, *labels])]

    return _dashboard({"as_of": as_of, "supplier": supplier}, render, fields)
