"""BigCommerce legacy Bulk Edit CSV, on a fixture built from the exact template header (formats.md 7).

Fixture (tests/fixtures/platforms/bigcommerce/products.csv), worked out by hand:
  line 2  Product 101 Trail Running Shoe, by option; images sorted 2 (side) and 1 (top, thumbnail)
  line 3-6 SKU rows [S]Size=8/9,[RB]Color=Red/Blue; line 7 repeats line 6's options -> dropped
  line 8  Rule row [S]Size=9 [ADD]5.00 -> extra bigcommerce.rule_1 + warning
  line 9  Product 102 Gift Card (digital, sale price 20 < 25, UPC 3.65275E+11)
  line 10 Product 103 Wool Socks (hidden, SKU RS-8-RED repeats line 3, relative image, =HYPERLINK keywords)
=> 3 products, 3 + 1 + 1 = 5 variants, 2 options, 6 option values, 2 + 1 + 1 = 4 images,
   collections Shoes > Running, Sale, Gifts, Shoes > Accessories (4), 4 product links.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping
from workbench.platforms.bigcommerce import HEADER

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "bigcommerce" / "products.csv"


@pytest.fixture(scope="module")
def result():
    return platforms.get("bigcommerce").read([FIX])


def test_fixture_header_is_the_template():
    assert FIX.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    assert len(HEADER) == 60


def test_counts(result):
    c = result.catalog.counts()
    assert (c["products"], c["variants"], c["product_options"], c["variant_options"], c["images"]) == (3, 5, 2, 6, 4)
    assert (c["collections"], c["collection_products"]) == (4, 4)
    assert set(result.catalog.collections["path"]) == {"Shoes > Running", "Sale", "Gifts", "Shoes > Accessories"}


def test_variants(result):
    v = result.catalog.variants.set_index("variant_id")
    assert v.loc["101#1", "price"] == Decimal("89.95") and v.loc["101#1", "compare_at_price"] == Decimal("99.95")
    assert v.loc["101#2", "price"] == Decimal("94.95")            # own price on the SKU row
    assert v.loc["101#3", "inventory_quantity"] == 3
    assert v.loc["101#1", "barcode"] == "0012345678905"
    assert v.loc["102#1", "price"] == Decimal("20") and v.loc["102#1", "compare_at_price"] == Decimal("25")
    assert not v.loc["102#1", "requires_shipping"]
    assert v.loc["103#1", "inventory_quantity"] == 12
    names = result.catalog.product_options["name"].tolist()
    assert names == ["Size", "Color"]
    e = result.catalog.extra
    assert e[(e["key"] == "option_types")]["value"].tolist() == ["Size:S,Color:RB"]


def test_images_thumbnail_first(result):
    im = result.catalog.images[result.catalog.images["product_id"] == "101"]
    assert im["src"].tolist() == ["https://cdn.example.com/rs-top.jpg", "https://cdn.example.com/rs-side.jpg"]
    assert im["alt"].tolist() == ["Top view", "Side view"]


def test_products(result):
    p = result.catalog.products.set_index("product_id")
    assert p.loc["101", "handle"] == "trail-running-shoe" and p.loc["101", "source_url"] == "/trail-running-shoe/"
    assert p.loc["103", "status"] == "draft" and not p.loc["103", "published"]
    assert p.loc["102", "title"] == "Gift Card ™"


def test_issues(result):
    c = result.issues.groupby("check").size().to_dict()
    assert c == {"duplicate_combination": 1, "duplicate_sku": 1, "price_rule_not_migrated": 1,
                 "barcode_not_gtin": 1, "spreadsheet_mangled": 1, "formula_like": 1}
    i = result.issues.set_index("check")
    assert i.loc["duplicate_combination", "line"] == 7 and i.loc["duplicate_sku", "line"] == 10
    assert i.loc["spreadsheet_mangled", "line"] == 9


def test_loss(result):
    loss = result.loss.set_index("column")
    assert len(loss) == 60
    assert loss.loc["Product Code/SKU", "dropped"] == 1           # the dropped SKU row
    assert loss.loc["Search Keywords", "became"] == "extra:bigcommerce.search_keywords"


def test_mapping_image_base_and_missing_column(tmp_path):
    m = Mapping(urls={"image_base_url": "https://old.example.com/images"})
    r = platforms.get("bigcommerce").read([FIX], mapping=m)
    assert "https://old.example.com/images/product_images/socks.jpg" in set(r.catalog.images["src"])
    bad = tmp_path / "bad.csv"
    bad.write_text("Item Type,Product Name\nProduct,X\n", encoding="utf-8")
    with pytest.raises(InputError, match="Price"):
        platforms.get("bigcommerce").read([bad])
    bad.write_text("Item Type,Product Name,Price\nSKU,[S]Size=M,1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("bigcommerce").read([bad])
    assert exc.value.row == 2
