"""Amounts that do not fit the canonical money type (decimal128(18, 4): 14 digits before the
point, 4 after): every reader reports the cell and leaves it empty; none crashes or lets the
catalog check refuse the whole file. Found by fuzzing the readers."""
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from workbench import platforms, schema
from workbench.errors import SchemaError
from workbench.platforms._common import amount_misfits, to_money

HUGE = "9" * 40

#: a two-product file per reader, the first product's price being {v}
FILES = {
    "woocommerce": "ID,Type,SKU,Name,Published,Regular price\n1,simple,A,Hat,1,{v}\n2,simple,B,Cap,1,5\n",
    "magento2": "sku,product_type,attribute_set_code,name,price\nA,simple,Default,Hat,{v}\nB,simple,Default,Cap,5\n",
    "magento1": "sku,_type,_attribute_set,name,price\nA,simple,Default,Hat,{v}\nB,simple,Default,Cap,5\n",
    "shopify": "Handle,Title,Variant Price\nhat,Hat,{v}\ncap,Cap,5\n",
}
#: reader -> (check for a too large amount, for one with 5 significant decimals)
CHECKS = {"woocommerce": ("bad_number", "bad_number"), "magento2": ("bad_number", "bad_number"),
          "magento1": ("bad_number", "bad_number"), "shopify": ("out_of_range", "inexact_money")}


def test_misfits_found_and_exact_values_left_alone():
    text = pa.array(["12.50", "12.50000", "12.12345", "1" * 15, "-" + "9" * 14, "99999999999999.9999", "", "x"])
    ok = np.array([True] * 6 + [False, False])
    large, inexact = amount_misfits(text, ok)
    assert large.tolist() == [False, False, False, True, False, False, False, False]
    assert inexact.tolist() == [False, False, True, False, False, False, False, False]


@pytest.mark.parametrize("source", sorted(FILES))
@pytest.mark.parametrize("value, which", [(HUGE, 0), ("12.12345", 1)])
def test_reader_reports_an_amount_that_does_not_fit(tmp_path, source, value, which):
    p = tmp_path / "products.csv"
    p.write_text(FILES[source].format(v=value), encoding="utf-8")
    r = platforms.get(source).read([p])
    hit = r.issues[r.issues["check"] == CHECKS[source][which]]
    assert hit["line"].tolist() == [2] and value in hit["detail"].iat[0]
    assert r.catalog.variants["price"].tolist() == [Decimal(0), Decimal(5)]  # the first is a draft at 0


@pytest.mark.parametrize("source", sorted(FILES))
def test_trailing_zeros_are_exact(tmp_path, source):
    p = tmp_path / "products.csv"
    p.write_text(FILES[source].format(v="12.50000"), encoding="utf-8")
    r = platforms.get(source).read([p])
    assert r.catalog.variants["price"].tolist() == [Decimal("12.5"), Decimal(5)]
    assert not (r.issues["severity"] == "error").any()


def test_to_money_too_large_and_too_precise():
    issues = []
    out = to_money(pd.Series(["1.5", HUGE, "2.123456789012345", ""]), file="f.csv", column="Price", issues=issues)
    assert out.to_pylist() == [Decimal("1.5"), None, Decimal("2.1235"), None]
    assert [i["check"] for i in issues] == ["out_of_range", "money_rounded"]


def test_schema_reports_a_huge_amount():
    frame = pd.DataFrame({"order_id": ["1"], "created_at": ["2025-01-01T10:00:00Z"], "currency": ["EUR"],
                          "channel": ["online_store"], "is_test": [False], "shipping_price": [HUGE + ".5"]})
    with pytest.raises(SchemaError) as err:
        schema.conform("orders", frame)
    assert err.value.failure_cases["check"].tolist() == ["out_of_range"]
