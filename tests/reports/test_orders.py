"""The orders report against the hand-made small shop (expected values: tests/fixtures/small_shop.py)."""
from datetime import date, datetime, timezone
from decimal import Decimal as D

import pandas as pd
import pyarrow as pa
import pytest

from fixtures.small_shop import EXPECTED_MARCH, write_small_shop
from workbench.errors import ParameterError, StoreNotFoundError
from workbench.reports import Period, orders_figures, orders_report
from workbench.store import Store


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return write_small_shop(tmp_path_factory.mktemp("shop") / "small.duckdb")


@pytest.fixture(scope="module")
def march(shop):
    return orders_report(shop, "2025-03")


def row(frame, key, value):
    sel = frame[frame[key] == value]
    assert len(sel) == 1, f"{key}={value!r} not found once in\n{frame}"
    return sel.iloc[0]


def test_summary(march):
    s = march.summary.iloc[0]
    # Worked out by hand in small_shop.py: 7 orders (O9 at 23:30 UTC on 28 Feb is 1 March in Berlin;
    # O7 at 23:30 UTC on 31 March is 1 April; O8 is a test order).
    assert s["orders"] == 7
    assert s["gross_sales"] == D("300")      # gift card on O3 excluded
    assert s["discounts"] == D("13")         # O1 4+1, O4 6+2
    assert s["returns"] == D("50")           # R0 20 (February order refunded 2 March) + R1 30
    assert s["net_sales"] == D("237")
    assert s["shipping"] == D("20.80")       # 30.60 - 4.90 free shipping - 4.90 refunded
    assert s["taxes"] == D("45.63")          # 55.43 - 9.80 refunded
    assert s["duties"] == D("0")
    assert s["total_sales"] == D("303.43")
    assert s["aov"] == D("41")               # (300 - 13) / 7
    assert s["units"] == 18 and s["units_returned"] == 2
    assert s["customers"] == 5 and s["cancelled_orders"] == 1
    assert s["refunds"] == 2 and s["refunded_orders"] == 2
    for k, v in EXPECTED_MARCH.items():
        assert s[k] == v, k


def test_money_is_exact_decimal(march):
    for frame in (march.summary, march.by_period, march.by_channel, march.by_country, march.top_products,
                  march.refunds):
        for col in ("gross_sales", "discounts", "returns", "net_sales", "aov", "total"):
            if col in frame.columns:
                assert pa.types.is_decimal(frame[col].dtype.pyarrow_dtype), (col, frame[col].dtype)
    assert isinstance(march.summary["net_sales"].iloc[0], D)


def test_metadata(march):
    assert march.period == Period(date(2025, 3, 1), date(2025, 3, 31))
    assert march.channel is None and march.currency == "EUR"
    assert march.timezone == "Europe/Berlin" and march.week_start == "monday"
    # newest non-test order: O7 at 2025-03-31 23:30 UTC (O8 is a test order)
    assert march.data_as_of == datetime(2025, 3, 31, 23, 30, tzinfo=timezone.utc)
    assert "2025-03-01..2025-03-31" in march.title


def test_by_channel(march):
    bc = march.by_channel
    assert list(bc["channel"]) == ["online_store", "facebook", "pos"]   # by net sales
    on = row(bc, "channel", "online_store")
    assert (on["orders"], on["gross_sales"], on["discounts"], on["returns"], on["net_sales"], on["aov"]) == \
        (5, D("200"), D("5"), D("50"), D("145"), D("39"))
    fb = row(bc, "channel", "facebook")
    assert (fb["orders"], fb["net_sales"], fb["aov"]) == (1, D("72"), D("72"))
    pos = row(bc, "channel", "pos")
    assert (pos["orders"], pos["net_sales"], pos["aov"]) == (1, D("20"), D("20"))
    assert sum(bc["net_sales"]) == D("237")
    assert bc["share_of_net_sales"].sum() == pytest.approx(1.0)
    assert on["share_of_net_sales"] == pytest.approx(145 / 237)


