"""Volusion Products export (+ Options, OptionCategories, Categories) on a fixture built from the
formats.md 4.1 header (every field quoted). Worked out by hand:
  LUG-100 parent (optionids 233,234,235 -> category 5 "Finish"; categoryids 10,11) with children
  -0001 Aluminum, -0002 Black (own price 189.99), -0003 Red (no price -> parent's 199.99, own photo,
  UPC 3.60003E+11); MUG-1 standalone (sale 9.99 < 12.00, categoryids 12, @SUM keywords);
  OLD-9 standalone, hidden, no photo.
=> 3 products, 3 + 1 + 1 = 5 variants, 1 option (Finish), 3 values; images LUG-100 photo + the Red
   child's own photo + MUG-1 = 3; collections Luggage, Luggage > Carry-On, Kitchen (3), 3 links.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import platforms
from workbench.errors import InputError

D = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "volusion"
ALL = [D / "Products.csv", D / "Options.csv", D / "OptionCategories.csv", D / "Categories.csv"]


@pytest.fixture(scope="module")
def result():
    return platforms.get("volusion").read(ALL)


def test_fixture_is_fully_quoted_with_the_real_header():
    head = (D / "Products.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith('"productcode","vendor_partno","productname"') and head.count(",") == 161


def test_counts(result):
    c = result.catalog.counts()
    assert (c["products"], c["variants"], c["product_options"], c["variant_options"], c["images"]) == (3, 5, 1, 3, 3)
    assert (c["collections"], c["collection_products"]) == (3, 3)


def test_children_become_variants(result):
    v = result.catalog.variants.set_index("sku")
    assert v.loc["LUG-100-0001", "price"] == Decimal("199.99")
    assert v.loc["LUG-100-0001", "compare_at_price"] == Decimal("249.99")     # parent's listprice
    assert v.loc["LUG-100-0002", "price"] == Decimal("189.99")
    assert v.loc["LUG-100-0003", "price"] == Decimal("199.99")                # inherited
    assert v.loc["LUG-100-0003", "image_src"].endswith("/LUG-100-0003-1.jpg")
    assert v.loc["MUG-1", "price"] == Decimal("9.99") and v.loc["MUG-1", "compare_at_price"] == Decimal("12")
    assert v.loc["MUG-1", "inventory_policy"] == "deny"
    assert result.catalog.product_options["name"].tolist() == ["Finish"]
    assert result.catalog.variant_options["value"].tolist() == ["Aluminum", "Black", "Red"]


def test_products(result):
    p = result.catalog.products.set_index("product_id")
    assert list(p.index) == ["LUG-100", "MUG-1", "OLD-9"]
    assert p.loc["LUG-100", "title"] == "Voyager™ Spinner Carry-On"
    assert "•" in p.loc["LUG-100", "description_html"] and "\n" in p.loc["LUG-100", "description_html"]
    assert p.loc["LUG-100", "source_url"].endswith("ProductDetails.asp?ProductCode=LUG-100")
    assert str(p.loc["LUG-100", "updated_at"]) == "2017-12-14 13:35:00+00:00"
    assert p.loc["OLD-9", "status"] == "draft"
    assert set(result.catalog.collections["path"]) == {"Luggage", "Luggage > Carry-On", "Kitchen"}


def test_issues(result):
    c = result.issues.groupby("check").size().to_dict()
    assert c == {"images_by_convention": 1, "spreadsheet_mangled": 1, "formula_like": 1}


def test_without_lookup_exports():
    r = platforms.get("volusion").read([D / "Products.csv"])
    assert r.catalog.product_options["name"].tolist() == ["Option"]
    checks = set(r.issues["check"])
    assert {"option_name_unknown", "category_names_unknown"} <= checks
    assert set(r.catalog.collections["title"]) == {"Category 10", "Category 11", "Category 12"}


def test_loss_has_every_column(result):
    prod = result.loss[result.loss["file"].str.endswith("Products.csv")]
    assert len(prod) == 162
    row = prod.set_index("column").loc["photourl_small"]
    assert row["became"] == "" and row["dropped"] == 0


def test_missing_productcode(tmp_path):
    f = tmp_path / "Products.csv"
    f.write_text('"productcode","productname"\n"","X"\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("volusion").read([f])
    assert exc.value.row == 2 and exc.value.column == "productcode"
