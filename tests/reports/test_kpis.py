"""The KPI table against the hand-made small shop (expected values: tests/fixtures/small_shop.py).

Periods: current = March 2025, previous = 2025-01-29..2025-02-28 (31 days before),
last year = 2024-03-01..2024-03-31, all in Europe/Berlin.
"""
from datetime import date
from decimal import Decimal as D

import pytest

from fixtures.small_shop import write_small_shop
from workbench.errors import InputError, ParameterError, StoreNotFoundError
from workbench.reports import KPIS, Period, Targets, kpi_figures, kpi_report, load_targets
from workbench.store import Store


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return write_small_shop(tmp_path_factory.mktemp("shop") / "small.duckdb")


@pytest.fixture(scope="module")
def march(shop):
    return kpi_report(shop, "2025-03")


def v(report, kpi, col="value"):
    return report.value(kpi, col)


def test_periods_and_metadata(march):
    assert march.period == Period(date(2025, 3, 1), date(2025, 3, 31))
    assert march.previous_period == Period(date(2025, 1, 29), date(2025, 2, 28))
    assert march.last_year_period == Period(date(2024, 3, 1), date(2024, 3, 31))
    assert march.currency == "EUR" and march.channel is None and march.timezone == "Europe/Berlin"
    assert list(march.table["kpi"]) == list(KPIS)
    assert set(march.table.columns) >= {"kpi", "label", "value", "previous", "last_year", "target",
                                        "change_vs_previous", "change_vs_last_year", "status", "unit"}


@pytest.mark.parametrize("kpi, cur, prev, ly", [
    # sales: current / previous / last year, worked out in small_shop.py
    ("gross_sales", D("300"), D("50"), D("40")),
    ("discounts", D("13"), D("0"), D("0")),
    ("returns", D("50"), D("0"), D("0")),            # R0 (order of Feb) counts in March, on its refund date
    ("net_sales", D("237"), D("50"), D("40")),
    ("shipping", D("20.80"), D("4.90"), D("4.90")),
    ("taxes", D("45.63"), D("9.50"), D("7.60")),
    ("total_sales", D("303.43"), D("64.40"), D("52.50")),
    ("aov", D("41"), D("25"), D("40")),              # (gross - discounts) / orders
    ("ad_spend", D("50"), D("20"), D("5")),
    ("attributed_revenue", D("185.13"), D("28.70"), D("0")),
])
def test_money_kpis(march, kpi, cur, prev, ly):
    assert (v(march, kpi), v(march, kpi, "previous"), v(march, kpi, "last_year")) == (cur, prev, ly)
    assert isinstance(v(march, kpi), D)
    assert march.table.set_index("kpi").loc[kpi, "unit"] == "money"


@pytest.mark.parametrize("kpi, cur, prev, ly", [
    ("orders", 7, 2, 1),
    ("customers", 5, 2, 1),
    ("sessions", 400, 200, 80),
])
def test_count_kpis(march, kpi, cur, prev, ly):
    assert (v(march, kpi), v(march, kpi, "previous"), v(march, kpi, "last_year")) == (cur, prev, ly)


@pytest.mark.parametrize("kpi, cur, prev, ly", [
    ("conversion_rate", 4 / 400, 1 / 200, 1 / 80),
    ("returning_customer_rate", 3 / 5, 0.0, 0.0),       # c1, c2, c5 of c1..c5
    ("refund_rate", 36 / 368.13, 28.70 / 64.40, 0.0),   # cohort: refunds of the period's orders / their totals
    ("refunded_orders_rate", 1 / 7, 1 / 2, 0.0),
    ("gross_margin", 118 / 197, 0.6, 0.55),             # costed lines only; LY has the older cost 9.00
    ("lead_time_median_hours", 36.0, 24.0, 30.0),
    ("lead_time_p90_hours", 43.2, 24.0, 30.0),          # 12, 24, 36, 36, 48 -> 36 + 0.6 * 12
    ("late_shipment_rate", 0.4, 0.0, 1.0),              # O2, O6 of 5 shipped
    ("roas", 185.13 / 50, 28.70 / 20, 0.0),             # UTM match on campaign id or name
    ("roas_platform", 5.0, 1.5, 0.0),                   # purchase_value / spend
])
def test_ratio_kpis(march, kpi, cur, prev, ly):
    got = (v(march, kpi), v(march, kpi, "previous"), v(march, kpi, "last_year"))
    assert got == pytest.approx((cur, prev, ly), abs=1e-12)


