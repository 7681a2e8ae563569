"""Magento 1 adapter (source only): the fixture export, edge cases in small inline files, errors.

The fixture ``tests/fixtures/platforms/magento1/catalog_product_export.csv`` is written in the shape of
Magento 1.9's System > Import/Export > Export (Products): the 148 columns of a CE 1.9 sample-data store
(formats.md 3.4, plus a store attribute ``ean``), PHP ``fputcsv`` quoting, 30 data rows on lines 2-31
(line 7's description holds a line break, so the parent row takes lines 7-8).

Expected counts, worked out BY HAND from the file (docs section "Magento 1"):

* product rows (non-empty ``sku``), 16: 4 children of ``msj006c`` (lines 2-5), ``msj006c`` (7),
  ``ace000`` (12), ``ace001`` (16), ``hdd001`` (19), ``hdd002`` (20), ``hdd000`` (21, grouped),
  ``abl004`` (23), 3 children of ``wsd008c`` (24-26), ``wsd008c`` (27), and ``ace000`` again (30, with
  its continuation line 31): skipped, error ``duplicate_sku``.
* products = 7: msj006c, ace000, ace001, hdd001, hdd002, abl004, wsd008c (children are variants; the
  grouped ``hdd000`` becomes the collection ``vase-set``).
* variants = 12: msj006c 4 + wsd008c 3 + 5 single-variant products.
* msj006c is exported the way Magento 1.9 does it: its ``_super_*`` rows list only ``size`` (the
  exporter keeps the last super attribute), which leaves KHA-S/RED-S and KHA-M/RED-M equal; the
  children's own ``color`` column tells them apart -> option ``color`` (guessed, warning
  ``m1_axis_guessed``) then ``size``. Prices: parent 160 + corrections (M +5.0000%): 160, 168, 160, 168.
* wsd008c: one axis ``size``; price 224, special 190 -> S/M 190 (compare-at 224), L +2.5000 -> 192.50
  (compare-at 226.50). product_options 2 + 1 = 3, variant_options 8 + 3 = 11.
* images = 11: msj006c 3 (t_1, t_2, t_3 disabled but kept) + RED-S's own r_1 = 4; ace000 3 (a, b, c);
  ace001 1; hdd001 1; hdd002 1; abl004 0 (``no_selection``); wsd008c 1. hdd000's goes to the loss report.
* collections = 8: Men > Shirts, Men > New Arrivals, Accessories > Eyewear, Sale,
  Home & Decor > Decorative Accents, Accessories > Bags & Luggage, Women > Dresses & Skirts + ``vase-set``;
  collection_products = 1 + 1 + 2 + 1 + 2 + 1 + 1 + 2 = 11.
* extra = 56: magento1 26 (product_type 3, attribute_set 8, short_description 3, meta_keyword 1,
  visibility 2, related 1, crosssell 1, tier_prices 1, associated 1, custom_options 1, store views 4),
  custom 30 (accessories_type 2, apparel_type 9, bag_luggage_type 1, color 2, decor_type 2, gender 11,
  home_decor_type 2, sleeve_length 1).
* issues (9): duplicate_sku (line 30), m1_axis_guessed (7), grouped_to_collection (21), m1_weight_unit,
  m1_relative_image, hidden_image_shown (10), custom_options_not_variants (16), formula_like (16),
  spreadsheet_mangled (19, ``ean`` 8.90123E+11).
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "magento1"
EXPORT = FIX / "catalog_product_export.csv"
HEADER = EXPORT.read_text(encoding="utf-8").splitlines()[0].split(",")


def read(paths=(EXPORT,), mapping=None):
    return platforms.get("magento1").read([str(p) for p in paths], mapping=mapping)


@pytest.fixture(scope="module")
def res():
    return read()


def _variant(cat, sku):
    v = cat.variants[cat.variants["sku"] == sku]
    assert len(v) == 1, sku
    return v.iloc[0]


def _extra(cat, entity_id, key, namespace="magento1"):
    e = cat.extra
    v = e[(e["entity_id"] == entity_id) & (e["key"] == key) & (e["namespace"] == namespace)]["value"]
    return list(v)


def write_csv(tmp_path, rows, name="export.csv"):
    """A small export in the fixture's column set: rows are dicts of the cells that are set."""
    for r in rows:
        assert set(r) <= set(HEADER), set(r) - set(HEADER)
    df = pd.DataFrame([{c: r.get(c, "") for c in HEADER} for r in rows], columns=HEADER)
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


