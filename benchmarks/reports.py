"""Benchmark: the report functions against raw DuckDB SQL (the limit) and plain pandas (what an analyst writes).

On a demo shop of ``--orders`` orders (default 1,000,000; the store file is built once with
:func:`workbench.demo.seed_demo` and reused), time the figures of three reports (charts are not built):

* ``orders_report(store, period)`` and ``kpi_report(store, period)`` for the last 90 days of data
  (the 90 local days ending on the day of the newest order; the KPI report adds the previous 90 days
  and the same dates last year), all channels;
* ``supplier_payments_report(store, as_of=<that last day>)``.

against

(a) **sql**: the same figures as hand-written SQL on ONE already-open, read-only DuckDB connection to
    the same file, every result fetched through Arrow (``.to_arrow_table()``) like the package does;
(b) **pandas**: what an analyst writes without the package: read the needed tables from the store
    into DataFrames (``con.sql("select * from orders").df()``; the reading counts), then compute the
    same figures with pandas filters, groupby and merge.

Before timing, the three versions' figures are compared (every numeric column's total, row counts,
small tables' keys, every KPI of the three periods); a mismatch is printed loudly and fails ``--check``.
Targets: every report within 1.5x of (a) and at least 3x faster than (b). Each figure is the median of
``--runs`` runs after a warm-up. The last line printed is the worst ratio against (a).

    .venv/bin/python benchmarks/reports.py                 # 1M orders, 5 runs
    .venv/bin/python benchmarks/reports.py --check         # exit 1 when a target is missed
    .venv/bin/python benchmarks/reports.py --orders 20000 --runs 1
"""
from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from _common import Bench, Case, fmt_ms, fmt_ratio, median_times, print_table, project_root  # noqa: E402

from workbench.reports.kpis import KPIS, kpi_report  # noqa: E402
from workbench.reports.orders import orders_report  # noqa: E402
from workbench.reports.period import Period, utc_bounds  # noqa: E402
from workbench.reports.supplier_payments import BUCKETS, supplier_payments_report  # noqa: E402
from workbench.store import Store  # noqa: E402

MAX_VS_SQL = 1.5      # package time / raw SQL time, at most
MIN_VS_PANDAS = 3.0   # pandas time / package time, at least
PERIOD_DAYS = 90
TOP_N = 10


# ---- the store ---------------------------------------------------------------------------------

def ensure_store(path: Path, orders: int, bench: Bench) -> Store:
    """The demo store at ``path`` with exactly ``orders`` orders; built (or rebuilt) when needed."""
    store = Store(path)
    if path.exists():
        try:
            with store.connect() as con:
                have = con.execute("SELECT count(*) FROM orders").fetchall()[0][0]
            if have == orders:
                bench.log(f"reusing {path} ({orders:,} orders)")
                return store
            bench.log(f"{path} holds {have:,} orders, not {orders:,}: rebuilding")
        except Exception as exc:  # noqa: BLE001 - any unreadable file is rebuilt
            bench.log(f"{path} is not usable ({exc}): rebuilding")
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)
    from workbench.demo import seed_demo

    bench.log(f"building the demo shop with {orders:,} orders in {path} ...")
    t0 = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    seed_demo(store, orders=orders, progress=False)
    bench.log(f"built in {time.perf_counter() - t0:.1f} s")
    return store


