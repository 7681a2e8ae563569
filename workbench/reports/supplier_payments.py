"""Supplier payments: what we owe each supplier, how old it is, and what to pay now.

Every fulfilled order line is a bill from its supplier: shipped quantity (``shipment_lines.quantity``)
times the supplier's cost snapshot on the line (``order_lines.supplier_unit_cost``, in
``order_lines.supplier_currency``), owed to the supplier snapshot on the line
(``order_lines.supplier_id``). A line without ``supplier_unit_cost`` (older data, other sources) falls
back to ``order_lines.unit_cost`` only when the order's currency is the supplier's; otherwise, and when
``supplier_currency`` is not the supplier's currency, the line is left out and noted. One *item* (an
"invoice") per supplier and shipment, dated at the fulfilment (the shipment's ``created_at`` as a local
date in the shop's time zone) and due ``payment_terms_days`` later. Test orders and cancelled
shipments are left out.

Payments to a supplier are pooled and applied oldest item first (FIFO by due date, then fulfilment
date, then shipment id); whatever is paid beyond everything billed is a credit. The aging of what is
still open is measured on ``as_of``: ``days_past_due = as_of - due_date``; buckets are *not due*
(< 0), *0-30*, *31-60*, *61-90* and *90+* (> 90) days past due.

Amounts are exact (``decimal128(18, 4)``, computed in DuckDB and fetched through Arrow, never
through binary floats) and in the supplier's currency (``suppliers.currency``): no conversion is
made, and amounts of suppliers with different currencies are never added up
(:attr:`SupplierPaymentsReport.totals` gives one row per currency).

See ``docs/supplier-payments.md`` for every rule and the payment-run file format.
"""
from __future__ import annotations

import datetime as dt
import decimal
import numbers
import os
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pyarrow as pa

from .. import safeio, schema
from ..errors import ParameterError
from ..store import Store

if TYPE_CHECKING:  # plotly is imported only when charts are built
    import plotly.graph_objects as go

__all__ = [
    "BUCKETS",
    "BUCKET_COLUMNS",
    "PAYMENT_RUN_COLUMNS",
    "SupplierPaymentsReport",
    "payment_run",
    "statement",
    "supplier_payments_figures",
    "supplier_payments_report",
    "write_payment_run",
]

#: Aging buckets, in order (the ``bucket`` values of ``open_items`` and ``aging``).
BUCKETS: tuple[str, ...] = ("not due", "0-30", "31-60", "61-90", "90+")
#: The ``balances`` column holding each bucket's open amount.
BUCKET_COLUMNS: dict[str, str] = {"not due": "not_due", "0-30": "d0_30", "31-60": "d31_60",
                                  "61-90": "d61_90", "90+": "d90_plus"}
#: The payment-run file's columns, fixed and in this order.
PAYMENT_RUN_COLUMNS: tuple[str, ...] = ("supplier_id", "supplier_name", "iban", "currency", "amount",
                                        "due_items", "oldest_due_date", "reference")

_CENT = decimal.Decimal("0.01")


# ---- the report ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SupplierPaymentsReport:
    """Accounts payable to suppliers on one date.

    Attributes
    ----------
    as_of : date
        The date the report is made on (shop time zone): fulfilments and payments up to and
        including this date count; aging is measured on it.
    data_as_of : date or None
        The latest fulfilment or payment date that counted (None when nothing counted).
    currency : str or None
        The currency of every amount in the report, or None when suppliers bill in different
        currencies (then never add amounts across rows; use :attr:`totals`).
    currencies : tuple of str
        The supplier currencies in the report, sorted.
    shop_currency : str or None
        The shop's reporting currency (informational; no conversion is made).
    timezone : str
        The shop time zone that cut fulfilment dates.
    supplier : str or None
        The supplier id the report was limited to, if any.
    balances : DataFrame
        One row per supplier: supplier_id, name, currency, invoiced, paid, open_balance, not_due,
        d0_30, d31_60, d61_90, d90_plus, oldest_due_date, credit. ``open_balance = invoiced - paid``
        (negative when overpaid); the five bucket columns add up to ``open_balance + credit``.
    aging : DataFrame
        Long format for charts: supplier_id, supplier (name), currency, bucket, amount; five rows per
        supplier in :data:`BUCKETS` order.
    open_items : DataFrame
        Items not fully paid: supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount,
        paid, open_amount, days_past_due, bucket, currency.
    suppliers : DataFrame
        The suppliers in the report: supplier_id, name, currency, payment_terms_days, iban, email.
    notes : tuple of str
        Data left out and why (lines without supplier or cost, costs or payments in another
        currency than the supplier's, ...), and lines whose cost fell back to ``unit_cost``.
    """

    as_of: dt.date
    data_as_of: dt.date | None
    currency: str | None
    currencies: tuple[str, ...]
    shop_currency: str | None
    timezone: str
    supplier: str | None
    balances: pd.DataFrame = field(repr=False)
    aging: pd.DataFrame = field(repr=False)
    open_items: pd.DataFrame = field(repr=False)
    suppliers: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    store: Store | None = field(default=None, repr=False, compare=False)

    @property
    def totals(self) -> pd.DataFrame:
        """Sums of ``balances`` per currency (one row per currency; never across currencies)."""
        cols = ["invoiced", "paid", "open_balance", *BUCKET_COLUMNS.values(), "credit"]
        tbl = pa.Table.from_pandas(self.balances[["currency", *cols]], preserve_index=False)
        if tbl.num_rows == 0:
            out = pa.table({"currency": pa.array([], pa.string()),
                            **{c: pa.array([], schema.MONEY) for c in cols}})
        else:
            agg = tbl.group_by("currency").aggregate([(c, "sum") for c in cols])
            out = pa.table({"currency": agg["currency"],
                            **{c: agg[f"{c}_sum"].cast(schema.MONEY) for c in cols}}).sort_by("currency")
        return schema.to_frame(out)

    def statement(self, supplier_id: str, *, start: dt.date | None = None,
                  end: dt.date | None = None) -> pd.DataFrame:
        """See :func:`statement`."""
        return statement(self, supplier_id, start=start, end=end)

    def payment_run(self, *, pay_through: dt.date | None = None, include_not_due: bool = False) -> pd.DataFrame:
        """See :func:`payment_run`."""
        return payment_run(self, pay_through=pay_through, include_not_due=include_not_due)


