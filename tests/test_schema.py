"""The canonical model: exact types, and bad frames refused whole with a failure table."""
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from workbench import schema
from workbench.errors import SchemaError


def orders(**over):
    base = {"order_id": ["1", "2"], "created_at": ["2025-01-01T10:00:00Z", "2025-01-02 08:00"],
            "currency": ["EUR", "USD"], "channel": ["online_store", "pos"], "is_test": [False, "yes"]}
    base.update(over)
    return pd.DataFrame(base)


def test_every_table_has_its_key_columns_and_they_are_required():
    for t in schema.TABLES.values():
        for k in t.key:
            assert t.column(k).required, (t.name, k)


def test_conform_gives_exact_types_and_adds_optional_columns():
    out = schema.conform("orders", orders(shipping_price=["4.95", Decimal("3")]))
    assert list(out.columns) == schema.table("orders").names
    assert out["shipping_price"].dtype == pd.ArrowDtype(schema.MONEY)
    assert out["shipping_price"].tolist() == [Decimal("4.9500"), Decimal("3.0000")]
    assert out["is_test"].tolist() == [False, True]
    assert str(out["created_at"].dtype) == "timestamp[us, tz=UTC][pyarrow]"
    assert out["total_tax"].isna().all()


def test_float_money_is_accepted_only_when_exact():
    ok = schema.conform("orders", orders(shipping_price=[4.95, 10.0]))
    assert ok["shipping_price"].tolist() == [Decimal("4.95"), Decimal("10")]
    with pytest.raises(SchemaError) as err:
        schema.conform("orders", orders(shipping_price=[0.1 + 0.2, 1.0]))
    assert err.value.failure_cases["check"].tolist() == ["inexact_money"]


def test_bad_frame_lists_every_problem_with_row_column_and_reason():
    bad = orders(currency=["EUR", "EURO"], shipping_price=["12,50 EUR", "3"], channel=["web", ""])
    bad["colour"] = ["x", "y"]
    with pytest.raises(SchemaError) as err:
        schema.conform("orders", bad)
    fc = err.value.failure_cases
    got = set(zip(fc["column"], fc["row"].where(fc["row"].notna(), None), fc["check"]))
    assert ("colour", None, "column_not_in_schema") in got
    assert ("currency", 1, "invalid_currency") in got
    assert ("shipping_price", 0, "not_a_number") in got
    assert ("channel", 1, "not_nullable") in got
    assert "orders" in str(err.value) and "nothing was written" in str(err.value)


def test_missing_required_column_and_duplicate_keys():
    with pytest.raises(SchemaError) as err:
        schema.conform("orders", orders().drop(columns=["currency"]))
    assert err.value.failure_cases["check"].tolist() == ["column_not_in_dataframe"]
    with pytest.raises(SchemaError) as err:
        schema.conform("orders", orders(order_id=["7", "7"]))
    assert set(err.value.failure_cases["check"]) == {"duplicate_key"}


def test_choices_country_and_rating_checks():
    with pytest.raises(SchemaError) as err:
        schema.conform("reviews", pd.DataFrame({"review_id": ["r1", "r2"], "product_id": ["p", "p"],
                                                "rating": [6, 5], "created_at": ["2025-01-01"] * 2,
                                                "status": ["published", "deleted"]}))
    assert set(err.value.failure_cases["check"]) == {"out_of_range", "not_in_choices"}
    with pytest.raises(SchemaError) as err:
        schema.conform("customers", pd.DataFrame({"customer_id": ["c"], "country_code": ["XX"]}))
    assert err.value.failure_cases["check"].tolist() == ["invalid_country"]


def test_arrow_input_and_round_trip_are_stable():
    out = schema.conform("orders", orders())
    again = schema.conform("orders", pa.Table.from_pandas(out, preserve_index=False))
    assert again.equals(out)


def test_catalog_tables_conformed_in_threads_like_in_order(monkeypatch):
    """Big catalogs are checked in two threads; the result, and which table's error is raised, are
    those of a sequential run."""
    import workbench.platforms.base as base
    from workbench.platforms.base import Catalog
    products = pd.DataFrame({"product_id": ["p1", "p2"], "handle": ["a", "b"], "title": ["A", "B"],
                             "status": ["active", "draft"]})
    variants = pd.DataFrame({"variant_id": ["v1", "v2"], "product_id": ["p1", "p2"], "position": [1, 1],
                             "price": ["1.50", "2.25"]})
    seq = Catalog.from_frames(products=products, variants=variants)
    monkeypatch.setattr(base, "PARALLEL_ROWS", 0)
    par = Catalog.from_frames(products=products, variants=variants)
    for name in ("products", "variants"):
        pd.testing.assert_frame_equal(getattr(par, name), getattr(seq, name))
    bad_products = products.assign(product_id=["p1", "p1"])           # duplicate key
    bad_variants = variants.assign(price=["1.50", "x"])                # not money
    with pytest.raises(SchemaError) as err:
        Catalog.from_frames(products=bad_products, variants=bad_variants)
    assert err.value.table == "products"
    with pytest.raises(SchemaError) as err:
        Catalog.from_frames(variants=bad_variants, products=bad_products)
    assert err.value.table == "variants"


def test_empty_rows_matches_utf8_is_space_on_odd_text():
    """The byte pre-filter of _empty_rows finds exactly what a full utf8_is_space pass finds
    (ASCII and Unicode white space, empty cells, nulls, sliced and large_string arrays)."""
    import random

    import pyarrow.compute as pc

    col = schema.C("x", pa.string(), required=True)
    rng = random.Random(1)
    chars = ["", " ", "\t", "\u00a0", "a", "\x1c", "\x7f", "é", "\u3000", "~", "\n", "\u2028"]
    for _ in range(200):
        vals = [None if rng.random() < 0.1 else "".join(rng.choice(chars) for _ in range(rng.randint(0, 3)))
                for _ in range(rng.randint(0, 30))]
        for typ in (pa.string(), pa.large_string()):
            a = pa.array(vals, type=typ)
            for arr in (a, a.slice(min(3, len(a)))):
                blank = pc.or_(pc.equal(pc.binary_length(arr), 0), pc.utf8_is_space(arr))
                expected = pc.indices_nonzero(pc.or_(arr.is_null(), pc.fill_null(blank, False))).to_pylist()
                assert schema._empty_rows(arr, col) == expected