@contextlib.contextmanager
def quiet_stdout():
    """Send fd 1 to /dev/null (DuckDB draws a progress bar on stdout for queries over 2 s)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# ---- (a) hand-written SQL ---------------------------------------------------------------------

def _arrow(con, sql: str, params: dict | None = None) -> pa.Table:
    return con.sql(sql, params=params or None).to_arrow_table()


def _money(expr: str) -> str:
    return f"CAST(coalesce({expr}, 0) AS DECIMAL(18,4))"


def sql_orders(con, period: Period, tz: str) -> dict[str, pa.Table]:
    lo, hi = utc_bounds(period, tz)
    prm = {"tz": tz, "lo": lo, "hi": hi}
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_o AS
        SELECT order_id, coalesce(customer_id, lower(trim(email))) AS customer, channel,
               coalesce(financial_status, 'unknown') AS financial_status,
               coalesce(fulfillment_status, 'unfulfilled') AS fulfillment_status,
               coalesce(shipping_country, '??') AS country, cancelled_at IS NOT NULL AS cancelled,
               CAST(timezone($tz, created_at) AS DATE) AS day,
               coalesce(shipping_price, 0) - coalesce(shipping_discount, 0) AS shipping,
               coalesce(total_tax, 0) AS taxes, coalesce(total_duties, 0) AS duties
        FROM orders WHERE created_at >= $lo AND created_at < $hi AND NOT is_test""", prm)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_l AS
        SELECT l.order_id, coalesce(l.product_id, l.sku, l.title) AS pid, l.title, l.quantity,
               l.price * l.quantity AS gross, coalesce(l.discount_amount, 0) AS discounts
        FROM order_lines l SEMI JOIN b_o o ON o.order_id = l.order_id
        WHERE NOT coalesce(l.gift_card, false)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_oo AS
        SELECT o.*, coalesce(l.gross, 0) AS gross, coalesce(l.discounts, 0) AS discounts,
               coalesce(l.units, 0) AS units
        FROM b_o o LEFT JOIN (SELECT order_id, sum(gross) AS gross, sum(discounts) AS discounts,
                                     sum(quantity) AS units FROM b_l GROUP BY order_id) l USING (order_id)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_r AS
        SELECT r.refund_id, r.order_id, CAST(timezone($tz, r.created_at) AS DATE) AS day, o.channel,
               coalesce(o.shipping_country, '??') AS country,
               coalesce(r.shipping_amount, 0) AS shipping, coalesce(r.tax_amount, 0) AS taxes
        FROM refunds r JOIN orders o ON o.order_id = r.order_id
        WHERE r.created_at >= $lo AND r.created_at < $hi AND NOT o.is_test""", prm)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_rl AS
        SELECT rl.refund_id, coalesce(l.product_id, l.sku, l.title) AS pid, l.title, rl.quantity, rl.amount
        FROM refund_lines rl JOIN b_r r ON r.refund_id = rl.refund_id JOIN order_lines l ON l.line_id = rl.line_id
        WHERE NOT coalesce(l.gift_card, false)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_rr AS
        SELECT r.*, coalesce(x.returns, 0) AS returns, coalesce(x.units, 0) AS units
        FROM b_r r LEFT JOIN (SELECT refund_id, sum(amount) AS returns, sum(quantity) AS units
                              FROM b_rl GROUP BY refund_id) x USING (refund_id)""")

    def sales_by(key: str, keyname: str) -> str:
        return f"""
            WITH so AS (SELECT {key} AS k, count(*) AS orders, sum(gross) AS gross, sum(discounts) AS disc
                        FROM b_oo GROUP BY 1),
                 sr AS (SELECT {key} AS k, sum(returns) AS returns FROM b_rr GROUP BY 1)
            SELECT coalesce(so.k, sr.k) AS {keyname}, coalesce(so.orders, 0) AS orders,
                   {_money('so.gross')} AS gross_sales, {_money('so.disc')} AS discounts,
                   {_money('sr.returns')} AS returns,
                   {_money('coalesce(so.gross, 0) - coalesce(so.disc, 0) - coalesce(sr.returns, 0)')} AS net_sales,
                   CAST(CAST(so.gross - so.disc AS DOUBLE) / NULLIF(so.orders, 0) AS DECIMAL(18,4)) AS aov
            FROM so FULL JOIN sr ON so.k = sr.k"""

    out = {}
    out["summary"] = _arrow(con, """
        WITH so AS (SELECT count(*) AS orders, sum(units) AS units, count(DISTINCT customer) AS customers,
                           count(*) FILTER (WHERE cancelled) AS cancelled_orders, sum(gross) AS gross,
                           sum(discounts) AS disc, sum(shipping) AS shipping, sum(taxes) AS taxes,
                           sum(duties) AS duties FROM b_oo),
             sr AS (SELECT count(*) AS refunds, count(DISTINCT order_id) AS refunded_orders, sum(units) AS units,
                           sum(returns) AS returns, sum(shipping) AS shipping, sum(taxes) AS taxes FROM b_rr),
             t AS (SELECT so.*, coalesce(sr.returns, 0) AS ret, coalesce(sr.shipping, 0) AS rship,
                          coalesce(sr.taxes, 0) AS rtax, sr.units AS runits, sr.refunds, sr.refunded_orders
                   FROM so, sr)
        SELECT orders, CAST(coalesce(units, 0) AS BIGINT) AS units, CAST(coalesce(runits, 0) AS BIGINT) AS units_returned,
               customers, cancelled_orders, CAST(coalesce(gross, 0) AS DECIMAL(18,4)) AS gross_sales,
               CAST(coalesce(disc, 0) AS DECIMAL(18,4)) AS discounts, CAST(ret AS DECIMAL(18,4)) AS returns,
               CAST(coalesce(gross, 0) - coalesce(disc, 0) - ret AS DECIMAL(18,4)) AS net_sales,
               CAST(coalesce(shipping, 0) - rship AS DECIMAL(18,4)) AS shipping,
               CAST(coalesce(taxes, 0) - rtax AS DECIMAL(18,4)) AS taxes,
               CAST(coalesce(duties, 0) AS DECIMAL(18,4)) AS duties,
               CAST(coalesce(gross, 0) - coalesce(disc, 0) - ret + coalesce(shipping, 0) - rship
                    + coalesce(taxes, 0) - rtax + coalesce(duties, 0) AS DECIMAL(18,4)) AS total_sales,
               CAST(CAST(gross - disc AS DOUBLE) / NULLIF(orders, 0) AS DECIMAL(18,4)) AS aov,
               refunds, refunded_orders
        FROM t""")
    out["by_period"] = _arrow(con, f"""
        WITH s AS ({sales_by('day', 'day')})
        SELECT CAST(d.range AS DATE) AS bucket, coalesce(s.orders, 0) AS orders,
               {_money('s.gross_sales')} AS gross_sales, {_money('s.discounts')} AS discounts,
               {_money('s.returns')} AS returns, {_money('s.net_sales')} AS net_sales, s.aov
        FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) d
        LEFT JOIN s ON s.day = CAST(d.range AS DATE) ORDER BY 1""", {"start": period.start, "end": period.end})
    out["by_channel"] = _arrow(con, f"""
        WITH s AS ({sales_by('channel', 'channel')})
        SELECT *, CAST(net_sales AS DOUBLE) / NULLIF(sum(CAST(net_sales AS DOUBLE)) OVER (), 0) AS share_of_net_sales
        FROM s ORDER BY net_sales DESC, channel""")
    out["by_status"] = _arrow(con, """
        SELECT financial_status, fulfillment_status, count(*) AS orders,
               CAST(sum(gross) AS DECIMAL(18,4)) AS gross_sales, CAST(sum(discounts) AS DECIMAL(18,4)) AS discounts,
               CAST(sum(gross) - sum(discounts) AS DECIMAL(18,4)) AS sales
        FROM b_oo GROUP BY ALL ORDER BY orders DESC, financial_status, fulfillment_status""")
    out["by_country"] = _arrow(con, f"""
        SELECT * FROM ({sales_by('country', 'country')}) ORDER BY net_sales DESC, country""")
    out["top_products"] = _arrow(con, f"""
        WITH sold AS (SELECT pid, any_value(title) AS title, sum(quantity) AS units, sum(gross) AS gross,
                             sum(discounts) AS disc FROM b_l GROUP BY pid),
             ret AS (SELECT pid, any_value(title) AS title, sum(quantity) AS units, sum(amount) AS returns
                     FROM b_rl GROUP BY pid),
             s AS (SELECT coalesce(sold.pid, ret.pid) AS product_id, coalesce(sold.title, ret.title) AS title,
                          CAST(coalesce(sold.units, 0) AS BIGINT) AS units,
                          CAST(coalesce(ret.units, 0) AS BIGINT) AS units_returned,
                          {_money('sold.gross')} AS gross_sales, {_money('sold.disc')} AS discounts,
                          {_money('ret.returns')} AS returns,
                          {_money('coalesce(sold.gross, 0) - coalesce(sold.disc, 0) - coalesce(ret.returns, 0)')} AS net_sales
                   FROM sold FULL JOIN ret ON sold.pid = ret.pid
                   ORDER BY net_sales DESC, units DESC, product_id LIMIT {TOP_N})
        SELECT CAST(row_number() OVER (ORDER BY s.net_sales DESC, s.units DESC, s.product_id) AS BIGINT) AS rank,
               s.product_id, coalesce(p.title, s.title, s.product_id) AS product, s.units, s.units_returned,
               s.gross_sales, s.discounts, s.returns, s.net_sales
        FROM s LEFT JOIN products p ON p.product_id = s.product_id ORDER BY rank""")
    out["refunds"] = _arrow(con, """
        SELECT day AS date, count(*) AS refunds, count(DISTINCT order_id) AS orders,
               CAST(sum(returns) AS DECIMAL(18,4)) AS returns, CAST(sum(shipping) AS DECIMAL(18,4)) AS shipping,
               CAST(sum(taxes) AS DECIMAL(18,4)) AS taxes,
               CAST(sum(returns) + sum(shipping) + sum(taxes) AS DECIMAL(18,4)) AS total
        FROM b_rr GROUP BY day ORDER BY day""")
    return out