def test_changes(march):
    t = march.table.set_index("kpi")
    assert t.loc["net_sales", "change_vs_previous"] == pytest.approx((237 - 50) / 50)       # 3.74
    assert t.loc["net_sales", "change_vs_last_year"] == pytest.approx((237 - 40) / 40)      # 4.925
    assert t.loc["conversion_rate", "change_vs_last_year"] == pytest.approx((0.01 - 0.0125) / 0.0125)  # -0.2
    assert t.loc["returns", "change_vs_previous"] != t.loc["returns", "change_vs_previous"]  # from 0: NaN


def test_no_targets_by_default(march):
    assert set(march.table["status"]) == {"no target"}
    assert march.alerts.empty


TARGETS_TOML = """
[net_sales]
target = 250          # 237 -> miss
direction = "min"

[net_sales.channels.online_store]
target = 100          # 145 -> ok

[orders]
target = 0.2          # per day: 0.2 x 31 = 6.2 -> 7 is ok
per = "day"

[aov]
target = 40           # 41 -> ok

[conversion_rate]
target = 0.02         # 1% -> miss

[late_shipment_rate]
target = 0.1          # 40% -> miss (at most 10%)
direction = "max"

[lead_time_median_hours]
target = 48           # 36 h -> ok
direction = "max"
"""


@pytest.fixture(scope="module")
def targets_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("targets") / "kpi_targets.toml"
    p.write_text(TARGETS_TOML)
    return p


def test_targets_mark_misses(shop, targets_file):
    r = kpi_report(shop, "2025-03", targets=targets_file)
    t = r.table.set_index("kpi")
    assert t.loc["net_sales", "status"] == "miss" and t.loc["net_sales", "target"] == D("250")
    assert t.loc["orders", "status"] == "ok" and t.loc["orders", "target"] == pytest.approx(6.2)
    assert t.loc["aov", "status"] == "ok"
    assert t.loc["conversion_rate", "status"] == "miss"
    assert t.loc["late_shipment_rate", "status"] == "miss"
    assert t.loc["lead_time_median_hours", "status"] == "ok"
    assert t.loc["gross_sales", "status"] == "no target"
    assert list(r.alerts["kpi"]) == ["net_sales", "conversion_rate", "late_shipment_rate"]
    msg = r.alerts.set_index("kpi").loc["net_sales", "message"]
    assert "237.00 EUR" in msg and "below the target of 250.00 EUR" in msg and "50.00 EUR" in msg
    assert "above the limit of 10.0%" in r.alerts.set_index("kpi").loc["late_shipment_rate", "message"]
    assert r.targets_source == str(targets_file)


def test_channel_targets_and_filter(shop, targets_file):
    r = kpi_report(shop, "2025-03", channel="online_store", targets=targets_file)
    t = r.table.set_index("kpi")
    assert t.loc["net_sales", "value"] == D("145") and t.loc["net_sales", "target"] == D("100")
    assert t.loc["net_sales", "status"] == "ok"
    assert t.loc["orders", "value"] == 5
    assert t.loc["aov", "value"] == D("39")
    assert t.loc["returning_customer_rate", "value"] == pytest.approx(0.75)   # c1, c2, c5 of c1, c2, c4, c5
    assert t.loc["conversion_rate", "value"] == pytest.approx(0.01)            # sessions are online store


def test_conversion_is_na_for_other_channels(shop, targets_file):
    r = kpi_report(shop, "2025-03", channel="pos", targets=targets_file)
    t = r.table.set_index("kpi")
    assert t.loc["sessions", "value"] is None and t.loc["conversion_rate", "value"] is None
    assert t.loc["conversion_rate", "status"] == "n/a"
    assert "online-store" in t.loc["conversion_rate", "note"]
    assert t.loc["orders", "value"] == 1 and t.loc["net_sales", "value"] == D("20")
    # ad KPIs stay shop-wide
    assert t.loc["ad_spend", "value"] == D("50") and "all channels" in t.loc["roas", "note"]
    assert r.daily["sessions"].isna().all()


