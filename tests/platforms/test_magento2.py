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
from workbench import mapping as wm
from workbench.mapping import Mapping

from helpers_paths import SAMPLES

S = SAMPLES
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
    # the dynamic bundle's own price column (14) is kept (see the tests below for one without a price)
    assert _variant(cat, "24-WG085-bundle-dynamic")["price"] == Decimal("14")
    assert cat.products.set_index("product_id").loc["24-WG085-bundle-dynamic", "status"] == "active"
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
    woo = SAMPLES / "woocommerce" / "sample_products.csv"
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


# ---- image base URL, old URLs, files read together (docs/mapping.md 4) -------------------------

MEDIA = S / "magento2-exports" / "media.csv"
STOREVIEWS = S / "magento2-exports" / "multi-storeview-media.csv"


def _need(*paths):
    if not all(p.is_file() for p in paths):
        pytest.skip("shared sample files are not available")


def test_image_base_url_from_mapping_object():
    _need(MEDIA)
    base = "https://old.example/pub/media/catalog/product"
    r = platforms.get("magento2").read([MEDIA], mapping=Mapping(urls={"image_base_url": base}))
    im = r.catalog.images.sort_values("position")
    assert list(im["src"]) == [base + "/m/b/mb01-blue-0.jpg", base + "/m/b/mb03-black-0.jpg",
                               base + "/m/b/mb04-black-0.jpg"]
    assert list(im["source_id"]) == ["/m/b/mb01-blue-0.jpg", "/m/b/mb03-black-0.jpg", "/m/b/mb04-black-0.jpg"]
    assert "m2_relative_image" not in set(r.issues["check"])
    # without it: kept relative and flagged once for the file
    r0 = platforms.get("magento2").read([MEDIA])
    assert r0.catalog.images.sort_values("position")["src"].iloc[0] == "/m/b/mb01-blue-0.jpg"
    assert list(r0.issues["check"]).count("m2_relative_image") == 1


def test_image_base_url_from_mapping_file_in_migration(tmp_path):
    _need(MEDIA)
    from workbench.migration import run_migration
    mp = tmp_path / "mapping.toml"
    mp.write_text('[urls]\nimage_base_url = "https://old.example/pub/media/catalog/product/"\n', encoding="utf-8")
    res = run_migration("magento2", "shopify", [MEDIA], tmp_path / "out", mapping=str(mp))
    df = pd.read_csv(res.import_files[0], dtype=str, keep_default_na=False)
    col = next(c for c in df.columns if c in ("Product image URL", "Image Src"))
    assert [x for x in df[col] if x] == ["https://old.example/pub/media/catalog/product/m/b/mb01-blue-0.jpg",
                                         "https://old.example/pub/media/catalog/product/m/b/mb03-black-0.jpg",
                                         "https://old.example/pub/media/catalog/product/m/b/mb04-black-0.jpg"]
    assert "image_url_not_absolute" not in set(res.validation["check"])


def test_old_urls_and_redirects(tmp_path):
    _need(MEDIA)
    r = read("magento2-exports/media.csv")
    assert list(r.catalog.products["source_url"]) == ["/joust-duffle-bag.html"]
    c = r.catalog.collections.set_index("collection_id")
    assert c.loc["gear", "source_url"] == "/gear.html"
    assert c.loc["gear-bags", "source_url"] == "/gear/bags.html"
    from workbench.migration import run_migration
    run_migration("magento2", "shopify", [MEDIA], tmp_path / "out")
    lines = (tmp_path / "out" / "redirects.csv").read_text(encoding="utf-8").splitlines()
    assert "/joust-duffle-bag.html,/products/joust-duffle-bag" in lines
    assert "/gear/bags.html,/collections/gear-bags" in lines
    # the mapping's pattern wins over Magento's default; grouped products keep their product URL
    r2 = read("magento2-exports/grouped.csv", Mapping(urls={"product_url_pattern": "/shop/{url_key}",
                                                            "category_url_pattern": "/c/{path}/"}))
    p = r2.catalog.products.set_index("product_id")
    assert p.loc["24-WG085", "source_url"] == "/shop/sprite-yoga-strap-6-foot"
    col = r2.catalog.collections.set_index("collection_id")
    assert col.loc["set-of-sprite-yoga-straps", "source_url"] == "/shop/set-of-sprite-yoga-straps"
    assert col.loc["gear-fitness-equipment", "source_url"] == "/c/gear/fitness-equipment/"
    with pytest.raises(InputError):
        read("magento2-exports/media.csv", Mapping(urls={"product_url_pattern": "/{nope}.html"}))