_SQL_KPI_ONE = """
WITH o AS (
    SELECT order_id, created_at, ship_by, coalesce(customer_id, lower(trim(email))) AS customer,
           lower(trim(utm_campaign)) AS campaign,
           coalesce(shipping_price, 0) - coalesce(shipping_discount, 0) AS shipping,
           coalesce(total_tax, 0) AS taxes, coalesce(total_duties, 0) AS duties
    FROM orders WHERE created_at >= $lo AND created_at < $hi AND NOT is_test
),
ol AS (
    SELECT l.order_id, sum(l.price * l.quantity) AS gross, sum(coalesce(l.discount_amount, 0)) AS disc,
           sum(l.price * l.quantity - coalesce(l.discount_amount, 0)) FILTER (WHERE l.unit_cost IS NOT NULL) AS sales_costed,
           sum(l.unit_cost * l.quantity) AS cogs
    FROM order_lines l SEMI JOIN o ON o.order_id = l.order_id
    WHERE NOT coalesce(l.gift_card, false) GROUP BY l.order_id
),
sh AS (
    SELECT s.order_id, min(s.created_at) AS first_ship FROM shipments s SEMI JOIN o ON o.order_id = s.order_id
    WHERE coalesce(s.status, '') <> 'cancelled' GROUP BY s.order_id
),
rr AS (   -- refunds dated in the period (returns)
    SELECT r.refund_id, coalesce(r.shipping_amount, 0) AS shipping, coalesce(r.tax_amount, 0) AS taxes
    FROM refunds r JOIN orders x ON x.order_id = r.order_id AND NOT x.is_test
    WHERE r.created_at >= $lo AND r.created_at < $hi
),
rc AS (   -- every refund of the period's orders (refund rate)
    SELECT r.refund_id, r.order_id, coalesce(r.shipping_amount, 0) + coalesce(r.tax_amount, 0) AS other
    FROM refunds r SEMI JOIN o ON o.order_id = r.order_id
),
rlx AS (
    SELECT rl.refund_id, sum(rl.amount) AS amount, sum(rl.amount) FILTER (WHERE l.unit_cost IS NOT NULL) AS amount_costed,
           sum(l.unit_cost * rl.quantity) AS cost
    FROM refund_lines rl JOIN order_lines l ON l.line_id = rl.line_id
    WHERE NOT coalesce(l.gift_card, false)
      AND rl.refund_id IN (SELECT refund_id FROM rr UNION SELECT refund_id FROM rc)
    GROUP BY rl.refund_id
),
rf AS (SELECT rc.order_id, sum(rc.other + coalesce(x.amount, 0)) AS refunded
       FROM rc LEFT JOIN rlx x USING (refund_id) GROUP BY rc.order_id),
camp AS (SELECT DISTINCT lower(trim(k)) AS k
         FROM (SELECT campaign_id AS k FROM ad_stats UNION ALL SELECT campaign_name FROM ad_stats) WHERE k IS NOT NULL),
od AS (
    SELECT o.*, coalesce(ol.gross, 0) AS gross, coalesce(ol.disc, 0) AS disc, ol.sales_costed, ol.cogs, sh.first_ship,
           rf.order_id IS NOT NULL AS has_refund, coalesce(rf.refunded, 0) AS refunded,
           coalesce(o.campaign IN (SELECT k FROM camp), false) AS attributed
    FROM o LEFT JOIN ol USING (order_id) LEFT JOIN sh USING (order_id) LEFT JOIN rf USING (order_id)
),
agg AS (
    SELECT count(*) AS orders, sum(gross) AS gross, sum(disc) AS disc, sum(shipping) AS shipping, sum(taxes) AS taxes,
           sum(duties) AS duties, sum(sales_costed) AS sales_costed, sum(cogs) AS cogs,
           sum(gross - disc + shipping + taxes + duties) AS order_totals,
           sum(refunded) AS refunded, count(*) FILTER (WHERE has_refund) AS refunded_orders,
           quantile_cont(epoch(first_ship - created_at) / 3600.0, 0.5) FILTER (WHERE first_ship IS NOT NULL) AS lead_median,
           quantile_cont(epoch(first_ship - created_at) / 3600.0, 0.9) FILTER (WHERE first_ship IS NOT NULL) AS lead_p90,
           count(*) FILTER (WHERE first_ship IS NOT NULL AND ship_by IS NOT NULL) AS promised,
           count(*) FILTER (WHERE first_ship > ship_by) AS late,
           sum(gross - disc + shipping + taxes + duties) FILTER (WHERE attributed) AS attributed_revenue
    FROM od
),
cu AS (SELECT customer, max(created_at) AS last_at FROM o WHERE customer IS NOT NULL GROUP BY customer),
fo AS (SELECT coalesce(customer_id, lower(trim(email))) AS customer, min(created_at) AS first_at
       FROM orders WHERE NOT is_test AND created_at < $hi
         AND coalesce(customer_id, lower(trim(email))) IN (SELECT customer FROM cu) GROUP BY 1),
cr AS (SELECT count(*) AS customers, count(*) FILTER (WHERE fo.first_at < cu.last_at) AS returning_n
       FROM cu JOIN fo USING (customer)),
ra AS (SELECT sum(x.amount) AS returns, sum(x.amount_costed) AS returns_costed, sum(x.cost) AS returns_cost,
              sum(rr.shipping) AS shipping, sum(rr.taxes) AS taxes FROM rr LEFT JOIN rlx x USING (refund_id)),
ss AS (SELECT sum(sessions) AS sessions, sum(converted) AS converted FROM sessions WHERE date BETWEEN $s AND $e),
ads AS (SELECT sum(spend) AS spend, sum(purchase_value) AS platform_value FROM ad_stats WHERE date BETWEEN $s AND $e),
t AS (SELECT agg.*, coalesce(ra.returns, 0) AS ret, coalesce(ra.shipping, 0) AS rship, coalesce(ra.taxes, 0) AS rtax,
             ra.returns_costed, ra.returns_cost, cr.customers, cr.returning_n, ss.sessions, ss.converted,
             ads.spend, ads.platform_value
      FROM agg, ra, cr, ss, ads)
SELECT CAST(coalesce(gross, 0) AS DECIMAL(18,4)) AS gross_sales,
       CAST(coalesce(disc, 0) AS DECIMAL(18,4)) AS discounts,
       CAST(ret AS DECIMAL(18,4)) AS returns,
       CAST(coalesce(gross, 0) - coalesce(disc, 0) - ret AS DECIMAL(18,4)) AS net_sales,
       CAST(coalesce(shipping, 0) - rship AS DECIMAL(18,4)) AS shipping,
       CAST(coalesce(taxes, 0) - rtax AS DECIMAL(18,4)) AS taxes,
       CAST(coalesce(gross, 0) - coalesce(disc, 0) - ret + coalesce(shipping, 0) - rship + coalesce(taxes, 0) - rtax
            + coalesce(duties, 0) AS DECIMAL(18,4)) AS total_sales,
       orders,
       CAST(CAST(gross - disc AS DOUBLE) / NULLIF(orders, 0) AS DECIMAL(18,4)) AS aov,
       coalesce(customers, 0) AS customers,
       CAST(returning_n AS DOUBLE) / NULLIF(customers, 0) AS returning_customer_rate,
       coalesce(sessions, 0) AS sessions,
       CAST(converted AS DOUBLE) / NULLIF(sessions, 0) AS conversion_rate,
       CAST(refunded AS DOUBLE) / NULLIF(CAST(order_totals AS DOUBLE), 0) AS refund_rate,
       CAST(refunded_orders AS DOUBLE) / NULLIF(orders, 0) AS refunded_orders_rate,
       (CAST(coalesce(sales_costed, 0) - coalesce(returns_costed, 0) AS DOUBLE)
          - CAST(coalesce(cogs, 0) - coalesce(returns_cost, 0) AS DOUBLE))
         / NULLIF(CAST(coalesce(sales_costed, 0) - coalesce(returns_costed, 0) AS DOUBLE), 0) AS gross_margin,
       lead_median AS lead_time_median_hours, lead_p90 AS lead_time_p90_hours,
       CAST(late AS DOUBLE) / NULLIF(promised, 0) AS late_shipment_rate,
       CAST(coalesce(spend, 0) AS DECIMAL(18,4)) AS ad_spend,
       CAST(coalesce(attributed_revenue, 0) AS DECIMAL(18,4)) AS attributed_revenue,
       CAST(coalesce(attributed_revenue, 0) AS DOUBLE) / NULLIF(CAST(spend AS DOUBLE), 0) AS roas,
       CAST(platform_value AS DOUBLE) / NULLIF(CAST(spend AS DOUBLE), 0) AS roas_platform
FROM t
"""

_SQL_KPI_DAILY = """
WITH o AS (
    SELECT CAST(timezone($tz, o.created_at) AS DATE) AS day, count(*) AS orders,
           sum(l.gross - l.disc) AS sales
    FROM orders o LEFT JOIN (
        SELECT order_id, sum(price * quantity) AS gross, sum(coalesce(discount_amount, 0)) AS disc
        FROM order_lines WHERE NOT coalesce(gift_card, false)
          AND order_id IN (SELECT order_id FROM orders WHERE created_at >= $lo AND created_at < $hi AND NOT is_test)
        GROUP BY order_id) l USING (order_id)
    WHERE o.created_at >= $lo AND o.created_at < $hi AND NOT o.is_test GROUP BY 1
),
r AS (
    SELECT CAST(timezone($tz, r.created_at) AS DATE) AS day, sum(rl.amount) AS returns
    FROM refunds r JOIN orders x ON x.order_id = r.order_id AND NOT x.is_test
         JOIN refund_lines rl ON rl.refund_id = r.refund_id JOIN order_lines l ON l.line_id = rl.line_id
    WHERE r.created_at >= $lo AND r.created_at < $hi AND NOT coalesce(l.gift_card, false) GROUP BY 1
),
s AS (SELECT date, sum(sessions) AS sessions, sum(converted) AS converted FROM sessions
      WHERE date BETWEEN $s AND $e GROUP BY date)
SELECT CAST(d.range AS DATE) AS date, coalesce(o.orders, 0) AS orders,
       CAST(coalesce(o.sales, 0) - coalesce(r.returns, 0) AS DECIMAL(18,4)) AS net_sales,
       coalesce(s.sessions, 0) AS sessions, coalesce(s.converted, 0) AS converted,
       CAST(s.converted AS DOUBLE) / NULLIF(s.sessions, 0) AS conversion_rate
FROM range(CAST($s AS TIMESTAMP), CAST($e AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) d
LEFT JOIN o ON o.day = CAST(d.range AS DATE) LEFT JOIN r ON r.day = CAST(d.range AS DATE)
LEFT JOIN s ON s.date = CAST(d.range AS DATE)
ORDER BY 1
"""


