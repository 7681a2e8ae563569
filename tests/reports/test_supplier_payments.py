"""Supplier payments report: hand-made shop, expected values worked out by hand.

The fixture ``sp_shop`` (below) is this module's own tiny shop, time zone Europe/Berlin (UTC+1 in
winter, UTC+2 from 31 March 2024). Report date in most tests: AS_OF = 2024-06-30.

Suppliers
  SUP-A  "Acme Textiles"  EUR, terms 30 days, IBAN DE89370400440532013000
  SUP-B  "=EVIL()"        EUR, terms 14 days, no IBAN   (formula-like name for the CSV test)
  SUP-C  "Nordic Wood AB" SEK, terms 60 days            (overpaid: a credit)
  SUP-D  "Idle Supplies"  EUR, terms 30 days            (no activity)

Every order is in EUR. A line owes its supplier qty x supplier_unit_cost (in supplier_currency, the
supplier's); unit_cost is the cost in the order's currency (EUR, for margins).

Orders / lines (qty x supplier_unit_cost, supplier)   shipments (UTC -> Berlin date)
  O1  L1 2 x 10.0000 EUR A, L9 1 x 3.0000 no supplier   S1 2024-03-01 10:00Z -> 03-01: L1 x2, L9 x1, L10 x1
      L10 1 x 9.7200 USD A (unit_cost 9.0000): supplier_currency is not A's (EUR) -> left out, noted
  O2  L2 4 x (none) A: no supplier_unit_cost, falls     S2 2024-04-15 22:30Z -> 04-16 (!): L2 x1, L3 x1
      back to unit_cost 12.5000 (O2 is in EUR = A's)    S3 2024-06-10 09:00Z -> 06-10: L2 x2 (1 never shipped)
      L3 1 x 7.3250 EUR B
  O3  TEST ORDER  L4 5 x 100.0000 EUR A                 S4 2024-03-05: L4 x5        -> left out
  O4  L5 1 x 40.0000 EUR A                              S5 2024-07-05 (after AS_OF) -> left out at AS_OF
  O5  L6 3 x 2.1111 EUR B                               S6 2024-01-10 12:00Z -> 01-10: L6 x3
  O6  L7 1 x 0.1000 EUR B                               S7 2024-06-20: L7 x1; SX 2024-06-19 cancelled: L7 x1 -> left out
  O7  L8 2 x 150.0000 SEK C (unit_cost 13.2000 EUR)     S8 2024-02-01: L8 x2, L11 x1
      L11 1 x (none) C, unit_cost 5.0000 EUR: no supplier_unit_cost and O7's currency (EUR) is not
      C's (SEK) -> left out, noted (no conversion is made)

(Schema 1 had no supplier_unit_cost: L8 then carried 150.0000 in unit_cost although O7 is an EUR
order. Now L8 owes C 150 SEK through supplier_unit_cost and its unit_cost is EUR, so C's figures and
every other expected value below are unchanged; L10 and L11 only add notes.)

Items (supplier, shipment): amount, fulfilled, due (terms), days past due on 06-30
  A/S1   20.0000  03-01  03-31   91
  A/S2   12.5000  04-16  05-16   45
  A/S3   25.0000  06-10  07-10  -10
  B/S6    6.3333  01-10  01-24  158
  B/S2    7.3250  04-16  04-30   61
  B/S7    0.1000  06-20  07-04   -4
  C/S8  300.0000  02-01  04-01   90

Payments
  P1 A 2024-04-01  20.0000 EUR   P2 A 2024-06-01 5.0000 EUR   P3 A 2024-07-02 100.0000 EUR (after AS_OF)
  P4 B 2024-05-01   6.3333 EUR
  P5 C 2024-03-15 350.0000 SEK   P6 C 2024-03-16  10.0000 EUR (wrong currency: not applied, noted)

FIFO on AS_OF
  A: pool 25 -> S1 (due 03-31) 20 paid in full, S2 (due 05-16) 5 of 12.5 paid (open 7.5), S3 open 25.
     invoiced 57.5, paid 25, open 32.5; 31-60: 7.5, not due: 25; oldest open due 05-16.
  B: pool 6.3333 -> S6 (due 01-24) paid exactly; S2 open 7.3250 (61-90), S7 open 0.1 (not due).
     invoiced 6.3333 + 7.3250 + 0.1 = 13.7583, paid 6.3333, open 7.4250; oldest open due 04-30.
  C: invoiced 300, paid 350 -> open_balance -50, credit 50, nothing open.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pandas as pd
import pyarrow as pa
import pytest

from workbench.errors import ParameterError
from workbench.reports.supplier_payments import (
    BUCKETS,
    PAYMENT_RUN_COLUMNS,
    SupplierPaymentsReport,
    payment_run,
    statement,
    supplier_payments_figures,
    supplier_payments_report,
    write_payment_run,
)
from workbench.store import Store

AS_OF = dt.date(2024, 6, 30)
UTC = dt.timezone.utc


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=UTC)


def _shop_frames() -> dict[str, pd.DataFrame]:
    shop = pd.DataFrame([{"shop_id": "s1", "name": "Test shop", "currency": "EUR",
                          "timezone": "Europe/Berlin", "week_start": "monday"}])
    suppliers = pd.DataFrame([
        {"supplier_id": "SUP-A", "name": "Acme Textiles", "currency": "EUR", "payment_terms_days": 30,
         "iban": "DE89370400440532013000", "email": "ap@acme.example"},
        {"supplier_id": "SUP-B", "name": "=EVIL()", "currency": "EUR", "payment_terms_days": 14,
         "iban": None, "email": None},
        {"supplier_id": "SUP-C", "name": "Nordic Wood AB", "currency": "SEK", "payment_terms_days": 60,
         "iban": "SE4550000000058398257466", "email": None},
        {"supplier_id": "SUP-D", "name": "Idle Supplies", "currency": "EUR", "payment_terms_days": 30,
         "iban": None, "email": None},
    ])
    orders = pd.DataFrame([
        {"order_id": oid, "created_at": ts(created), "currency": "EUR", "channel": "online_store", "is_test": test}
        for oid, created, test in [
            ("O1", "2024-02-28T09:00:00", False), ("O2", "2024-04-14T09:00:00", False),
            ("O3", "2024-03-04T09:00:00", True), ("O4", "2024-07-01T09:00:00", False),
            ("O5", "2024-01-09T09:00:00", False), ("O6", "2024-06-18T09:00:00", False),
            ("O7", "2024-01-30T09:00:00", False)]])
    lines = pd.DataFrame([
        {"line_id": lid, "order_id": oid, "quantity": q, "price": D("99"), "unit_cost": D(cost) if cost else None,
         "supplier_id": sup, "supplier_unit_cost": D(scost) if scost else None, "supplier_currency": scur}
        for lid, oid, q, cost, sup, scost, scur in [
            ("L1", "O1", 2, "10.0000", "SUP-A", "10.0000", "EUR"), ("L9", "O1", 1, "3.0000", None, None, None),
            ("L10", "O1", 1, "9.0000", "SUP-A", "9.7200", "USD"),
            ("L2", "O2", 4, "12.5000", "SUP-A", None, None), ("L3", "O2", 1, "7.3250", "SUP-B", "7.3250", "EUR"),
            ("L4", "O3", 5, "100.0000", "SUP-A", "100.0000", "EUR"), ("L5", "O4", 1, "40.0000", "SUP-A", "40.0000", "EUR"),
            ("L6", "O5", 3, "2.1111", "SUP-B", "2.1111", "EUR"), ("L7", "O6", 1, "0.1000", "SUP-B", "0.1000", "EUR"),
            ("L8", "O7", 2, "13.2000", "SUP-C", "150.0000", "SEK"), ("L11", "O7", 1, "5.0000", "SUP-C", None, None)]])
    shipments = pd.DataFrame([
        {"shipment_id": sid, "order_id": oid, "created_at": ts(at), "status": status}
        for sid, oid, at, status in [
            ("S1", "O1", "2024-03-01T10:00:00", "delivered"), ("S2", "O2", "2024-04-15T22:30:00", "delivered"),
            ("S3", "O2", "2024-06-10T09:00:00", "in_transit"), ("S4", "O3", "2024-03-05T09:00:00", "delivered"),
            ("S5", "O4", "2024-07-05T09:00:00", "label_printed"), ("S6", "O5", "2024-01-10T12:00:00", "delivered"),
            ("S7", "O6", "2024-06-20T09:00:00", "delivered"), ("SX", "O6", "2024-06-19T09:00:00", "cancelled"),
            ("S8", "O7", "2024-02-01T09:00:00", "delivered")]])
    shipment_lines = pd.DataFrame([
        {"shipment_id": s, "line_id": l, "quantity": q}
        for s, l, q in [("S1", "L1", 2), ("S1", "L9", 1), ("S1", "L10", 1), ("S2", "L2", 1), ("S2", "L3", 1),
                        ("S3", "L2", 2), ("S4", "L4", 5), ("S5", "L5", 1), ("S6", "L6", 3), ("S7", "L7", 1),
                        ("SX", "L7", 1), ("S8", "L8", 2), ("S8", "L11", 1)]])
    payments = pd.DataFrame([
        {"payment_id": pid, "supplier_id": sup, "paid_at": dt.date.fromisoformat(at), "amount": D(amt),
         "currency": cur, "reference": ref, "method": "transfer"}
        for pid, sup, at, amt, cur, ref in [
            ("P1", "SUP-A", "2024-04-01", "20.0000", "EUR", "INV-2024-03"),
            ("P2", "SUP-A", "2024-06-01", "5.0000", "EUR", "part payment"),
            ("P3", "SUP-A", "2024-07-02", "100.0000", "EUR", "advance"),
            ("P4", "SUP-B", "2024-05-01", "6.3333", "EUR", None),
            ("P5", "SUP-C", "2024-03-15", "350.0000", "SEK", "NW-1"),
            ("P6", "SUP-C", "2024-03-16", "10.0000", "EUR", "oops, EUR")]])
    return {"shop": shop, "suppliers": suppliers, "orders": orders, "order_lines": lines, "shipments": shipments,
            "shipment_lines": shipment_lines, "supplier_payments": payments}


@pytest.fixture(scope="module")
def sp_shop(tmp_path_factory) -> Store:
    """This module's hand-made supplier-payments shop (see the module docstring)."""
    store = Store(tmp_path_factory.mktemp("sp") / "shop.duckdb").init()
    store.write_many(_shop_frames())
    return store


