"""The orders report: sales of a period, Shopify's definitions, computed in DuckDB.

Definitions (see ``docs/kpis.md``):

* an order belongs to the local date (shop time zone) of its ``created_at``; test orders never count;
  cancelled, pending and unpaid orders do (Shopify's gross sales include them);
* gross sales = Σ price × quantity of the period's orders' lines (gift cards excluded);
* discounts = Σ ``order_lines.discount_amount`` (line discounts incl. their share of order discounts);
* returns = Σ ``refund_lines.amount`` of refunds created in the period (on the refund date, whatever
  the order's date), shown as a positive amount that is subtracted;
* net sales = gross sales - discounts - returns;
* shipping = shipping charged - shipping discounts - refunded shipping (refund date);
* taxes = order taxes - refunded taxes (refund date); duties = order duties;
* total sales = net sales + shipping + taxes + duties;
* AOV = (gross sales - discounts) / orders (Shopify's definition since 2023).

Money columns are exact decimals (``decimal128(18, 4)``, Arrow-backed); ratios are floats.
Each call opens one read-only connection and runs a handful of queries over two temporary tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd

from .. import schema
from ..errors import ParameterError
from .period import Period, bucket_sql, local_date_sql, parse_period, utc_bounds

__all__ = ["OrdersReport", "orders_figures", "orders_report"]

MONEY_SQL = "DECIMAL(18,4)"
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


# ---- shared helpers (also used by kpis.py) ------------------------------------------------------

def _sql(con, sql: str, **params):
    """Run ``sql`` with only the named parameters it uses; returns a DuckDB relation."""
    used = set(_PARAM.findall(sql))
    return con.sql(sql, params={k: v for k, v in params.items() if k in used} or None)


def _execute(con, sql: str, **params) -> None:
    used = set(_PARAM.findall(sql))
    con.execute(sql, {k: v for k, v in params.items() if k in used} or None)


def _arrow(con, sql: str, **params):
    return _sql(con, sql, **params).to_arrow_table()


def _frame(con, sql: str, **params) -> pd.DataFrame:
    return schema.to_frame(_arrow(con, sql, **params))


def money(expr: str) -> str:
    """SQL: an amount as DECIMAL(18,4), 0 when empty."""
    return f"CAST(coalesce({expr}, 0) AS {MONEY_SQL})"


def money_ratio(num: str, den: str) -> str:
    """SQL: num / den as DECIMAL(18,4) (rounded to 4 places), NULL when den is 0."""
    return f"CAST(CAST({num} AS DOUBLE) / NULLIF({den}, 0) AS {MONEY_SQL})"


@dataclass(frozen=True)
class ShopContext:
    """Shop settings and data facts every report needs."""

    timezone: str
    week_start: str
    currency: str | None
    data_as_of: datetime | None
    channel: str | None = None
    channels: tuple[str, ...] = field(default=())

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()


def _shop_context(store, con, channel: str | None) -> ShopContext:
    store.require_schema(con)
    shop = con.sql("SELECT timezone, week_start, currency FROM shop ORDER BY shop_id LIMIT 1").fetchall()
    tz, week_start, currency = shop[0] if shop else (None, None, None)
    as_of = con.sql("SELECT max(created_at) FROM orders WHERE NOT is_test").fetchall()[0][0]
    if not currency:  # no shop settings yet: the orders' most common currency
        currency = con.sql("SELECT mode(currency) FROM orders").fetchall()[0][0]
    channels: tuple[str, ...] = ()
    chosen = None
    if channel is not None and str(channel).strip().lower() not in ("", "all", "all channels", "*"):
        channels = tuple(r[0] for r in con.sql(
            "SELECT DISTINCT channel FROM orders WHERE NOT is_test ORDER BY 1").fetchall())
        wanted = str(channel).strip().lower().replace(" ", "_")
        matches = [c for c in channels if c.lower() == wanted]
        if not matches:
            known = ", ".join(channels) if channels else "none (the store has no orders yet)"
            raise ParameterError(f"Unknown sales channel {channel!r}. Known channels: {known}.")
        chosen = matches[0]
    if isinstance(as_of, datetime) and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    return ShopContext(tz or "UTC", (week_start or "monday").lower(), currency, as_of, chosen, channels)


def _resolve_period(period, ctx: ShopContext) -> Period:
    return parse_period(period, today=ctx.today(), week_start=ctx.week_start)


# ---- the report ---------------------------------------------------------------------------------

@dataclass
class OrdersReport:
    """The orders report of one period (frames are Arrow-backed; money columns are decimals)."""

    period: Period
    channel: str | None           # None = all channels
    grain: str                    # day / week / month (by_period buckets)
    currency: str | None
    timezone: str
    week_start: str
    data_as_of: datetime | None   # newest (non-test) order in the store, UTC
    summary: pd.DataFrame         # one row
    by_period: pd.DataFrame       # bucket, orders, gross_sales, discounts, returns, net_sales, aov
    by_channel: pd.DataFrame      # channel, orders, gross_sales, discounts, returns, net_sales, aov, share_of_net_sales
    by_status: pd.DataFrame       # financial_status, fulfillment_status, orders, gross_sales, discounts, sales
    by_country: pd.DataFrame      # country, orders, gross_sales, discounts, returns, net_sales, aov
    top_products: pd.DataFrame    # rank, product_id, product, units, units_returned, gross_sales, discounts, returns, net_sales
    refunds: pd.DataFrame         # date, refunds, orders, returns, shipping, taxes, total

    @property
    def title(self) -> str:
        chan = self.channel or "all channels"
        return f"Orders {self.period.label} ({chan}, {self.currency or ''})".replace(", )", ")")


_TEMP_TABLES = (
    # the period's orders (local date in the shop's time zone)
    """CREATE TEMP TABLE _wb_o0 AS
    SELECT order_id, CASE WHEN customer_id IS NOT NULL THEN customer_id
                          WHEN email IS NOT NULL THEN 'email:' || lower(trim(email)) END AS customer, channel,
           coalesce(financial_status, 'unknown') AS financial_status,
           coalesce(fulfillment_status, 'unfulfilled') AS fulfillment_status,
           coalesce(shipping_country, '??') AS country, cancelled_at IS NOT NULL AS cancelled,
           {day} AS day,
           coalesce(shipping_price, 0) - coalesce(shipping_discount, 0) AS shipping,
           coalesce(total_tax, 0) AS taxes, coalesce(total_duties, 0) AS duties
    FROM orders
    WHERE created_at >= $lo AND created_at < $hi AND NOT is_test {chan}""",
    # their lines (gift cards excluded), scanned once for the totals and the products
    """CREATE TEMP TABLE _wb_l AS
    SELECT l.order_id, coalesce(l.product_id, l.sku, l.title) AS pid, l.title, l.quantity,
           l.price * l.quantity AS gross, coalesce(l.discount_amount, 0) AS discounts
    FROM order_lines l SEMI JOIN _wb_o0 o ON o.order_id = l.order_id
    WHERE NOT coalesce(l.gift_card, false)""",
    """CREATE TEMP TABLE _wb_o AS
    SELECT o.*, coalesce(l.gross, 0) AS gross, coalesce(l.discounts, 0) AS discounts,
           CAST(coalesce(l.units, 0) AS BIGINT) AS units
    FROM _wb_o0 o LEFT JOIN (SELECT order_id, sum(gross) AS gross, sum(discounts) AS discounts,
                                    sum(quantity) AS units FROM _wb_l GROUP BY order_id) l USING (order_id)""",
    # refunds dated in the period (returns count on the refund date), for orders of the channel
    """CREATE TEMP TABLE _wb_r0 AS
    SELECT r.refund_id, r.order_id, {rday} AS day, o.channel, coalesce(o.shipping_country, '??') AS country,
           coalesce(r.shipping_amount, 0) AS shipping, coalesce(r.tax_amount, 0) AS taxes
    FROM refunds r JOIN orders o ON o.order_id = r.order_id AND NOT o.is_test {ochan}
    WHERE r.created_at >= $lo AND r.created_at < $hi""",
    """CREATE TEMP TABLE _wb_rl AS
    SELECT rl.refund_id, coalesce(l.product_id, l.sku, l.title) AS pid, l.title, rl.quantity, rl.amount
    FROM refund_lines rl JOIN _wb_r0 r ON r.refund_id = rl.refund_id JOIN order_lines l ON l.line_id = rl.line_id
    WHERE NOT coalesce(l.gift_card, false)""",
    """CREATE TEMP TABLE _wb_r AS
    SELECT r.*, coalesce(x.returns, 0) AS returns, CAST(coalesce(x.units, 0) AS BIGINT) AS units
    FROM _wb_r0 r LEFT JOIN (SELECT refund_id, sum(amount) AS returns, sum(quantity) AS units
                             FROM _wb_rl GROUP BY refund_id) x USING (refund_id)""",
)


def _sales_select(key: str) -> str:
    """Orders side FULL JOIN returns side on ``key``, with the sales columns."""
    return f"""
    WITH so AS (SELECT {key} AS k, count(*) AS orders, sum(gross) AS gross, sum(discounts) AS discounts
                FROM _wb_o GROUP BY 1),
         sr AS (SELECT {key} AS k, sum(returns) AS returns FROM _wb_r GROUP BY 1)
    SELECT coalesce(so.k, sr.k) AS k, coalesce(so.orders, 0) AS orders,
           {money('so.gross')} AS gross_sales, {money('so.discounts')} AS discounts,
           {money('sr.returns')} AS returns,
           {money('coalesce(so.gross, 0) - coalesce(so.discounts, 0) - coalesce(sr.returns, 0)')} AS net_sales,
           {money_ratio('so.gross - so.discounts', 'so.orders')} AS aov
    FROM so FULL OUTER JOIN sr ON so.k = sr.k
    """


def orders_report(store, period, *, channel: str | None = None, grain: str = "day",
                  top_n: int = 10) -> OrdersReport:
    """Sales of ``period`` (a :class:`Period` or text for :func:`parse_period`) for one or all channels.

    Raises :class:`ParameterError` for an empty/invalid period, an unknown channel or grain, and the
    store's errors (:class:`StoreNotFoundError`, ...) when the store cannot be read.
    """
    grain = (grain or "day").strip().lower()
    if grain not in ("day", "week", "month"):
        raise ParameterError(f"Unknown grain {grain!r}: use day, week or month.")
    try:
        top_n = int(top_n)
    except (TypeError, ValueError):
        raise ParameterError(f"top_n must be a whole number, not {top_n!r}.") from None
    if top_n < 1:
        raise ParameterError(f"top_n must be at least 1, not {top_n}.")
    parse_period(period, today=date.today())  # fail fast on a bad period before touching the store
    with store.connect() as con:
        ctx = _shop_context(store, con, channel)
        p = _resolve_period(period, ctx)
        lo, hi = utc_bounds(p, ctx.timezone)
        prm = dict(tz=ctx.timezone, lo=lo, hi=hi, channel=ctx.channel, start=p.start, end=p.end, top_n=top_n)
        chan = "AND channel = $channel" if ctx.channel else ""
        ochan = "AND o.channel = $channel" if ctx.channel else ""
        for stmt in _TEMP_TABLES:
            _execute(con, stmt.format(day=local_date_sql("created_at"), rday=local_date_sql("r.created_at"),
                                      chan=chan, ochan=ochan), **prm)

        summary = _frame(con, f"""
            WITH so AS (SELECT count(*) AS orders, sum(units) AS units, count(DISTINCT customer) AS customers,
                               count(*) FILTER (WHERE cancelled) AS cancelled_orders,
                               sum(gross) AS gross, sum(discounts) AS discounts, sum(shipping) AS shipping,
                               sum(taxes) AS taxes, sum(duties) AS duties FROM _wb_o),
                 sr AS (SELECT count(*) AS refunds, count(DISTINCT order_id) AS refunded_orders,
                               sum(units) AS units_returned, sum(returns) AS returns,
                               sum(shipping) AS shipping, sum(taxes) AS taxes FROM _wb_r)
            SELECT so.orders, CAST(coalesce(so.units, 0) AS BIGINT) AS units,
                   CAST(coalesce(sr.units_returned, 0) AS BIGINT) AS units_returned,
                   so.customers, so.cancelled_orders,
                   {money('so.gross')} AS gross_sales, {money('so.discounts')} AS discounts,
                   {money('sr.returns')} AS returns,
                   {money('coalesce(so.gross,0) - coalesce(so.discounts,0) - coalesce(sr.returns,0)')} AS net_sales,
                   {money('coalesce(so.shipping,0) - coalesce(sr.shipping,0)')} AS shipping,
                   {money('coalesce(so.taxes,0) - coalesce(sr.taxes,0)')} AS taxes,
                   {money('so.duties')} AS duties,
                   {money('coalesce(so.gross,0) - coalesce(so.discounts,0) - coalesce(sr.returns,0)'
                          ' + coalesce(so.shipping,0) - coalesce(sr.shipping,0)'
                          ' + coalesce(so.taxes,0) - coalesce(sr.taxes,0) + coalesce(so.duties,0)')} AS total_sales,
                   {money_ratio('so.gross - so.discounts', 'so.orders')} AS aov,
                   sr.refunds, sr.refunded_orders
            FROM so, sr""")

        bucket = bucket_sql("day", grain, ctx.week_start)
        by_period = _frame(con, f"""
            WITH days AS (SELECT CAST(range AS DATE) AS day
                          FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP) + INTERVAL 1 DAY,
                                     INTERVAL 1 DAY)),
                 b AS (SELECT DISTINCT {bucket} AS k FROM days),
                 s AS ({_sales_select(bucket)})
            SELECT b.k AS bucket, coalesce(s.orders, 0) AS orders, {money('s.gross_sales')} AS gross_sales,
                   {money('s.discounts')} AS discounts, {money('s.returns')} AS returns,
                   {money('s.net_sales')} AS net_sales, s.aov
            FROM b LEFT JOIN s ON s.k = b.k ORDER BY b.k""", **prm)

        by_channel = _frame(con, f"""
            WITH s AS ({_sales_select('channel')})
            SELECT k AS channel, orders, gross_sales, discounts, returns, net_sales, aov,
                   CAST(net_sales AS DOUBLE) / NULLIF(sum(CAST(net_sales AS DOUBLE)) OVER (), 0) AS share_of_net_sales
            FROM s ORDER BY net_sales DESC, channel""")

        by_status = _frame(con, f"""
            SELECT financial_status, fulfillment_status, count(*) AS orders, {money('sum(gross)')} AS gross_sales,
                   {money('sum(discounts)')} AS discounts, {money('sum(gross) - sum(discounts)')} AS sales
            FROM _wb_o GROUP BY ALL ORDER BY orders DESC, financial_status, fulfillment_status""")

        by_country = _frame(con, f"""
            WITH s AS ({_sales_select('country')})
            SELECT k AS country, orders, gross_sales, discounts, returns, net_sales, aov
            FROM s ORDER BY net_sales DESC, country""")

        top_products = _frame(con, f"""
            WITH sold AS (SELECT pid, any_value(title) AS title, sum(quantity) AS units, sum(gross) AS gross,
                                 sum(discounts) AS discounts FROM _wb_l GROUP BY pid),
            ret AS (SELECT pid, any_value(title) AS title, sum(quantity) AS units, sum(amount) AS returns
                    FROM _wb_rl GROUP BY pid),
            s AS (
                SELECT coalesce(sold.pid, ret.pid) AS product_id, coalesce(sold.title, ret.title) AS title,
                       CAST(coalesce(sold.units, 0) AS BIGINT) AS units,
                       CAST(coalesce(ret.units, 0) AS BIGINT) AS units_returned,
                       {money('sold.gross')} AS gross_sales, {money('sold.discounts')} AS discounts,
                       {money('ret.returns')} AS returns,
                       {money('coalesce(sold.gross,0) - coalesce(sold.discounts,0) - coalesce(ret.returns,0)')} AS net_sales
                FROM sold FULL OUTER JOIN ret ON sold.pid = ret.pid
                ORDER BY net_sales DESC, units DESC, product_id LIMIT $top_n)
            SELECT CAST(row_number() OVER (ORDER BY s.net_sales DESC, s.units DESC, s.product_id) AS BIGINT) AS rank,
                   s.product_id, coalesce(p.title, s.title, s.product_id) AS product,
                   s.units, s.units_returned, s.gross_sales, s.discounts, s.returns, s.net_sales
            FROM s LEFT JOIN products p ON p.product_id = s.product_id
            ORDER BY rank""", **prm)

        refunds = _frame(con, f"""
            SELECT day AS date, count(*) AS refunds, count(DISTINCT order_id) AS orders,
                   {money('sum(returns)')} AS returns, {money('sum(shipping)')} AS shipping,
                   {money('sum(taxes)')} AS taxes, {money('sum(returns) + sum(shipping) + sum(taxes)')} AS total
            FROM _wb_r GROUP BY day ORDER BY day""")

    return OrdersReport(period=p, channel=ctx.channel, grain=grain, currency=ctx.currency,
                        timezone=ctx.timezone, week_start=ctx.week_start, data_as_of=ctx.data_as_of,
                        summary=summary, by_period=by_period, by_channel=by_channel, by_status=by_status,
                        by_country=by_country, top_products=top_products, refunds=refunds)


# ---- charts (kept apart from the numbers) -------------------------------------------------------

def _num(frame: pd.DataFrame, col: str):
    """A column as floats for plotting (the frames keep exact decimals)."""
    return pd.to_numeric(frame[col].astype("float64[pyarrow]"), errors="coerce").astype("float64")


def orders_figures(report: OrdersReport) -> dict:
    """Plotly figures for a report: by_period, by_channel, by_country, top_products, refunds."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    cur = report.currency or ""
    figs: dict = {}
    bp = report.by_period
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=bp["bucket"].astype(str), y=_num(bp, "net_sales"), name=f"Net sales ({cur})"))
    fig.add_trace(go.Scatter(x=bp["bucket"].astype(str), y=bp["orders"].astype("float64"), name="Orders",
                             mode="lines+markers"), secondary_y=True)
    fig.update_layout(title=f"Net sales and orders per {report.grain}, {report.period.label}")
    fig.update_yaxes(title_text=cur, secondary_y=False)
    fig.update_yaxes(title_text="orders", secondary_y=True)
    figs["by_period"] = fig

    bc = report.by_channel
    figs["by_channel"] = go.Figure(go.Bar(x=bc["channel"].astype(str), y=_num(bc, "net_sales")),
                                   layout=dict(title="Net sales by channel", yaxis_title=cur))
    bco = report.by_country
    figs["by_country"] = go.Figure(go.Bar(x=bco["country"].astype(str), y=_num(bco, "net_sales")),
                                   layout=dict(title="Net sales by shipping country", yaxis_title=cur))
    tp = report.top_products.iloc[::-1]
    figs["top_products"] = go.Figure(go.Bar(y=tp["product"].astype(str), x=_num(tp, "net_sales"), orientation="h"),
                                     layout=dict(title="Top products by net sales", xaxis_title=cur))
    rf = report.refunds
    figs["refunds"] = go.Figure(go.Bar(x=rf["date"].astype(str), y=_num(rf, "total")),
                                layout=dict(title="Refunds by refund date", yaxis_title=cur))
    return figs