def test_by_country(march):
    bc = march.by_country
    de, at, fr = row(bc, "country", "DE"), row(bc, "country", "AT"), row(bc, "country", "FR")
    assert (de["orders"], de["gross_sales"], de["discounts"], de["returns"], de["net_sales"]) == \
        (5, D("210"), D("13"), D("20"), D("177"))
    assert (at["orders"], at["gross_sales"], at["returns"], at["net_sales"]) == (1, D("30"), D("30"), D("0"))
    assert (fr["orders"], fr["net_sales"]) == (1, D("60"))


def test_by_status(march):
    bs = march.by_status
    got = {(r.financial_status, r.fulfillment_status): r.orders for r in bs.itertuples()}
    assert got == {("paid", "fulfilled"): 4, ("refunded", "fulfilled"): 1, ("paid", "partial"): 1,
                   ("pending", "unfulfilled"): 1}
    assert row(bs, "fulfillment_status", "partial")["gross_sales"] == D("80")


def test_top_products(march):
    tp = march.top_products
    assert list(tp["product"]) == ["Mug", "Poster", "T-shirt"]            # gift card excluded
    assert list(tp["rank"]) == [1, 2, 3]
    mug = row(tp, "product", "Mug")
    assert (mug["units"], mug["units_returned"], mug["gross_sales"], mug["discounts"], mug["returns"],
            mug["net_sales"]) == (6, 1, D("120"), D("4"), D("20"), D("96"))
    poster = row(tp, "product", "Poster")
    assert (poster["units"], poster["net_sales"]) == (9, D("87"))
    tee = row(tp, "product", "T-shirt")
    assert (tee["units"], tee["returns"], tee["net_sales"]) == (3, D("30"), D("54"))


def test_top_n(shop):
    assert list(orders_report(shop, "2025-03", top_n=2).top_products["product"]) == ["Mug", "Poster"]
    with pytest.raises(ParameterError):
        orders_report(shop, "2025-03", top_n=0)


def test_refunds_by_refund_date(march):
    rf = march.refunds
    assert list(rf["date"]) == [date(2025, 3, 2), date(2025, 3, 10)]
    r0, r1 = rf.iloc[0], rf.iloc[1]
    assert (r0["returns"], r0["shipping"], r0["taxes"], r0["total"]) == (D("20"), D("4.90"), D("3.80"), D("28.70"))
    assert (r1["returns"], r1["shipping"], r1["taxes"], r1["total"]) == (D("30"), D("0"), D("6.00"), D("36.00"))


def test_by_day_time_zone_cut(march):
    bp = march.by_period
    assert len(bp) == 31 and bp["bucket"].iloc[0] == date(2025, 3, 1) and bp["bucket"].iloc[-1] == date(2025, 3, 31)
    d1 = row(bp, "bucket", date(2025, 3, 1))     # O9: 23:30 UTC on 28 Feb = 00:30 on 1 March in Berlin
    assert (d1["orders"], d1["gross_sales"], d1["net_sales"]) == (1, D("20"), D("20"))
    d2 = row(bp, "bucket", date(2025, 3, 2))     # only R0's return
    assert (d2["orders"], d2["returns"], d2["net_sales"]) == (0, D("20"), D("-20"))
    d3 = row(bp, "bucket", date(2025, 3, 3))
    assert (d3["orders"], d3["net_sales"], d3["aov"]) == (1, D("45"), D("45"))
    d31 = row(bp, "bucket", date(2025, 3, 31))   # O7 (23:30 UTC on 31 March) is 1 April in Berlin
    assert d31["orders"] == 0 and d31["gross_sales"] == D("0")
    assert sum(bp["net_sales"]) == D("237") and sum(bp["orders"]) == 7


def test_april_holds_the_late_order(shop):
    april = orders_report(shop, "2025-04")
    s = april.summary.iloc[0]
    assert (s["orders"], s["gross_sales"], s["returns"]) == (1, D("20"), D("0"))
    # in Berlin, 28 Feb had no order (O9 at 23:30 UTC is already 1 March)
    feb28 = orders_report(shop, Period(date(2025, 2, 28), date(2025, 2, 28)))
    assert feb28.summary.iloc[0]["orders"] == 0


