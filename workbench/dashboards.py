"""Dashboards: the forms and wiring behind the Voila pages (notebooks only call these).

:func:`kpi_dashboard` is ``notebooks/kpis.ipynb``: a period and channel form with a Run button
above the KPI report (header, KPI cards, target alerts, charts, tables with CSV downloads).
Under Voila and in JupyterLab it returns the form; headless (papermill) it shows the report as
plain outputs and returns ``None``. Staff never see a traceback: a
:class:`~workbench.errors.WorkbenchError` is shown as its message (:func:`workbench.ui.show_error`).

    dashboards.kpi_dashboard(store, ui.query_params({"period": "last_30_days", "channel": "all", "targets": ""}))
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from . import ui
from .errors import WorkbenchError

__all__ = ["CARD_KPIS", "PERIOD_CHOICES", "kpi_cards_html", "kpi_dashboard", "kpi_table_view", "render_kpis",
           "resolve_targets", "store_channels"]

#: periods offered in the dashboard's dropdown (any other period can be typed in)
PERIOD_CHOICES = ("last_7_days", "last_30_days", "last_90_days", "this_month", "last_month", "this_quarter",
                  "last_quarter", "this_year", "last_year")
#: KPIs shown as cards above the table, in this order
CARD_KPIS = ("net_sales", "orders", "aov", "conversion_rate", "refund_rate", "gross_margin")
ALL = "all"


def store_channels(store) -> list[str]:
    """The sales channels that have orders in the store, sorted."""
    frame = store.query("SELECT DISTINCT channel FROM orders WHERE channel IS NOT NULL AND NOT is_test ORDER BY 1")
    return [str(c) for c in frame["channel"].tolist()]


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


def render_kpis(store, *, period: str, channel: str = ALL, targets: Any = "") -> None:
    """Display the KPI report (header, cards, alerts, charts, tables) in the current output."""
    from .reports.kpis import kpi_figures, kpi_report

    chosen = None if str(channel or ALL).strip().lower() in (ALL, "") else channel
    report = kpi_report(store, period, channel=chosen, targets=resolve_targets(targets))
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

    if ui.is_headless():
        render_kpis(store, period=period, channel=channel, targets=targets)  # errors fail the run: never silent
        return None

    try:
        channels = store_channels(store)
    except WorkbenchError as exc:
        ui.show_error(exc)
        return None

    preset = period if period in PERIOD_CHOICES else "last_30_days"
    custom = "" if period in PERIOD_CHOICES else period
    fields = [
        ui.Field("period", "Period", preset, "dropdown", PERIOD_CHOICES),
        ui.Field("dates", "or dates", custom, "text", placeholder="2025-03, 2025-Q1 or 2025-01-01..2025-01-31"),
        ui.Field("channel", "Channel", channel, "dropdown", [ALL, *channels]),
    ]

    def on_submit(values: dict) -> None:
        chosen_period = (values.get("dates") or "").strip() or values["period"]
        render_kpis(store, period=chosen_period, channel=values["channel"], targets=targets)

    return ui.report_form(fields, on_submit)
