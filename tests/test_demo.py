"""The demo shop generator: deterministic, complete, consistent and realistic enough for the reports."""
from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from workbench import schema
from workbench.demo import (DEMO_EXPORTS, FX_PER_EUR, default_products, generate_demo, seed_demo,
                            write_demo_exports)
from workbench.migration import run_migration
from workbench.store import Store

ORDERS = 5000


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Store, dict[str, int]]:
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    counts = seed_demo(store, orders=ORDERS, start=date(2024, 11, 1), progress=False)
    return store, counts


def one(store: Store, sql: str):
    return store.query_arrow(sql).to_pylist()[0]


# ---- determinism ---------------------------------------------------------------------------------

def test_same_seed_same_tables_other_seed_other_tables():
    a = generate_demo(orders=1500, seed=3)
    b = generate_demo(orders=1500, seed=3)
    c = generate_demo(orders=1500, seed=4)
    assert set(a) == set(schema.TABLES)
    for name in schema.TABLES:
        assert a[name].equals(b[name]), name
    assert not a["orders"].equals(c["orders"])
    assert not a["products"].equals(c["products"])


def test_reseeding_replaces_everything(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = seed_demo(store, orders=800, progress=False)
    before = store.read("orders")
    again = seed_demo(store, orders=800, progress=False)
    assert first == again == store.counts()
    assert before.equals(store.read("orders"))
    seed_demo(store, orders=400, progress=False)
    assert store.counts()["orders"] == 400


# ---- sizes ---------------------------------------------------------------------------------------

def test_every_table_filled_and_sizes_as_asked(shop):
    store, counts = shop
    assert counts == store.counts()
    assert all(n > 0 for n in counts.values()), counts
    assert counts["orders"] == ORDERS
    assert counts["shop"] == 1
    assert counts["suppliers"] == 20
    assert counts["products"] == default_products(ORDERS)
    assert 1.3 * ORDERS < counts["order_lines"] < 2.2 * ORDERS
    assert abs(counts["customers"] - ORDERS / 3) < 2
    assert 0.05 * ORDERS <= counts["refunds"] <= 0.08 * ORDERS
    assert counts["variants"] > 3 * counts["products"]


def test_default_catalog_size():
    assert 1000 <= default_products(2000) <= default_products(50_000) <= 2000
    assert default_products(1_000_000) <= 5000


def test_shop_settings(shop):
    store, _ = shop
    row = store.read("shop").iloc[0]
    assert (row["name"], row["currency"], row["timezone"], row["week_start"], row["country_code"],
            row["platform"]) == ("Demo Outfitters", "EUR", "Europe/Berlin", "monday", "DE", "shopify")


# ---- types ---------------------------------------------------------------------------------------

def test_money_is_decimal_in_the_store(shop):
    store, _ = shop
    money = {(t.name, c.name) for t in schema.TABLES.values() for c in t.columns if c.type == schema.MONEY}
    types = {(r["table_name"], r["column_name"]): r["data_type"] for r in store.query_arrow(
        "SELECT table_name, column_name, data_type FROM information_schema.columns").to_pylist()}
    assert money and all(types[k] == "DECIMAL(18,4)" for k in money)
    lines = store.query_arrow("SELECT price, discount_amount, tax_amount, unit_cost FROM order_lines")
    assert all(pa.types.is_decimal(f.type) for f in lines.schema)
    orders = store.read("orders")
    assert all(pa.types.is_decimal(orders[c].dtype.pyarrow_dtype) for c in ("shipping_price", "total_tax"))


def test_barcodes_are_13_digit_strings_with_leading_zeros(shop):
    store, _ = shop
    r = one(store, "SELECT count(*) FILTER (WHERE NOT regexp_full_match(barcode, '[0-9]{13}')) bad, "
                   "count(*) FILTER (WHERE barcode LIKE '0%') zeros, count(DISTINCT barcode) = count(*) uniq "
                   "FROM variants")
    assert r["bad"] == 0 and r["zeros"] > 0 and r["uniq"]


# ---- referential integrity -----------------------------------------------------------------------

@pytest.mark.parametrize("child, key, parent", [
    ("order_lines", "order_id", "orders"),
    ("order_lines", "variant_id", "variants"),
    ("order_lines", "product_id", "products"),
    ("variants", "product_id", "products"),
    ("variant_options", "variant_id", "variants"),
    ("images", "product_id", "products"),
    ("collection_products", "product_id", "products"),
    ("collection_products", "collection_id", "collections"),
    ("orders", "customer_id", "customers"),
    ("transactions", "order_id", "orders"),
    ("refunds", "order_id", "orders"),
    ("refund_lines", "refund_id", "refunds"),
    ("refund_lines", "line_id", "order_lines"),
    ("shipments", "order_id", "orders"),
    ("shipment_lines", "shipment_id", "shipments"),
    ("shipment_lines", "line_id", "order_lines"),
    ("supplier_products", "variant_id", "variants"),
    ("supplier_products", "supplier_id", "suppliers"),
    ("order_lines", "supplier_id", "suppliers"),
    ("supplier_payments", "supplier_id", "suppliers"),
    ("reviews", "product_id", "products"),
    ("reviews", "variant_id", "variants"),
    ("reviews", "customer_id", "customers"),
])
def test_references_exist(shop, child, key, parent):
    store, _ = shop
    orphans = one(store, f'SELECT count(*) n FROM "{child}" c WHERE c."{key}" IS NOT NULL AND NOT EXISTS '
                         f'(SELECT 1 FROM "{parent}" p WHERE p."{key}" = c."{key}")')["n"]
    assert orphans == 0


def test_lines_belong_to_the_right_order(shop):
    store, _ = shop
    r = one(store, """
        SELECT (SELECT count(*) FROM refund_lines rl JOIN refunds r USING (refund_id)
                JOIN order_lines l USING (line_id) WHERE l.order_id <> r.order_id) refund_bad,
               (SELECT count(*) FROM shipment_lines sl JOIN shipments s USING (shipment_id)
                JOIN order_lines l USING (line_id) WHERE l.order_id <> s.order_id) ship_bad,
               (SELECT count(*) FROM refund_lines rl JOIN order_lines l USING (line_id)
                WHERE rl.quantity > l.quantity OR rl.quantity < 1
                   OR rl.amount > l.price * l.quantity - l.discount_amount) refund_qty_bad,
               (SELECT count(*) FROM (SELECT line_id, sum(quantity) q FROM shipment_lines GROUP BY 1) s
                JOIN order_lines l USING (line_id) WHERE s.q <> l.quantity) ship_qty_bad,
               (SELECT count(*) FROM order_lines l JOIN variants v USING (variant_id)
                WHERE l.product_id <> v.product_id OR l.sku <> v.sku OR l.price <> v.price) variant_bad""")
    assert r == {k: 0 for k in r}


def test_fulfillment_status_matches_shipments(shop):
    store, _ = shop
    rows = store.query_arrow("""
        WITH s AS (SELECT l.order_id, count(DISTINCT sl.line_id) shipped
                   FROM shipment_lines sl JOIN order_lines l USING (line_id) GROUP BY 1),
             n AS (SELECT order_id, count(*) lines FROM order_lines GROUP BY 1)
        SELECT o.fulfillment_status, CASE WHEN coalesce(s.shipped, 0) = 0 THEN 'unfulfilled'
                                          WHEN s.shipped = n.lines THEN 'fulfilled' ELSE 'partial' END expected,
               count(*) n
        FROM orders o JOIN n USING (order_id) LEFT JOIN s USING (order_id) GROUP BY ALL""").to_pylist()
    assert all(r["fulfillment_status"] == r["expected"] for r in rows), rows
    assert {"unfulfilled", "fulfilled"} <= {r["expected"] for r in rows}
    # some orders ship in two parts
    assert one(store, "SELECT count(*) n FROM (SELECT order_id FROM shipments GROUP BY 1 HAVING count(*) > 1)")["n"] > 0


# ---- money rules ---------------------------------------------------------------------------------

def test_costs_below_prices(shop):
    store, _ = shop
    r = one(store, "SELECT (SELECT count(*) FROM variants WHERE cost >= price OR cost <= 0) v, "
                   "(SELECT count(*) FROM order_lines WHERE unit_cost >= price OR unit_cost <= 0) l, "
                   "(SELECT count(*) FROM variants WHERE compare_at_price <= price) cmp")
    assert r == {"v": 0, "l": 0, "cmp": 0}
    # supplier prices are in the supplier's currency at the fixed demo rates
    sp = store.query_arrow("""SELECT sp.currency, sp.unit_cost, v.cost, v.price FROM supplier_products sp
                              JOIN variants v USING (variant_id) WHERE sp.is_primary""").to_pylist()
    for row in sp:
        assert row["unit_cost"] < row["price"] * 2
        assert abs(float(row["unit_cost"]) - float(row["cost"]) * FX_PER_EUR[row["currency"]]) <= 0.01


def test_sale_amount_is_the_order_total(shop):
    store, _ = shop
    r = one(store, """
        WITH l AS (SELECT order_id, sum(price * quantity) gross, sum(discount_amount) disc, sum(tax_amount) tax
                   FROM order_lines GROUP BY 1)
        SELECT count(*) n,
               count(*) FILTER (WHERE t.amount <> l.gross - l.disc + o.shipping_price - o.shipping_discount + o.total_tax) bad,
               count(*) FILTER (WHERE l.tax <> o.total_tax) tax_bad,
               count(*) FILTER (WHERE l.disc > 0) discounted
        FROM orders o JOIN l USING (order_id)
        JOIN transactions t ON t.order_id = o.order_id AND t.kind = 'sale' AND t.status = 'success'""")
    assert r["n"] > 0.9 * ORDERS and r["bad"] == 0 and r["tax_bad"] == 0
    assert r["discounted"] > 0.05 * ORDERS
    # discount codes and line discounts go together
    assert one(store, """SELECT count(*) n FROM orders o JOIN (SELECT order_id, sum(discount_amount) d
                         FROM order_lines GROUP BY 1) l USING (order_id)
                         WHERE (l.d > 0) <> (o.discount_code IS NOT NULL AND o.discount_code <> 'FREESHIP')""")["n"] == 0


def test_refunds_and_statuses(shop):
    store, _ = shop
    r = one(store, """
        SELECT (SELECT count(*) FROM refunds r JOIN orders o USING (order_id)
                WHERE r.created_at < o.created_at + INTERVAL 3 DAY OR r.created_at > o.created_at + INTERVAL 31 DAY) late,
               (SELECT count(*) FROM orders o WHERE financial_status IN ('refunded', 'partially_refunded')
                AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.order_id)) no_refund,
               (SELECT count(*) FROM refunds r JOIN (SELECT refund_id, sum(amount) a FROM refund_lines GROUP BY 1) l
                USING (refund_id) JOIN transactions t ON t.order_id = r.order_id AND t.kind = 'refund'
                WHERE t.amount <> l.a + r.tax_amount + r.shipping_amount) tx_bad""")
    assert r == {"late": 0, "no_refund": 0, "tx_bad": 0}
    statuses = {row["financial_status"] for row in store.query_arrow(
        "SELECT DISTINCT financial_status FROM orders").to_pylist()}
    assert {"paid", "pending", "refunded", "partially_refunded", "voided"} <= statuses
    errors = {row["error_code"] for row in store.query_arrow(
        "SELECT DISTINCT error_code FROM transactions WHERE status = 'failure'").to_pylist()}
    assert {"card_declined", "insufficient_funds", "expired_card"} <= errors


# ---- realism -------------------------------------------------------------------------------------

def test_repeat_customers(shop):
    store, _ = shop
    r = one(store, """WITH c AS (SELECT customer_id, count(*) n FROM orders WHERE customer_id IS NOT NULL GROUP BY 1)
                      SELECT count(*) FILTER (WHERE n > 1) * 1.0 / (SELECT count(*) FROM customers) share,
                             (SELECT count(*) FROM customers c JOIN orders o USING (customer_id)
                              WHERE c.created_at > o.created_at) signed_up_late,
                             (SELECT count(DISTINCT country_code) FROM customers) countries FROM c""")
    assert 0.2 < r["share"] < 0.4
    assert r["signed_up_late"] == 0
    assert r["countries"] >= 6


def test_seasonality_and_weekdays(shop):
    store, _ = shop
    rows = store.query_arrow("""
        SELECT month(d) m, dayofweek(d) wd, count(*) n
        FROM (SELECT timezone('Europe/Berlin', created_at)::DATE d FROM orders) GROUP BY ALL""").to_pylist()
    by_month, by_wd = {}, {}
    for r in rows:
        by_month[r["m"]] = by_month.get(r["m"], 0) + r["n"]
        by_wd[r["wd"]] = by_wd.get(r["wd"], 0) + r["n"]
    # two years: every month appears twice (Oct/Nov/Dec: 92 days per year; Jun/Jul/Aug: 92)
    q4 = by_month[10] + by_month[11] + by_month[12]
    summer = by_month[6] + by_month[7] + by_month[8]
    assert q4 > 1.3 * summer
    assert max(by_wd.values()) > 1.15 * min(by_wd.values())
    assert by_wd[0] > by_wd[6]  # Sunday beats Saturday


def test_timestamps_are_utc_and_local_days_cover_the_period(shop):
    store, _ = shop
    r = one(store, """SELECT min(timezone('Europe/Berlin', created_at))::DATE first,
                             max(timezone('Europe/Berlin', created_at))::DATE last FROM orders""")
    assert r["first"] >= date(2024, 11, 1) and r["last"] <= date(2026, 10, 31)
    pos_hours = store.query_arrow("""SELECT DISTINCT hour(timezone('Europe/Berlin', created_at)) h
                                     FROM orders WHERE channel = 'pos'""").to_pylist()
    assert all(10 <= row["h"] < 19 for row in pos_hours)


def test_channels_tests_cancellations_utms(shop):
    store, _ = shop
    shares = {r["channel"]: r["share"] for r in store.query_arrow(
        "SELECT channel, count(*) * 1.0 / sum(count(*)) OVER () share FROM orders GROUP BY 1").to_pylist()}
    assert set(shares) == {"online_store", "facebook", "instagram", "pos"}
    assert 0.6 < shares["online_store"] < 0.8
    r = one(store, """SELECT count(*) FILTER (WHERE is_test) tests, count(*) FILTER (WHERE cancelled_at IS NOT NULL) cancelled,
                      count(*) FILTER (WHERE channel IN ('facebook', 'instagram') AND (utm_source <> channel
                          OR utm_medium <> 'paid_social' OR utm_campaign IS NULL)) utm_bad,
                      count(*) FILTER (WHERE order_number <> '#' || (1000 + CAST(substr(order_id, 2) AS INTEGER))) num_bad
                      FROM orders""")
    assert r["tests"] >= 3 and r["cancelled"] > 0 and r["utm_bad"] == 0 and r["num_bad"] == 0
    # every campaign named in a UTM is in ad_stats for that day and platform
    assert one(store, """SELECT count(*) n FROM orders o WHERE utm_medium = 'paid_social' AND NOT EXISTS (
                         SELECT 1 FROM ad_stats a WHERE a.campaign_name = o.utm_campaign AND a.platform = o.channel
                         AND a.campaign_id = o.utm_content
                         AND a.date = timezone('Europe/Berlin', o.created_at)::DATE)""")["n"] == 0
    assert one(store, "SELECT count(DISTINCT campaign_id) n FROM ad_stats")["n"] >= 4


def test_shipping_times(shop):
    store, _ = shop
    r = one(store, """SELECT count(*) n, count(*) FILTER (WHERE s.created_at < o.created_at) before_order,
                      count(*) FILTER (WHERE s.created_at > o.ship_by) late,
                      count(*) FILTER (WHERE s.delivered_at < s.created_at) delivered_before,
                      count(DISTINCT carrier) carriers
                      FROM shipments s JOIN orders o USING (order_id) WHERE s.provider <> 'pos'""")
    assert r["before_order"] == 0 and r["delivered_before"] == 0 and r["carriers"] == 4
    assert 0.03 < r["late"] / r["n"] < 0.3


def test_sessions_match_online_store_orders(shop):
    store, _ = shop
    r = one(store, """SELECT (SELECT sum(converted) FROM sessions) conv,
                             (SELECT sum(sessions) FROM sessions) sess,
                             (SELECT count(*) FROM orders WHERE channel = 'online_store' AND NOT is_test) web,
                             (SELECT count(*) FROM sessions WHERE NOT (converted <= reached_checkout
                              AND reached_checkout <= added_to_cart AND added_to_cart <= sessions)) funnel_bad""")
    assert r["conv"] == r["web"] and r["funnel_bad"] == 0
    assert 0.015 <= r["conv"] / r["sess"] <= 0.03


def test_reviews_skew_positive(shop):
    store, _ = shop
    r = one(store, """SELECT avg(rating) avg, count(*) FILTER (WHERE rating <= 2) low,
                      count(*) FILTER (WHERE status = 'published') * 1.0 / count(*) published FROM reviews""")
    assert 3.8 < r["avg"] < 4.6 and r["low"] > 0 and r["published"] > 0.8


def test_supplier_aging_buckets_all_filled(shop):
    """Bills (shipped supplier cost, in the supplier's currency, due at the shipment's local date + terms)
    minus payments (in the supplier's currency), oldest bills first."""
    store, _ = shop
    rows = store.query_arrow("""
        WITH bills AS (
            SELECT l.supplier_id,
                   timezone('Europe/Berlin', s.created_at)::DATE + CAST(su.payment_terms_days AS INTEGER) due,
                   l.supplier_unit_cost * sl.quantity amount
            FROM shipment_lines sl JOIN shipments s USING (shipment_id) JOIN order_lines l USING (line_id)
            JOIN suppliers su ON su.supplier_id = l.supplier_id),
        cum AS (SELECT *, sum(amount) OVER (PARTITION BY supplier_id ORDER BY due ROWS UNBOUNDED PRECEDING) c
                FROM bills),
        paid AS (SELECT supplier_id, sum(amount) p FROM supplier_payments GROUP BY 1),
        open AS (SELECT DATE '2026-10-31' - due dpd FROM cum LEFT JOIN paid USING (supplier_id)
                 WHERE c > coalesce(p, 0))
        SELECT CASE WHEN dpd <= 30 THEN '0-30' WHEN dpd <= 60 THEN '31-60' WHEN dpd <= 90 THEN '61-90'
                    ELSE '90+' END bucket, count(*) n
        FROM open WHERE dpd >= 0 GROUP BY 1""").to_pylist()
    assert {r["bucket"] for r in rows if r["n"] > 0} == {"0-30", "31-60", "61-90", "90+"}
    # most but not all is paid, in every currency (amounts of different currencies are never added)
    per_currency = store.query_arrow("""
        WITH owed AS (SELECT su.currency, sum(l.supplier_unit_cost * sl.quantity) owed
                      FROM shipment_lines sl JOIN order_lines l USING (line_id)
                      JOIN suppliers su ON su.supplier_id = l.supplier_id GROUP BY 1),
             paid AS (SELECT currency, sum(amount) paid FROM supplier_payments GROUP BY 1)
        SELECT currency, owed, paid FROM owed LEFT JOIN paid USING (currency) ORDER BY 1""").to_pylist()
    assert [r["currency"] for r in per_currency] == ["EUR", "GBP", "USD"]
    for r in per_currency:
        assert 0.7 * float(r["owed"]) < float(r["paid"] or 0) < float(r["owed"]), r


def test_order_lines_carry_the_suppliers_currency_and_cost(shop):
    store, _ = shop
    r = one(store, """
        SELECT count(*) FILTER (WHERE l.supplier_id IS NOT NULL) with_supplier,
               count(*) FILTER (WHERE l.supplier_id IS NOT NULL AND l.supplier_currency IS DISTINCT FROM s.currency)
                 currency_bad,
               count(*) FILTER (WHERE l.supplier_id IS NOT NULL AND (l.supplier_unit_cost IS NULL
                                OR l.supplier_unit_cost <= 0)) cost_missing,
               count(DISTINCT l.supplier_currency) currencies
        FROM order_lines l LEFT JOIN suppliers s USING (supplier_id)""")
    assert r["with_supplier"] > 0 and r["currency_bad"] == 0 and r["cost_missing"] == 0
    assert r["currencies"] == 3
    # unit_cost (EUR, the order's currency) is the supplier's cost converted at the demo rates
    rows = store.query_arrow("""SELECT l.supplier_currency, l.supplier_unit_cost, l.unit_cost, o.currency
                                FROM order_lines l JOIN orders o USING (order_id)""").to_pylist()
    for row in rows:
        assert row["currency"] == "EUR"
        assert abs(float(row["supplier_unit_cost"]) / FX_PER_EUR[row["supplier_currency"]]
                   - float(row["unit_cost"])) <= 0.005 + 1e-9, row
        if row["supplier_currency"] == "EUR":
            assert row["supplier_unit_cost"] == row["unit_cost"]
    # the supplier's price list at the time of sale: today's price in the last year, a little
    # less (0-5% per year back) before
    d = one(store, """
        WITH l AS (SELECT l.supplier_unit_cost c, sp.unit_cost today,
                          2026 - year(timezone('Europe/Berlin', o.created_at)) years_back
                   FROM order_lines l JOIN orders o USING (order_id)
                   JOIN supplier_products sp ON sp.variant_id = l.variant_id AND sp.supplier_id = l.supplier_id
                                            AND sp.is_primary AND sp.currency = l.supplier_currency)
        SELECT count(*) n,
               count(*) FILTER (WHERE years_back = 0 AND c <> today) this_year_bad,
               count(*) FILTER (WHERE years_back > 0 AND (c > today OR c < today / pow(1.05, years_back) - 0.01))
                 drift_bad,
               count(*) FILTER (WHERE years_back > 0 AND c < today) drifted
        FROM l""")
    assert d["n"] == len(rows)  # every line matches its primary supplier's price list
    assert d["this_year_bad"] == 0 and d["drift_bad"] == 0 and d["drifted"] > 0


def test_supplier_payments_in_the_suppliers_currency(shop):
    store, _ = shop
    r = one(store, """
        SELECT count(*) n, count(*) FILTER (WHERE p.currency <> s.currency) bad,
               count(DISTINCT p.currency) currencies,
               count(*) FILTER (WHERE p.method <> CASE WHEN s.currency = 'EUR' THEN 'sepa_transfer' ELSE 'swift' END)
                 method_bad
        FROM supplier_payments p JOIN suppliers s USING (supplier_id)""")
    assert r["n"] > 0 and r["bad"] == 0 and r["method_bad"] == 0
    assert r["currencies"] == 3  # USD and GBP suppliers are paid too, in their own currency


def test_by_default_the_demo_ends_yesterday_so_recent_periods_have_data():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from workbench.demo import default_start
    yesterday = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)
    assert default_start(730) == yesterday - timedelta(days=729)
    assert default_start(10, end=date(2025, 1, 10)) == date(2025, 1, 1)


