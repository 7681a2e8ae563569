"""PrestaShop adapter on the official samples (counts worked out by hand, see docs/mapping.md 6)."""
from decimal import Decimal
from pathlib import Path

import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping

from helpers_paths import SAMPLES as SHARED_SAMPLES

SAMPLES = SHARED_SAMPLES / "prestashop"
PRODUCTS = SAMPLES / "products_import.csv"
COMBOS = SAMPLES / "combinations_import.csv"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "prestashop"


@pytest.fixture(scope="module")
def both():
    return platforms.get("prestashop").read([COMBOS, PRODUCTS])  # order does not matter


def test_counts_both_files(both):
    c = both.catalog.counts()
    # products 1..7; variants: 16 (p1) + 4 (p2) + 3 (p3: 4 rows, line 25 repeats line 24) + 3 (p5)
    # + 1 each for the simple products 4, 6, 7 = 29
    assert c["products"] == 7
    assert c["variants"] == 29
    # options: p1 Color, Disk space; p2 Color; p3 Color, Disk space, ICU; p5 Disk space = 7
    assert c["product_options"] == 7
    # values: 16*2 + 4*1 + 3*3 + 3*1 = 48
    assert c["variant_options"] == 48
    # images: 2+1+1+1+1+1+1 = 8 from the products file, + youdomain.com/img.jpg on p1, p2, p3, p5 = 12
    assert c["images"] == 12
    # categories iPods, Laptops, Accessories
    assert c["collections"] == 3 and c["collection_products"] == 7


def test_counts_products_file_alone():
    r = platforms.get("prestashop").read([PRODUCTS])
    c = r.catalog.counts()
    assert (c["products"], c["variants"], c["images"], c["product_options"]) == (7, 7, 8, 0)


def test_prices_are_base_plus_impact_exactly(both):
    v = both.catalog.variants.set_index("sku")
    assert v.loc["RP-Nano-Blue-16GB", "price"] == Decimal("140")    # 100 + 40
    assert v.loc["RP-Nano-Blue-8GB", "price"] == Decimal("100")     # 100 + 0
    assert v.loc["RP-IpodTouch32GB", "price"] == Decimal("390")     # 240 + 150
    assert v.loc["RP-demo_6", "price"] == Decimal("25")             # simple product
    p3 = both.catalog.variants[both.catalog.variants["product_id"] == "3"]["price"].tolist()
    assert p3 == [Decimal("2250"), Decimal("1500"), Decimal("1725")]  # 1500 + 750 / 0 / 225 (975 row dropped)
    # cost: the combination's wholesale price, else the product's (p3 combinations say 0 -> 1000)
    assert v.loc["RP-Nano-Blue-16GB", "cost"] == Decimal("100")
    assert set(both.catalog.variants.loc[both.catalog.variants["product_id"] == "3", "cost"]) == {Decimal("1000")}


def test_barcodes_keep_leading_zeros(both):
    v = both.catalog.variants.set_index("sku")
    assert v.loc["RP-Nano-Blue-16GB", "barcode"] == "0000080446392"
    assert v.loc["RP-Shuffle-Metal", "barcode"] == "0685387000000"


def test_options_in_position_order(both):
    o = both.catalog.product_options
    assert o[o["product_id"] == "3"]["name"].tolist() == ["Color", "Disk space", "ICU"]
    vo = both.catalog.variant_options
    assert vo[vo["variant_id"] == "1#1"]["value"].tolist() == ["Blue", "16GB"]


def test_issues(both):
    i = both.issues
    counts = i.groupby("check").size().to_dict()
    assert counts["duplicate_combination"] == 1           # line 25 repeats line 24
    row = i[i["check"] == "duplicate_combination"].iloc[0]
    assert row["line"] == 25 and row["severity"] == "error" and "line 24" in row["detail"]
    # line 23 reuses line 22's reference; line 25's repeat is on a dropped row
    assert counts["duplicate_sku"] == 1
    assert i[i["check"] == "duplicate_sku"]["line"].tolist() == [23]
    # barcodes: p2 lines 19-21 (3), p3 lines 23-24 (2), p5 lines 27-28 (2), products 6 and 7 (2) = 9
    assert counts["duplicate_barcode"] == 9
    assert counts["prices_tax_excluded"] == 1
    assert counts["discount_not_migrated"] == 2           # products 1 (5.5 %) and 3 (100)


