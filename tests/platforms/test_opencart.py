"""OpenCart from a MySQL dump (no server) and from per-table CSV dumps; fixture built from the 3.x DDL.

Worked out by hand from tests/fixtures/platforms/opencart/opencart_dump.sql:
  42 Apple Cinema 30": select Size (Small +10 q5, Medium +0 q10, Large -5 q3) x radio Color
     (Red +0 q7, Blue +1.25 q0) = 6 variants; text and checkbox options -> extra; 2 images (the main
     image repeats in oc_product_image); categories Desktops and Components > Monitors.
  30 Canon EOS 5D: no options, sku CAN-5D, EAN 0004549292036, 1 image (a NULL product_image ignored).
  47 HP LP3065: only a date option -> 1 variant; texts only in language 2; disabled; UPC 3.65275E+11.
=> 3 products, 8 variants, 2 options, 12 option values, 4 images, 2 collections, 3 product links.
"""
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping
from workbench.platforms.opencart import read_dump

DUMP = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "opencart" / "opencart_dump.sql"


@pytest.fixture(scope="module")
def result():
    return platforms.get("opencart").read([DUMP])


def test_tokenizer_reads_escapes_and_null():
    t = read_dump(DUMP)
    assert "customer" not in t                          # only catalog tables are kept
    assert t["product"].shape == (3, 31)
    d = t["product_description"].set_index(["product_id", "language_id"])["description"]
    assert "It's great; really." in d[("42", "1")] and "C:\\cinema" in d[("42", "1")]
    assert t["product_description"].set_index(["product_id", "language_id"]).loc[("42", "1"), "meta_description"] == 'A "big" display'
    assert t["product_image"]["image"].tolist()[-1] == ""   # NULL


def test_counts(result):
    c = result.catalog.counts()
    assert (c["products"], c["variants"], c["product_options"], c["variant_options"], c["images"]) == (3, 8, 2, 12, 4)
    assert (c["collections"], c["collection_products"]) == (2, 3)


def test_cartesian_prices_and_stock(result):
    v = result.catalog.variants
    p42 = v[v["product_id"] == "42"]
    assert p42["price"].tolist() == [Decimal(x) for x in ("110", "111.25", "100", "101.25", "95", "96.25")]
    assert p42["inventory_quantity"].tolist() == [5, 0, 7, 0, 3, 0]     # min of the values' quantities
    assert p42["weight"].tolist() == [13.0, 13.0, 12.5, 12.5, 12.25, 12.25]
    assert p42["sku"].iloc[0] == "Product 15-small-red"                  # made up, flagged
    vo = result.catalog.variant_options
    assert vo[vo["variant_id"] == "42#2"].sort_values("position")["value"].tolist() == ["Small", "Blue"]
    e = result.catalog.extra
    assert len(e[e["key"] == "generated_sku"]) == 6
    assert e[e["key"] == "option:Gift message"]["value"].tolist() == ["Happy birthday; with love"]


def test_texts_decoded_once_and_languages(result):
    p = result.catalog.products.set_index("product_id")
    assert p.loc["42", "title"] == 'Apple Cinema 30"'
    assert p.loc["42", "description_html"].startswith("<p>The 30-inch Apple Cinema HD Display&trade;")
    assert p.loc["42", "handle"] == "apple-cinema" and p.loc["42", "source_url"] == "/apple-cinema"
    assert p.loc["47", "title"] == "HP LP3065 (DE)" and p.loc["47", "status"] == "draft"
    assert p.loc["47", "source_url"] == "/index.php?route=product/product&product_id=47"
    assert p.loc["30", "vendor"] == "Canon"
    e = result.catalog.extra
    assert e[(e["entity_id"] == "42") & (e["key"] == "name_lang2")]["value"].tolist() == ['Apple Kino 30"']
    assert len(e[(e["entity_id"] == "47") & (e["key"] == "name_lang2")]) == 0


def test_categories(result):
    c = result.catalog.collections.set_index("path")
    assert c.loc["Components > Monitors", "source_url"] == "/monitor"
    assert c.loc["Desktops", "handle"] == "desktops"


def test_issues(result):
    c = result.issues.groupby("check").size().to_dict()
    assert c == {"language_missing": 1, "option_not_variant": 3, "stock_per_combination_made_up": 1,
                 "image_path_relative": 1, "spreadsheet_mangled": 1}


def test_image_base_url():
    r = platforms.get("opencart").read([DUMP], mapping=Mapping(urls={"image_base_url": "https://shop.example/image"}))
    assert r.catalog.images["src"].iloc[0] == "https://shop.example/image/catalog/demo/apple_cinema_30.jpg"
    assert "image_path_relative" not in set(r.issues["check"])


def test_per_table_csv_dumps_give_the_same_catalog(tmp_path, result):
    for key, df in read_dump(DUMP).items():
        df.to_csv(tmp_path / f"oc_{key}.csv", index=False)
    r = platforms.get("opencart").read(sorted(tmp_path.glob("*.csv")))
    for name in ("products", "variants", "variant_options", "images", "collections"):
        assert getattr(r.catalog, name).equals(getattr(result.catalog, name)), name


def test_loss_lists_table_columns(result):
    loss = result.loss.set_index("column")
    assert loss.loc["product.price", "became"] == "variants.price"
    assert loss.loc["product.points", "became"] == "extra:opencart.points"
    assert loss.loc["product_option_value.points", "dropped"] == 6   # 6 rows, "0" counts as a value


def test_broken_insert(tmp_path):
    f = tmp_path / "d.sql"
    f.write_text("CREATE TABLE `oc_product` (\n  `product_id` int,\n  `price` decimal\n);\n"
                 "INSERT INTO `oc_product` VALUES (1,'2.00'),(2);\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("opencart").read([f])
    assert exc.value.row == 5