def test_same_sku_in_two_files_first_wins():
    _need(MEDIA, STOREVIEWS)
    r = platforms.get("magento2").read([MEDIA, STOREVIEWS])
    cat = r.catalog
    assert list(cat.products["product_id"]) == ["24-MB01"] and len(cat.variants) == 1
    assert cat.counts()["images"] == 3 and cat.counts()["collections"] == 2
    assert len(cat.collection_products) == 2
    dup = r.issues[r.issues["check"] == "duplicate_sku"]
    assert len(dup) == 1
    d = dup.iloc[0]
    assert d["severity"] == "error" and d["file"].endswith("multi-storeview-media.csv") and d["line"] == 2
    assert "media.csv (line 2)" in d["detail"] and "2 store-view row(s)" in d["detail"]
    # the skipped rows' values are counted as dropped: 3 names (default + de_de + en_us)
    loss = r.loss[r.loss["file"].str.endswith("multi-storeview-media.csv")].set_index("column")
    assert loss.loc["name", "dropped"] == 3 and loss.loc["sku", "dropped"] == 3
    # the other order: the store-view file wins, so its overrides arrive
    r2 = platforms.get("magento2").read([STOREVIEWS, MEDIA])
    assert len(r2.catalog.products) == 1
    assert "store_view:de_de:name" in set(r2.catalog.extra["key"])


# ---- writing: repeated SKUs, compare-at prices -------------------------------------------------

def _two_products_one_sku():
    cat = read("magento2/catalog_product.csv").catalog
    v = cat.variants.copy()
    v.loc[v["sku"] == "24-WG086", "sku"] = "24-WG085"
    cat.variants = v
    return cat


def test_validate_reports_repeated_skus():
    cat = _two_products_one_sku()
    rep = platforms.get("magento2").validate(cat)
    assert list(rep["check"]) == ["duplicate_sku"] and list(rep["severity"]) == ["error"]
    assert rep.iloc[0]["sku"] == "24-WG085"
    assert platforms.get("magento2").validate(read("magento2/catalog_product.csv").catalog).empty


