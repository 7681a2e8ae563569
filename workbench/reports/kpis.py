"""The KPI table: this period against the previous period, last year and targets.

All three periods (current, previous = same length immediately before, last year = same dates a year
earlier) are computed by ONE DuckDB query over the union of their date ranges (each row carries its
period label), together with the current period's daily series. Definitions: ``docs/kpis.md``.

Units: ``money`` (exact :class:`~decimal.Decimal` in the shop currency), ``percent`` (a fraction:
0.012 = 1.2 %), ``count`` (int), ``hours`` (float), ``ratio`` (float, e.g. ROAS 3.7).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pyarrow.compute as pc

from .. import schema
from .orders import _arrow, _resolve_period, _shop_context, money, money_ratio
from .period import Period, local_date_sql, parse_period, utc_bounds
from .targets import Targets, as_targets

__all__ = ["KPIS", "KpiReport", "format_value", "kpi_figures", "kpi_report"]

#: key -> (label, unit). The order is the table's order.
KPIS: dict[str, tuple[str, str]] = {
    "gross_sales": ("Gross sales", "money"),
    "discounts": ("Discounts", "money"),
    "returns": ("Returns", "money"),
    "net_sales": ("Net sales", "money"),
    "shipping": ("Shipping", "money"),
    "taxes": ("Taxes", "money"),
    "total_sales": ("Total sales", "money"),
    "orders": ("Orders", "count"),
    "aov": ("Average order value", "money"),
    "customers": ("Customers", "count"),
    "returning_customer_rate": ("Returning customer rate", "percent"),
    "sessions": ("Online store sessions", "count"),
    "conversion_rate": ("Online store conversion rate", "percent"),
    "refund_rate": ("Refund rate (amount)", "percent"),
    "refunded_orders_rate": ("Refunded orders", "percent"),
    "gross_margin": ("Gross margin", "percent"),
    "lead_time_median_hours": ("Fulfilment lead time (median)", "hours"),
    "lead_time_p90_hours": ("Fulfilment lead time (p90)", "hours"),
    "late_shipment_rate": ("Late shipments", "percent"),
    "ad_spend": ("Ad spend", "money"),
    "attributed_revenue": ("Ad-attributed revenue (UTM)", "money"),
    "roas": ("ROAS (our orders, UTM)", "ratio"),
    "roas_platform": ("ROAS (platform-reported)", "ratio"),
}
_SESSION_KPIS = ("sessions", "conversion_rate")
_AD_KPIS = ("ad_spend", "attributed_revenue", "roas", "roas_platform")
LABELS = ("current", "previous", "last_year")


@dataclass
class KpiReport:
    """KPIs of one period. ``table`` has one row per KPI (see :data:`KPIS`)."""

    period: Period
    previous_period: Period
    last_year_period: Period
    channel: str | None
    currency: str | None
    timezone: str
    data_as_of: datetime | None
    table: pd.DataFrame    # kpi, label, unit, value, previous, last_year, target, change_vs_previous,
                           # change_vs_last_year, status ("ok"/"miss"/"no target"/"n/a"), note
    alerts: pd.DataFrame   # kpi, label, value, target, direction, message (one row per missed target)
    daily: pd.DataFrame    # date, orders, net_sales, sessions, converted, conversion_rate (current period)
    targets_source: str | None = None

    def value(self, kpi: str, column: str = "value"):
        """One cell of the table, e.g. ``report.value("net_sales", "previous")``."""
        row = self.table.loc[self.table["kpi"] == kpi]
        if row.empty:
            raise KeyError(f"unknown KPI {kpi!r}; known: {', '.join(KPIS)}")
        v = row.iloc[0][column]
        return None if v is None or (isinstance(v, float) and v != v) else v


_KPI_SQL = """
WITH rng(label, lo, hi, ds, de) AS (
    VALUES ('current',   CAST($c_lo AS TIMESTAMPTZ), CAST($c_hi AS TIMESTAMPTZ), CAST($c_s AS DATE), CAST($c_e AS DATE)),
           ('previous',  CAST($p_lo AS TIMESTAMPTZ), CAST($p_hi AS TIMESTAMPTZ), CAST($p_s AS DATE), CAST($p_e AS DATE)),
           ('last_year', CAST($y_lo AS TIMESTAMPTZ), CAST($y_hi AS TIMESTAMPTZ), CAST($y_s AS DATE), CAST($y_e AS DATE))
),
camp AS (  -- ad campaigns by id and by name, trimmed and lower-cased, for UTM matching
    SELECT DISTINCT lower(trim(k)) AS k
    FROM (SELECT campaign_id AS k FROM ad_stats UNION ALL SELECT campaign_name FROM ad_stats)
    WHERE k IS NOT NULL
),
o AS (  -- orders of the three periods, one row per (period, order); all channels (ad KPIs are shop-wide)
{order_branches}
),
la AS (  -- line sums per (period, local day, channel flag, attribution flag); gift cards excluded
    SELECT o.label, o.day, o.in_channel, o.attributed,
           sum(l.price * l.quantity) AS gross, sum(coalesce(l.discount_amount, 0)) AS discounts,
           sum(l.price * l.quantity - coalesce(l.discount_amount, 0)) FILTER (WHERE l.unit_cost IS NOT NULL) AS sales_costed,
           sum(l.unit_cost * l.quantity) AS cogs
    FROM order_lines l JOIN o ON o.order_id = l.order_id
    WHERE NOT coalesce(l.gift_card, false)
    GROUP BY ALL
),
sh AS (  -- first shipment per order (a shipment is never older than its order)
    SELECT order_id, min(created_at) AS first_ship FROM shipments
    WHERE created_at >= $min_lo AND coalesce(status, '') <> 'cancelled'
      AND order_id IN (SELECT order_id FROM o WHERE in_channel)
    GROUP BY order_id
),
rr AS (  -- refunds dated in the periods (returns count on the refund date), orders of the chosen channel
{refund_branches}
),
rc AS (  -- every refund of the periods' orders, whatever its date (cohort refund rate)
    SELECT refund_id, order_id, coalesce(shipping_amount, 0) + coalesce(tax_amount, 0) AS other
    FROM refunds
    WHERE created_at >= $min_lo AND order_id IN (SELECT order_id FROM o WHERE in_channel)
),
rlx AS (  -- refunded line amounts per refund; cost where the line has a cost snapshot
    SELECT rl.refund_id, sum(rl.amount) AS amount,
           sum(rl.amount) FILTER (WHERE l.unit_cost IS NOT NULL) AS amount_costed,
           sum(l.unit_cost * rl.quantity) AS cost
    FROM refund_lines rl JOIN order_lines l ON l.line_id = rl.line_id
    WHERE NOT coalesce(l.gift_card, false)
      AND rl.refund_id IN (SELECT refund_id FROM rr UNION ALL SELECT refund_id FROM rc)
    GROUP BY rl.refund_id
),
rf AS (
    SELECT rc.order_id, sum(rc.other + coalesce(x.amount, 0)) AS refunded
    FROM rc LEFT JOIN rlx x USING (refund_id) GROUP BY rc.order_id
),
oa AS (  -- order-level figures per period
    SELECT o.label,
           count(*) FILTER (WHERE in_channel) AS orders,
           sum(shipping) FILTER (WHERE in_channel) AS shipping,
           sum(taxes) FILTER (WHERE in_channel) AS taxes,
           sum(duties) FILTER (WHERE in_channel) AS duties,
           sum(shipping + taxes + duties) FILTER (WHERE in_channel) AS other_totals,
           sum(rf.refunded) FILTER (WHERE in_channel) AS cohort_refunded,
           count(rf.order_id) FILTER (WHERE in_channel) AS cohort_refunded_orders,
           quantile_cont(epoch(sh.first_ship - o.created_at) / 3600.0, 0.5)
               FILTER (WHERE sh.first_ship IS NOT NULL) AS lead_median,
           quantile_cont(epoch(sh.first_ship - o.created_at) / 3600.0, 0.9)
               FILTER (WHERE sh.first_ship IS NOT NULL) AS lead_p90,
           count(*) FILTER (WHERE sh.first_ship IS NOT NULL AND o.ship_by IS NOT NULL) AS shipped_promised,
           count(*) FILTER (WHERE sh.first_ship > o.ship_by) AS shipped_late,
           sum(shipping + taxes + duties) FILTER (WHERE attributed) AS attributed_other
    FROM o LEFT JOIN sh ON sh.order_id = o.order_id AND o.in_channel
           LEFT JOIN rf ON rf.order_id = o.order_id AND o.in_channel
    GROUP BY o.label
),
lt AS (
    SELECT label,
           sum(gross) FILTER (WHERE in_channel) AS gross,
           sum(discounts) FILTER (WHERE in_channel) AS discounts,
           sum(sales_costed) FILTER (WHERE in_channel) AS sales_costed,
           sum(cogs) FILTER (WHERE in_channel) AS cogs,
           sum(gross - discounts) FILTER (WHERE attributed) AS attributed_sales
    FROM la GROUP BY label
),
cu AS (
    SELECT label, customer, max(created_at) AS last_at FROM o
    WHERE in_channel AND customer IS NOT NULL GROUP BY label, customer
),
fo AS (  -- each of those customers' first order ever (any channel)
    SELECT customer_id AS customer, min(created_at) AS first_at FROM orders
    WHERE NOT is_test AND created_at < $max_hi AND customer_id IN (SELECT customer FROM cu)
    GROUP BY customer_id
    UNION ALL
    SELECT 'email:' || lower(trim(email)), min(created_at) FROM orders
    WHERE NOT is_test AND created_at < $max_hi AND customer_id IS NULL AND email IS NOT NULL
      AND 'email:' || lower(trim(email)) IN (SELECT customer FROM cu WHERE customer LIKE 'email:%')
    GROUP BY 1
),
cr AS (
    SELECT cu.label, count(*) AS customers, count(*) FILTER (WHERE fo.first_at < cu.last_at) AS returning_customers
    FROM cu JOIN fo USING (customer) GROUP BY cu.label
),
ra AS (
    SELECT rr.label, sum(x.amount) AS returns, sum(x.amount_costed) AS returns_costed, sum(x.cost) AS returns_cost,
           sum(rr.shipping) AS shipping_refunded, sum(rr.taxes) AS taxes_refunded
    FROM rr LEFT JOIN rlx x USING (refund_id) GROUP BY rr.label
),
ss AS (
    SELECT g.label, sum(s.sessions) AS sessions, sum(s.converted) AS converted
    FROM sessions s JOIN rng g ON s.date BETWEEN g.ds AND g.de GROUP BY g.label
),
ads AS (
    SELECT g.label, sum(a.spend) AS spend, sum(a.purchase_value) AS platform_value
    FROM ad_stats a JOIN rng g ON a.date BETWEEN g.ds AND g.de GROUP BY g.label
),
tot AS (
    SELECT g.label,
           {m_gross} AS gross_sales,
           {m_discounts} AS discounts,
           {m_returns} AS returns,
           {m_net} AS net_sales,
           {m_shipping} AS shipping,
           {m_taxes} AS taxes,
           {m_total} AS total_sales,
           CAST(coalesce(oa.orders, 0) AS BIGINT) AS orders,
           {m_aov} AS aov,
           CAST(coalesce(cr.customers, 0) AS BIGINT) AS customers,
           CAST(cr.returning_customers AS DOUBLE) / NULLIF(cr.customers, 0) AS returning_customer_rate,
           CASE WHEN {sessions_on} THEN CAST(coalesce(ss.sessions, 0) AS BIGINT) END AS sessions,
           CASE WHEN {sessions_on} THEN CAST(ss.converted AS DOUBLE) / NULLIF(ss.sessions, 0) END AS conversion_rate,
           CAST(coalesce(oa.cohort_refunded, 0) AS DOUBLE)
             / NULLIF(CAST(coalesce(lt.gross, 0) - coalesce(lt.discounts, 0) + coalesce(oa.other_totals, 0) AS DOUBLE), 0)
             AS refund_rate,
           CAST(oa.cohort_refunded_orders AS DOUBLE) / NULLIF(oa.orders, 0) AS refunded_orders_rate,
           (CAST(coalesce(lt.sales_costed, 0) - coalesce(ra.returns_costed, 0) AS DOUBLE)
              - CAST(coalesce(lt.cogs, 0) - coalesce(ra.returns_cost, 0) AS DOUBLE))
             / NULLIF(CAST(coalesce(lt.sales_costed, 0) - coalesce(ra.returns_costed, 0) AS DOUBLE), 0) AS gross_margin,
           oa.lead_median AS lead_time_median_hours,
           oa.lead_p90 AS lead_time_p90_hours,
           CAST(oa.shipped_late AS DOUBLE) / NULLIF(oa.shipped_promised, 0) AS late_shipment_rate,
           {m_spend} AS ad_spend,
           {m_attr} AS attributed_revenue,
           CAST(coalesce(lt.attributed_sales, 0) + coalesce(oa.attributed_other, 0) AS DOUBLE)
             / NULLIF(CAST(ads.spend AS DOUBLE), 0) AS roas,
           CAST(ads.platform_value AS DOUBLE) / NULLIF(CAST(ads.spend AS DOUBLE), 0) AS roas_platform
    FROM rng g LEFT JOIN oa USING (label) LEFT JOIN lt USING (label) LEFT JOIN ra USING (label)
         LEFT JOIN cr USING (label) LEFT JOIN ss USING (label) LEFT JOIN ads USING (label)
),
days AS (
    SELECT CAST(range AS DATE) AS date
    FROM range(CAST(CAST($c_s AS DATE) AS TIMESTAMP), CAST(CAST($c_e AS DATE) AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY)
),
d_o AS (SELECT day, count(*) AS orders FROM o WHERE label = 'current' AND in_channel GROUP BY day),
d_l AS (SELECT day, sum(gross - discounts) AS sales FROM la WHERE label = 'current' AND in_channel GROUP BY day),
d_r AS (SELECT rr.day, sum(x.amount) AS returns FROM rr LEFT JOIN rlx x USING (refund_id)
        WHERE rr.label = 'current' GROUP BY rr.day),
d_s AS (SELECT date, sum(sessions) AS sessions, sum(converted) AS converted FROM sessions
        WHERE date BETWEEN CAST($c_s AS DATE) AND CAST($c_e AS DATE) GROUP BY date),
daily AS (
    SELECT 'daily' AS label, days.date, CAST(coalesce(d_o.orders, 0) AS BIGINT) AS orders,
           CAST(coalesce(d_l.sales, 0) - coalesce(d_r.returns, 0) AS DECIMAL(18,4)) AS net_sales,
           CASE WHEN {sessions_on} THEN CAST(coalesce(d_s.sessions, 0) AS BIGINT) END AS sessions,
           CASE WHEN {sessions_on} THEN CAST(coalesce(d_s.converted, 0) AS BIGINT) END AS converted,
           CASE WHEN {sessions_on} THEN CAST(d_s.converted AS DOUBLE) / NULLIF(d_s.sessions, 0) END AS conversion_rate
    FROM days LEFT JOIN d_o ON d_o.day = days.date LEFT JOIN d_l ON d_l.day = days.date
         LEFT JOIN d_r ON d_r.day = days.date LEFT JOIN d_s ON d_s.date = days.date
)
SELECT * FROM tot
UNION ALL BY NAME
SELECT * FROM daily
"""

_ORDER_BRANCH = """    SELECT '{label}' AS label, order_id, created_at, ship_by, {day} AS day,
           CASE WHEN customer_id IS NOT NULL THEN customer_id
                WHEN email IS NOT NULL THEN 'email:' || lower(trim(email)) END AS customer,
           {in_channel} AS in_channel,
           coalesce(lower(trim(utm_campaign)) IN (SELECT k FROM camp), false) AS attributed,
           coalesce(shipping_price, 0) - coalesce(shipping_discount, 0) AS shipping,
           coalesce(total_tax, 0) AS taxes, coalesce(total_duties, 0) AS duties
    FROM orders
    WHERE NOT is_test AND created_at >= CAST(${k}_lo AS TIMESTAMPTZ) AND created_at < CAST(${k}_hi AS TIMESTAMPTZ)"""

_REFUND_BRANCH = """    SELECT '{label}' AS label, r.refund_id, r.order_id, {day} AS day,
           coalesce(r.shipping_amount, 0) AS shipping, coalesce(r.tax_amount, 0) AS taxes
    FROM refunds r JOIN orders o2 ON o2.order_id = r.order_id AND NOT o2.is_test {chan2}
    WHERE r.created_at >= CAST(${k}_lo AS TIMESTAMPTZ) AND r.created_at < CAST(${k}_hi AS TIMESTAMPTZ)"""


def _kpi_sql(channel: str | None, sessions_on: bool) -> str:
    """The one KPI query. Each period is its own branch of a UNION ALL (each scan prunes by date;
    overlapping periods - a period longer than half a year - simply repeat rows, once per period)."""
    branches = [("current", "c"), ("previous", "p"), ("last_year", "y")]
    order_branches = "\n    UNION ALL\n".join(
        _ORDER_BRANCH.format(label=label, k=k, in_channel="channel = $channel" if channel else "true",
                             day=local_date_sql("created_at") if label == "current" else "CAST(NULL AS DATE)")
        for label, k in branches)
    refund_branches = "\n    UNION ALL\n".join(
        _REFUND_BRANCH.format(label=label, k=k, chan2="AND o2.channel = $channel" if channel else "",
                              day=local_date_sql("r.created_at") if label == "current" else "CAST(NULL AS DATE)")
        for label, k in branches)
    net = "coalesce(lt.gross, 0) - coalesce(lt.discounts, 0) - coalesce(ra.returns, 0)"
    ship = "coalesce(oa.shipping, 0) - coalesce(ra.shipping_refunded, 0)"
    tax = "coalesce(oa.taxes, 0) - coalesce(ra.taxes_refunded, 0)"
    return _KPI_SQL.format(
        order_branches=order_branches, refund_branches=refund_branches,
        sessions_on="true" if sessions_on else "false",
        m_gross=money("lt.gross"), m_discounts=money("lt.discounts"), m_returns=money("ra.returns"),
        m_net=money(net), m_shipping=money(ship), m_taxes=money(tax),
        m_total=money(f"{net} + {ship} + {tax} + coalesce(oa.duties, 0)"),
        m_aov=money_ratio("lt.gross - lt.discounts", "oa.orders"),
        m_spend=money("ads.spend"),
        m_attr=money("coalesce(lt.attributed_sales, 0) + coalesce(oa.attributed_other, 0)"),
    )


def _change(cur, base) -> float | None:
    if cur is None or base is None:
        return None
    if isinstance(cur, Decimal) or isinstance(base, Decimal):
        cur, base = Decimal(str(cur)), Decimal(str(base))
        return None if base == 0 else float((cur - base) / abs(base))
    return None if base == 0 else (float(cur) - float(base)) / abs(float(base))


def format_value(value, unit: str, currency: str | None = None) -> str:
    """A value as a shop person reads it: '1,234.50 EUR', '1.2%', '36.0 h', '3.70', '1,234'."""
    if value is None or (isinstance(value, float) and value != value):
        return "n/a"
    if unit == "money":
        return f"{Decimal(str(value)):,.2f} {currency or ''}".strip()
    if unit == "percent":
        return f"{float(value) * 100:.1f}%"
    if unit == "hours":
        return f"{float(value):.1f} h"
    if unit == "ratio":
        return f"{float(value):.2f}"
    v = Decimal(str(value))
    return f"{int(v):,}" if v == v.to_integral_value() else f"{float(v):,.1f}"


def kpi_report(store, period, *, channel: str | None = None, targets=None) -> KpiReport:
    """KPIs of ``period`` against the previous period, last year and ``targets``.

    ``period``: a :class:`Period` or text for :func:`parse_period`; ``channel``: a sales channel or
    None for all; ``targets``: None (no targets), a :class:`Targets`, a parsed TOML mapping or a path
    to a TOML file (see :mod:`workbench.reports.targets`).
    """
    parse_period(period, today=date.today())  # fail fast on a bad period before touching the store
    tg: Targets = as_targets(targets)
    with store.connect() as con:
        ctx = _shop_context(store, con, channel)
        p = _resolve_period(period, ctx)
        prev, ly = p.previous(), p.last_year()
        params = {"tz": ctx.timezone, "channel": ctx.channel}
        bounds = {}
        for key, per in (("c", p), ("p", prev), ("y", ly)):
            lo, hi = utc_bounds(per, ctx.timezone)
            params.update({f"{key}_lo": lo, f"{key}_hi": hi, f"{key}_s": per.start, f"{key}_e": per.end})
            bounds[key] = (lo, hi)
        params["min_lo"] = min(b[0] for b in bounds.values())
        params["max_hi"] = max(b[1] for b in bounds.values())
        sessions_on = ctx.channel is None or ctx.channel == "online_store"
        result = _arrow(con, _kpi_sql(ctx.channel, sessions_on), **params)

    is_daily = pc.equal(result["label"], "daily")
    daily_cols = ["date", "orders", "net_sales", "sessions", "converted", "conversion_rate"]
    daily = schema.to_frame(result.filter(is_daily).select(daily_cols).sort_by("date"))
    rows = {r["label"]: r for r in result.filter(pc.invert(is_daily)).drop_columns(["date", "converted"]).to_pylist()}
    return _build(p, prev, ly, ctx, rows, daily, tg, sessions_on)


def _build(p: Period, prev: Period, ly: Period, ctx, rows: dict, daily: pd.DataFrame, tg: Targets,
           sessions_on: bool) -> KpiReport:
    cur, pre, las = rows["current"], rows["previous"], rows["last_year"]
    records, alerts = [], []
    for kpi, (label, unit) in KPIS.items():
        value, previous, last_year = cur[kpi], pre[kpi], las[kpi]
        note = ""
        if kpi in _SESSION_KPIS and not sessions_on:
            note = f"n/a: sessions are online-store visits; the {ctx.channel} channel has none"
        elif kpi in _AD_KPIS and ctx.channel:
            note = "all channels: ad spend is not split by sales channel"
        elif kpi == "gross_margin":
            note = "lines with a cost snapshot only"
        elif kpi in ("refund_rate", "refunded_orders_rate"):
            note = "refunds of the period's orders, up to the data date"
        target = tg.get(kpi, channel=ctx.channel, days=p.days)
        met = target.met_by(value) if target else None
        status = "no target" if target is None else ("n/a" if met is None else ("ok" if met else "miss"))
        tval = None if target is None else (target.value if unit == "money" else
                                            (int(target.value) if unit == "count" and target.value == int(target.value)
                                             else float(target.value)))
        records.append(dict(kpi=kpi, label=label, unit=unit, value=value, previous=previous, last_year=last_year,
                            target=tval, change_vs_previous=_change(value, previous),
                            change_vs_last_year=_change(value, last_year), status=status, note=note))
        if status == "miss":
            side = "below the target of" if target.direction == "min" else "above the limit of"
            msg = (f"{label} for {p.label}: {format_value(value, unit, ctx.currency)}, {side} "
                   f"{format_value(tval, unit, ctx.currency)} (previous period: "
                   f"{format_value(previous, unit, ctx.currency)}).")
            alerts.append(dict(kpi=kpi, label=label, value=value, target=tval, direction=target.direction,
                               message=msg))
    table = pd.DataFrame.from_records(records, columns=list(records[0]))
    for col in ("value", "previous", "last_year", "target"):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    for col in ("change_vs_previous", "change_vs_last_year"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    alert_frame = pd.DataFrame.from_records(
        alerts, columns=["kpi", "label", "value", "target", "direction", "message"])
    return KpiReport(period=p, previous_period=prev, last_year_period=ly, channel=ctx.channel,
                     currency=ctx.currency, timezone=ctx.timezone, data_as_of=ctx.data_as_of, table=table,
                     alerts=alert_frame, daily=daily, targets_source=tg.source)


def kpi_figures(report: KpiReport) -> dict:
    """Plotly figures: ``daily`` (net sales and orders per day), ``conversion`` (sessions, conversion)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    d = report.daily
    x = d["date"].astype(str)
    figs = {}
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=d["net_sales"].astype("float64[pyarrow]").astype("float64"),
                         name=f"Net sales ({report.currency or ''})"))
    fig.add_trace(go.Scatter(x=x, y=d["orders"].astype("float64"), name="Orders", mode="lines+markers"),
                  secondary_y=True)
    fig.update_layout(title=f"Net sales and orders per day, {report.period.label}")
    figs["daily"] = fig
    if d["sessions"].notna().any():
        fig = make_subplots(specs=[[{"secondary_y": True}]])
        fig.add_trace(go.Bar(x=x, y=d["sessions"].astype("float64"), name="Sessions"))
        fig.add_trace(go.Scatter(x=x, y=(d["conversion_rate"].astype("float64") * 100), name="Conversion %",
                                 mode="lines+markers"), secondary_y=True)
        fig.update_layout(title=f"Online store sessions and conversion, {report.period.label}")
        figs["conversion"] = fig
    return figs