# ---- SQL -----------------------------------------------------------------------------------------

# One item per (supplier, shipment): shipped quantity x the supplier's cost snapshot, test orders
# and cancelled shipments left out. Per line: supplier_unit_cost when its currency is the supplier's
# (a missing supplier_currency is taken as the supplier's: the column is defined in it); a line whose
# supplier_currency is another currency is left out (n_other_currency); a line without
# supplier_unit_cost falls back to unit_cost, which is in the ORDER's currency, only when that is the
# supplier's currency (n_fallback lines, n_fallback_other of them left out). Only the fallback needs
# the order's currency: when no line lacks supplier_unit_cost (the usual schema-2 store) the few test
# orders are removed by an anti-join, which is cheaper than joining every order ({orders_join} and
# {order_currency}, see _build_items). Lines without a supplier stay in (supplier_id NULL) only to be
# counted; so do lines naming an unknown supplier (currency NULL).
_ITEMS_SQL = """
CREATE OR REPLACE TEMP TABLE _sp_items AS
WITH shipped AS (
    SELECT ol.supplier_id, sl.shipment_id, su.currency,
           sum(sl.quantity * CASE WHEN ol.supplier_unit_cost IS NOT NULL THEN ol.supplier_unit_cost
                                  WHEN {order_currency} = su.currency THEN ol.unit_cost END)
               FILTER (WHERE ol.supplier_currency IS NULL OR ol.supplier_currency = su.currency) AS amount,
           count(*) AS n_lines,
           count(*) FILTER (WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NULL) AS n_without_cost,
           count(*) FILTER (WHERE ol.supplier_currency <> su.currency) AS n_other_currency,
           count(*) FILTER (WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NOT NULL
                              AND coalesce(ol.supplier_currency, su.currency) = su.currency) AS n_fallback,
           count(*) FILTER (WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NOT NULL
                              AND coalesce(ol.supplier_currency, su.currency) = su.currency
                              AND {order_currency} IS DISTINCT FROM su.currency) AS n_fallback_other
    FROM shipment_lines sl
    JOIN order_lines ol ON ol.line_id = sl.line_id
    LEFT JOIN suppliers su ON su.supplier_id = ol.supplier_id
    {orders_join}
    GROUP BY ol.supplier_id, sl.shipment_id, su.currency
)
SELECT l.supplier_id, l.shipment_id, s.order_id,
       CAST(timezone($tz, s.created_at) AS DATE) AS fulfilled_on,
       CAST(coalesce(l.amount, 0) AS DECIMAL(18, 4)) AS amount,
       l.n_lines, l.n_without_cost, l.n_other_currency, l.n_fallback, l.n_fallback_other, l.currency
FROM shipped l
JOIN shipments s ON s.shipment_id = l.shipment_id
WHERE s.status IS DISTINCT FROM 'cancelled'
"""

_TEST_ORDERS_ANTI_JOIN = """ANTI JOIN (SELECT order_id FROM orders WHERE is_test) t ON t.order_id = ol.order_id
    WHERE TRUE {line_filter}"""
_ORDERS_JOIN = """LEFT JOIN orders o ON o.order_id = ol.order_id
    WHERE o.is_test IS NOT TRUE {line_filter}"""

# Are there lines that would fall back to unit_cost? (Answered from column statistics in a moment.)
_ANY_FALLBACK_SQL = """
SELECT EXISTS (SELECT 1 FROM order_lines ol
               WHERE ol.supplier_unit_cost IS NULL AND ol.unit_cost IS NOT NULL AND ol.supplier_id IS NOT NULL
               {line_filter})
"""