def test_registered_source_only():
    a = platforms.get("magento1")
    assert a.name == "magento1" and a.can_write is False
    assert "magento1" in platforms.names()


def test_counts(res):
    c = res.catalog.counts()
    assert (c["products"], c["variants"], c["images"], c["collections"], c["collection_products"]) == (7, 12, 11, 8, 11)
    assert (c["product_options"], c["variant_options"], c["extra"]) == (3, 11, 56)
    assert list(res.catalog.products["product_id"]) == ["msj006c", "ace000", "ace001", "hdd001", "hdd002", "abl004",
                                                        "wsd008c"]


def test_issues(res):
    got = Counter(res.issues["check"])
    assert got == Counter({"duplicate_sku": 1, "m1_axis_guessed": 1, "grouped_to_collection": 1, "m1_weight_unit": 1,
                           "m1_relative_image": 1, "hidden_image_shown": 1, "custom_options_not_variants": 1,
                           "formula_like": 1, "spreadsheet_mangled": 1})
    at = {r.check: (r.line, r.column, r.severity) for r in res.issues.itertuples()}
    assert at["duplicate_sku"] == (30, "sku", "error")
    assert at["m1_axis_guessed"] == (7, "_super_attribute_code", "warning")
    assert at["hidden_image_shown"][:2] == (10, "_media_is_disabled")
    assert at["formula_like"][:2] == (16, "short_description")
    assert at["spreadsheet_mangled"][:2] == (19, "ean")
    assert at["grouped_to_collection"][0] == 21 and at["custom_options_not_variants"][0] == 16
    dup = res.issues[res.issues["check"] == "duplicate_sku"].iloc[0]
    assert "line 12" in dup["detail"] and "1 continuation" in dup["detail"]
    assert set(res.issues["file"]) == {str(EXPORT)}


def test_configurable(res):
    cat = res.catalog
    p = cat.products.set_index("product_id").loc["msj006c"]
    assert (p["handle"], p["title"], p["source_url"]) == ("plaid-cotton-shirt", "Plaid Cotton Shirt",
                                                         "/plaid-cotton-shirt.html")
    assert p["description_html"].startswith("<p>Soft, breathable cotton") and "\n<ul>" in p["description_html"]
    assert str(p["created_at"]).startswith("2013-03-05 19:46:20")
    opts = cat.product_options[cat.product_options["product_id"] == "msj006c"].sort_values("position")
    assert list(opts["name"]) == ["color", "size"]  # color guessed from the children (m1_axis_guessed)
    v = cat.variants[cat.variants["product_id"] == "msj006c"].sort_values("position")
    assert list(v["variant_id"]) == ["msj006c#1", "msj006c#2", "msj006c#3", "msj006c#4"]
    assert list(v["sku"]) == ["msj006-KHA-S", "msj006-KHA-M", "msj006-RED-S", "msj006-RED-M"]
    assert list(v["source_id"]) == list(v["sku"])
    # parent price 160 + _super_attribute_price_corr (M +5.0000%); color's corrections are not exported
    assert list(v["price"]) == [Decimal("160"), Decimal("168"), Decimal("160"), Decimal("168")]
    assert v["compare_at_price"].isna().all()
    assert list(v["inventory_quantity"]) == [10, 8, 0, 5]  # use_config_manage_stock 1 -> tracked
    assert set(v["inventory_tracker"]) == {"shopify"}
    vo = cat.variant_options.merge(v[["variant_id", "sku"]], on="variant_id").sort_values(["sku", "position"])
    got = vo.groupby("sku", sort=False)["value"].agg("/".join).to_dict()
    assert got == {"msj006-KHA-M": "Khaki/M", "msj006-KHA-S": "Khaki/S", "msj006-RED-M": "Red/M",
                   "msj006-RED-S": "Red/S"}
    # the child's own image is its variant image and is appended to the product's images
    assert _variant(cat, "msj006-RED-S")["image_src"] == "/m/s/msj006r_1.jpg"
    im = cat.images[cat.images["product_id"] == "msj006c"].sort_values("position")
    assert list(im["src"]) == ["/m/s/msj006t_1.jpg", "/m/s/msj006t_2.jpg", "/m/s/msj006t_3.jpg", "/m/s/msj006r_1.jpg"]
    assert list(im["alt"].fillna("")) == ["Plaid Cotton Shirt", "Back", "", "Plaid Cotton Shirt Red"]
    assert set(cat.collection_products.loc[cat.collection_products["product_id"] == "msj006c", "collection_id"]) \
        == {"men-shirts", "men-new-arrivals"}
    # children are not products; a child's store-view name is kept on its variant; axes are not metafields
    assert not cat.products["product_id"].str.startswith("msj006-").any()
    assert _extra(cat, "msj006c#4", "store_view:french:name") == ["Chemise en coton à carreaux-Rouge-M"]
    assert _extra(cat, "msj006c#1", "color", "custom") == []  # an axis, not a metafield
    assert _extra(cat, "msj006c#1", "gender", "custom") == ["Male"]
    assert _extra(cat, "msj006c", "crosssell") == ["sku=ace000,position=1"]