def test_loss_covers_every_column(both):
    loss = both.loss
    assert len(loss[loss["file"].str.endswith("products_import.csv")]) == 67
    assert len(loss[loss["file"].str.endswith("combinations_import.csv")]) == 24
    ref = loss[loss["column"] == "Reference"].iloc[0]
    assert ref["non_empty"] == 27 and ref["dropped"] == 1  # the duplicate combination's row
    delete = loss[loss["column"].str.startswith("Delete existing images")].iloc[0]
    assert delete["became"] == "" and delete["dropped"] == 7


def test_tax_rule_in_extra_and_taxable(both):
    e = both.catalog.extra
    tax = e[(e["namespace"] == "prestashop") & (e["key"] == "tax_rules_id")].set_index("entity_id")["value"]
    assert tax["7"] == "2" and tax["1"] == "1"


def test_write_round_trip(tmp_path, both):
    a = platforms.get("prestashop")
    paths = a.write(both.catalog, tmp_path)
    assert [p.name for p in paths] == ["products_import.csv", "combinations_import.csv"]
    head = paths[0].read_text(encoding="utf-8").splitlines()[0]
    assert head == PRODUCTS.read_text(encoding="utf-8").splitlines()[0]
    assert paths[1].read_text(encoding="utf-8").splitlines()[0] == COMBOS.read_text(encoding="utf-8").splitlines()[0]
    again = a.read(paths)
    for name in ("products", "product_options", "variant_options", "images", "collections", "extra"):
        assert getattr(again.catalog, name).equals(getattr(both.catalog, name)), name
    cols = [c for c in both.catalog.variants.columns if c != "source_id"]
    assert again.catalog.variants[cols].equals(both.catalog.variants[cols])


def test_write_neutralises_formulas(tmp_path, both):
    import dataclasses
    products = both.catalog.products.copy()
    products.loc[0, "title"] = "=HYPERLINK(\"x\")"
    cat = dataclasses.replace(both.catalog, products=products)
    issues = platforms.get("prestashop").validate(cat)
    assert "formula_neutralised" in set(issues["check"])
    p = platforms.get("prestashop").write(cat, tmp_path)[0]
    again = platforms.get("prestashop").read([p])
    assert again.catalog.products["title"].iloc[0] == "'=HYPERLINK(\"x\")"


def test_mapping_urls_and_tax_rates():
    m = Mapping(urls={"product_url_pattern": "/{id}-{rewrite}.html"}, tax_rates={"1": "20"})
    r = platforms.get("prestashop").read([PRODUCTS, COMBOS], mapping=m)
    assert r.catalog.products["source_url"].iloc[0] == "/1-iPod-Nano.html"
    v = r.catalog.variants.set_index("sku")
    assert v.loc["RP-Nano-Blue-16GB", "price"] == Decimal("168.00")  # 140 * 1.20
    assert v.loc["RP-demo_7", "price"] == Decimal("125")             # rule 2 has no rate
    assert "tax_added" in set(r.issues["check"])
    assert m.options["Disk space"] == "Disk space"                    # suggested for editing


def test_wrong_column_count(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputError, match="67 columns"):
        platforms.get("prestashop").read([f])


def test_combinations_alone_is_an_error():
    with pytest.raises(InputError, match="products file"):
        platforms.get("prestashop").read([COMBOS])