def _build_items(con: duckdb.DuckDBPyConnection, line_filter: str, params: dict) -> None:
    """The per-item temp table ``_sp_items`` (see :data:`_ITEMS_SQL`)."""
    fallback = con.execute(_ANY_FALLBACK_SQL.format(line_filter=line_filter),
                           {k: v for k, v in params.items() if k == "sid"} or None).fetchall()[0][0]
    if fallback:
        sql = _ITEMS_SQL.format(orders_join=_ORDERS_JOIN.format(line_filter=line_filter), order_currency="o.currency")
    else:  # (a line lacking supplier_unit_cost written meanwhile would be left out and noted)
        sql = _ITEMS_SQL.format(orders_join=_TEST_ORDERS_ANTI_JOIN.format(line_filter=line_filter),
                                order_currency="NULL")
    con.execute(sql, params)


# Payments up to as_of in the supplier's own currency, pooled per supplier.
_PAY_SQL = """
CREATE OR REPLACE TEMP TABLE _sp_pay AS
SELECT p.supplier_id, CAST(sum(p.amount) AS DECIMAL(18, 4)) AS paid, max(p.paid_at) AS last_paid_at
FROM supplier_payments p JOIN suppliers s ON s.supplier_id = p.supplier_id
WHERE p.paid_at <= $as_of AND p.currency = s.currency {pay_filter}
GROUP BY p.supplier_id
"""

# FIFO: the pooled payments cover items in (due_date, fulfilled_on, shipment_id) order; an item's
# paid part is the pool left after the items before it, clamped to [0, amount]. Within one supplier
# due_date = fulfilled_on + terms, so the order is (fulfilled_on, shipment_id). To avoid sorting every
# item, the running total is taken per (supplier, day) first: days wholly before the pool runs out
# are paid, days wholly after it are open, and only the one day where it runs out is ranked by
# shipment id.
_DAYS_SQL = """
CREATE OR REPLACE TEMP TABLE _sp_days AS
WITH days AS (
    SELECT supplier_id, fulfilled_on, sum(amount) AS day_amount
    FROM _sp_items
    WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of AND amount <> 0
    GROUP BY supplier_id, fulfilled_on
)
SELECT d.supplier_id, d.fulfilled_on, d.fulfilled_on + CAST(s.payment_terms_days AS INTEGER) AS due_date, s.currency,
       CAST(d.day_amount AS DECIMAL(18, 4)) AS day_amount,
       CAST(coalesce(p.paid, 0) AS DECIMAL(18, 4)) AS pool,
       CAST(sum(d.day_amount) OVER (PARTITION BY d.supplier_id ORDER BY d.fulfilled_on
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - d.day_amount
            AS DECIMAL(18, 4)) AS day_before
FROM days d
JOIN suppliers s ON s.supplier_id = d.supplier_id
LEFT JOIN _sp_pay p ON p.supplier_id = d.supplier_id
"""

_ALLOC_SQL = """
CREATE OR REPLACE TEMP TABLE _sp_alloc AS
WITH j AS (   -- items of days not wholly paid
    SELECT i.supplier_id, i.shipment_id, i.order_id, i.fulfilled_on, d.due_date, i.amount, d.currency,
           d.day_before, d.pool
    FROM _sp_items i
    JOIN _sp_days d ON d.supplier_id = i.supplier_id AND d.fulfilled_on = i.fulfilled_on
    WHERE d.day_before + d.day_amount > d.pool AND i.amount <> 0
), boundary AS (   -- the day the pool runs out: rank its items by shipment id
    SELECT j.*,
           greatest(least(pool - day_before
                          - (sum(amount) OVER (PARTITION BY supplier_id ORDER BY shipment_id
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - amount),
                          amount), 0) AS paid
    FROM j WHERE day_before < pool
), alloc AS (
    SELECT supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount, currency,
           CAST(0 AS DECIMAL(18, 4)) AS paid
    FROM j WHERE day_before >= pool
    UNION ALL
    SELECT supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount, currency,
           CAST(paid AS DECIMAL(18, 4))
    FROM boundary
)
SELECT supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount, paid,
       CAST(amount - paid AS DECIMAL(18, 4)) AS open_amount,
       $as_of - due_date AS days_past_due,
       CASE WHEN $as_of - due_date < 0 THEN 'not due'
            WHEN $as_of - due_date <= 30 THEN '0-30'
            WHEN $as_of - due_date <= 60 THEN '31-60'
            WHEN $as_of - due_date <= 90 THEN '61-90'
            ELSE '90+' END AS bucket,
       currency
FROM alloc
WHERE amount > paid
"""

