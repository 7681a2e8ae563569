"""OpenCart from a MySQL dump (no server) and from per-table CSV dumps; fixture built from the 3.x DDL.

Worked out by hand from tests/fixtures/platforms/opencart/opencart_dump.sql:
  42 Apple Cinema 30": select Size (Small +10 q5, Medium +0 q10, Large -5 q3) x radio Color
     (Red +0 q7, Blue +1.25 q0) = 6 variants; text and checkbox options -> extra; 2 images (the main
     image repeats in oc_product_image); categories Desktops and Components > Monitors.
  30 Canon EOS 5D: no options, sku CAN-5D, EAN 0004549292036, 1 image (a NULL product_image ignored).
  47 HP LP3065: only a date option -> 1 variant; texts only in language 2; disabled; UPC 3.65275E+11.
=> 3 products, 8 variants, 2 options, 12 option values, 4 images, 2 collections, 3 product links.

Customers (oc_customer, oc_address, oc_country, oc_zone; 3.0.x columns):
  1 John Doe: newsletter 1; addresses 1 (New York, NY, company "Doe &amp; Sons") and 2 (Cupertino, CA);
    default address_id 2 -> address1 "1 Infinite Loop", US/CA; address 1 -> extra address_2 (JSON, US/NY).
  2 Zoë O'Brien (e-mail zoe.o\'brien@... escaped in the dump): newsletter 0, no address (address_id 0).
  3 Hans Müller: status 0 (inactive_customer), group 2, fax, custom_field JSON; address 4 in Germany (DE)
    with zone_id 9999, not in oc_zone (unknown_zone, province empty).
  Never carried: password 3, salt 2 (customer 2 has none), token 1, cart 1 and wishlist 1 ('[]' of
  customer 2), ip 3. oc_zone_to_geo_zone and oc_geo_zone-like names are not read as oc_zone.
=> 3 customers; issues passwords_dropped 1, inactive_customer 1, unknown_zone 1.
"""
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.mapping import Mapping
from workbench.platforms.opencart import ALL_TABLES, read_dump

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
                 "image_path_relative": 1, "spreadsheet_mangled": 1,
                 # customers (see CUSTOMERS below)
                 "passwords_dropped": 1, "inactive_customer": 1, "unknown_zone": 1}


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


@pytest.mark.parametrize("cut_at, statement", [
    ("  `query` varchar(255)", "CREATE TABLE oc_seo_url"),   # inside a CREATE TABLE
    ("(2,1,'John','Doe','','1 Infinite Loop'", "INSERT INTO oc_address"),  # inside an INSERT
])
def test_dump_cut_off_inside_a_statement(tmp_path, cut_at, statement):
    # a dump cut off mid-statement is refused, naming the statement's line (a cut inside CREATE
    # TABLE oc_seo_url crashed with KeyError 'keyword')
    text = DUMP.read_text(encoding="utf-8")
    f = tmp_path / "cut.sql"
    f.write_text(text[:text.index(cut_at) + 5], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("opencart").read([f])
    assert f"ends inside {statement}" in str(exc.value) and "cut off" in str(exc.value)
    verb, table = statement.rsplit(" ", 1)
    start = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(f"{verb} `{table}`"))
    assert exc.value.row == start


def test_dump_cut_off_between_statements_is_a_warning(tmp_path):
    # mysqldump's closing comment is missing: tables after the cut would be missing, so say so
    text = DUMP.read_text(encoding="utf-8")
    f = tmp_path / "cut.sql"
    f.write_text(text[:text.index("DROP TABLE IF EXISTS `oc_zone_to_geo_zone`")], encoding="utf-8")
    r = platforms.get("opencart").read([f])
    assert r.issues.loc[r.issues["check"] == "dump_not_completed", "severity"].tolist() == ["warning"]
    assert "dump_not_completed" not in set(platforms.get("opencart").read([DUMP]).issues["check"])