def _kpi_periods(period: Period) -> dict[str, Period]:
    return {"value": period, "previous": period.previous(), "last_year": period.last_year()}


def sql_kpis(con, period: Period, tz: str) -> dict[str, pa.Table]:
    out = {}
    for col, per in _kpi_periods(period).items():
        lo, hi = utc_bounds(per, tz)
        out[col] = _arrow(con, _SQL_KPI_ONE, {"lo": lo, "hi": hi, "s": per.start, "e": per.end})
    lo, hi = utc_bounds(period, tz)
    out["daily"] = _arrow(con, _SQL_KPI_DAILY, {"tz": tz, "lo": lo, "hi": hi, "s": period.start, "e": period.end})
    return out


def sql_supplier_payments(con, as_of: dt.date, tz: str) -> dict[str, pa.Table]:
    # one item per (supplier, shipment); the lines are summed before the shipments are joined. A line owes
    # shipped quantity x supplier_unit_cost (in the supplier's currency); without it, unit_cost (in the
    # order's currency) when the order's currency is the supplier's; a supplier_currency other than the
    # supplier's leaves the line out.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_items AS
        WITH l AS (
            SELECT ol.supplier_id, sl.shipment_id,
                   sum(sl.quantity * CASE WHEN ol.supplier_currency <> su.currency THEN NULL
                                          WHEN ol.supplier_unit_cost IS NOT NULL THEN ol.supplier_unit_cost
                                          WHEN o.currency = su.currency THEN ol.unit_cost END) AS amount,
                   count(*) AS n_lines,
                   count(*) FILTER (WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NULL) AS n_without_cost,
                   count(*) FILTER (WHERE ol.supplier_currency <> su.currency) AS n_other_currency,
                   count(*) FILTER (WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NOT NULL
                                      AND coalesce(ol.supplier_currency, su.currency) = su.currency
                                      AND o.currency <> su.currency) AS n_fallback_other
            FROM shipment_lines sl JOIN order_lines ol ON ol.line_id = sl.line_id
                 JOIN orders o ON o.order_id = ol.order_id
                 LEFT JOIN suppliers su ON su.supplier_id = ol.supplier_id
            WHERE NOT o.is_test GROUP BY ol.supplier_id, sl.shipment_id)
        SELECT l.supplier_id, l.shipment_id, s.order_id, CAST(timezone($tz, s.created_at) AS DATE) AS fulfilled_on,
               CAST(coalesce(l.amount, 0) AS DECIMAL(18,4)) AS amount, l.n_lines, l.n_without_cost,
               l.n_other_currency, l.n_fallback_other
        FROM l JOIN shipments s ON s.shipment_id = l.shipment_id
        WHERE s.status IS DISTINCT FROM 'cancelled'""", {"tz": tz})
    prm = {"as_of": as_of}
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_pay AS
        SELECT p.supplier_id, sum(p.amount) AS paid, max(p.paid_at) AS last_paid_at
        FROM supplier_payments p JOIN suppliers s ON s.supplier_id = p.supplier_id AND s.currency = p.currency
        WHERE p.paid_at <= $as_of GROUP BY p.supplier_id""", prm)
    # FIFO: running totals per (supplier, day); only the day the payments run out is ranked by shipment
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_days AS
        WITH d AS (SELECT supplier_id, fulfilled_on, sum(amount) AS day_amount FROM b_items
                   WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of AND amount <> 0
                   GROUP BY supplier_id, fulfilled_on)
        SELECT d.*, s.currency, d.fulfilled_on + CAST(s.payment_terms_days AS INTEGER) AS due_date,
               coalesce(p.paid, 0) AS pool,
               sum(d.day_amount) OVER (PARTITION BY d.supplier_id ORDER BY d.fulfilled_on ROWS UNBOUNDED PRECEDING)
                 - d.day_amount AS before
        FROM d JOIN suppliers s ON s.supplier_id = d.supplier_id LEFT JOIN b_pay p ON p.supplier_id = d.supplier_id""",
                prm)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_open AS
        WITH j AS (
            SELECT i.supplier_id, i.shipment_id, i.order_id, i.fulfilled_on, d.due_date, i.amount, d.currency,
                   d.before, d.pool
            FROM b_items i JOIN b_days d ON d.supplier_id = i.supplier_id AND d.fulfilled_on = i.fulfilled_on
            WHERE d.before + d.day_amount > d.pool AND i.amount <> 0),
        a AS (
            SELECT *, CAST(0 AS DECIMAL(18,4)) AS paid FROM j WHERE before >= pool
            UNION ALL
            SELECT *, CAST(greatest(least(pool - before - (sum(amount) OVER (PARTITION BY supplier_id ORDER BY shipment_id
                                                            ROWS UNBOUNDED PRECEDING) - amount), amount), 0) AS DECIMAL(18,4))
            FROM j WHERE before < pool)
        SELECT supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount, paid,
               CAST(amount - paid AS DECIMAL(18,4)) AS open_amount, $as_of - due_date AS days_past_due,
               CASE WHEN $as_of - due_date < 0 THEN 'not due' WHEN $as_of - due_date <= 30 THEN '0-30'
                    WHEN $as_of - due_date <= 60 THEN '31-60' WHEN $as_of - due_date <= 90 THEN '61-90'
                    ELSE '90+' END AS bucket, currency
        FROM a WHERE amount > paid""", prm)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE b_bal AS
        WITH inv AS (SELECT supplier_id, sum(day_amount) AS invoiced FROM b_days GROUP BY 1),
             opn AS (SELECT supplier_id, sum(open_amount) FILTER (WHERE bucket = 'not due') AS not_due,
                            sum(open_amount) FILTER (WHERE bucket = '0-30') AS d0_30,
                            sum(open_amount) FILTER (WHERE bucket = '31-60') AS d31_60,
                            sum(open_amount) FILTER (WHERE bucket = '61-90') AS d61_90,
                            sum(open_amount) FILTER (WHERE bucket = '90+') AS d90_plus,
                            min(due_date) AS oldest_due_date FROM b_open GROUP BY 1)
        SELECT s.supplier_id, s.name, s.currency,
               CAST(coalesce(inv.invoiced, 0) AS DECIMAL(18,4)) AS invoiced,
               CAST(coalesce(p.paid, 0) AS DECIMAL(18,4)) AS paid,
               CAST(coalesce(inv.invoiced, 0) - coalesce(p.paid, 0) AS DECIMAL(18,4)) AS open_balance,
               CAST(coalesce(not_due, 0) AS DECIMAL(18,4)) AS not_due, CAST(coalesce(d0_30, 0) AS DECIMAL(18,4)) AS d0_30,
               CAST(coalesce(d31_60, 0) AS DECIMAL(18,4)) AS d31_60, CAST(coalesce(d61_90, 0) AS DECIMAL(18,4)) AS d61_90,
               CAST(coalesce(d90_plus, 0) AS DECIMAL(18,4)) AS d90_plus, opn.oldest_due_date,
               CAST(greatest(coalesce(p.paid, 0) - coalesce(inv.invoiced, 0), 0) AS DECIMAL(18,4)) AS credit,
               s.payment_terms_days, s.iban, s.email
        FROM suppliers s LEFT JOIN inv USING (supplier_id) LEFT JOIN opn USING (supplier_id)
             LEFT JOIN b_pay p USING (supplier_id)
        WHERE inv.supplier_id IS NOT NULL OR p.supplier_id IS NOT NULL""")
    out = {}
    out["balances"] = _arrow(con, """
        SELECT supplier_id, name, currency, invoiced, paid, open_balance, not_due, d0_30, d31_60, d61_90, d90_plus,
               oldest_due_date, credit FROM b_bal ORDER BY open_balance DESC, supplier_id""")
    out["open_items"] = _arrow(con, "SELECT * FROM b_open ORDER BY supplier_id, due_date, fulfilled_on, shipment_id")
    cases = " ".join(f"WHEN '{b}' THEN {c}" for b, c in zip(BUCKETS, ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")))
    values = ", ".join(f"({i}, '{b}')" for i, b in enumerate(BUCKETS))
    out["aging"] = _arrow(con, f"""
        SELECT b.supplier_id, b.name AS supplier, b.currency, k.bucket, CASE k.bucket {cases} END AS amount
        FROM b_bal b CROSS JOIN (VALUES {values}) k(pos, bucket) ORDER BY b.open_balance DESC, b.supplier_id, k.pos""")
    out["suppliers"] = _arrow(con, "SELECT supplier_id, name, currency, payment_terms_days, iban, email "
                                   "FROM b_bal ORDER BY supplier_id")
    out["notes"] = _arrow(con, """
        SELECT (SELECT coalesce(sum(n_lines), 0) FROM b_items WHERE supplier_id IS NULL AND fulfilled_on <= $as_of) AS no_supplier,
               (SELECT coalesce(sum(n_without_cost), 0) FROM b_items WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of) AS no_cost,
               (SELECT coalesce(sum(n_other_currency), 0) FROM b_items WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of) AS line_other_currency,
               (SELECT coalesce(sum(n_fallback_other), 0) FROM b_items WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of) AS fallback_other,
               (SELECT count(*) FROM supplier_payments p JOIN suppliers s ON s.supplier_id = p.supplier_id
                 WHERE p.paid_at <= $as_of AND p.currency <> s.currency) AS other_currency""", prm)
    return out


# ---- (b) plain pandas -------------------------------------------------------------------------

def _read(path: Path, *tables: str) -> dict[str, pd.DataFrame]:
    """What an analyst does first: every needed table, whole, into a DataFrame."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.sql(f"select * from {t}").df() for t in tables}