_BALANCES_SQL = """
CREATE OR REPLACE TEMP TABLE _sp_bal AS
WITH inv AS (
    SELECT supplier_id, sum(day_amount) AS invoiced, max(fulfilled_on) AS last_fulfilled_on
    FROM _sp_days GROUP BY supplier_id
), opn AS (
    SELECT supplier_id,
           sum(open_amount) FILTER (WHERE bucket = 'not due') AS not_due,
           sum(open_amount) FILTER (WHERE bucket = '0-30') AS d0_30,
           sum(open_amount) FILTER (WHERE bucket = '31-60') AS d31_60,
           sum(open_amount) FILTER (WHERE bucket = '61-90') AS d61_90,
           sum(open_amount) FILTER (WHERE bucket = '90+') AS d90_plus,
           min(due_date) AS oldest_due_date
    FROM _sp_alloc GROUP BY supplier_id
), ids AS (
    SELECT supplier_id FROM inv UNION SELECT supplier_id FROM _sp_pay {extra_ids}
)
SELECT s.supplier_id, s.name, s.currency,
       CAST(coalesce(inv.invoiced, 0) AS DECIMAL(18, 4)) AS invoiced,
       CAST(coalesce(p.paid, 0) AS DECIMAL(18, 4)) AS paid,
       CAST(coalesce(inv.invoiced, 0) - coalesce(p.paid, 0) AS DECIMAL(18, 4)) AS open_balance,
       CAST(coalesce(opn.not_due, 0) AS DECIMAL(18, 4)) AS not_due,
       CAST(coalesce(opn.d0_30, 0) AS DECIMAL(18, 4)) AS d0_30,
       CAST(coalesce(opn.d31_60, 0) AS DECIMAL(18, 4)) AS d31_60,
       CAST(coalesce(opn.d61_90, 0) AS DECIMAL(18, 4)) AS d61_90,
       CAST(coalesce(opn.d90_plus, 0) AS DECIMAL(18, 4)) AS d90_plus,
       opn.oldest_due_date,
       CAST(greatest(coalesce(p.paid, 0) - coalesce(inv.invoiced, 0), 0) AS DECIMAL(18, 4)) AS credit,
       greatest(inv.last_fulfilled_on, p.last_paid_at) AS last_activity,
       s.payment_terms_days, s.iban, s.email
FROM ids JOIN suppliers s ON s.supplier_id = ids.supplier_id
LEFT JOIN inv ON inv.supplier_id = ids.supplier_id
LEFT JOIN opn ON opn.supplier_id = ids.supplier_id
LEFT JOIN _sp_pay p ON p.supplier_id = ids.supplier_id
"""

_BAL_COLUMNS = ("supplier_id, name, currency, invoiced, paid, open_balance, not_due, d0_30, d31_60, "
                "d61_90, d90_plus, oldest_due_date, credit")
_BAL_ORDER = "open_balance DESC, supplier_id"


# ---- helpers -------------------------------------------------------------------------------------

def _shop(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    rows = con.execute("SELECT timezone, currency FROM shop ORDER BY shop_id LIMIT 1").fetchall()
    return (rows[0][0], rows[0][1]) if rows else ("UTC", None)


def _today(tz: str) -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo(tz)).date()


def _as_date(value: object, what: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ParameterError(f"{what} must be a date like 2024-06-30, not {value!r}") from None
    if isinstance(value, pd.Timestamp):
        return value.date()
    raise ParameterError(f"{what} must be a date, not {type(value).__name__} {value!r}")


def _resolve_supplier(con: duckdb.DuckDBPyConnection, supplier: str) -> str:
    """A supplier id (or exact supplier name) → its id; ParameterError naming known ones otherwise."""
    if not isinstance(supplier, str) or not supplier.strip():
        raise ParameterError(f"supplier must be a supplier id, not {supplier!r}")
    key = supplier.strip()
    hit = con.execute("SELECT supplier_id FROM suppliers WHERE supplier_id = ?", [key]).fetchall()
    if hit:
        return hit[0][0]
    by_name = con.execute("SELECT supplier_id FROM suppliers WHERE lower(name) = lower(?) ORDER BY supplier_id",
                          [key]).fetchall()
    if len(by_name) == 1:
        return by_name[0][0]
    if len(by_name) > 1:
        raise ParameterError(f"more than one supplier is called {key!r} "
                             f"({', '.join(r[0] for r in by_name)}); give the supplier id")
    n = con.execute("SELECT count(*) FROM suppliers").fetchall()[0][0]
    some = [r[0] for r in con.execute("SELECT supplier_id FROM suppliers ORDER BY supplier_id LIMIT 10").fetchall()]
    known = (f"known suppliers: {', '.join(some)}" + (f" ... ({n} in all)" if n > len(some) else "")
             if some else "there are no suppliers in the store")
    raise ParameterError(f"unknown supplier {key!r}; {known}")


def _check_as_of(con: duckdb.DuckDBPyConnection, as_of: dt.date, today: dt.date, tz: str, *,
                 items_ready: bool) -> None:
    if as_of > today:
        raise ParameterError(f"as_of {as_of} is in the future (today is {today} in {tz}); "
                             f"pick a date up to today")
    if items_ready:
        first_item = con.execute("SELECT min(fulfilled_on) FROM _sp_items WHERE supplier_id IS NOT NULL").fetchall()[0][0]
    else:
        first_item = con.execute("SELECT CAST(timezone($tz, min(created_at)) AS DATE) FROM shipments",
                                 {"tz": tz}).fetchall()[0][0]
    first_pay = con.execute("SELECT min(paid_at) FROM supplier_payments").fetchall()[0][0]
    firsts = [d for d in (first_item, first_pay) if d is not None]
    if not firsts:
        raise ParameterError("there is nothing to report yet: the store holds no fulfilled supplier lines "
                             "and no supplier payments")
    first = min(firsts)
    if as_of < first:
        raise ParameterError(f"as_of {as_of} is before any supplier data (the first fulfilment or payment "
                             f"is on {first}); pick a date from {first} on")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return schema.to_frame(con.sql(sql, params=params).to_arrow_table())


def _money(value: object, what: str) -> decimal.Decimal | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float):
        raise ParameterError(f"{what} is a binary float ({value!r}); payment amounts must be exact "
                             f"(Decimal), as payment_run() returns them")
    if isinstance(value, (decimal.Decimal, numbers.Integral)) and not isinstance(value, bool):
        return decimal.Decimal(int(value)) if not isinstance(value, decimal.Decimal) else value
    if isinstance(value, str):
        try:
            return decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            pass
    raise ParameterError(f"{what} is not an amount: {value!r}")