def test_by_week_monday(shop):
    # Saturday 1 and Sunday 2 March fall in the week of Monday 24 February (label = first day of the week)
    bp = orders_report(shop, "2025-03", grain="week").by_period
    assert list(bp["bucket"]) == [date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10), date(2025, 3, 17),
                                  date(2025, 3, 24), date(2025, 3, 31)]
    assert list(bp["orders"]) == [1, 3, 2, 1, 0, 0]
    assert list(bp["net_sales"]) == [D("0"), D("95"), D("102"), D("40"), D("0"), D("0")]
    assert list(bp["returns"]) == [D("20"), D("0"), D("30"), D("0"), D("0"), D("0")]


def test_by_week_sunday_store(shop, tmp_path):
    # the same shop with Sunday weeks: 1 March (Sat) -> week of 23 Feb, 2 March (Sun) starts a week
    import fixtures.small_shop as fx
    store = fx.write_small_shop(tmp_path / "sunday.duckdb")
    store.write("shop", pd.DataFrame([{**fx.SHOP[0], "week_start": "sunday"}]), mode="replace")
    bp = orders_report(store, "2025-03-01..2025-03-08", grain="week").by_period
    assert list(bp["bucket"]) == [date(2025, 2, 23), date(2025, 3, 2)]
    assert list(bp["orders"]) == [1, 3]          # O9 | O1, O2, O3 (8 March is a Saturday)
    # week of 23 Feb: O9 20; week of 2 March: O1 45 + O2 30 + O3 20 - R0's return 20 (2 March) = 75
    assert list(bp["net_sales"]) == [D("20"), D("75")]


def test_by_month(shop):
    bp = orders_report(shop, "2025-02-01..2025-04-30", grain="month").by_period
    assert list(bp["bucket"]) == [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)]
    assert list(bp["orders"]) == [2, 7, 1]      # Feb: OP1, OP2 (O9 is March local); April: O7
    assert list(bp["net_sales"]) == [D("50"), D("237"), D("20")]


def test_channel_filter(shop):
    r = orders_report(shop, "2025-03", channel="online_store")
    s = r.summary.iloc[0]
    assert (s["orders"], s["gross_sales"], s["discounts"], s["returns"], s["net_sales"], s["aov"]) == \
        (5, D("200"), D("5"), D("50"), D("145"), D("39"))
    assert r.channel == "online_store"
    assert list(r.by_channel["channel"]) == ["online_store"]
    # case and spaces are forgiven; "all" means every channel
    assert orders_report(shop, "2025-03", channel=" Online Store ").channel == "online_store"
    assert orders_report(shop, "2025-03", channel="all").summary.iloc[0]["orders"] == 7


def test_unknown_channel_lists_known(shop):
    with pytest.raises(ParameterError) as exc:
        orders_report(shop, "2025-03", channel="amazon")
    assert "amazon" in str(exc.value)
    assert "facebook, online_store, pos" in str(exc.value)


def test_test_orders_never_count(shop):
    # 25 March holds only the test order O8 (300.00 of T-shirts)
    r = orders_report(shop, "2025-03-25")
    s = r.summary.iloc[0]
    assert s["orders"] == 0 and s["gross_sales"] == D("0")
    assert pd.isna(s["aov"])                   # no orders: no AOV
    assert r.top_products.empty


def test_empty_store_period(shop):
    r = orders_report(shop, "2020-01")
    s = r.summary.iloc[0]
    assert s["orders"] == 0 and s["net_sales"] == D("0")
    assert len(r.by_period) == 31 and r.by_channel.empty and r.refunds.empty


def test_bad_inputs(shop, tmp_path):
    with pytest.raises(ParameterError, match="is empty: its start is after its end"):
        orders_report(shop, "2025-03-05..2025-03-01")
    with pytest.raises(ParameterError, match="grain"):
        orders_report(shop, "2025-03", grain="hour")
    with pytest.raises(StoreNotFoundError, match="No workbench store"):
        orders_report(Store(tmp_path / "missing.duckdb"), "2025-03")


def test_figures(march):
    figs = orders_figures(march)
    assert set(figs) == {"by_period", "by_channel", "by_country", "top_products", "refunds"}
    assert list(figs["top_products"].data[0].y) == ["T-shirt", "Poster", "Mug"]