def test_fixture_features_and_bad_rows():
    r = platforms.get("prestashop").read([FIX / "products.csv", FIX / "combinations.csv"])
    e = r.catalog.extra
    feats = e[e["namespace"] == "custom"].set_index("key")["value"].to_dict()
    assert feats == {"material": "Cotton", "fit": "Slim"}
    checks = r.issues.groupby("check").size().to_dict()
    # an unknown Product ID (99), a row with 2 attributes but 1 value, a 3.65275E+11 EAN, a 7-digit EAN
    assert checks["unknown_product"] == 1
    assert checks["attribute_value_mismatch"] == 1
    assert checks["spreadsheet_mangled"] == 1
    assert checks["barcode_not_gtin"] == 1
    assert checks["decimal_comma"] == 1
    assert r.catalog.counts()["variants"] == 3          # 2 combinations of product 10 + simple product 11
    assert r.catalog.variants.set_index("sku").loc["TEE-S", "price"] == Decimal("21.50")  # 19,50 + 2


def test_empty_name_is_an_input_error(tmp_path):
    text = (FIX / "products.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(";")
    cells[2] = ""
    bad = tmp_path / "p.csv"
    bad.write_text("\n".join([text[0], ";".join(cells)]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("prestashop").read([bad])
    assert exc.value.row == 2 and exc.value.column == "Name *"


def test_write_catalog_without_images_categories_or_extra(tmp_path, both):
    """All-null/empty tables (no images, no categories, no features) used to crash the writer."""
    import dataclasses
    c = both.catalog
    bare = dataclasses.replace(c, images=c.images.iloc[0:0], collections=c.collections.iloc[0:0],
                               collection_products=c.collection_products.iloc[0:0], extra=c.extra.iloc[0:0],
                               variants=c.variants.assign(image_src=None))
    a = platforms.get("prestashop")
    again = a.read(a.write(bare, tmp_path)).catalog.counts()
    assert (again["products"], again["variants"], again["images"], again["collections"]) == (7, 29, 0, 0)


def test_write_keeps_image_order_and_points_combinations_at_positions(tmp_path):
    """A non-PrestaShop catalog: every image on the product row (cover first), combinations by position."""
    import csv
    woo = SAMPLES.parent / "woocommerce" / "sample_products.csv"
    src = platforms.get("woocommerce").read([woo]).catalog
    a = platforms.get("prestashop")
    paths = a.write(src, tmp_path)
    combos = list(csv.reader(paths[1].read_text(encoding="utf-8").splitlines()[1:], delimiter=";"))
    assert all(row[18] == "" and row[17] != "" for row in combos if row[0])  # Image URLs empty, position set
    back = a.read(paths).catalog
    assert back.images["src"].tolist() == src.images["src"].tolist()        # same order, same cover
    hoodie = src.products.set_index("title").loc["Hoodie", "product_id"]
    want = src.variants[src.variants["product_id"] == hoodie]["image_src"].tolist()
    bid = back.products.set_index("title").loc["Hoodie", "product_id"]
    assert back.variants[back.variants["product_id"] == bid]["image_src"].tolist() == want


def test_read_image_position_when_urls_are_empty(tmp_path):
    lines = COMBOS.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(";")                     # product 1, Blue/16GB
    cells[17], cells[18], cells[19] = "2", "", ""   # position 2 of the product row's images
    cells2 = lines[2].split(";")
    cells2[17], cells2[18], cells2[19] = "9", "", ""  # product 1 has 2 images: unknown position
    f = tmp_path / "combinations_import.csv"
    f.write_text("\n".join([lines[0], ";".join(cells), ";".join(cells2), *lines[3:]]) + "\n", encoding="utf-8")
    r = platforms.get("prestashop").read([PRODUCTS, f])
    v = r.catalog.variants.set_index("variant_id")
    assert v.loc["1#1", "image_src"] == "http://localhost/prestashop/img/p/2/3/23.jpg"
    assert v["image_src"].isna()["1#2"]
    unknown = r.issues[r.issues["check"] == "image_position_unknown"]
    assert len(unknown) == 1 and unknown["line"].iloc[0] == 3