def test_daily_series(march):
    d = march.daily
    assert len(d) == 31 and d["date"].iloc[0] == date(2025, 3, 1)
    by = d.set_index("date")
    assert by.loc[date(2025, 3, 1), "orders"] == 1 and by.loc[date(2025, 3, 1), "net_sales"] == D("20")
    assert by.loc[date(2025, 3, 2), "net_sales"] == D("-20")          # R0 return only
    assert by.loc[date(2025, 3, 3), "net_sales"] == D("45")
    assert by.loc[date(2025, 3, 3), "sessions"] == 250
    assert by.loc[date(2025, 3, 3), "conversion_rate"] == pytest.approx(3 / 250)
    assert sum(d["net_sales"]) == D("237") and d["orders"].sum() == 7 and d["sessions"].sum() == 400


def test_target_config_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[net_sales]\ntarget = 1\ndirection = "up"\n')
    with pytest.raises(InputError, match="direction"):
        load_targets(bad)
    bad.write_text('[net_profit]\ntarget = 1\n')
    with pytest.raises(InputError, match="unknown KPI"):
        load_targets(bad)
    bad.write_text('[net_sales]\ntarget = "lots"\n')
    with pytest.raises(InputError, match="number"):
        load_targets(bad)
    bad.write_text('[net_sales\n')
    with pytest.raises(InputError, match="TOML"):
        load_targets(bad)
    with pytest.raises(ParameterError, match="no targets file"):
        load_targets(tmp_path / "none.toml")


def test_demo_targets_file_loads():
    t = load_targets()   # data/kpi_targets.toml in the project
    assert isinstance(t, Targets)
    assert t.get("net_sales", days=30) is not None


def test_empty_period(shop):
    r = kpi_report(shop, "2020-01")
    assert v(r, "orders") == 0 and v(r, "net_sales") == D("0")
    assert v(r, "aov") is None and v(r, "conversion_rate") is None and v(r, "lead_time_median_hours") is None


def test_bad_inputs(shop, tmp_path):
    with pytest.raises(ParameterError, match="is empty: its start is after its end"):
        kpi_report(shop, "2025-03-05..2025-03-01")
    with pytest.raises(ParameterError, match="Known channels: facebook, online_store, pos"):
        kpi_report(shop, "2025-03", channel="ebay")
    with pytest.raises(StoreNotFoundError):
        kpi_report(Store(tmp_path / "missing.duckdb"), "2025-03")
    with pytest.raises(ParameterError):
        kpi_report(shop, "2025-03", targets=42)


def test_figures(march):
    figs = kpi_figures(march)
    assert set(figs) == {"daily", "conversion"}


def test_period_longer_than_a_year_overlaps_last_year(shop):
    # 2024-03-01..2025-03-31 (396 days): last year = 2023-03-01..2024-03-31 overlaps it (OL1 is in both);
    # previous = 2023-01-30..2024-02-29 holds nothing.
    r = kpi_report(shop, "2024-03-01..2025-03-31")
    assert r.last_year_period == Period(date(2023, 3, 1), date(2024, 3, 31))
    # current: OL1, OP1, OP2, O9, O1..O6 = 10 orders; gross 40 + 20 + 30 + 300 = 390
    assert (v(r, "orders"), v(r, "gross_sales")) == (10, D("390"))
    assert (v(r, "orders", "last_year"), v(r, "gross_sales", "last_year")) == (1, D("40"))
    assert (v(r, "orders", "previous"), v(r, "gross_sales", "previous")) == (0, D("0"))
    # returning: c1 (OL1 before O4), c2 (O9 before O2), c5 (OP1 before O6) of c1..c6 -> 3/6
    assert v(r, "returning_customer_rate") == pytest.approx(0.5)
