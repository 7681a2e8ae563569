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


# ---- customers ---------------------------------------------------------------------------------
# Fixture customers.csv (header: customer_header(2), see its README), worked out by hand:
#   line 2  Customer ID 1 Ada Lovelace: company, phone, notes, store credit 10.00, group Wholesale;
#           address 1 New York / New York / United States, address 2 Toronto / Ontario / Canada; review e-mails Y
#   line 3  Customer ID 2 Grace Hopper: no phone (address phone used), address 1 London, no state, United Kingdom;
#           store credit 0.00, review e-mails N, tax exempt category A
#   line 4  Customer ID 3 Alan Turing: no address, group Retail, review e-mails Y
# => 3 customers; extra: address_1 x2, address_2 x1, store_credit x2, customer_group x2,
#    receive_review_abandoned_cart_emails x3, tax_exempt_category x1 = 11 rows; no issues.
import csv  # noqa: E402

import pandas as pd  # noqa: E402

from workbench.migration import run_migration  # noqa: E402
from workbench.platforms.bigcommerce import customer_header  # noqa: E402

CUST = FIX.parent / "customers.csv"


@pytest.fixture(scope="module")
def customers_result():
    return platforms.get("bigcommerce").read([FIX, CUST])


def test_customer_fixture_header():
    header = CUST.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == customer_header(2)
    assert len(header) == 8 + 2 * 11 + 3


def test_customers_read_beside_products(customers_result):
    c = customers_result.catalog.counts()
    assert (c["products"], c["variants"], c["customers"]) == (3, 5, 3)
    cu = customers_result.catalog.customers.set_index("customer_id")
    assert list(cu.index) == ["1", "2", "3"]
    ada, grace, alan = cu.loc["1"], cu.loc["2"], cu.loc["3"]
    assert (ada["email"], ada["first_name"], ada["last_name"]) == ("ada@example.com", "Ada", "Lovelace")
    assert (ada["company"], ada["phone"], ada["note"]) == ("Analytical Engines Ltd", "555-0100",
                                                          "Prefers morning deliveries")
    assert (ada["address1"], ada["address2"], ada["city"], ada["province_code"], ada["country_code"],
            ada["zip"]) == ("12 Example Street", "Suite 4", "New York", "NY", "US", "10001")
    assert ada["tags"] == "Wholesale" and ada["source_id"] == "1"
    assert (grace["city"], grace["country_code"], grace["zip"], grace["phone"]) == ("London", "GB", "SW1A 1AA",
                                                                                    "020 7946 0000")
    assert pd.isna(grace["province_code"])
    assert alan["tags"] == "Retail" and pd.isna(alan["address1"]) and pd.isna(alan["country_code"])
    # review / abandoned-cart e-mails are not marketing consent
    assert cu["accepts_email_marketing"].isna().all()


def test_customer_extra_and_loss(customers_result):
    e = customers_result.catalog.extra
    e = e[e["entity"] == "customer"]
    assert len(e) == 11
    assert set(e["namespace"]) == {"bigcommerce"}
    got = {(r.entity_id, r.key): r.value for r in e.itertuples()}
    assert got[("1", "store_credit")] == "10.00"
    assert got[("1", "receive_review_abandoned_cart_emails")] == "Y"
    assert got[("2", "tax_exempt_category")] == "A"
    assert '"city": "Toronto"' in got[("1", "address_2")] and '"state": "Ontario"' in got[("1", "address_2")]
    assert ("3", "address_1") not in got
    loss = customers_result.loss
    loss = loss[loss["file"].str.endswith("customers.csv")].set_index("column")
    assert len(loss) == 33 and (loss["dropped"] == 0).all()
    assert loss.loc["Receive Review/Abandoned Cart Emails?", "became"] == \
        "extra:bigcommerce.receive_review_abandoned_cart_emails"
    iss = customers_result.issues
    assert not iss["file"].str.endswith("customers.csv").any()


def test_customers_passwords_dates_duplicates(tmp_path):
    rows = list(csv.reader(CUST.open(encoding="utf-8", newline="")))
    header = rows[0] + ["Date Joined", "Password"]
    body = [r + [d, p] for r, d, p in zip(rows[1:], ["2021-03-04", "25/12/2020", "03/04/2021"],
                                          ["s3cret", "", "hunter2"])]
    body.append(list(body[0]))  # line 5: ada@example.com again
    body[-1][header.index("Customer ID")] = "4"
    body[-1][header.index("Email Address")] = "ADA@example.com"
    src = tmp_path / "customers.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header] + body)
    res = platforms.get("bigcommerce").read([src])
    cu = res.catalog.customers.set_index("customer_id")
    assert list(cu.index) == ["1", "2", "3"]
    assert str(cu.loc["1", "created_at"])[:10] == "2021-03-04"
    assert str(cu.loc["2", "created_at"])[:10] == "2020-12-25"   # 25 > 12: day first
    assert pd.isna(cu.loc["3", "created_at"])  # 03/04: day/month order unknown
    checks = res.issues["check"].value_counts().to_dict()
    assert checks == {"passwords_dropped": 1, "bad_date": 1, "duplicate_customer": 1}
    pw = res.issues[res.issues["check"] == "passwords_dropped"]
    assert "s3cret" not in pw["detail"].iat[0] and "hunter2" not in pw["detail"].iat[0]
    loss = res.loss.set_index("column")
    # 3: the duplicate row (line 5) repeats s3cret
    assert loss.loc["Password", "became"] == "" and loss.loc["Password", "dropped"] == 3
    e = res.catalog.extra
    assert not e["value"].astype(str).str.contains("s3cret|hunter2").any()
    assert e[(e["entity_id"] == "3") & (e["key"] == "date_joined")]["value"].tolist() == ["03/04/2021"]


def test_customers_missing_required_column(tmp_path):
    bad = tmp_path / "c.csv"
    bad.write_text("Email Address,First Name,Last Name\nx@example.com,X,Y\n", encoding="utf-8")
    assert platforms.get("bigcommerce").read([bad]).catalog.counts()["customers"] == 1
    bad.write_text("Email,First Name,Surname\nx@example.com,X,Y\n", encoding="utf-8")
    # no Last Name: not recognised as a customer file, read as a product export -> Item Type missing
    with pytest.raises(InputError, match="Item Type"):
        platforms.get("bigcommerce").read([bad])


def test_migration_to_shopify_writes_customers(tmp_path):
    res = run_migration("bigcommerce", "shopify", [FIX, CUST], tmp_path / "out")
    out = tmp_path / "out" / "customers.csv"
    assert out in res.import_files
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Email"] for r in rows] == ["ada@example.com", "grace@example.com", "alan@example.com"]
    ada = rows[0]
    assert (ada["First Name"], ada["Last Name"]) == ("Ada", "Lovelace")
    joined = ",".join(ada.values())
    for v in ("12 Example Street", "New York", "NY", "US", "10001", "Wholesale"):
        assert v in joined
    assert "s3cret" not in out.read_text(encoding="utf-8")