def _local(ts: pd.Series, tz: str) -> pd.Series:
    """Local calendar day (midnight, tz-naive) of UTC timestamps."""
    return ts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _in_period(ts: pd.Series, period: Period, tz: str) -> pd.Series:
    lo, hi = utc_bounds(period, tz)
    return (ts >= pd.Timestamp(lo)) & (ts < pd.Timestamp(hi))


def _sales_by(o: pd.DataFrame, r: pd.DataFrame, key: str) -> pd.DataFrame:
    so = o.groupby(key).agg(orders=("order_id", "size"), gross_sales=("gross", "sum"), discounts=("discounts", "sum"))
    sr = r.groupby(key).agg(returns=("returns", "sum"))
    s = so.join(sr, how="outer").fillna(0)
    s["orders"] = s["orders"].astype("int64")
    s["net_sales"] = s["gross_sales"] - s["discounts"] - s["returns"]
    s["aov"] = ((s["gross_sales"] - s["discounts"]) / s["orders"]).where(s["orders"] > 0)
    return s


def pandas_orders(path: Path, period: Period) -> dict[str, pd.DataFrame]:
    d = _read(path, "shop", "orders", "order_lines", "refunds", "refund_lines", "products")
    tz = d["shop"]["timezone"].iloc[0]
    orders, lines = d["orders"], d["order_lines"]
    o = orders[~orders["is_test"] & _in_period(orders["created_at"], period, tz)].copy()
    o["customer"] = o["customer_id"].fillna(o["email"].str.strip().str.lower())
    o["day"] = _local(o["created_at"], tz)
    o["country"] = o["shipping_country"].fillna("??")
    o["financial_status"] = o["financial_status"].fillna("unknown")
    o["fulfillment_status"] = o["fulfillment_status"].fillna("unfulfilled")
    o["shipping"] = o["shipping_price"].fillna(0) - o["shipping_discount"].fillna(0)
    o["taxes"] = o["total_tax"].fillna(0)
    o["duties"] = o["total_duties"].fillna(0)
    lines = lines[~lines["gift_card"].fillna(False)]
    lines = lines.assign(pid=lines["product_id"].fillna(lines["sku"]).fillna(lines["title"]),
                         gross=lines["price"] * lines["quantity"], discounts=lines["discount_amount"].fillna(0))
    ol = lines.merge(o[["order_id"]], on="order_id")
    per_order = ol.groupby("order_id").agg(gross=("gross", "sum"), discounts=("discounts", "sum"),
                                          units=("quantity", "sum"))
    o = o.merge(per_order, left_on="order_id", right_index=True, how="left")
    o[["gross", "discounts", "units"]] = o[["gross", "discounts", "units"]].fillna(0)

    refunds = d["refunds"].merge(orders[["order_id", "is_test", "channel", "shipping_country"]], on="order_id")
    r = refunds[~refunds["is_test"] & _in_period(refunds["created_at"], period, tz)].copy()
    r["day"] = _local(r["created_at"], tz)
    r["country"] = r["shipping_country"].fillna("??")
    r["shipping"] = r["shipping_amount"].fillna(0)
    r["taxes"] = r["tax_amount"].fillna(0)
    rl = d["refund_lines"].merge(r[["refund_id"]], on="refund_id").merge(lines[["line_id", "pid", "title"]], on="line_id")
    per_refund = rl.groupby("refund_id").agg(returns=("amount", "sum"), units=("quantity", "sum"))
    r = r.merge(per_refund, left_on="refund_id", right_index=True, how="left")
    r[["returns", "units"]] = r[["returns", "units"]].fillna(0)

    out = {}
    gross, disc, ret = o["gross"].sum(), o["discounts"].sum(), r["returns"].sum()
    ship, tax = o["shipping"].sum() - r["shipping"].sum(), o["taxes"].sum() - r["taxes"].sum()
    out["summary"] = pd.DataFrame([dict(
        orders=len(o), units=int(o["units"].sum()), units_returned=int(r["units"].sum()),
        customers=o["customer"].nunique(), cancelled_orders=int(o["cancelled_at"].notna().sum()),
        gross_sales=gross, discounts=disc, returns=ret, net_sales=gross - disc - ret, shipping=ship, taxes=tax,
        duties=o["duties"].sum(), total_sales=gross - disc - ret + ship + tax + o["duties"].sum(),
        aov=(gross - disc) / len(o) if len(o) else np.nan, refunds=len(r), refunded_orders=r["order_id"].nunique())])
    days = pd.DataFrame(index=pd.date_range(period.start, period.end, freq="D", name="day"))
    bp = days.join(_sales_by(o, r, "day"))
    bp[["orders", "gross_sales", "discounts", "returns", "net_sales"]] = bp[
        ["orders", "gross_sales", "discounts", "returns", "net_sales"]].fillna(0)
    out["by_period"] = bp.rename_axis("bucket").reset_index()
    bc = _sales_by(o, r, "channel")
    bc["share_of_net_sales"] = bc["net_sales"] / bc["net_sales"].sum()
    out["by_channel"] = bc.reset_index().sort_values(["net_sales", "channel"], ascending=[False, True])
    bs = o.groupby(["financial_status", "fulfillment_status"]).agg(
        orders=("order_id", "size"), gross_sales=("gross", "sum"), discounts=("discounts", "sum")).reset_index()
    bs["sales"] = bs["gross_sales"] - bs["discounts"]
    out["by_status"] = bs.sort_values(["orders", "financial_status", "fulfillment_status"],
                                      ascending=[False, True, True])
    out["by_country"] = _sales_by(o, r, "country").reset_index().sort_values(
        ["net_sales", "country"], ascending=[False, True])
    sold = ol.groupby("pid").agg(title=("title", "first"), units=("quantity", "sum"), gross_sales=("gross", "sum"),
                                 discounts=("discounts", "sum"))
    back = rl.groupby("pid").agg(rtitle=("title", "first"), units_returned=("quantity", "sum"),
                                 returns=("amount", "sum"))
    tp = sold.join(back, how="outer")
    tp["title"] = tp["title"].fillna(tp["rtitle"])
    tp[["units", "units_returned", "gross_sales", "discounts", "returns"]] = tp[
        ["units", "units_returned", "gross_sales", "discounts", "returns"]].fillna(0)
    tp["net_sales"] = tp["gross_sales"] - tp["discounts"] - tp["returns"]
    tp = tp.rename_axis("product_id").reset_index().sort_values(
        ["net_sales", "units", "product_id"], ascending=[False, False, True]).head(TOP_N)
    tp = tp.merge(d["products"][["product_id", "title"]].rename(columns={"title": "product"}), on="product_id", how="left")
    tp["product"] = tp["product"].fillna(tp["title"]).fillna(tp["product_id"])
    tp.insert(0, "rank", np.arange(1, len(tp) + 1))
    out["top_products"] = tp[["rank", "product_id", "product", "units", "units_returned", "gross_sales", "discounts",
                              "returns", "net_sales"]]
    rf = r.groupby("day").agg(refunds=("refund_id", "size"), orders=("order_id", "nunique"), returns=("returns", "sum"),
                              shipping=("shipping", "sum"), taxes=("taxes", "sum"))
    rf["total"] = rf["returns"] + rf["shipping"] + rf["taxes"]
    out["refunds"] = rf.rename_axis("date").reset_index()
    return out