def test_products_without_any_image(tmp_path):
    # a shop whose products have no image at all (empty image column, no oc_product_image rows)
    f = tmp_path / "noimg.sql"
    f.write_text("CREATE TABLE `oc_product` (\n  `product_id` int,\n  `model` varchar(64),\n  `sku` varchar(64),\n"
                 "  `image` varchar(255),\n  `price` decimal(15,4),\n  `quantity` int,\n  `status` tinyint\n);\n"
                 "INSERT INTO `oc_product` VALUES (1,'M1','SKU-1','','12.5000',3,1),(2,'M2','SKU-2',NULL,'7.0000',0,1);\n"
                 "CREATE TABLE `oc_product_description` (\n  `product_id` int,\n  `language_id` int,\n"
                 "  `name` varchar(255),\n  `description` text\n);\n"
                 "INSERT INTO `oc_product_description` VALUES (1,1,'Mug','<p>A mug</p>'),(2,1,'Plate','');\n",
                 encoding="utf-8")
    r = platforms.get("opencart").read([f])
    assert (len(r.catalog.products), len(r.catalog.variants), len(r.catalog.images)) == (2, 2, 0)
    assert r.catalog.variants["sku"].tolist() == ["SKU-1", "SKU-2"]
    from workbench.migration import run_migration
    res = run_migration("opencart", "shopify", [f], tmp_path / "out", progress=False)
    assert res.summary["errors"] == 0 and (tmp_path / "out" / "products.csv").is_file()


# ---- customers ------------------------------------------------------------------------------------

def test_read_dump_keeps_customer_tables_on_request():
    t = read_dump(DUMP, ALL_TABLES)
    assert t["customer"].shape == (3, 22) and t["address"].shape == (3, 12)
    assert t["zone"].shape == (4, 5)                           # oc_zone_to_geo_zone is not oc_zone
    assert t["customer"]["email"].tolist()[1] == "zoe.o'brien@example.com"   # \' escape


def test_customers_values(result):
    c = result.catalog.customers.set_index("customer_id")
    assert c.index.tolist() == ["1", "2", "3"]
    john, zoe, hans = c.loc["1"], c.loc["2"], c.loc["3"]
    assert (john["email"], john["first_name"], john["last_name"], john["phone"]) == \
        ("john.doe@example.com", "John", "Doe", "+1 212 555 0100")
    # the default address (address_id 2), not the first one
    assert (john["address1"], john["city"], john["zip"], john["country_code"], john["province_code"]) == \
        ("1 Infinite Loop", "Cupertino", "95014", "US", "CA")
    assert bool(john["accepts_email_marketing"]) is True
    assert str(john["created_at"]) == "2019-03-04 10:15:00+00:00"
    assert (zoe["email"], zoe["first_name"], zoe["last_name"]) == ("zoe.o'brien@example.com", "Zoë", "O'Brien")
    assert bool(zoe["accepts_email_marketing"]) is False
    assert all(pd.isna(zoe[k]) for k in ("address1", "city", "country_code", "province_code"))
    assert (hans["last_name"], hans["country_code"], hans["city"]) == ("Müller", "DE", "Berlin")
    assert pd.isna(hans["province_code"])
    assert c["source_id"].tolist() == ["1", "2", "3"]


def test_customer_extra_and_further_addresses(result):
    import json
    e = result.catalog.extra
    e = e[e["entity"] == "customer"].set_index(["entity_id", "key"])["value"]
    assert e[("3", "customer_group_id")] == "2" and e[("3", "fax")] == "+49 30 1234568"
    assert e[("3", "status")] == "0" and e[("3", "custom_field")] == '{"1":"DE123456789"}'
    assert e[("3", "address_zone_id")] == "9999"
    other = json.loads(e[("1", "address_2")])
    assert (other["address_id"], other["company"], other["country_code"], other["province_code"]) == \
        ("1", "Doe & Sons", "US", "NY")                       # entities decoded, ISO codes added
    keys = set(k for _, k in e.index)
    assert not keys & {"password", "salt", "token", "code", "cart", "wishlist", "ip"}
    assert ("2", "address_2") not in e.index