# ---- public API ----------------------------------------------------------------------------------

def supplier_payments_report(store: Store, *, as_of: dt.date | None = None,
                             supplier: str | None = None) -> SupplierPaymentsReport:
    """What we owe each supplier on ``as_of``, aged, after applying payments oldest item first.

    Parameters
    ----------
    store : Store
        The workbench store.
    as_of : date, optional
        The report date (shop time zone); default today. Fulfilments and payments up to and
        including this date count. Must not be in the future nor before the first fulfilment or
        supplier payment in the store.
    supplier : str, optional
        Limit the report to one supplier (its id, or its exact name).

    Returns
    -------
    SupplierPaymentsReport

    Raises
    ------
    ParameterError
        Unknown supplier (the message lists some known ids), ``as_of`` in the future or before any
        supplier data, or nothing to report at all.
    """
    with store.connect() as con:
        tz, shop_currency = _shop(con)
        today = _today(tz)
        as_of = _as_date(as_of, "as_of") or today
        sid = _resolve_supplier(con, supplier) if supplier is not None else None
        if as_of > today:  # fail fast, before the heavy query
            _check_as_of(con, as_of, today, tz, items_ready=False)
        params = {"tz": tz}
        line_filter = ""
        if sid is not None:
            line_filter = "AND ol.supplier_id = $sid"
            params["sid"] = sid
        _build_items(con, line_filter, params)
        # "before any data" is judged on the whole store (a supplier without activity gets zeros)
        _check_as_of(con, as_of, today, tz, items_ready=sid is None)

        p = {"as_of": as_of}
        pay_filter = extra_ids = ""
        if sid is not None:
            p["sid"] = sid
            pay_filter = "AND p.supplier_id = $sid"
            extra_ids = "UNION SELECT $sid"
        con.execute(_PAY_SQL.format(pay_filter=pay_filter), p)
        con.execute(_DAYS_SQL, {"as_of": as_of})
        con.execute(_ALLOC_SQL, {"as_of": as_of})
        con.execute(_BALANCES_SQL.format(extra_ids=extra_ids), {"sid": sid} if sid is not None else None)

        balances = _fetch(con, f"SELECT {_BAL_COLUMNS} FROM _sp_bal ORDER BY {_BAL_ORDER}")
        open_items = _fetch(con, """
            SELECT supplier_id, shipment_id, order_id, fulfilled_on, due_date, amount, paid, open_amount,
                   days_past_due, bucket, currency
            FROM _sp_alloc
            ORDER BY supplier_id, due_date, fulfilled_on, shipment_id""")
        aging = _fetch(con, f"""
            SELECT b.supplier_id, b.name AS supplier, b.currency, k.bucket,
                   CASE k.bucket WHEN 'not due' THEN b.not_due WHEN '0-30' THEN b.d0_30
                        WHEN '31-60' THEN b.d31_60 WHEN '61-90' THEN b.d61_90 ELSE b.d90_plus END AS amount
            FROM _sp_bal b CROSS JOIN (VALUES {", ".join(f"({i}, '{k}')" for i, k in enumerate(BUCKETS))}) k(pos, bucket)
            ORDER BY b.open_balance DESC, b.supplier_id, k.pos""")
        suppliers = _fetch(con, "SELECT supplier_id, name, currency, payment_terms_days, iban, email "
                                "FROM _sp_bal ORDER BY supplier_id")
        meta = con.execute("SELECT max(last_activity), list(DISTINCT currency ORDER BY currency) FROM _sp_bal").fetchall()[0]
        notes = _notes(con, as_of, sid)

    currencies = tuple(meta[1] or ())
    return SupplierPaymentsReport(
        as_of=as_of, data_as_of=meta[0], currency=currencies[0] if len(currencies) == 1 else None,
        currencies=currencies, shop_currency=shop_currency, timezone=tz, supplier=sid,
        balances=balances, aging=aging, open_items=open_items, suppliers=suppliers,
        notes=tuple(notes), store=store)


