"""Reports: sales of a period (orders) and the KPI table, on the shop's own definitions.

Periods are local dates in the shop's time zone (see :mod:`workbench.reports.period`); every figure is
computed in DuckDB and money stays exact (Arrow decimals). Definitions: ``docs/kpis.md``.
"""
from .kpis import KPIS, KpiReport, kpi_figures, kpi_report
from .orders import OrdersReport, orders_figures, orders_report
from .period import Period, parse_period
from .targets import Targets, load_targets

__all__ = [
    "KPIS",
    "KpiReport",
    "OrdersReport",
    "Period",
    "Targets",
    "kpi_figures",
    "kpi_report",
    "load_targets",
    "orders_figures",
    "orders_report",
    "parse_period",
]