def test_customer_secrets_dropped_and_counted(result):
    loss = result.loss.set_index("column")
    dropped = {c: int(loss.loc[f"customer.{c}", "dropped"]) for c in
               ("password", "salt", "token", "code", "cart", "wishlist", "ip")}
    assert dropped == {"password": 3, "salt": 2, "token": 1, "code": 0, "cart": 1, "wishlist": 1, "ip": 3}
    assert (loss.loc[["customer.password", "customer.ip"], "became"] == "").all()
    assert loss.loc["customer.newsletter", "became"] == "customers.accepts_email_marketing"
    assert loss.loc["address.zone_id", "became"] == "customers.province_code"
    assert loss.loc["country.iso_code_2", "became"] == "(lookup)"
    pw = result.issues[result.issues["check"] == "passwords_dropped"]
    assert len(pw) == 1 and "password 3" in pw["detail"].iloc[0]
    # no secret value appears anywhere in the catalog
    text = result.catalog.customers.astype(str).to_csv() + result.catalog.extra.astype(str).to_csv()
    for secret in ("3c1f0b8e0d5a9e4f", "aB3dE5fG7", "tok3n-4bc", "203.0.113.5"):
        assert secret not in text


def test_customers_from_per_table_csv_dumps(tmp_path, result):
    for key, df in read_dump(DUMP, ALL_TABLES).items():
        df.to_csv(tmp_path / f"oc_{key}.csv", index=False)
    r = platforms.get("opencart").read(sorted(tmp_path.glob("*.csv")))
    a, b = r.catalog.customers, result.catalog.customers
    assert a.drop(columns=["created_at"]).astype(str).equals(b.drop(columns=["created_at"]).astype(str))


def test_customers_only_dump(tmp_path):
    text = DUMP.read_text(encoding="utf-8")
    start = text.index("DROP TABLE IF EXISTS `oc_address`")
    f = tmp_path / "customers.sql"
    f.write_text(text[start:], encoding="utf-8")
    r = platforms.get("opencart").read([f])
    assert len(r.catalog.customers) == 3 and len(r.catalog.products) == 0


def test_migration_to_shopify_writes_customers(tmp_path):
    import csv
    from workbench.migration import run_migration
    out = tmp_path / "out"
    run_migration("opencart", "shopify", [DUMP], out)
    rows = list(csv.DictReader((out / "customers.csv").open(encoding="utf-8", newline="")))
    assert len(rows) == 3
    by_email = {r["Email"]: r for r in rows}
    assert set(by_email) == {"john.doe@example.com", "zoe.o'brien@example.com", "hans@example.de"}
    john = by_email["john.doe@example.com"]
    assert john["Default Address Country Code"] == "US" and john["Default Address Province Code"] == "CA"
    assert john["Accepts Email Marketing"].lower() == "yes"
    assert by_email["hans@example.de"]["Default Address Country Code"] == "DE"
    body = (out / "customers.csv").read_text(encoding="utf-8")
    assert "3c1f0b8e0d5a9e4f" not in body and "aB3dE5fG7" not in body


def test_default_address_not_among_the_customers_addresses(tmp_path):
    # customer 1's default address (oc_customer.address_id) is 2; make it 9, which is not one of
    # theirs: the first of their addresses (1) is used instead, with a warning
    text = DUMP.read_text(encoding="utf-8")
    row = "'aB3dE5fG7', NULL, NULL, 1, 2,"
    assert text.count(row) == 1
    f = tmp_path / "d.sql"
    f.write_text(text.replace(row, "'aB3dE5fG7', NULL, NULL, 1, 9,"), encoding="utf-8")
    r = platforms.get("opencart").read([f])
    warn = r.issues[r.issues["check"] == "default_address_missing"]
    assert warn["detail"].tolist() == ["customer 1: default address 9 is not among the customer's addresses; "
                                       "address 1 is used"]
    c = r.catalog.customers.set_index("customer_id")
    assert c.loc["1", "address1"] == "350 Fifth Avenue"


def test_addresses_all_of_unknown_customers(tmp_path):
    # every oc_address row names a customer that oc_customer lacks: each is reported and skipped,
    # the customers are read without addresses (this crashed with a bare KeyError)
    text = DUMP.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("INSERT INTO `oc_address`"))
    moved = line.replace("VALUES (1,1,", "VALUES (1,7,").replace("(2,1,", "(2,7,").replace("(4,3,", "(4,7,")
    assert moved.count(",7,'") == 3
    f = tmp_path / "d.sql"
    f.write_text(text.replace(line, moved), encoding="utf-8")
    r = platforms.get("opencart").read([f])
    assert (r.issues["check"] == "address_unknown_customer").sum() == 3
    c = r.catalog.customers
    assert len(c) == 3 and c["address1"].isna().all()