def _notes(con: duckdb.DuckDBPyConnection, as_of: dt.date, sid: str | None) -> list[str]:
    """Plain-words notes on what was left out (everything counted up to ``as_of``)."""
    pf = "AND p.supplier_id = $sid" if sid is not None else ""
    params = {"as_of": as_of, **({"sid": sid} if sid is not None else {})}
    row = con.execute(f"""
        SELECT
          (SELECT coalesce(sum(n_lines), 0) FROM _sp_items WHERE supplier_id IS NULL AND fulfilled_on <= $as_of),
          (SELECT coalesce(sum(n_without_cost), 0) FROM _sp_items WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of),
          (SELECT coalesce(sum(n_other_currency), 0) FROM _sp_items WHERE supplier_id IS NOT NULL AND fulfilled_on <= $as_of),
          (SELECT coalesce(sum(n_fallback_other), 0) FROM _sp_items
             WHERE supplier_id IS NOT NULL AND currency IS NOT NULL AND fulfilled_on <= $as_of),
          (SELECT coalesce(sum(n_fallback - n_fallback_other), 0) FROM _sp_items
             WHERE supplier_id IS NOT NULL AND currency IS NOT NULL AND fulfilled_on <= $as_of),
          (SELECT list(DISTINCT i.supplier_id ORDER BY i.supplier_id) FROM _sp_items i
             ANTI JOIN suppliers s ON s.supplier_id = i.supplier_id
             WHERE i.supplier_id IS NOT NULL AND i.fulfilled_on <= $as_of),
          (SELECT count(*) FROM supplier_payments p JOIN suppliers s ON s.supplier_id = p.supplier_id
             WHERE p.paid_at <= $as_of AND p.currency <> s.currency {pf}),
          (SELECT list(DISTINCT p.supplier_id ORDER BY p.supplier_id) FROM supplier_payments p
             ANTI JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE p.paid_at <= $as_of {pf})
        """, params).fetchall()[0]
    (no_supplier, no_cost, line_other_currency, fallback_other, fallback_used, unknown_items, other_currency,
     unknown_pay) = row
    notes = []
    if no_supplier:
        notes.append(f"{no_supplier} shipped line(s) have no supplier on the order line and are not owed to anyone here")
    if no_cost:
        notes.append(f"{no_cost} shipped line(s) have no cost snapshot (supplier_unit_cost or unit_cost) "
                     f"and count as 0")
    if line_other_currency:
        notes.append(f"{line_other_currency} shipped line(s) carry a supplier cost in a currency "
                     f"(supplier_currency) other than the supplier's and are left out")
    if fallback_other:
        notes.append(f"{fallback_other} shipped line(s) have no supplier cost (supplier_unit_cost) and their "
                     f"unit_cost is in the order's currency, not the supplier's: left out (no conversion is made)")
    if fallback_used:
        notes.append(f"{fallback_used} shipped line(s) have no supplier cost (supplier_unit_cost); their unit_cost "
                     f"was used (the order's currency is the supplier's)")
    if unknown_items:
        notes.append(f"shipped lines name supplier(s) missing from the supplier list and are left out: "
                     f"{', '.join(unknown_items[:10])}")
    if other_currency:
        notes.append(f"{other_currency} payment(s) are in a currency other than the supplier's and are not applied")
    if unknown_pay:
        notes.append(f"payments to supplier(s) missing from the supplier list are left out: "
                     f"{', '.join(unknown_pay[:10])}")
    return notes


_STATEMENT_SQL = """
WITH sup AS (SELECT supplier_id, currency FROM suppliers WHERE supplier_id = $sid),
rows AS (
    SELECT fulfilled_on AS date, 0 AS kind, 'invoice' AS type, shipment_id AS document_id,
           'order ' || order_id AS reference, amount AS debit, CAST(NULL AS DECIMAL(18, 4)) AS credit
    FROM _sp_items WHERE supplier_id = $sid AND fulfilled_on <= $end AND amount <> 0
    UNION ALL
    SELECT p.paid_at, 1, 'payment', p.payment_id,
           coalesce(p.reference, p.method, ''), CAST(NULL AS DECIMAL(18, 4)), p.amount
    FROM supplier_payments p JOIN sup ON sup.supplier_id = p.supplier_id AND sup.currency = p.currency
    WHERE p.paid_at <= $end
), opening AS (
    SELECT CAST(coalesce(sum(coalesce(debit, 0) - coalesce(credit, 0)), 0) AS DECIMAL(18, 4)) AS bal
    FROM rows WHERE $start IS NOT NULL AND date < $start
), body AS (
    SELECT date, kind, type, document_id, reference, debit, credit,
           CAST((SELECT bal FROM opening) + sum(coalesce(debit, 0) - coalesce(credit, 0))
                OVER (ORDER BY date, kind, document_id ROWS UNBOUNDED PRECEDING) AS DECIMAL(18, 4)) AS balance
    FROM rows WHERE $start IS NULL OR date >= $start
)
SELECT date, type, document_id, reference, debit, credit, balance FROM (
    SELECT CAST($start AS DATE) AS date, -1 AS kind, 'opening balance' AS type, CAST(NULL AS VARCHAR) AS document_id,
           'balance before ' || CAST($start AS VARCHAR) AS reference,
           CAST(NULL AS DECIMAL(18, 4)) AS debit, CAST(NULL AS DECIMAL(18, 4)) AS credit, bal AS balance
    FROM opening WHERE $start IS NOT NULL
    UNION ALL
    SELECT * FROM body
) ORDER BY date, kind, document_id
"""