def test_writer_suffixes_repeated_skus(tmp_path):
    cat = _two_products_one_sku()
    a = platforms.get("magento2")
    (path,) = a.write(cat, tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(df["sku"]).count("24-WG085") == 1 and "24-WG085-2" in set(df["sku"])
    ren = a.write_issues[a.write_issues["check"] == "sku_renamed"]
    assert len(ren) == 1 and ren.iloc[0]["sku"] == "24-WG085" and "'24-WG085-2'" in ren.iloc[0]["detail"]
    assert ren.iloc[0]["line"] == int(df.index[df["sku"] == "24-WG085-2"][0]) + 2
    back = a.read([path])
    assert len(back.catalog.variants) == len(cat.variants)
    assert "duplicate_sku" not in set(back.issues["check"])


def test_writer_renames_repeats_inside_configurable_variations(tmp_path):
    r = read("magento2/import_configurable.csv")
    cat = r.catalog
    v = cat.variants.copy()
    v["sku"] = "SAME"
    cat.variants = v
    a = platforms.get("magento2")
    (path,) = a.write(cat, tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(df["sku"])[:2] == ["SAME", "SAME-2"]
    assert df.iloc[2]["configurable_variations"] == ("sku=SAME,test_configurable=Option 1|"
                                                     "sku=SAME-2,test_configurable=Option 2")
    back = a.read([path]).catalog
    assert sorted(back.variants["sku"]) == ["SAME", "SAME-2"]


def test_compare_at_below_price_keeps_the_price(tmp_path):
    legacy = S / "shopify-legacy-header" / "product_template.csv"
    _need(legacy)
    cat = platforms.get("shopify").read([legacy]).catalog
    jeans = cat.variants[cat.variants["sku"] == "PNT_DEN_285"].iloc[0]
    assert jeans["price"] == Decimal("95") and jeans["compare_at_price"] == Decimal("64.95")
    a = platforms.get("magento2")
    (path,) = a.write(cat, tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("sku")
    assert df.loc["PNT_DEN_285", "price"] == "95" and df.loc["PNT_DEN_285", "special_price"] == ""
    flagged = a.write_issues[a.write_issues["check"] == "compare_at_not_written"]
    assert set(flagged["sku"]) == {"PNT_DEN_285", "PNT_DEN_305", "PNT_DEN_405"}
    back = a.read([path]).catalog
    v = back.variants.set_index("sku")
    assert v.loc["PNT_DEN_285", "price"] == Decimal("95")
    assert pd.isna(v.loc["PNT_DEN_285", "compare_at_price"])
    # a real sale (compare-at above the price) still round-trips as price + special_price
    m = read("magento2-exports/media.csv")
    (p2,) = a.write(m.catalog, tmp_path / "m")
    row = pd.read_csv(p2, dtype=str, keep_default_na=False).iloc[0]
    assert (row["price"], row["special_price"]) == ("36", "33")
    v2 = a.read([p2]).catalog.variants.iloc[0]
    assert (v2["price"], v2["compare_at_price"]) == (Decimal("33"), Decimal("36"))


# ---- customers (formats.md 3.3; docs/mapping.md 4, "Customers") -------------------------------

def test_magento_customer_sample():
    """Magento's own sample: 1 customer, 1 address (worked out from the two files by hand)."""
    r = platforms.get("magento2").read([FIX / "customer.csv", FIX / "customer_address.csv"])
    cat = r.catalog
    assert cat.counts()["products"] == 0 and len(cat.customers) == 1
    c = cat.customers.iloc[0]
    assert (c["customer_id"], c["email"], c["first_name"], c["last_name"]) == (
        "jondoe@example.com", "jondoe@example.com", "Jon", "Doe")
    assert str(c["created_at"]).startswith("2015-10-30 12:49:47")
    assert (c["address1"], c["city"], c["province_code"], c["country_code"], c["zip"], c["phone"]) == (
        "Main Street 1", "New York", "NY", "US", "10044", "123456789")
    ex = cat.extra.set_index("key")
    assert ex.loc["group_id", "value"] == "1" and ex.loc["website", "value"] == "base"
    assert set(ex["namespace"]) == {"magento2"}
    # the password hash and the reset token are never carried: not in the catalog, counted as dropped
    assert not cat.extra["value"].astype(str).str.contains("d708be3f|07e71459").any()
    loss = r.loss.set_index("column")
    assert loss.loc["password_hash", "dropped"] == 1 and loss.loc["rp_token", "dropped"] == 1
    assert loss.loc["password_hash", "became"] == ""
    assert "passwords_dropped" in set(r.issues["check"])


def test_customer_headers_in_capitals(tmp_path):
    # a spreadsheet turned the headers upper case: read as Magento's lower-case ones (an address
    # file's _EMAIL crashed with a KeyError)
    for name in ("customer.csv", "customer_address.csv"):
        head, rest = (FIX / name).read_text(encoding="utf-8").split("\n", 1)
        (tmp_path / name).write_text(head.upper() + "\n" + rest, encoding="utf-8")
    r = platforms.get("magento2").read([tmp_path / "customer.csv", tmp_path / "customer_address.csv"])
    c = r.catalog.customers.iloc[0]
    assert (c["email"], c["city"], c["zip"]) == ("jondoe@example.com", "New York", "10044")


def test_customer_file_without_main_file_is_refused():
    with pytest.raises(InputError) as err:
        platforms.get("magento2").read([FIX / "customer_address.csv"])
    assert "Customers Main File" in str(err.value)


@pytest.fixture(scope="module")
def customers():
    return platforms.get("magento2").read([FIX / "customers_gotchas.csv", FIX / "customer_address_gotchas.csv"])


def test_customer_gotchas(customers):
    """4 rows: ana, ANA@ (same e-mail, website eu: skipped), bob, one without e-mail -> 3 customers."""
    cat = customers.catalog
    c = cat.customers.set_index("customer_id")
    assert list(c.index) == ["ana@example.com", "bob@example.com", "row-5"]
    dup = customers.issues[customers.issues["check"] == "duplicate_customer"]
    assert list(dup["line"]) == [3] and list(dup["severity"]) == ["error"]
    assert list(customers.issues.loc[customers.issues["check"] == "missing_email", "line"]) == [5]
    # ana: the default BILLING address (Porto, line 3 of the addresses) is hers; Lisboa goes to extra
    ana = c.loc["ana@example.com"]
    assert (ana["address1"], ana["address2"], ana["city"], ana["province_code"], ana["country_code"],
            ana["zip"], ana["company"], ana["phone"]) == ("Rua de Santa Catarina 2", "3 Esq", "Porto", "13", "PT",
                                                        "4000-123", "Silva Lda", "+351 22 000 0000")
    bob = c.loc["bob@example.com"]
    assert (bob["address1"], bob["address2"], bob["province_code"]) == ("1 Main St", "Apt 2", "CA")
    assert bob["first_name"] == '=HYPERLINK("x")'  # kept as read in a source file
    assert str(bob["created_at"]).startswith("2018-02-19 01:06:00")
    ex = cat.extra
    e = ex[ex["entity_id"] == "ana@example.com"].set_index("key")["value"]
    assert (e["dob"], e["gender"], e["group_id"], e["taxvat"], e["prefix"]) == (
        "1990-05-17", "Female", "2", "PT123456789", "Dr.")
    assert '"city": "Lisboa"' in e["address_2"] and '"entity_id": "12"' in e["address_1"]
    assert (customers.issues["check"] == "address_unknown_customer").sum() == 1
    pw = customers.issues[customers.issues["check"] == "passwords_dropped"].iloc[0]
    assert pw["detail"].startswith("2 password hash(s), 1 password-reset token(s)")
    loss = customers.loss[customers.loss["file"].str.endswith("customers_gotchas.csv")].set_index("column")
    assert loss.loc["password_hash", "dropped"] == 2 and loss.loc["firstname", "dropped"] == 1


def test_customers_written_back(tmp_path, customers):
    a = platforms.get("magento2")
    paths = a.write(customers.catalog, tmp_path)
    assert [p.name for p in paths] == ["magento2_customers.csv", "magento2_customer_addresses.csv"]
    main = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    assert ",".join(main.columns) == (FIX / "customer.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (main["password_hash"] == "").all() and (main["rp_token"] == "").all()
    assert list(main["email"]) == ["ana@example.com", "bob@example.com", ""]
    assert list(main["group_id"]) == ["2", "1", "1"] and main.iloc[0]["dob"] == "1990-05-17"
    assert main.iloc[1]["firstname"] == "'=HYPERLINK(\"x\")"
    assert list(a.write_issues["check"]) == ["formula_neutralised"]
    addr = pd.read_csv(paths[1], dtype=str, keep_default_na=False)
    head = (FIX / "customer_address.csv").read_text(encoding="utf-8").splitlines()[0]
    assert ",".join(addr.columns) == head
    assert list(addr["city"]) == ["Porto", "Lisboa", "Los Angeles"]
    assert list(addr["_address_default_billing_"]) == ["1", "0", "1"]
    assert addr.iloc[0]["street"] == "Rua de Santa Catarina 2\n3 Esq" and addr.iloc[2]["region"] == "California"
    back = a.read(paths).catalog
    cols = ["email", "first_name", "last_name", "address1", "address2", "city", "province_code", "country_code",
            "zip", "phone", "company", "created_at"]
    got = back.customers[cols].iloc[:2].reset_index(drop=True)
    want = customers.catalog.customers[cols].iloc[:2].reset_index(drop=True)
    got.loc[1, "first_name"] = want.loc[1, "first_name"]  # the neutralising ' is the only change
    pd.testing.assert_frame_equal(got, want)


def test_magento_customers_to_shopify(tmp_path):
    from workbench.migration import run_migration
    res = run_migration("magento2", "shopify", [FIX / "customer.csv", FIX / "customer_address.csv"], tmp_path / "out")
    assert [p.name for p in res.import_files] == ["customers.csv"]
    df = pd.read_csv(tmp_path / "out" / "customers.csv", dtype=str, keep_default_na=False)
    assert len(df) == 1
    row = df.iloc[0]
    assert (row["Email"], row["First Name"], row["Last Name"]) == ("jondoe@example.com", "Jon", "Doe")
    assert (row["Default Address Address1"], row["Default Address City"], row["Default Address Province Code"],
            row["Default Address Country Code"], row["Default Address Zip"]) == (
        "Main Street 1", "New York", "NY", "US", "10044")
    assert "d708be3f" not in (tmp_path / "out" / "customers.csv").read_text(encoding="utf-8")


def test_magento_composite_customer_sample():
    """Magento's customer_composite.csv: customer + address columns (``_address_*``) in one row."""
    r = platforms.get("magento2").read([FIX / "customer_composite.csv"])
    c = r.catalog.customers.iloc[0]
    assert (c["email"], c["address1"], c["address2"], c["city"], c["province_code"], c["country_code"],
            c["zip"], c["phone"]) == ("jondoe@example.com", "Main Street 1", "Suite 200", "Campbell", "CA", "US",
                                      "95008", "123456789")
    e = r.catalog.extra.set_index("key")["value"]
    assert (e["gender"], e["store"], e["dob"]) == ("Male", "admin", "2016-04-19 00:00:00")
    assert r.loss.set_index("column").loc["password_hash", "dropped"] == 1


def test_composite_address_row_without_a_customer_above(tmp_path):
    # an address row (no e-mail) before any customer row: reported and skipped, the customer after
    # it is read whole (this crashed with a pandas KeyError)
    text = (FIX / "customer_composite.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    orphan = "," + rest.split(",", 1)[1]  # the customer's row with its e-mail cleared
    f = tmp_path / "customer_composite.csv"
    f.write_text(header + "\n" + orphan + rest, encoding="utf-8")
    r = platforms.get("magento2").read([f])
    bad = r.issues[r.issues["check"] == "address_unknown_customer"]
    assert bad["line"].tolist() == [2]
    c = r.catalog.customers
    assert c["email"].tolist() == ["jondoe@example.com"] and c["city"].tolist() == ["Campbell"]


def test_weight_unit_setting(tmp_path):
    """Magento exports weights without a unit: lb by default (one warning), the mapping's
    ``[settings] weight_unit`` otherwise (no warning)."""
    default = read("magento2/catalog_product.csv")
    assert _variant(default.catalog, "24-WG085")["weight_unit"] == "lb"
    assert "m2_weight_unit" in set(default.issues["check"])
    mp = tmp_path / "mapping.toml"
    mp.write_text('[settings]\nweight_unit = "kg"\n', encoding="utf-8")
    kg = read("magento2/catalog_product.csv", mapping=wm.load(mp))
    v = _variant(kg.catalog, "24-WG085")
    assert (v["weight"], v["weight_unit"]) == (pytest.approx(1.23), "kg")
    assert "m2_weight_unit" not in set(kg.issues["check"])


# ---- the column-wise helpers of the product reader ------------------------------------------------

def test_decimal_text_matches_the_regexes():
    """The byte-level checks are the regexes they replace (amounts; to_numeric's plain numbers)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from workbench.platforms.magento2 import _decimal_text
    vals = ["", "5", ".5", "5.", ".", "..", "-", "-5", "--5", "5-", "-.5", "-5.5", "1234567890123456",
            "123456789012345", "1.123456789012345", "1.1234567890123456", "-123456789012345.123456789012345",
            "\u0661\u0662", "5.5.5", "0", "00.00", "1e5", "+5", " 5", "5,5", "x"]
    a = pa.array(vals)
    money = pc.match_substring_regex(a, r"^\d+(\.\d+)?$|^\.\d+$").to_numpy(zero_copy_only=False)
    plain = pc.match_substring_regex(a, r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$").to_numpy(zero_copy_only=False)
    assert (_decimal_text(a, False, None) == money).all()
    assert (_decimal_text(a, True, 15) == plain).all()
    assert (_decimal_text(a.slice(3, 10), True, 15) == plain[3:13]).all()
    assert not np.asarray(_decimal_text(pa.array(["", ""]), False, None)).any()


def test_pairs_quotes_commas_and_codes_without_value():
    from workbench.platforms.magento2 import parse_pairs
    s = pd.Series(['a=1,"b=x, y",c="q, r",d', "", 'e = 2 ,f=="z"', 'g="h"'], dtype="str")
    p = parse_pairs(s)
    # a token without "=" continues the value before it (so c's value is not one quoted string)
    assert list(zip(p["row"], p["code"], p["value"], p["order"])) == [
        (0, "a", "1", 0), (0, "b", "x, y", 1), (0, "c", '"q, r",d', 2), (2, "e", "2", 0), (2, "f", '="z"', 1),
        (3, "g", "h", 0)]


def test_first_text_keeps_the_first_of_each_group_and_text():
    import numpy as np
    import pyarrow as pa
    from workbench.platforms.magento2 import _first_text, _tail_bytes
    text = pa.array(["/a/x.jpg", "/b/x.jpg", "/a/x.jpg", "/a/x.jpg", "", "short", "/b/x.jpg"])
    groups = np.array([0, 0, 0, 1, 1, 1, 0])
    assert _first_text(groups, text).tolist() == [True, True, False, True, True, True, False]
    assert [v.tobytes() for v in _tail_bytes(pa.array(["", "ab", "abcdefghij"]))] == [
        b"\0" * 8, b"\0" * 6 + b"ab", b"cdefghij"]



def _dynamic_bundle_without_price(tmp_path, edit_values):
    """catalog_product.csv with the dynamic bundle's own price blanked and the bundle_values edited."""
    import csv
    src = S / "magento2" / "catalog_product.csv"
    if not src.is_file():
        pytest.skip("shared sample files are not available")
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    h = rows[0]
    for row in rows[1:]:  # both bundles' values (the fixed one's keys would hide a key the edit removes)
        if row[h.index("bundle_values")]:
            row[h.index("bundle_values")] = edit_values(row[h.index("bundle_values")])
    row = next(r for r in rows if r[h.index("sku")] == "24-WG085-bundle-dynamic")
    row[h.index("price")] = ""
    f = tmp_path / "catalog_product.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    return platforms.get("magento2").read([f])


def test_dynamic_bundle_priced_from_its_default_selections(tmp_path):
    r = _dynamic_bundle_without_price(tmp_path, lambda v: v)
    # the default selection is 24-WG086 (price 17) x 1
    assert _variant(r.catalog, "24-WG085-bundle-dynamic")["price"] == Decimal("17")
    assert "bundle_price_unknown" not in set(r.issues["check"])


@pytest.mark.parametrize("edit", [
    lambda v: v.replace(",default=1,", ",").replace(",default=0,", ","),  # no 'default' key at all
    lambda v: v.replace("default_qty=1.0000", "default_qty=one"),         # a quantity that is no number
    lambda v: "0000-00-00 00:00:00",                                        # no key=value pairs at all
])
def test_bundle_selections_that_give_no_price(tmp_path, edit):
    # an edited export: the default selections cannot be priced, so the bundle is a draft at price 0
    # with an error (these crashed with a pandas IndexingError / decimal.InvalidOperation)
    r = _dynamic_bundle_without_price(tmp_path, edit)
    bad = r.issues[r.issues["check"] == "bundle_price_unknown"]
    assert bad["sku"].tolist() == ["24-WG085-bundle-dynamic"]
    assert _variant(r.catalog, "24-WG085-bundle-dynamic")["price"] == Decimal("0")