# ---- demo exports: the demo catalog in other platforms' files -------------------------------------
def test_store_catalog_is_the_canonical_catalog(shop):
    store, counts = shop
    catalog = store.read_catalog()
    assert {name: len(df) for name, df in catalog.frames().items()} == {
        name: counts[name] for name in catalog.frames()}


@pytest.mark.parametrize("platform", DEMO_EXPORTS)
def test_demo_exports_migrate_whole_to_shopify(shop, tmp_path, platform):
    # every platform's demo files are read back by that platform's reader and carry every product,
    # variant and customer of the demo shop into Shopify's files without an error
    store, counts = shop
    written = write_demo_exports(store, tmp_path / "imports", names=[platform])
    files = written[platform]
    assert files and all(p.parent == tmp_path / "imports" / platform and p.stat().st_size for p in files)
    result = run_migration(platform, "shopify", files, tmp_path / "out", progress=False)
    got = result.counts.set_index("what")
    assert got.loc["products", "in"] == got.loc["products", "out"] == counts["products"]
    assert got.loc["variants", "in"] == got.loc["variants", "out"] == counts["variants"]
    customers = counts["customers"] if platform != "woocommerce" else 0   # WooCommerce has no customer CSV
    assert got.loc["customers", "in"] == customers
    assert result.summary["errors"] == 0


def test_cli_demo_writes_the_exports_into_the_imports_folder(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from workbench.cli import main
    monkeypatch.setenv("WORKBENCH_IMPORTS_DIR", str(tmp_path / "imports"))
    db = str(tmp_path / "shop.duckdb")
    res = CliRunner().invoke(main, ["demo", "--db", db, "--orders", "300"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "imports" / "demo-shop").iterdir()) == sorted(DEMO_EXPORTS)
    assert "demo-shop" in res.output and "magento2_products.csv" in res.output
    res = CliRunner().invoke(main, ["demo", "--db", db, "--orders", "300", "--no-exports"])
    assert res.exit_code == 0 and "Demo exports" not in res.output