def test_configurable_on_sale_with_a_price_correction(res):
    cat = res.catalog
    v = cat.variants[cat.variants["product_id"] == "wsd008c"].sort_values("position")
    assert list(v["sku"]) == ["wsd008-S", "wsd008-M", "wsd008-L"]
    # special price 190 < price 224: price = 190 (+2.5 for L), compare-at = 224 (+2.5)
    assert list(v["price"]) == [Decimal("190"), Decimal("190"), Decimal("192.5")]
    assert list(v["compare_at_price"]) == [Decimal("224"), Decimal("224"), Decimal("226.5")]
    vo = cat.variant_options[cat.variant_options["variant_id"].str.startswith("wsd008c#")].sort_values("variant_id")
    assert list(vo["value"]) == ["S", "M", "L"]
    assert list(cat.collection_products.loc[cat.collection_products["product_id"] == "wsd008c", "collection_id"]) \
        == ["women-dresses-skirts"]


def test_simple_with_sale_gallery_and_store_view(res):
    cat = res.catalog
    p = cat.products.set_index("product_id").loc["ace000"]
    assert (p["handle"], p["vendor"], p["seo_title"], p["status"], p["published"]) == (
        "aviator-sunglasses", "Madison Island", "Aviator Sunglasses", "active", True)
    assert p["source_url"] == "/aviator-sunglasses.html"
    v = _variant(cat, "ace000")
    assert (v["price"], v["compare_at_price"], v["cost"]) == (Decimal("245"), Decimal("295"), Decimal("120"))
    assert (v["weight"], v["weight_unit"], v["inventory_quantity"], v["inventory_policy"], v["taxable"]) == (
        1.0, "lb", 25, "deny", True)
    assert v["variant_id"] == "ace000#1"
    im = cat.images[cat.images["product_id"] == "ace000"].sort_values("position")
    assert list(im["src"]) == ["/a/c/ace000a_1.jpg", "/a/c/ace000b_1.jpg", "/a/c/ace000c_1.jpg"]
    assert list(im["alt"].fillna("")) == ["Aviator Sunglasses", "Side view", ""]
    assert set(cat.collection_products.loc[cat.collection_products["product_id"] == "ace000", "collection_id"]) \
        == {"accessories-eyewear", "sale"}
    assert _extra(cat, "ace000", "store_view:french:name") == ["Lunettes de soleil Aviateur"]
    assert _extra(cat, "ace000", "store_view:french:url_key") == ["lunettes-de-soleil-aviateur"]
    assert _extra(cat, "ace000", "related") == ["sku=ace001,position=1"]
    assert _extra(cat, "ace000", "tier_prices") == ["website=all,customer_group=all,qty=5.0000,price=230.0000"]
    assert _extra(cat, "ace000", "color", "custom") == ["Gold"]
    # the repeated sku's row (price 199, line 30) was skipped: the first block wins
    assert (cat.variants["sku"] == "ace000").sum() == 1


def test_no_url_key_and_custom_options(res):
    cat = res.catalog
    p = cat.products.set_index("product_id").loc["ace001"]
    assert p["handle"] == "jackie-o-round-sunglasses"  # from the name
    assert pd.isna(p["source_url"])  # no url_key, no url_path: no old URL (never invented)
    assert _extra(cat, "ace001", "custom_options") == [
        "type=field,name=Engraving,required=0,price=15.0000,sku=engr,max_characters=20,sort_order=1"
        "|type=drop_down,name=Case Color,required=1,max_characters=0,sort_order=2,option_title=Black,"
        "option_price=0.0000,option_sort=1"
        "|option_title=Brown,option_price=5.0000,option_sort=2"]
    assert _extra(cat, "ace001", "short_description") == ["=Round frames, UV400 lenses"]  # kept as read
    assert _variant(cat, "ace001")["price"] == Decimal("225")