def _pandas_kpi_one(d: dict, per: Period, tz: str, lines: pd.DataFrame, camp: set) -> dict:
    orders = d["orders"]
    o = orders[~orders["is_test"] & _in_period(orders["created_at"], per, tz)].copy()
    o["customer"] = o["customer_id"].fillna(o["email"].str.strip().str.lower())
    o["shipping"] = o["shipping_price"].fillna(0) - o["shipping_discount"].fillna(0)
    o["taxes"] = o["total_tax"].fillna(0)
    o["duties"] = o["total_duties"].fillna(0)
    ol = lines.merge(o[["order_id"]], on="order_id")
    per_order = ol.groupby("order_id").agg(gross=("gross", "sum"), discounts=("discounts", "sum"),
                                          sales_costed=("sales_costed", "sum"), cogs=("cogs", "sum"))
    o = o.merge(per_order, left_on="order_id", right_index=True, how="left")
    o[["gross", "discounts"]] = o[["gross", "discounts"]].fillna(0)
    sh = d["shipments"]
    sh = sh[sh["status"].fillna("") != "cancelled"].merge(o[["order_id"]], on="order_id")
    o = o.merge(sh.groupby("order_id")["created_at"].min().rename("first_ship"), left_on="order_id",
                right_index=True, how="left")
    refunds = d["refunds"]
    rr = refunds[_in_period(refunds["created_at"], per, tz)]
    rr = rr.merge(d["real_ids"], on="order_id")
    rc = refunds.merge(o[["order_id"]], on="order_id")
    rlx = d["rlx"]
    ra = rr.merge(rlx, left_on="refund_id", right_index=True, how="left")
    rcx = rc.merge(rlx, left_on="refund_id", right_index=True, how="left")
    rcx = rcx.assign(refunded=rcx["shipping_amount"].fillna(0) + rcx["tax_amount"].fillna(0) + rcx["amount"].fillna(0))
    refunded = rcx.groupby("order_id")["refunded"].sum()
    totals = o["gross"] - o["discounts"] + o["shipping"] + o["taxes"] + o["duties"]
    attributed = o["utm_campaign"].str.strip().str.lower().isin(camp)
    shipped = o["first_ship"].notna()
    hours = (o.loc[shipped, "first_ship"] - o.loc[shipped, "created_at"]).dt.total_seconds() / 3600.0
    cu = o[o["customer"].notna()].groupby("customer")["created_at"].max()
    _, hi = utc_bounds(per, tz)
    first = d["first_order"]
    cr_first = first.reindex(cu.index)
    gross, disc = o["gross"].sum(), o["discounts"].sum()
    ret = ra["amount"].sum()
    ship, tax = o["shipping"].sum() - rr["shipping_amount"].fillna(0).sum(), o["taxes"].sum() - rr["tax_amount"].fillna(0).sum()
    sales_costed = o["sales_costed"].sum() - ra["amount_costed"].sum()
    cogs = o["cogs"].sum() - ra["cost"].sum()
    ss = d["sessions"]
    ss = ss[(ss["date"] >= pd.Timestamp(per.start)) & (ss["date"] <= pd.Timestamp(per.end))]
    ads = d["ad_stats"]
    ads = ads[(ads["date"] >= pd.Timestamp(per.start)) & (ads["date"] <= pd.Timestamp(per.end))]
    spend = ads["spend"].sum()
    n = len(o)
    return dict(
        gross_sales=gross, discounts=disc, returns=ret, net_sales=gross - disc - ret, shipping=ship, taxes=tax,
        total_sales=gross - disc - ret + ship + tax + o["duties"].sum(), orders=n,
        aov=(gross - disc) / n if n else None, customers=len(cu),
        returning_customer_rate=(cr_first < cu).sum() / len(cu) if len(cu) else None,
        sessions=int(ss["sessions"].sum()),
        conversion_rate=ss["converted"].sum() / ss["sessions"].sum() if ss["sessions"].sum() else None,
        refund_rate=refunded.sum() / totals.sum() if totals.sum() else None,
        refunded_orders_rate=len(refunded) / n if n else None,
        gross_margin=(sales_costed - cogs) / sales_costed if sales_costed else None,
        lead_time_median_hours=hours.quantile(0.5) if len(hours) else None,
        lead_time_p90_hours=hours.quantile(0.9) if len(hours) else None,
        late_shipment_rate=((o["first_ship"] > o["ship_by"]).sum() / (shipped & o["ship_by"].notna()).sum()
                            if (shipped & o["ship_by"].notna()).sum() else None),
        ad_spend=spend, attributed_revenue=totals[attributed].sum(),
        roas=totals[attributed].sum() / spend if spend else None,
        roas_platform=ads["purchase_value"].sum() / spend if spend else None,
    )


def pandas_kpis(path: Path, period: Period) -> dict:
    d = _read(path, "shop", "orders", "order_lines", "refunds", "refund_lines", "shipments", "sessions", "ad_stats")
    tz = d["shop"]["timezone"].iloc[0]
    lines = d["order_lines"]
    lines = lines[~lines["gift_card"].fillna(False)]
    gross = lines["price"] * lines["quantity"]
    disc = lines["discount_amount"].fillna(0)
    lines = pd.DataFrame({"order_id": lines["order_id"], "gross": gross, "discounts": disc,
                          "sales_costed": (gross - disc).where(lines["unit_cost"].notna()),
                          "cogs": lines["unit_cost"] * lines["quantity"]})
    rl = d["refund_lines"].merge(d["order_lines"][["line_id", "unit_cost", "gift_card"]], on="line_id")
    rl = rl[~rl["gift_card"].fillna(False)]
    rl = rl.assign(amount_costed=rl["amount"].where(rl["unit_cost"].notna()), cost=rl["unit_cost"] * rl["quantity"])
    d["rlx"] = rl.groupby("refund_id")[["amount", "amount_costed", "cost"]].sum()
    ads = d["ad_stats"]
    camp = set(pd.concat([ads["campaign_id"], ads["campaign_name"]]).dropna().str.strip().str.lower())
    orders = d["orders"]
    real = orders[~orders["is_test"]]
    d["real_ids"] = real[["order_id"]]
    d["first_order"] = real.groupby(real["customer_id"].fillna(real["email"].str.strip().str.lower()))["created_at"].min()
    out = {col: _pandas_kpi_one(d, per, tz, lines, camp) for col, per in _kpi_periods(period).items()}
    # the daily series of the current period
    o = real[_in_period(real["created_at"], period, tz)]
    per_order = lines.merge(o[["order_id"]], on="order_id").groupby("order_id")[["gross", "discounts"]].sum()
    o = o[["order_id", "created_at"]].merge(per_order, left_on="order_id", right_index=True, how="left").fillna(
        {"gross": 0, "discounts": 0})
    o["day"] = _local(o["created_at"], tz)
    daily = o.groupby("day").agg(orders=("order_id", "size"), gross=("gross", "sum"), disc=("discounts", "sum"))
    refunds = d["refunds"]
    r = refunds[_in_period(refunds["created_at"], period, tz)].merge(d["real_ids"], on="order_id")
    r = r.merge(d["rlx"], left_on="refund_id", right_index=True, how="left")
    returns = r.groupby(_local(r["created_at"], tz))["amount"].sum()
    ss = d["sessions"].groupby("date")[["sessions", "converted"]].sum()
    days = pd.DataFrame(index=pd.date_range(period.start, period.end, freq="D", name="date"))
    days = days.join(daily).join(returns.rename("returns")).join(ss)
    days = days.fillna({"orders": 0, "gross": 0, "disc": 0, "returns": 0, "sessions": 0, "converted": 0})
    out["daily"] = pd.DataFrame({"orders": days["orders"].astype("int64"),
                                 "net_sales": days["gross"] - days["disc"] - days["returns"],
                                 "sessions": days["sessions"].astype("int64"),
                                 "converted": days["converted"].astype("int64"),
                                 "conversion_rate": days["converted"] / days["sessions"].where(days["sessions"] > 0)}
                                ).reset_index()
    return out