def statement(report_or_store: SupplierPaymentsReport | Store, supplier_id: str, *,
              start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """One supplier's account: every invoice (fulfilment) and payment with a running balance.

    Parameters
    ----------
    report_or_store : SupplierPaymentsReport or Store
        A report (``end`` defaults to, and may not pass, its ``as_of``) or a store (``end``
        defaults to today in the shop time zone).
    supplier_id : str
        The supplier (id or exact name).
    start, end : date, optional
        The period, both inclusive. With ``start`` the first row is the opening balance (everything
        before ``start``), dated ``start``.

    Returns
    -------
    DataFrame
        date, type (``opening balance`` / ``invoice`` / ``payment``), document_id (shipment id or
        payment id), reference (``order <id>`` or the payment's reference), debit (invoice amount:
        we owe more), credit (payment: we owe less), balance (running, what we owe after the row;
        negative is a credit with the supplier). Sorted by date; on one date invoices come before
        payments. Amounts are exact decimals in the supplier's currency.
    """
    if isinstance(report_or_store, SupplierPaymentsReport):
        report = report_or_store
        if report.store is None:
            raise ParameterError("this report has no store attached; pass the store to statement()")
        store, limit = report.store, report.as_of
    elif isinstance(report_or_store, Store):
        store, limit, report = report_or_store, None, None
    else:
        raise ParameterError(f"statement() needs a SupplierPaymentsReport or a Store, not {type(report_or_store).__name__}")
    start = _as_date(start, "start")
    end = _as_date(end, "end")
    with store.connect() as con:
        tz, _ = _shop(con)
        today = _today(tz)
        sid = _resolve_supplier(con, supplier_id)
        if end is None:
            end = limit or today
        if limit is not None and end > limit:
            raise ParameterError(f"end {end} is after the report's as_of {limit}; make a report as of {end} "
                                 f"or pass the store")
        if end > today:
            raise ParameterError(f"end {end} is in the future (today is {today} in {tz})")
        if start is not None and start > end:
            raise ParameterError(f"start {start} is after end {end}")
        _build_items(con, "AND ol.supplier_id = $sid", {"tz": tz, "sid": sid})
        return _fetch(con, _STATEMENT_SQL, {"sid": sid, "start": start, "end": end})


def payment_run(report: SupplierPaymentsReport, *, pay_through: dt.date | None = None,
                include_not_due: bool = False) -> pd.DataFrame:
    """What to pay now: one row per supplier with open items due on or before ``pay_through``.

    Parameters
    ----------
    report : SupplierPaymentsReport
    pay_through : date, optional
        Pay items due on or before this date (default: the report's ``as_of``, i.e. everything
        due or overdue). A later date pays items falling due soon as well.
    include_not_due : bool
        Pay every open item, whatever its due date (``pay_through`` is then ignored).

    Returns
    -------
    DataFrame
        The columns of :data:`PAYMENT_RUN_COLUMNS`: supplier_id, supplier_name, iban, currency,
        amount (exact decimal rounded half-up to 2 places, in the supplier's currency), due_items
        (how many items it pays), oldest_due_date, reference (``PAYRUN-<as_of>-<supplier_id>``).
        Sorted by supplier_id; suppliers with nothing to pay (or a credit) have no row.
    """
    if not isinstance(report, SupplierPaymentsReport):
        raise ParameterError(f"payment_run() needs a SupplierPaymentsReport, not {type(report).__name__}")
    through = dt.date.max if include_not_due else (_as_date(pay_through, "pay_through") or report.as_of)
    items = pa.Table.from_pandas(report.open_items[["supplier_id", "due_date", "open_amount"]], preserve_index=False)
    sups = pa.Table.from_pandas(report.suppliers[["supplier_id", "name", "iban", "currency"]], preserve_index=False)
    con = duckdb.connect()
    try:
        con.register("items", items)
        con.register("sups", sups)
        tbl = con.sql("""
            SELECT i.supplier_id, s.name AS supplier_name, s.iban, s.currency,
                   CAST(round(sum(i.open_amount), 2) AS DECIMAL(18, 2)) AS amount,
                   count(*) AS due_items, min(i.due_date) AS oldest_due_date,
                   'PAYRUN-' || CAST($as_of AS VARCHAR) || '-' || i.supplier_id AS reference
            FROM items i JOIN sups s ON s.supplier_id = i.supplier_id
            WHERE i.due_date <= $through AND i.open_amount > 0
            GROUP BY ALL
            HAVING round(sum(i.open_amount), 2) > 0
            ORDER BY i.supplier_id""", params={"as_of": report.as_of, "through": through}).to_arrow_table()
    finally:
        con.close()
    return schema.to_frame(tbl.select(list(PAYMENT_RUN_COLUMNS)))


def write_payment_run(frame: pd.DataFrame, path: str | os.PathLike) -> int:
    """Write a payment run as the bank-upload CSV; returns the number of payment rows.

    The file has exactly the columns of :data:`PAYMENT_RUN_COLUMNS` in that order (extra columns
    in ``frame`` are dropped), UTF-8 without BOM, ``\\n`` line ends; ``amount`` is text with exactly
    two decimals (rounded half-up; binary floats are refused), dates are ISO ``YYYY-MM-DD``, empty
    values are empty. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` ...) is
    prefixed with ``'``. The write is atomic. An empty run writes the header line only and
    returns 0.

    Raises
    ------
    ParameterError
        A column is missing or an amount is not an exact number.
    """
    missing = [c for c in PAYMENT_RUN_COLUMNS if c not in frame.columns]
    if missing:
        raise ParameterError(f"the payment run lacks column(s) {', '.join(missing)}; "
                             f"expected {', '.join(PAYMENT_RUN_COLUMNS)} (use payment_run())")
    out = {}
    for col in PAYMENT_RUN_COLUMNS:
        values = frame[col].tolist()
        if col == "amount":
            text = []
            for i, v in enumerate(values):
                d = _money(v, f"amount in row {i + 1}")
                text.append("" if d is None else format(d.quantize(_CENT, rounding=decimal.ROUND_HALF_UP), "f"))
        elif col == "oldest_due_date":
            text = ["" if v is None or v is pd.NA or v is pd.NaT else _as_date(v, col).isoformat() for v in values]
        elif col == "due_items":
            text = ["" if v is None or v is pd.NA else str(int(v)) for v in values]
        else:
            text = ["" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v) for v in values]
        out[col] = pd.Series(text, dtype=object)
    safeio.write_csv(pd.DataFrame(out, columns=list(PAYMENT_RUN_COLUMNS)), path)
    return len(frame)