def test_grouped_becomes_collection(res):
    cat = res.catalog
    assert "hdd000" not in set(cat.products["product_id"])
    c = cat.collections.set_index("collection_id").loc["vase-set"]
    assert (c["title"], c["source_id"], c["source_url"]) == ("Vase Set", "hdd000", "/vase-set.html")
    cp = cat.collection_products[cat.collection_products["collection_id"] == "vase-set"].sort_values("position")
    assert list(cp["product_id"]) == ["hdd002", "hdd001"]  # _associated_position 1, 2
    pr = cat.products.set_index("product_id")
    assert pr.loc["hdd001", "published"] and pr.loc["hdd002", "published"]  # members (visibility 1) are sold
    assert _extra(cat, "vase-set", "associated") == [
        "sku=hdd001,default_qty=1.0000,position=2|sku=hdd002,default_qty=1.0000,position=1"]
    assert _variant(cat, "hdd002")["barcode"] == "4006381333931"
    assert _variant(cat, "hdd001")["barcode"] == "8.90123E+11"  # kept as read, flagged


def test_disabled_out_of_stock_product(res):
    cat = res.catalog
    p = cat.products.set_index("product_id").loc["abl004"]
    assert (p["status"], p["handle"]) == ("draft", "houston-travel-wallet")
    v = _variant(cat, "abl004")
    assert (v["inventory_quantity"], v["inventory_policy"], v["weight"]) == (0, "continue", 0.5)
    assert not (cat.images["product_id"] == "abl004").any()  # image = no_selection


def test_collections(res):
    cat = res.catalog
    c = cat.collections.set_index("collection_id")
    assert set(c.index) == {"men-shirts", "men-new-arrivals", "accessories-eyewear", "sale",
                            "home-decor-decorative-accents", "accessories-bags-luggage", "women-dresses-skirts",
                            "vase-set"}
    assert c.loc["men-shirts", "path"] == "Men > Shirts"  # root "Default Category" stripped
    assert c.loc["home-decor-decorative-accents", "source_url"] == "/home-decor/decorative-accents.html"
    eye = cat.collection_products[cat.collection_products["collection_id"] == "accessories-eyewear"]
    assert list(eye.sort_values("position")["product_id"]) == ["ace000", "ace001"]


def test_loss_table(res):
    loss = res.loss.set_index("column")
    assert list(res.loss["column"]) == HEADER  # one row per source column, in file order
    assert set(res.loss["file"]) == {str(EXPORT)}
    assert loss.loc["sku", ["non_empty", "dropped"]].tolist() == [16, 1]  # the repeated ace000
    assert loss.loc["_root_category", "became"] == "" and loss.loc["_root_category", "dropped"] == 12
    assert loss.loc["has_options", "dropped"] == 16 and loss.loc["min_qty", "became"] == ""
    # children's own names (7) + the skipped duplicate (1); the 2 store-view names went to extra
    assert loss.loc["name", ["non_empty", "dropped"]].tolist() == [18, 8]
    assert loss.loc["_media_image", "dropped"] == 1 and "grouped" in loss.loc["_media_image", "note"]
    assert loss.loc["_category", "dropped"] == 3  # grouped's own (1) + the duplicate's 2
    assert loss.loc["_super_attribute_price_corr", "became"].startswith("variants.price")
    assert loss.loc["color", "became"].startswith("variant_options.value")
    assert loss.loc["ean", "became"] == "variants.barcode"
    assert loss.loc["_custom_option_title", "became"] == "extra:magento1.custom_options"
    assert loss.loc["apparel_type", "became"] == "extra:custom.apparel_type"
    assert (loss["dropped"] <= loss["non_empty"]).all()


def test_mapping_options():
    m = Mapping(urls={"image_base_url": "https://shop.example/media/catalog/product/", "weight_unit": "kg",
                      "product_url_pattern": "/shop/{url_key}.html"}, options={"color": "Color", "size": "Size"})
    r = read(mapping=m)
    cat = r.catalog
    po = cat.product_options.sort_values(["product_id", "position"])
    assert po.groupby("product_id")["name"].agg(list).to_dict() == {"msj006c": ["Color", "Size"], "wsd008c": ["Size"]}
    assert cat.images["src"].str.startswith("https://shop.example/media/catalog/product/").all()
    assert _variant(cat, "msj006-RED-S")["image_src"] == "https://shop.example/media/catalog/product/m/s/msj006r_1.jpg"
    assert set(cat.variants["weight_unit"].dropna()) == {"kg"}
    checks = set(r.issues["check"])
    assert "m1_relative_image" not in checks and "m1_weight_unit" not in checks
    pr = cat.products.set_index("product_id")
    assert pr.loc["ace000", "source_url"] == "/shop/aviator-sunglasses.html"
    assert pd.isna(pr.loc["ace001", "source_url"])


