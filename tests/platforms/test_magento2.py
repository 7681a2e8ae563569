"""Magento 2 adapter: every Magento sample file, the gotcha fixture, writing and round trip.

Expected counts worked out BY HAND from the files (docs/mapping.md section 9):

* ``magento2/catalog_product.csv``: 6 rows = 3 simple (24-WG085/086/087, prices 14/17/21), 1 grouped
  (24-WG085_Group, ``associated_skus`` 24-WG085, 24-WG086 -> collection ``set-of-sprite-yoga-straps``),
  2 bundles (price 14 on both). Products 3 + 2 = 5, variants 5, no image columns -> 0 images.
  Collections: Gear, Gear > Fitness Equipment (root "Default Category" dropped) + the grouped one = 3.
* ``magento2/import_configurable.csv``: ``Configurable 1`` + 2 simple children named in
  ``configurable_variations`` -> 1 product, 2 variants (test_configurable = Option 1 / Option 2).
* ``magento2-exports/media.csv``: 1 simple; base mb01-blue-0 + additional mb04 (position 3) and mb03
  (position 2) -> images mb01, mb03, mb04 = 3; price 36 with special 33 -> price 33, compare-at 36.
* ``magento2-exports/multi-storeview-media.csv``: 3 rows for one SKU (default + de_de + en_us) ->
  1 product, 1 variant; default row base mb01 + additional mb01, mb04, mb03 -> 3 distinct images.
* ``magento2-exports/bundle.csv``: 1 dynamic bundle without price, children not in the file ->
  1 product (draft, price 0, error bundle_price_unknown), 1 image (base = additional).
* ``magento2-exports/grouped.csv``: grouped 24-WG085_Group -> collection (members ordered by
  ``associated_position`` 3,2,1 -> 24-WG087, 24-WG086, 24-WG085) + 3 simples = 3 products,
  3 variants, 3 images (each base = additional luma-yoga-strap.jpg).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping

S = Path("/work/shared/samples")
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "magento2"

EXPECTED = {  # file: (products, variants, images, collections)
    "magento2/catalog_product.csv": (5, 5, 0, 3),
    "magento2/import_configurable.csv": (1, 2, 0, 0),
    "magento2-exports/media.csv": (1, 1, 3, 2),
    "magento2-exports/multi-storeview-media.csv": (1, 1, 3, 2),
    "magento2-exports/bundle.csv": (1, 1, 1, 2),
    "magento2-exports/grouped.csv": (3, 3, 3, 3),
}


def read(rel, mapping=None):
    p = S / rel
    if not p.is_file():
        pytest.skip("shared sample files are not available")
    return platforms.get("magento2").read([p], mapping=mapping)


def _variant(cat, sku):
    v = cat.variants[cat.variants["sku"] == sku]
    assert len(v) == 1, sku
    return v.iloc[0]


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_sample_counts(rel):
    c = read(rel).catalog.counts()
    assert (c["products"], c["variants"], c["images"], c["collections"]) == EXPECTED[rel]


def test_catalog_product_sample():
    r = read("magento2/catalog_product.csv")
    cat = r.catalog
    assert [_variant(cat, s)["price"] for s in ("24-WG085", "24-WG086", "24-WG087")] == [
        Decimal("14"), Decimal("17"), Decimal("21")]
    p = cat.products.set_index("product_id")
    assert p.loc["24-WG085", "handle"] == "sprite-yoga-strap-6-foot"
    assert p.loc["24-WG085", "title"] == "Sprite Yoga Strap 6 foot"
    assert p.loc["24-WG085", "seo_title"] == "Meta Title"
    assert p.loc["24-WG085", "description_html"].startswith("<p>The Sprite Yoga Strap is your untiring partner")
    assert str(p.loc["24-WG085", "created_at"]).startswith("2015-10-25 03:34:20")
    assert "24-WG085_Group" not in p.index
    grp = cat.collection_products[cat.collection_products["collection_id"] == "set-of-sprite-yoga-straps"]
    assert list(grp.sort_values("position")["product_id"]) == ["24-WG085", "24-WG086"]
    assert set(cat.collections["collection_id"]) == {"gear", "gear-fitness-equipment", "set-of-sprite-yoga-straps"}
    assert _variant(cat, "24-WG085")["weight"] == pytest.approx(1.23)
    ex = cat.extra
    assert len(ex[(ex["entity_id"] == "24-WG085") & (ex["key"] == "custom_options")]) == 1
    assert len(ex[(ex["entity_id"] == "24-WG085-bundle-fixed") & (ex["key"] == "bundle_values")]) == 1
    checks = list(r.issues["check"])
    assert checks.count("bundle_flattened") == 2
    assert "custom_options_not_variants" in checks and "grouped_to_collection" in checks
    # Magento's bookkeeping attributes are not metafields; shipment_type is
    assert not ex["key"].isin(["has_options", "required_options", "quantity_and_stock_status"]).any()


def test_configurable_sample():
    r = read("magento2/import_configurable.csv")
    cat = r.catalog
    assert list(cat.products["product_id"]) == ["Configurable 1"]
    assert list(cat.product_options["name"]) == ["test_configurable"]
    v = cat.variants.sort_values("position")
    assert list(v["sku"]) == ["Configurable 1-Option 1", "Configurable 1-Option 2"]
    assert list(v["variant_id"]) == ["Configurable 1#1", "Configurable 1#2"]
    assert list(cat.variant_options.sort_values("variant_id")["value"]) == ["Option 1", "Option 2"]
    assert list(v["price"]) == [Decimal("10"), Decimal("10")]
    assert list(v["inventory_quantity"]) == [99999, 99999]
    ex = cat.extra
    extra_attr = ex[(ex["namespace"] == "custom") & (ex["key"] == "attribute_with_option")]
    assert list(extra_attr["entity"]) == ["variant"] and list(extra_attr["value"]) == ["Option Label"]


def test_media_sample_images():
    r = read("magento2-exports/media.csv")
    cat = r.catalog
    im = cat.images.sort_values("position")
    assert list(im["src"]) == ["/m/b/mb01-blue-0.jpg", "/m/b/mb03-black-0.jpg", "/m/b/mb04-black-0.jpg"]
    assert list(im["alt"]) == ["Base Image Label", "Additional Image 02", "Additional Image 01"]
    v = cat.variants.iloc[0]
    assert v["price"] == Decimal("33") and v["compare_at_price"] == Decimal("36")
    assert (r.issues["check"] == "hidden_image_shown").sum() == 2
    assert "m2_relative_image" in set(r.issues["check"])
    ex = cat.extra
    feats = ex[(ex["namespace"] == "custom") & (ex["key"] == "features_bags")]
    assert list(feats["value"]) == ["Audio Pocket, Waterproof, Lightweight, Laptop Sleeve"]
    assert str(cat.products.iloc[0]["created_at"]).startswith("2016-10-21 09:10:00")
    # with an image base URL the paths become absolute
    r2 = read("magento2-exports/media.csv", Mapping(urls={"image_base_url": "https://old.example/media/catalog/product/"}))
    assert r2.catalog.images.sort_values("position")["src"].iloc[0] == \
        "https://old.example/media/catalog/product/m/b/mb01-blue-0.jpg"
    assert "m2_relative_image" not in set(r2.issues["check"])


def test_store_views_are_overrides():
    r = read("magento2-exports/multi-storeview-media.csv")
    cat = r.catalog
    assert list(cat.products["title"]) == ["Joust Duffle Bag"]
    ex = cat.extra.set_index("key")
    assert ex.loc["store_view:de_de:name", "value"] == "Joust Seesack"
    assert ex.loc["store_view:de_de:url_key", "value"] == "joust-seesaeckchen"
    assert "store_view:en_us:name" not in ex.index  # same as the default row: not an override
    assert list(cat.images.sort_values("position")["src"]) == ["/m/b/mb01-blue-0.jpg", "/m/b/mb04-black-0.jpg",
                                                              "/m/b/mb03-black-0.jpg"]
    assert "duplicate_sku" not in set(r.issues["check"])


def test_bundle_sample():
    r = read("magento2-exports/bundle.csv")
    cat = r.catalog
    assert cat.products.iloc[0]["status"] == "draft"
    assert cat.variants.iloc[0]["price"] == Decimal("0")
    assert "bundle_price_unknown" in set(r.issues.loc[r.issues["severity"] == "error", "check"])
    assert cat.extra.set_index("key").loc["bundle_values", "value"].startswith("name=Sprite Stasis Ball,type=radio")


def test_grouped_sample():
    r = read("magento2-exports/grouped.csv")
    cat = r.catalog
    grp = cat.collection_products[cat.collection_products["collection_id"] == "set-of-sprite-yoga-straps"]
    assert list(grp.sort_values("position")["product_id"]) == ["24-WG087", "24-WG086", "24-WG085"]
    assert cat.products["published"].all()  # grouped members are sold through the collection


# ---- gotcha fixture ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gotchas():
    return platforms.get("magento2").read([FIX / "gotchas.csv"])


def test_gotchas_configurable(gotchas):
    cat = gotchas.catalog
    assert cat.counts()["products"] == 2  # TEE and OFF; the children are variants, not products
    assert list(cat.product_options.sort_values("position")["name"]) == ["Size", "Colour"]
    v = cat.variants[cat.variants["product_id"] == "TEE"].sort_values("position")
    assert list(v["sku"]) == ["TEE-S", "TEE-M"]  # TEE-GONE is not in the file
    miss = gotchas.issues[gotchas.issues["check"] == "m2_missing_child"]
    assert len(miss) == 1 and miss.iloc[0]["line"] == 2 and miss.iloc[0]["severity"] == "error"
    s = v.iloc[0]
    assert s["price"] == Decimal("15") and s["compare_at_price"] == Decimal("20")
    assert s["inventory_quantity"] == 12 and s["inventory_policy"] == "continue"
    m = v.iloc[1]
    assert m["price"] == Decimal("18") and m["inventory_quantity"] == 0  # dated special price: flagged
    assert "special_price_dated" in set(gotchas.issues["check"])
    ex = cat.extra
    feats = ex[(ex["entity_id"] == "TEE") & (ex["key"] == "features")]
    assert list(feats["value"]) == ["Pocket, Sleeve, long"]  # quoted value with a comma, multiselect |
    assert ex.set_index("key").loc["store_view:de_de:name", "value"] == "T-Shirt"
    p = cat.products.set_index("product_id")
    assert p.loc["TEE", "description_html"] == "<p>Tee\nmulti-line</p>"
    assert str(p.loc["TEE", "created_at"]).startswith("2018-02-19 01:06:00")
    assert p.loc["OFF", "status"] == "draft"
    assert _variant(cat, "OFF")["requires_shipping"] == False  # noqa: E712 - virtual
    im = cat.images[cat.images["product_id"] == "TEE"].sort_values("position")
    assert list(im["src"]) == ["/t/e/tee.jpg", "/t/e/tee-back.jpg", "/t/e/tee-s.jpg"]


def test_magento1_is_refused():
    with pytest.raises(InputError) as err:
        platforms.get("magento2").read([FIX / "magento1_export.csv"])
    assert "Magento 1" in str(err.value)


# ---- writing ----------------------------------------------------------------------------------

def test_write_configurable_round_trip(tmp_path):
    r = read("magento2/import_configurable.csv")
    a = platforms.get("magento2")
    (path,) = a.write(r.catalog, tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(df.columns)[:4] == ["sku", "store_view_code", "attribute_set_code", "product_type"]
    assert list(df.columns)[-2:] == ["configurable_variations", "configurable_variation_labels"]
    assert list(df["product_type"]) == ["simple", "simple", "configurable"]
    parent = df.iloc[2]
    assert parent["configurable_variations"] == ("sku=Configurable 1-Option 1,test_configurable=Option 1|"
                                                 "sku=Configurable 1-Option 2,test_configurable=Option 2")
    again = a.read([path])
    assert again.catalog.counts()["products"] == 1 and again.catalog.counts()["variants"] == 2
    assert list(again.catalog.variants["sku"]) == list(r.catalog.variants["sku"])
    assert list(again.catalog.variant_options["value"]) == list(r.catalog.variant_options["value"])


def test_write_from_woocommerce(tmp_path):
    woo = Path("/work/shared/samples/woocommerce/sample_products.csv")
    if not woo.is_file():
        pytest.skip("shared sample files are not available")
    cat = platforms.get("woocommerce").read([woo]).catalog
    a = platforms.get("magento2")
    (path,) = a.write(cat, tmp_path)
    again = a.read([path])
    c = again.catalog.counts()
    assert (c["products"], c["variants"], c["images"]) == (17, 22, 22)


def test_write_neutralises_formulas(tmp_path, gotchas):
    import copy
    cat = copy.deepcopy(gotchas.catalog)
    cat.products.loc[cat.products["product_id"] == "OFF", "title"] = "=1+2"
    a = platforms.get("magento2")
    (path,) = a.write(cat, tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert "'=1+2" in set(df["name"])
    assert list(a.write_issues["check"]) == ["formula_neutralised"]