# ---- charts --------------------------------------------------------------------------------------

_BUCKET_COLOURS = {"not due": "#9bbf85", "0-30": "#f2c14e", "31-60": "#f08a4b", "61-90": "#d9534f", "90+": "#8b1e3f"}


def supplier_payments_figures(report: SupplierPaymentsReport) -> dict[str, "go.Figure"]:
    """Charts of a report (amounts become floats here, for drawing only).

    Returns
    -------
    dict
        ``"aging"``: stacked bar of open amounts per supplier by aging bucket;
        ``"by_bucket"``: open balance per bucket (one bar series per currency when suppliers use
        different currencies).
    """
    import plotly.graph_objects as go

    aging = report.aging
    mixed = len(report.currencies) > 1
    label = (aging["supplier"].astype(str) + " (" + aging["currency"].astype(str) + ")") if mixed \
        else aging["supplier"].astype(str)
    amounts = aging["amount"].astype("float64")  # drawing only; the report's amounts stay Decimal
    unit = report.currency or "supplier currency"
    fig = go.Figure()
    for b in BUCKETS:
        m = (aging["bucket"] == b).to_numpy(dtype=bool)
        fig.add_bar(name=b, x=label[m].tolist(), y=amounts[m].tolist(), marker_color=_BUCKET_COLOURS[b])
    fig.update_layout(barmode="stack", title=f"Open supplier balances by age on {report.as_of}",
                      xaxis_title="supplier", yaxis_title=f"open amount ({unit})", legend_title="days past due")
    by = go.Figure()
    for cur in report.currencies or (report.currency or "",):
        m = (aging["currency"] == cur).to_numpy(dtype=bool) if cur else slice(None)
        sums = [float(amounts[m][(aging["bucket"][m] == b).to_numpy(dtype=bool)].sum()) for b in BUCKETS]
        by.add_bar(name=cur or "open", x=list(BUCKETS), y=sums,
                   marker_color=None if mixed else [_BUCKET_COLOURS[b] for b in BUCKETS])
    by.update_layout(barmode="group", title=f"Open balance by days past due on {report.as_of}",
                     xaxis_title="days past due", yaxis_title=f"open amount ({unit})", showlegend=mixed)
    if aging.empty:
        for f in (fig, by):
            f.add_annotation(text="nothing open", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return {"aging": fig, "by_bucket": by}