@pytest.fixture(scope="module")
def report(sp_shop) -> SupplierPaymentsReport:
    return supplier_payments_report(sp_shop, as_of=AS_OF)


def row(frame: pd.DataFrame, **match) -> dict:
    m = pd.Series(True, index=frame.index)
    for k, v in match.items():
        m &= frame[k] == v
    hits = frame[m]
    assert len(hits) == 1, (match, hits)
    return hits.iloc[0].to_dict()


# ---- balances and FIFO ---------------------------------------------------------------------------

def test_balances_by_hand(report):
    b = report.balances
    assert list(b.columns) == ["supplier_id", "name", "currency", "invoiced", "paid", "open_balance", "not_due",
                               "d0_30", "d31_60", "d61_90", "d90_plus", "oldest_due_date", "credit"]
    # sorted by open balance, largest first; SUP-D (no activity) is not listed
    assert b["supplier_id"].tolist() == ["SUP-A", "SUP-B", "SUP-C"]
    a = row(b, supplier_id="SUP-A")
    assert (a["invoiced"], a["paid"], a["open_balance"]) == (D("57.5"), D("25"), D("32.5"))
    assert (a["not_due"], a["d0_30"], a["d31_60"], a["d61_90"], a["d90_plus"]) == (D(25), 0, D("7.5"), 0, 0)
    assert a["oldest_due_date"] == dt.date(2024, 5, 16) and a["credit"] == 0
    bb = row(b, supplier_id="SUP-B")
    assert (bb["invoiced"], bb["paid"], bb["open_balance"]) == (D("13.7583"), D("6.3333"), D("7.4250"))
    assert (bb["not_due"], bb["d61_90"], bb["d90_plus"]) == (D("0.1"), D("7.325"), 0)
    assert bb["oldest_due_date"] == dt.date(2024, 4, 30) and bb["name"] == "=EVIL()"
    c = row(b, supplier_id="SUP-C")
    assert (c["currency"], c["invoiced"], c["paid"], c["open_balance"], c["credit"]) == (
        "SEK", D(300), D(350), D(-50), D(50))
    assert pd.isna(c["oldest_due_date"])
    assert sum(c[k] for k in ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")) == 0


def test_open_items_fifo_partial_fulfilment_and_timezone(report):
    oi = report.open_items
    assert list(oi.columns) == ["supplier_id", "shipment_id", "order_id", "fulfilled_on", "due_date", "amount",
                                "paid", "open_amount", "days_past_due", "bucket", "currency"]
    # S1 (A) and S6 (B) are paid in full; C has nothing open; test order S4, cancelled SX, late S5 never appear
    assert list(zip(oi["supplier_id"], oi["shipment_id"])) == [
        ("SUP-A", "S2"), ("SUP-A", "S3"), ("SUP-B", "S2"), ("SUP-B", "S7")]
    s2a = row(oi, supplier_id="SUP-A", shipment_id="S2")
    # shipped 2024-04-15 22:30 UTC = 2024-04-16 00:30 in Berlin
    assert s2a["fulfilled_on"] == dt.date(2024, 4, 16) and s2a["due_date"] == dt.date(2024, 5, 16)
    assert (s2a["amount"], s2a["paid"], s2a["open_amount"]) == (D("12.5"), D(5), D("7.5"))
    assert (s2a["days_past_due"], s2a["bucket"], s2a["order_id"]) == (45, "31-60", "O2")
    s3 = row(oi, shipment_id="S3")  # partial fulfilment: 2 of 4 (1 went with S2, 1 never shipped)
    assert (s3["amount"], s3["paid"], s3["days_past_due"], s3["bucket"]) == (D(25), D(0), -10, "not due")
    s2b = row(oi, supplier_id="SUP-B", shipment_id="S2")
    assert (s2b["due_date"], s2b["open_amount"], s2b["days_past_due"], s2b["bucket"]) == (
        dt.date(2024, 4, 30), D("7.325"), 61, "61-90")


def test_report_meta_and_notes(report):
    assert report.as_of == AS_OF
    assert report.data_as_of == dt.date(2024, 6, 20)  # S7, the last fulfilment counted
    assert report.currency is None and report.currencies == ("EUR", "SEK")  # mixed: no single currency
    assert report.shop_currency == "EUR" and report.timezone == "Europe/Berlin"
    notes = " | ".join(report.notes)
    assert "1 shipped line(s) have no supplier" in notes  # L9
    assert "1 payment(s) are in a currency other than the supplier's" in notes  # P6
    # L10: its supplier_currency (USD) is not SUP-A's (EUR)
    assert "1 shipped line(s) carry a supplier cost in a currency (supplier_currency) other than the supplier's" in notes
    # L11: no supplier_unit_cost, and its unit_cost is in EUR (O7's currency), not SUP-C's SEK
    assert "1 shipped line(s) have no supplier cost (supplier_unit_cost) and their unit_cost is in the order's" in notes
    # L2, shipped in S2 and S3: no supplier_unit_cost, unit_cost used (O2 is EUR, as is SUP-A)
    assert "2 shipped line(s) have no supplier cost (supplier_unit_cost); their unit_cost was used" in notes
    assert "no cost snapshot" not in notes
    totals = report.totals  # per currency, never summed across currencies
    assert totals["currency"].tolist() == ["EUR", "SEK"]
    eur = row(totals, currency="EUR")
    assert (eur["invoiced"], eur["open_balance"]) == (D("71.2583"), D("39.9250"))


def test_aging_long_format(report):
    ag = report.aging
    assert list(ag.columns) == ["supplier_id", "supplier", "currency", "bucket", "amount"]
    assert len(ag) == 3 * len(BUCKETS)
    assert ag[ag.supplier_id == "SUP-A"]["bucket"].tolist() == list(BUCKETS)
    assert ag[ag.supplier_id == "SUP-A"]["amount"].tolist() == [D(25), 0, D("7.5"), 0, 0]
    assert row(ag, supplier_id="SUP-B", bucket="61-90")["amount"] == D("7.325")


def test_later_as_of_counts_later_shipments_and_payments(sp_shop):
    # 2024-07-31: S5 (40) and P3 (100) now count. A: invoiced 97.5, paid 125 -> credit 27.5
    r = supplier_payments_report(sp_shop, as_of=dt.date(2024, 7, 31))
    a = row(r.balances, supplier_id="SUP-A")
    assert (a["invoiced"], a["paid"], a["open_balance"], a["credit"]) == (D("97.5"), D(125), D("-27.5"), D("27.5"))
    assert "SUP-A" not in r.open_items["supplier_id"].tolist()
    assert r.data_as_of == dt.date(2024, 7, 5)


def test_exact_decimals_never_float(report):
    for frame, cols in ((report.balances, ["invoiced", "paid", "open_balance", "not_due", "credit"]),
                        (report.open_items, ["amount", "paid", "open_amount"]),
                        (report.aging, ["amount"])):
        for c in cols:
            assert frame[c].dtype == pd.ArrowDtype(pa.decimal128(18, 4)), (c, frame[c].dtype)
            assert all(isinstance(v, D) for v in frame[c].tolist())
    # open items add up exactly to the bucket columns, supplier by supplier
    for sid, items in report.open_items.groupby("supplier_id"):
        b = row(report.balances, supplier_id=sid)
        assert sum(items["open_amount"].tolist(), D(0)) == sum(
            (b[k] for k in ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")), D(0)) == b["open_balance"] + b["credit"]


def test_supplier_filter_by_id_and_name(sp_shop, report):
    r = supplier_payments_report(sp_shop, as_of=AS_OF, supplier="SUP-B")
    assert r.supplier == "SUP-B" and r.currency == "EUR"
    assert r.balances.to_dict("records") == report.balances[report.balances.supplier_id == "SUP-B"].to_dict("records")
    assert r.open_items["shipment_id"].tolist() == ["S2", "S7"]
    by_name = supplier_payments_report(sp_shop, as_of=AS_OF, supplier="acme textiles")
    assert by_name.supplier == "SUP-A"
    idle = supplier_payments_report(sp_shop, as_of=AS_OF, supplier="SUP-D")  # no activity: one row of zeros
    assert idle.balances["supplier_id"].tolist() == ["SUP-D"] and idle.balances["open_balance"].tolist() == [0]
    assert idle.open_items.empty and idle.data_as_of is None


# ---- a supplier billing in USD ---------------------------------------------------------------------

def _usd_store(path) -> Store:
    """Shop (UTC, EUR) with supplier "U" "Capital Caps Inc." billing in USD, terms 30 days.

    OU1 (EUR)  LU1 3 x 10.0000 USD (unit_cost 9.2593 EUR)   HU1 2024-04-01 -> due 05-01, 60 days past due
    OU2 (EUR)  LU2 2 x 25.0000 USD (unit_cost 23.1481 EUR)  HU2 2024-05-20 -> due 06-19, 11 days past due
    OU3 (EUR)  LU3 1 x (none), unit_cost 4.6296 EUR         HU3 2024-05-21 -> EUR order, USD supplier: left out
    OU4 (USD)  LU4 1 x (none), unit_cost 7.0000 USD         HU4 2024-06-28 -> USD order: unit_cost used, due 07-28
    Payments: PU1 2024-05-25 20.0000 USD; PU2 2024-06-25 15.0000 EUR (not the supplier's currency: not applied)
    """
    store = Store(path).init()
    frames = {
        "shop": pd.DataFrame([{"shop_id": "s", "name": "u", "currency": "EUR", "timezone": "UTC",
                               "week_start": "monday"}]),
        "suppliers": pd.DataFrame([{"supplier_id": "U", "name": "Capital Caps Inc.", "currency": "USD",
                                    "payment_terms_days": 30}]),
        "orders": pd.DataFrame([{"order_id": o, "created_at": ts("2024-03-30T08:00:00"), "currency": cur,
                                 "channel": "online_store", "is_test": False}
                                for o, cur in [("OU1", "EUR"), ("OU2", "EUR"), ("OU3", "EUR"), ("OU4", "USD")]]),
        "order_lines": pd.DataFrame([
            {"line_id": lid, "order_id": oid, "quantity": q, "price": D(40), "unit_cost": D(cost), "supplier_id": "U",
             "supplier_unit_cost": D(scost) if scost else None, "supplier_currency": "USD" if scost else None}
            for lid, oid, q, cost, scost in [("LU1", "OU1", 3, "9.2593", "10.0000"), ("LU2", "OU2", 2, "23.1481", "25.0000"),
                                             ("LU3", "OU3", 1, "4.6296", None), ("LU4", "OU4", 1, "7.0000", None)]]),
        "shipments": pd.DataFrame([{"shipment_id": h, "order_id": o, "created_at": ts(at)} for h, o, at in [
            ("HU1", "OU1", "2024-04-01T12:00:00"), ("HU2", "OU2", "2024-05-20T12:00:00"),
            ("HU3", "OU3", "2024-05-21T12:00:00"), ("HU4", "OU4", "2024-06-28T12:00:00")]]),
        "shipment_lines": pd.DataFrame([{"shipment_id": h, "line_id": l, "quantity": q} for h, l, q in [
            ("HU1", "LU1", 3), ("HU2", "LU2", 2), ("HU3", "LU3", 1), ("HU4", "LU4", 1)]]),
        "supplier_payments": pd.DataFrame([
            {"payment_id": "PU1", "supplier_id": "U", "paid_at": dt.date(2024, 5, 25), "amount": D(20), "currency": "USD"},
            {"payment_id": "PU2", "supplier_id": "U", "paid_at": dt.date(2024, 6, 25), "amount": D(15), "currency": "EUR"}]),
    }
    store.write_many(frames)
    return store


def test_usd_supplier_owed_and_paid_in_usd(tmp_path):
    # Owed in USD: HU1 3 x 10 = 30, HU2 2 x 25 = 50, HU4 1 x 7 (OU4 is a USD order, so its unit_cost
    # is USD) -> invoiced 87 USD; HU3 left out (unit_cost in EUR). (Before schema 2 the report billed
    # unit_cost, EUR, as if USD: 3 x 9.2593 + 2 x 23.1481 + ... and found no USD payment.)
    # FIFO: pool 20 USD (PU1; PU2 is EUR) -> HU1 paid 20, open 10 (31-60); HU2 open 50 (0-30);
    # HU4 open 7 (not due). Open 67 USD.
    store = _usd_store(tmp_path / "u.duckdb")
    r = supplier_payments_report(store, as_of=AS_OF)
    assert r.currency == "USD" and r.currencies == ("USD",)
    b = row(r.balances, supplier_id="U")
    assert (b["currency"], b["invoiced"], b["paid"], b["open_balance"]) == ("USD", D(87), D(20), D(67))
    assert (b["not_due"], b["d0_30"], b["d31_60"], b["d61_90"], b["d90_plus"]) == (D(7), D(50), D(10), 0, 0)
    assert b["oldest_due_date"] == dt.date(2024, 5, 1) and b["credit"] == 0
    oi = r.open_items
    assert oi["shipment_id"].tolist() == ["HU1", "HU2", "HU4"] and set(oi["currency"]) == {"USD"}
    assert oi["amount"].tolist() == [D(30), D(50), D(7)] and oi["open_amount"].tolist() == [D(10), D(50), D(7)]
    notes = " | ".join(r.notes)
    assert "1 shipped line(s) have no supplier cost (supplier_unit_cost) and their unit_cost is in the order's" in notes
    assert "1 shipped line(s) have no supplier cost (supplier_unit_cost); their unit_cost was used" in notes  # LU4
    assert "1 payment(s) are in a currency other than the supplier's" in notes  # PU2
    totals = r.totals
    assert totals["currency"].tolist() == ["USD"] and totals["open_balance"].tolist() == [D(67)]
    # statement and payment run in USD too
    st = statement(r, "U")
    assert st["document_id"].tolist() == ["HU1", "HU2", "PU1", "HU4"]  # 04-01, 05-20, 05-25, 06-28
    assert st["balance"].tolist() == [D(30), D(80), D(60), D(67)]
    run = payment_run(r)  # due by 06-30: HU1 10 + HU2 50
    assert run[["supplier_id", "currency", "amount", "due_items"]].values.tolist() == [["U", "USD", D("60.00"), 2]]


# ---- aging bucket boundaries ---------------------------------------------------------------------

def _one_supplier_store(path, *, terms: int, items: list[tuple[str, dt.date, str]],
                        payments: list[tuple[dt.date, str]] = ()) -> Store:
    """A shop (UTC) with supplier "S" (EUR, ``terms`` days): one order, line and shipment per item
    ``(shipment_id, fulfilled_on, amount)`` (quantity 1 x supplier_unit_cost = amount EUR), and payments
    ``(paid_at, amount)``."""
    store = Store(path).init()
    frames = {
        "shop": pd.DataFrame([{"shop_id": "s", "name": "b", "currency": "EUR", "timezone": "UTC",
                               "week_start": "monday"}]),
        "suppliers": pd.DataFrame([{"supplier_id": "S", "name": "S", "currency": "EUR", "payment_terms_days": terms}]),
        "orders": pd.DataFrame([{"order_id": f"O-{h}", "created_at": ts("2024-01-01T00:00:00"), "currency": "EUR",
                                 "channel": "online_store", "is_test": False} for h, _, _ in items]),
        "order_lines": pd.DataFrame([{"line_id": f"L-{h}", "order_id": f"O-{h}", "quantity": 1, "price": D(5),
                                      "unit_cost": D(a), "supplier_id": "S", "supplier_unit_cost": D(a),
                                      "supplier_currency": "EUR"} for h, _, a in items]),
        "shipments": pd.DataFrame([{"shipment_id": h, "order_id": f"O-{h}",
                                    "created_at": dt.datetime.combine(d, dt.time(12), UTC)} for h, d, _ in items]),
        "shipment_lines": pd.DataFrame([{"shipment_id": h, "line_id": f"L-{h}", "quantity": 1} for h, _, _ in items]),
    }
    if payments:
        frames["supplier_payments"] = pd.DataFrame([
            {"payment_id": f"P{k}", "supplier_id": "S", "paid_at": d, "amount": D(a), "currency": "EUR"}
            for k, (d, a) in enumerate(payments)])
    store.write_many(frames)
    return store


def test_bucket_boundaries(tmp_path):
    """Terms 10 days; one 1.0000 item per days-past-due value -1, 0, 30, 31, 60, 61, 90, 91."""
    as_of = dt.date(2024, 6, 30)
    dpd = [-1, 0, 30, 31, 60, 61, 90, 91]
    store = _one_supplier_store(tmp_path / "b.duckdb", terms=10, items=[
        (f"H{k}", as_of - dt.timedelta(days=10 + k), "1") for k in dpd])
    r = supplier_payments_report(store, as_of=as_of)
    got = dict(zip(r.open_items["days_past_due"].tolist(), r.open_items["bucket"].tolist()))
    assert got == {-1: "not due", 0: "0-30", 30: "0-30", 31: "31-60", 60: "31-60", 61: "61-90", 90: "61-90",
                   91: "90+"}
    b = row(r.balances, supplier_id="S")
    assert (b["not_due"], b["d0_30"], b["d31_60"], b["d61_90"], b["d90_plus"]) == (1, 2, 2, 2, 1)


def test_fifo_runs_out_within_a_day_by_shipment_id(tmp_path):
    # day 1: H1 10; day 2: H3 5 and H2 5 (same day: H2 before H3); day 3: H4 7. Paid 8 + 9 = 17:
    # H1 paid 10, H2 paid 5, H3 paid 2 (open 3), H4 open 7.
    d = dt.date(2024, 3, 1)
    store = _one_supplier_store(tmp_path / "f.duckdb", terms=0, items=[
        ("H1", d, "10"), ("H3", d + dt.timedelta(1), "5"), ("H2", d + dt.timedelta(1), "5"),
        ("H4", d + dt.timedelta(2), "7")], payments=[(d, "8"), (d + dt.timedelta(5), "9")])
    r = supplier_payments_report(store, as_of=d + dt.timedelta(10))
    oi = r.open_items
    assert oi["shipment_id"].tolist() == ["H3", "H4"]
    assert oi["paid"].tolist() == [D(2), D(0)] and oi["open_amount"].tolist() == [D(3), D(7)]


def test_fifo_matches_a_plain_python_allocation(tmp_path):
    import random
    rnd = random.Random(7)
    d0 = dt.date(2024, 1, 1)
    items = [(f"H{n:03d}", d0 + dt.timedelta(rnd.randrange(40)), f"{rnd.randrange(1, 100000) / 10000:.4f}")
             for n in range(120)]
    total = sum(D(a) for _, _, a in items)
    payments = [(d0 + dt.timedelta(rnd.randrange(60)), f"{(total / 7).quantize(D('0.0001'))}") for _ in range(4)]
    store = _one_supplier_store(tmp_path / "r.duckdb", terms=21, items=items, payments=payments)
    as_of = d0 + dt.timedelta(45)
    r = supplier_payments_report(store, as_of=as_of)
    # reference: pool the payments up to as_of, walk the items oldest first (fulfilled, shipment id)
    pool = sum((D(a) for p, a in payments if p <= as_of), D(0))
    expected = {}
    for h, f, a in sorted((i for i in items if i[1] <= as_of), key=lambda i: (i[1], i[0])):
        paid = min(max(pool, D(0)), D(a))
        pool -= paid
        if D(a) > paid:
            expected[h] = D(a) - paid
    assert dict(zip(r.open_items["shipment_id"], r.open_items["open_amount"])) == expected


# ---- statement -----------------------------------------------------------------------------------

def test_statement_running_balance(report):
    st = statement(report, "SUP-A")
    assert list(st.columns) == ["date", "type", "document_id", "reference", "debit", "credit", "balance"]
    assert st[["date", "type", "document_id"]].values.tolist() == [
        [dt.date(2024, 3, 1), "invoice", "S1"], [dt.date(2024, 4, 1), "payment", "P1"],
        [dt.date(2024, 4, 16), "invoice", "S2"], [dt.date(2024, 6, 1), "payment", "P2"],
        [dt.date(2024, 6, 10), "invoice", "S3"]]  # S4 (test order), S5 and P3 (after as_of) are not there
    assert st["balance"].tolist() == [D(20), D(0), D("12.5"), D("7.5"), D("32.5")]
    assert st["balance"].iloc[-1] == row(report.balances, supplier_id="SUP-A")["open_balance"]
    assert st["reference"].tolist()[:2] == ["order O1", "INV-2024-03"]


def test_statement_with_opening_balance_and_store(report, sp_shop):
    # before 2024-04-01 only S1 (20.0000) -> opening 20; P1 on 04-01 itself is inside the period
    st = report.statement("SUP-A", start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 5))
    assert st["type"].tolist() == ["opening balance", "payment", "invoice", "payment"]
    assert st["date"].iloc[0] == dt.date(2024, 4, 1)
    assert st["balance"].tolist() == [D(20), D(0), D("12.5"), D("7.5")]
    assert pd.isna(st["debit"].iloc[0]) and st["credit"].tolist()[1] == D(20)
    # from the store, up to 2024-07-31: C's EUR payment P6 is not applied; credit shows negative
    sc = statement(sp_shop, "SUP-C", end=dt.date(2024, 7, 31))
    assert sc["document_id"].tolist() == ["S8", "P5"]
    assert sc["balance"].tolist() == [D(300), D(-50)]


def test_statement_errors(report):
    with pytest.raises(ParameterError, match="after the report's as_of"):
        statement(report, "SUP-A", end=dt.date(2024, 7, 31))
    with pytest.raises(ParameterError, match="start 2024-06-01 is after end 2024-05-01"):
        statement(report, "SUP-A", start=dt.date(2024, 6, 1), end=dt.date(2024, 5, 1))
    with pytest.raises(ParameterError, match="unknown supplier 'NOPE'"):
        statement(report, "NOPE")


# ---- payment run ---------------------------------------------------------------------------------

def test_payment_run_frame(report):
    run = payment_run(report)
    assert tuple(run.columns) == PAYMENT_RUN_COLUMNS
    # due on or before 06-30: A/S2 open 7.5; B/S2 open 7.3250 -> 7.33 (half-up); C has a credit
    assert run["supplier_id"].tolist() == ["SUP-A", "SUP-B"]
    assert run["amount"].tolist() == [D("7.50"), D("7.33")]
    assert run["due_items"].tolist() == [1, 1]
    assert run["reference"].tolist() == ["PAYRUN-2024-06-30-SUP-A", "PAYRUN-2024-06-30-SUP-B"]
    everything = report.payment_run(include_not_due=True)  # A 7.5 + 25; B 7.325 + 0.1 = 7.425 -> 7.43
    assert everything["amount"].tolist() == [D("32.50"), D("7.43")]
    assert everything["due_items"].tolist() == [2, 2]
    soon = payment_run(report, pay_through=dt.date(2024, 7, 5))  # adds B/S7 (due 07-04), not A/S3 (07-10)
    assert soon["amount"].tolist() == [D("7.50"), D("7.43")]


def test_payment_run_csv_exact_bytes(report, tmp_path):
    path = tmp_path / "run.csv"
    assert write_payment_run(payment_run(report), path) == 2
    assert path.read_bytes() == (
        b"supplier_id,supplier_name,iban,currency,amount,due_items,oldest_due_date,reference\n"
        b"SUP-A,Acme Textiles,DE89370400440532013000,EUR,7.50,1,2024-05-16,PAYRUN-2024-06-30-SUP-A\n"
        b"SUP-B,'=EVIL(),,EUR,7.33,1,2024-04-30,PAYRUN-2024-06-30-SUP-B\n")


def test_empty_payment_run_writes_header_only(sp_shop, tmp_path):
    r = supplier_payments_report(sp_shop, as_of=AS_OF, supplier="SUP-C")  # overpaid: nothing to pay
    run = payment_run(r, include_not_due=True)
    assert run.empty and tuple(run.columns) == PAYMENT_RUN_COLUMNS
    path = tmp_path / "empty.csv"
    assert write_payment_run(run, path) == 0
    assert path.read_bytes() == b"supplier_id,supplier_name,iban,currency,amount,due_items,oldest_due_date,reference\n"


def test_write_payment_run_refuses_floats_and_missing_columns(report, tmp_path):
    run = payment_run(report)
    bad = run.assign(amount=[7.5, 7.33])
    with pytest.raises(ParameterError, match="binary float"):
        write_payment_run(bad, tmp_path / "x.csv")
    with pytest.raises(ParameterError, match="lacks column"):
        write_payment_run(run.drop(columns=["iban"]), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# ---- errors --------------------------------------------------------------------------------------

def test_unknown_supplier_lists_known(sp_shop):
    with pytest.raises(ParameterError) as e:
        supplier_payments_report(sp_shop, as_of=AS_OF, supplier="SUP-X")
    assert "SUP-X" in str(e.value) and "SUP-A" in str(e.value)


def test_as_of_before_data_and_in_future(sp_shop):
    with pytest.raises(ParameterError, match="before any supplier data.*2024-01-10"):
        supplier_payments_report(sp_shop, as_of=dt.date(2024, 1, 9))
    supplier_payments_report(sp_shop, as_of=dt.date(2024, 1, 10))  # the first fulfilment day is fine
    with pytest.raises(ParameterError, match="in the future"):
        supplier_payments_report(sp_shop, as_of=dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(ParameterError, match="must be a date"):
        supplier_payments_report(sp_shop, as_of="30/06/2024")


def test_default_as_of_is_today(sp_shop):
    r = supplier_payments_report(sp_shop)
    assert abs((r.as_of - dt.date.today()).days) <= 1
    assert r.data_as_of == dt.date(2024, 7, 5)


def test_empty_store_is_a_parameter_error(tmp_path):
    store = Store(tmp_path / "e.duckdb").init()
    with pytest.raises(ParameterError, match="nothing to report"):
        supplier_payments_report(store, as_of=AS_OF)


# ---- charts --------------------------------------------------------------------------------------

def test_figures(report):
    figs = supplier_payments_figures(report)
    assert set(figs) == {"aging", "by_bucket"}
    assert [t.name for t in figs["aging"].data] == list(BUCKETS)
    assert figs["aging"].layout.barmode == "stack"
    assert [t.name for t in figs["by_bucket"].data] == ["EUR", "SEK"]  # mixed currencies: one series each
    eur = figs["by_bucket"].data[0]
    assert list(eur.y) == pytest.approx([25.1, 0, 7.5, 7.325, 0])