def test_two_files_first_wins(tmp_path):
    other = tmp_path / "again.csv"
    other.write_bytes(EXPORT.read_bytes())
    r = read([EXPORT, other])
    c = r.catalog.counts()
    assert (c["products"], c["variants"], c["images"], c["collections"]) == (7, 12, 11, 8)
    dups = r.issues[(r.issues["check"] == "duplicate_sku") & (r.issues["file"] == str(other))]
    assert len(dups) == 16 and "catalog_product_export.csv (line 2)" in dups.iloc[0]["detail"]


# ---- edge cases in small files ----------------------------------------------------------------------

def _simple(sku, name, **kw):
    return {"sku": sku, "_attribute_set": "Default", "_type": "simple", "name": name, "price": "10.0000",
            "status": "1", "visibility": "4", "url_key": slug(name), **kw}


def slug(name):
    return name.lower().replace(" ", "-")


def test_multiselect_values_on_continuation_rows(tmp_path):
    p = write_csv(tmp_path, [_simple("b1", "Book One", genre="Fiction", _category="Books"),
                             {"genre": "Mystery", "_category": "Sale", "_root_category": "Default Category"},
                             {"genre": "Thriller"}])
    cat = read([p]).catalog
    assert _extra(cat, "b1", "genre", "custom") == ["Fiction, Mystery, Thriller"]
    assert cat.counts()["collections"] == 2


def test_export_with_only_the_last_super_attribute(tmp_path):
    """Magento 1.9 lists only the last super attribute: the other axis is taken from the children."""
    kids = [_simple(f"t-{c}-{s}", f"Tee {c} {s}", color=c, size=s, visibility="1") for c in ("Red", "Blue")
            for s in ("S", "M")]
    parent = [_simple("t", "Tee", _type="configurable", _super_products_sku="t-Red-S", _super_attribute_code="size",
                      _super_attribute_option="S")]
    parent += [{"_super_products_sku": k, "_super_attribute_code": "size", "_super_attribute_option": k[-1]}
               for k in ("t-Red-M", "t-Blue-S", "t-Blue-M")]
    r = read([write_csv(tmp_path, kids + parent)])
    cat = r.catalog
    assert list(cat.product_options.sort_values("position")["name"]) == ["color", "size"]
    assert cat.counts()["variants"] == 4 and "duplicate_combination" not in set(r.issues["check"])
    assert Counter(r.issues["check"])["m1_axis_guessed"] == 1


def test_duplicate_combination_and_missing_child(tmp_path):
    kids = [_simple("k1", "K1", size="S", visibility="1"), _simple("k2", "K2", size="S", visibility="1")]
    parent = [_simple("p", "P", _type="configurable", _super_products_sku="k1", _super_attribute_code="size",
                      _super_attribute_option="S"),
              {"_super_products_sku": "k2", "_super_attribute_code": "size", "_super_attribute_option": "S"},
              {"_super_products_sku": "k9", "_super_attribute_code": "size", "_super_attribute_option": "L"}]
    r = read([write_csv(tmp_path, kids + parent)])
    assert r.catalog.counts()["variants"] == 1
    got = r.issues.set_index("check")
    assert got.loc["duplicate_combination", "severity"] == "error" and got.loc["duplicate_combination", "line"] == 3
    assert got.loc["m1_missing_child", "line"] == 6
    assert r.loss.set_index("column").loc["_super_products_sku", "dropped"] == 2  # k2 (duplicate) + k9 (missing)


# ---- broken files -------------------------------------------------------------------------------------

def test_continuation_row_before_any_product_row(tmp_path):
    p = write_csv(tmp_path, [{"_category": "Sale", "_root_category": "Default Category"}, _simple("a", "A")])
    with pytest.raises(InputError) as e:
        read([p])
    assert e.value.row == 2 and e.value.column == "sku" and e.value.file == str(p)
    assert "before any product row" in str(e.value)


def test_magento2_file_is_refused(tmp_path):
    p = tmp_path / "m2.csv"
    p.write_text("sku,store_view_code,attribute_set_code,product_type,name,price\nA,,Default,simple,A,1\n")
    with pytest.raises(InputError, match="magento2") as e:
        read([p])
    assert e.value.row == 1