def pandas_supplier_payments(path: Path, as_of: dt.date) -> dict[str, pd.DataFrame]:
    d = _read(path, "shop", "orders", "order_lines", "shipments", "shipment_lines", "suppliers", "supplier_payments")
    tz = d["shop"]["timezone"].iloc[0]
    orders, lines, ships = d["orders"], d["order_lines"], d["shipments"]
    sup = d["suppliers"]
    sl = d["shipment_lines"].merge(lines[["line_id", "order_id", "supplier_id", "unit_cost", "supplier_unit_cost",
                                          "supplier_currency"]], on="line_id")
    sl = sl.merge(orders.loc[~orders["is_test"], ["order_id", "currency"]].rename(columns={"currency": "order_currency"}),
                  on="order_id")
    sl = sl.merge(sup[["supplier_id", "currency"]].rename(columns={"currency": "sup_currency"}), on="supplier_id",
                  how="left")
    ships = ships[ships["status"].fillna("") != "cancelled"]
    sl = sl.merge(ships[["shipment_id", "created_at"]], on="shipment_id")
    # owed per unit: supplier_unit_cost (supplier's currency); else unit_cost (order's currency) when that is
    # the supplier's currency; a supplier_currency other than the supplier's leaves the line out
    sc, su, oc = (sl[c].astype(object).where(sl[c].notna(), "") for c in ("supplier_currency", "sup_currency",
                                                                         "order_currency"))
    other = (su != "") & (sc != "") & (sc != su)
    has_suc = sl["supplier_unit_cost"].notna()
    fallback = ~has_suc & sl["unit_cost"].notna() & ~other
    cost = np.where(has_suc & ~other, sl["supplier_unit_cost"], np.where(fallback & (oc == su), sl["unit_cost"], np.nan))
    sl["amount"] = sl["quantity"] * cost
    sl["no_cost"] = ~has_suc & sl["unit_cost"].isna()
    sl["other_currency"] = other
    sl["fallback_other"] = fallback & (su != "") & (oc != su)
    sl["supplier_id"] = sl["supplier_id"].fillna("")  # keep the lines without supplier in the groupby
    items = sl.groupby(["supplier_id", "shipment_id"], sort=False).agg(
        order_id=("order_id", "first"), created_at=("created_at", "first"), amount=("amount", "sum"),
        n_lines=("line_id", "size"), n_without_cost=("no_cost", "sum"), n_other_currency=("other_currency", "sum"),
        n_fallback_other=("fallback_other", "sum")).reset_index()
    items["fulfilled_on"] = _local(items["created_at"], tz)
    cutoff = pd.Timestamp(as_of)
    notes = dict(no_supplier=int(items.loc[(items["supplier_id"] == "") & (items["fulfilled_on"] <= cutoff), "n_lines"].sum()),
                 no_cost=int(items.loc[(items["supplier_id"] != "") & (items["fulfilled_on"] <= cutoff), "n_without_cost"].sum()))
    for key in ("other_currency", "fallback_other"):
        notes[f"line_{key}" if key == "other_currency" else key] = int(
            items.loc[(items["supplier_id"] != "") & (items["fulfilled_on"] <= cutoff), f"n_{key}"].sum())
    pay = d["supplier_payments"].merge(sup[["supplier_id", "currency"]], on="supplier_id", suffixes=("", "_supplier"))
    pay = pay[pay["paid_at"] <= cutoff]
    notes["other_currency"] = int((pay["currency"] != pay["currency_supplier"]).sum())
    paid = pay[pay["currency"] == pay["currency_supplier"]].groupby("supplier_id")["amount"].sum()
    # FIFO in exact 1/10000 units: floats would flip "paid in full" at the boundaries
    it = items[(items["fulfilled_on"] <= cutoff) & (items["amount"].round(4) != 0)].merge(
        sup[["supplier_id", "payment_terms_days", "currency"]], on="supplier_id")
    it["due_date"] = it["fulfilled_on"] + pd.to_timedelta(it["payment_terms_days"], unit="D")
    it["units"] = (it["amount"] * 10_000).round().astype("int64")
    it = it.sort_values(["supplier_id", "fulfilled_on", "shipment_id"])
    pool = (paid.reindex(it["supplier_id"]).fillna(0).to_numpy() * 10_000).round().astype("int64")
    before = it.groupby("supplier_id")["units"].cumsum().to_numpy() - it["units"].to_numpy()
    it["paid_units"] = np.clip(np.minimum(pool - before, it["units"].to_numpy()), 0, None)
    it["paid"] = it["paid_units"] / 10_000
    it["amount"] = it["units"] / 10_000
    op = it[it["units"] > it["paid_units"]].copy()
    op["open_amount"] = (op["units"] - op["paid_units"]) / 10_000
    op["days_past_due"] = (cutoff - op["due_date"]).dt.days
    op["bucket"] = pd.cut(op["days_past_due"], [-np.inf, -1, 30, 60, 90, np.inf], labels=list(BUCKETS)).astype(str)
    open_items = op[["supplier_id", "shipment_id", "order_id", "fulfilled_on", "due_date", "amount", "paid",
                     "open_amount", "days_past_due", "bucket", "currency"]].sort_values(
        ["supplier_id", "due_date", "fulfilled_on", "shipment_id"])
    buckets = op.pivot_table(index="supplier_id", columns="bucket", values="open_amount", aggfunc="sum",
                             observed=True).reindex(columns=list(BUCKETS)).fillna(0)
    buckets.columns = ["not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]
    bal = pd.DataFrame({"invoiced": it.groupby("supplier_id")["amount"].sum(), "paid": paid})
    bal = bal.join(buckets).join(op.groupby("supplier_id")["due_date"].min().rename("oldest_due_date"))
    bal = sup[["supplier_id", "name", "currency", "payment_terms_days", "iban", "email"]].merge(
        bal, left_on="supplier_id", right_index=True)
    money = ["invoiced", "paid", "not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]
    bal[money] = bal[money].fillna(0)
    bal["open_balance"] = bal["invoiced"] - bal["paid"]
    bal["credit"] = (bal["paid"] - bal["invoiced"]).clip(lower=0)
    bal = bal.sort_values(["open_balance", "supplier_id"], ascending=[False, True])
    aging = bal.melt(id_vars=["supplier_id", "name", "currency"], value_vars=buckets.columns.tolist(),
                     var_name="bucket", value_name="amount").rename(columns={"name": "supplier"})
    aging["bucket"] = aging["bucket"].map(dict(zip(buckets.columns, BUCKETS)))
    return {"balances": bal[["supplier_id", "name", "currency", "invoiced", "paid", "open_balance", *buckets.columns,
                             "oldest_due_date", "credit"]],
            "open_items": open_items, "aging": aging,
            "suppliers": bal[["supplier_id", "name", "currency", "payment_terms_days", "iban", "email"]].sort_values(
                "supplier_id"),
            "notes": pd.DataFrame([notes])}


# ---- comparing the figures ---------------------------------------------------------------------

def _frame(x) -> pd.DataFrame:
    return x.to_pandas() if isinstance(x, pa.Table) else x


def _num(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (Decimal, int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        return None if math.isnan(f) else f
    return v


def summarize(tables: dict, *, keys: dict[str, list[str]] | None = None) -> dict:
    """Comparable figures of a set of tables: row counts, each numeric column's total (money as float),
    each date column's first/last value, and the listed key columns' values (in order)."""
    figs = {}
    for name, t in tables.items():
        f = _frame(t)
        figs[(name, "rows")] = len(f)
        for col in f.columns:
            s = f[col]
            if col in (keys or {}).get(name, []):
                figs[(name, col)] = tuple(str(v) for v in s)
                continue
            try:
                vals = pd.to_numeric(s.astype("float64"), errors="raise")
            except (TypeError, ValueError):
                vals = None
            if vals is not None and s.dtype != bool and s.dtype != "bool[pyarrow]":
                figs[(name, col)] = float(vals.sum())
                continue
            first = s.dropna().iloc[0] if s.notna().any() else None
            if isinstance(first, (dt.date, pd.Timestamp)):
                dates = pd.to_datetime(s.astype(str), format="%Y-%m-%d", exact=False)
                figs[(name, col)] = (str(dates.min().date()), str(dates.max().date()))
    return figs


def kpi_figures_of(obj) -> dict:
    """KPI table (value/previous/last_year of every KPI) plus the daily series, from any version."""
    figs = {}
    if hasattr(obj, "table"):  # the package's KpiReport
        for rec in obj.table.to_dict("records"):
            for col in ("value", "previous", "last_year"):
                figs[(rec["kpi"], col)] = _num(rec[col])
        daily = obj.daily
    else:
        for col in ("value", "previous", "last_year"):
            rec = _frame(obj[col]).iloc[0].to_dict() if isinstance(obj[col], pa.Table) else obj[col]
            for kpi in KPIS:
                figs[(kpi, col)] = _num(rec[kpi])
        daily = obj["daily"]
    figs.update(summarize({"daily": daily}))
    return figs


def compare(name: str, ref: dict, other: dict, label: str, bench: Bench) -> bool:
    """True when ``other`` gives the same figures as ``ref`` (money to the cent, ratios to 1e-6)."""
    bad = []
    for key, want in ref.items():
        got = other.get(key, "<missing>")
        if isinstance(want, float) and isinstance(got, (float, int)):
            if not math.isclose(want, got, rel_tol=1e-6, abs_tol=0.01):
                bad.append(f"{key}: package {want!r}, {label} {got!r}")
        elif want != got and not (want is None and got is None):
            if isinstance(want, (int, float)) and isinstance(got, (int, float)) and math.isclose(want, got, rel_tol=1e-9):
                continue
            bad.append(f"{key}: package {want!r}, {label} {got!r}")
    if bad:
        bench.fail(f"MISMATCH {name}: the {label} version gives different figures ({len(bad)}):")
        for b in bad[:15]:
            print(f"     {b}", flush=True)
        return False
    bench.log(f"{name}: the {label} version gives the same {len(ref)} figures")
    return True


# ---- main ----------------------------------------------------------------------------------------

def main() -> None:
    def options(p):
        p.add_argument("--orders", type=int, default=1_000_000, help="orders in the demo shop (default 1,000,000)")
        p.add_argument("--db", type=Path, default=None,
                       help="the store file (default benchmarks/out/bench-<orders>.duckdb; built when missing)")

    bench = Bench.from_argv(__doc__.split("\n\n")[0], add_arguments=options)
    args = bench.args
    path = (args.db or project_root() / "benchmarks" / "out" / f"bench-{args.orders}.duckdb").resolve()
    store = ensure_store(path, args.orders, bench)

    with store.connect() as con:
        tz, last = con.execute("""SELECT s.timezone, CAST(timezone(s.timezone, max(o.created_at)) AS DATE)
                                  FROM orders o, shop s WHERE NOT o.is_test GROUP BY s.timezone""").fetchall()[0]
    period = Period(last - dt.timedelta(days=PERIOD_DAYS - 1), last)
    as_of = last
    print(f"demo shop: {args.orders:,} orders ({path.name}); period {period.label} (last {PERIOD_DAYS} days of data, "
          f"{tz}); supplier payments as of {as_of}; median of {args.runs} run(s) after a warm-up", flush=True)

    # name -> (package call, sql call, pandas call, extractor, summarize keys)
    reports = {
        "kpis": (lambda: kpi_report(store, period),
                 lambda con: sql_kpis(con, period, tz),
                 lambda: pandas_kpis(path, period),
                 kpi_figures_of),
        "orders": (lambda: orders_report(store, period, top_n=TOP_N),
                   lambda con: sql_orders(con, period, tz),
                   lambda: pandas_orders(path, period),
                   lambda r: summarize(r if isinstance(r, dict) else {
                       k: getattr(r, k) for k in ("summary", "by_period", "by_channel", "by_status", "by_country",
                                                  "top_products", "refunds")},
                       keys={"top_products": ["product_id"], "by_channel": ["channel"]})),
        "supplier_payments": (lambda: supplier_payments_report(store, as_of=as_of),
                              lambda con: sql_supplier_payments(con, as_of, tz),
                              lambda: pandas_supplier_payments(path, as_of),
                              lambda r: summarize(r if isinstance(r, dict) else {
                                  k: getattr(r, k) for k in ("balances", "open_items", "aging", "suppliers")},
                                  keys={"balances": ["supplier_id"]})),
    }

    rows, worst = [], 0.0
    for name, (pkg, sql, pdn, extract) in reports.items():
        def open_warm(sql=sql):
            # (a) runs on an already-open connection that has run the queries once (untimed)
            con = duckdb.connect(str(path), read_only=True)
            sql(con)
            return con

        # interleaved: package, sql, pandas, package, ... (the package runs while no other connection
        # is open, as in a notebook: each call opens and closes its own)
        with quiet_stdout():
            t = median_times({"package": pkg, "sql": Case(sql, setup=open_warm, teardown=lambda con: con.close()),
                              "pandas": pdn}, runs=args.runs, progress=lambda m, n=name: bench.log(f"{n}: {m}"))
        t_pkg, t_sql, t_pd = t["package"], t["sql"], t["pandas"]

        ref = extract(t_pkg.result)
        sql_figs = extract(t_sql.result)
        if name == "supplier_payments":
            # the notes counts: compare the package's notes text with the SQL/pandas counts
            # (each count is the number the note of that kind starts with; no note when it is 0)
            ref_notes = " ".join(t_pkg.result.notes)
            for label, res in (("sql", t_sql.result), ("pandas", t_pd.result)):
                n = _frame(res["notes"]).iloc[0]
                for key, word in (("no_supplier", "no supplier on the order line"), ("no_cost", "no cost snapshot"),
                                  ("line_other_currency", "supplier cost in a currency"),
                                  ("fallback_other", "is in the order's currency"),
                                  ("other_currency", "payment(s) are in a currency other")):
                    said = [nt.split(" ", 1)[0] for nt in t_pkg.result.notes if word in nt]
                    if said != ([str(int(n[key]))] if int(n[key]) else []):
                        bench.fail(f"MISMATCH {name}: {label} counts {int(n[key])} {key}, the package notes say: "
                                   f"{ref_notes!r}")
        compare(name, ref, sql_figs, "sql", bench)
        compare(name, ref, extract(t_pd.result), "pandas", bench)

        vs_sql = t_pkg.median / t_sql.median
        vs_pd = t_pd.median / t_pkg.median
        worst = max(worst, vs_sql)
        bench.target(f"{name} package/sql", vs_sql, le=MAX_VS_SQL)
        bench.target(f"{name} pandas/package", vs_pd, ge=MIN_VS_PANDAS)
        rows.append([name, fmt_ms(t_pkg.median), fmt_ms(t_sql.median), fmt_ms(t_pd.median), fmt_ratio(vs_sql),
                     fmt_ratio(vs_pd)])

    print()
    print_table(["report", "package ms", "sql ms", "pandas ms", "package/sql", "pandas/package"], rows)
    print(f"targets: package/sql <= {MAX_VS_SQL:g}x, pandas/package >= {MIN_VS_PANDAS:g}x")
    bench.finish(f"worst ratio vs raw SQL: {worst:.2f}x")


if __name__ == "__main__":
    main()