def test_missing_required_column(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("sku,name,price\nA,A,1\n")
    with pytest.raises(InputError, match="'_type' is missing") as e:
        read([p])
    assert "[headers]" in str(e.value) and e.value.column == "_type"


def test_dataflow_export_is_refused(tmp_path):
    p = tmp_path / "dataflow.csv"
    p.write_text("store,websites,attribute_set,type,category_ids,sku,name,price\nadmin,base,Default,simple,3,A,A,1\n")
    with pytest.raises(InputError, match="Dataflow"):
        read([p])


def test_wide_file_is_read_column_wise(tmp_path):
    """2,000 configurables x 3 children + gallery rows: 14,000 rows, read in seconds."""
    import time
    rows = []
    for i in range(2000):
        for s in ("S", "M", "L"):
            rows.append(_simple(f"c{i}-{s}", f"C{i} {s}", size=s, visibility="1", qty="5.0000"))
        rows.append(_simple(f"c{i}", f"C{i}", _type="configurable", _category="Men/Shirts",
                            _root_category="Default Category", _media_image=f"/c/{i}_1.jpg", _media_position="1",
                            _super_products_sku=f"c{i}-S", _super_attribute_code="size", _super_attribute_option="S",
                            _super_attribute_price_corr=""))
        rows.append({"_media_image": f"/c/{i}_2.jpg", "_media_position": "2", "_super_products_sku": f"c{i}-M",
                     "_super_attribute_code": "size", "_super_attribute_option": "M",
                     "_super_attribute_price_corr": "2.5000"})
        rows.append({"_super_products_sku": f"c{i}-L", "_super_attribute_code": "size", "_super_attribute_option": "L",
                     "_super_attribute_price_corr": "10.0000%"})
    p = write_csv(tmp_path, rows)
    t0 = time.perf_counter()
    cat = read([p]).catalog
    assert time.perf_counter() - t0 < 30
    c = cat.counts()
    assert (c["products"], c["variants"], c["images"], c["variant_options"]) == (2000, 6000, 4000, 6000)
    v = cat.variants[cat.variants["product_id"] == "c7"].sort_values("position")
    assert list(v["price"]) == [Decimal("10"), Decimal("12.5"), Decimal("11")]


def test_header_only_file_and_header_case(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text(",".join(HEADER) + "\n")
    r = read([p])
    assert r.catalog.counts()["products"] == 0 and len(r.loss) == len(HEADER)
    q = tmp_path / "upper.csv"
    q.write_text(" SKU ,_TYPE,Name,Price,_Store\nA1,simple,Alpha,5.0000,\n,,Alpha FR,,french\n")
    cat = read([q]).catalog
    assert list(cat.products["title"]) == ["Alpha"] and _variant(cat, "A1")["price"] == Decimal("5")
    assert _extra(cat, "A1", "store_view:french:name") == ["Alpha FR"]


def test_disabled_child_and_bundle(tmp_path):
    rows = [_simple("k1", "K1", size="S", visibility="1", status="2"), _simple("k2", "K2", size="M", visibility="1"),
            _simple("p", "P", _type="configurable", _super_products_sku="k1", _super_attribute_code="size",
                    _super_attribute_option="S"),
            {"_super_products_sku": "k2", "_super_attribute_code": "size", "_super_attribute_option": "M"},
            _simple("b", "Kit", _type="bundle", price="")]
    r = read([write_csv(tmp_path, rows)])
    cat = r.catalog
    assert _extra(cat, "p#1", "status") == ["2"] and _extra(cat, "p#2", "status") == []
    assert cat.products.set_index("product_id").loc["b", "status"] == "draft"
    assert {"bundle_flattened", "no_price"} <= set(r.issues["check"])


def test_excluded_base_image_is_not_flagged(tmp_path):
    """Shops exclude the base image from the gallery so that it is not shown twice: not a hidden image."""
    rows = [_simple("a", "A", image="/a/a.jpg", _media_image="/a/a.jpg", _media_position="1", _media_is_disabled="1"),
            {"_media_image": "/a/b.jpg", "_media_position": "2", "_media_is_disabled": "1"}]
    r = read([write_csv(tmp_path, rows)])
    assert list(r.catalog.images.sort_values("position")["src"]) == ["/a/a.jpg", "/a/b.jpg"]
    hidden = r.issues[r.issues["check"] == "hidden_image_shown"]
    assert list(hidden["line"]) == [3]
