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


# ---- Customers export ----------------------------------------------------------------------------
# Header verbatim from a real store's Volusion Customers export (60 columns, header unquoted, every
# data field quoted); the rows are invented (example.com). Worked out by hand:
#   customerid 0 = Volusion's own "ROITracker" row (no @, no name, no phone) -> dropped, 1 warning;
#   101 Jane Doe, IL / United States, subscriber Y, created 3/1/2019 8:05:00 PM;
#   102 Pierre Exemple, "Ontario" / "Canada" -> ON / CA, subscriber N, news3 Y, note, company;
#   103 admin (accesskey A, issuperadmin Y), country "US", no created date -> 1 admin_account warning;
#   104 Alex Sample, United Kingdom -> GB, no state, subscriber empty -> None.
# => 4 customers.
CUST = D / "Customers.csv"


@pytest.fixture(scope="module")
def cust():
    return platforms.get("volusion").read([CUST])


def test_customers_fixture_real_header_every_field_quoted():
    lines = CUST.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("customerid,accesskey,firstname,lastname,companyname,billingaddress1")
    assert lines[0].endswith("restrictedfreeshipping,createddate") and lines[0].count(",") == 59
    assert all(x.startswith('"') and x.endswith('"') and x.count('","') == 59 for x in lines[1:])


def test_customers_counts_and_values(cust):
    c = cust.catalog.customers.set_index("customer_id")
    assert list(c.index) == ["101", "102", "103", "104"]
    assert "products" not in cust.catalog.counts() or cust.catalog.counts()["products"] == 0
    assert c.loc["101", "email"] == "jane.doe@example.com"
    assert (c.loc["101", "first_name"], c.loc["101", "last_name"]) == ("Jane", "Doe")
    assert (c.loc["101", "province_code"], c.loc["101", "country_code"], c.loc["101", "zip"]) == ("IL", "US", "62701")
    assert (c.loc["101", "address1"], c.loc["101", "address2"], c.loc["101", "city"]) == \
        ("123 Example Street", "Apt 4", "Springfield")
    assert c.loc["101", "phone"] == "5555550101"
    assert c.loc["101", "accepts_email_marketing"] is True or c.loc["101", "accepts_email_marketing"] == True  # noqa: E712
    assert str(c.loc["101", "created_at"]) == "2019-03-01 20:05:00+00:00"
    assert (c.loc["102", "province_code"], c.loc["102", "country_code"]) == ("ON", "CA")
    assert c.loc["102", "company"] == "Exemple Widgets Inc." and c.loc["102", "note"] == "Prefers phone calls"
    assert c.loc["102", "accepts_email_marketing"] == False  # noqa: E712
    assert c.loc["103", "country_code"] == "US" and c["created_at"].isna()["103"]
    assert c.loc["104", "country_code"] == "GB" and c["province_code"].isna()["104"]
    assert c["accepts_email_marketing"].isna()["104"]
    assert c.loc["101", "source_id"] == "101"


def test_customers_issues_and_extra(cust):
    assert cust.issues.groupby("check").size().to_dict() == {"empty_customer": 1, "admin_account": 1}
    e = cust.catalog.extra
    assert set(e["entity"]) == {"customer"} and set(e["namespace"]) == {"volusion"}
    kv = {(r.entity_id, r.key): r.value for r in e.itertuples()}
    assert kv[("102", "newsletters")] == "3" and ("101", "newsletters") not in kv
    assert kv[("103", "accesskey")] == "A" and kv[("101", "lastmodified")] == "3/2/2019 9:15:00 AM"
    loss = cust.loss.set_index("column")
    assert len(loss) == 60
    assert loss.loc["emailaddress", "became"] == "customers.email" and loss.loc["emailaddress", "dropped"] == 1
    assert loss.loc["news3", "became"] == "extra:volusion.newsletters"


def test_customers_secrets_never_carried(tmp_path):
    lines = CUST.read_text(encoding="utf-8").splitlines()
    f = tmp_path / "Customers.csv"
    # the API/other exports can carry a password column: add one (and a hash) to the real header
    body = [lines[0] + ",password,passwordhash"] + [x + ',"hunter2-invented","abc123"' for x in lines[1:]]
    f.write_text("\n".join(body) + "\n", encoding="utf-8")
    r = platforms.get("volusion").read([f])
    assert r.issues.groupby("check").size().to_dict()["secrets_dropped"] == 1
    assert (r.issues["check"] == "secrets_dropped").sum() == 1
    loss = r.loss.set_index("column")
    assert loss.loc["password", "became"] == "" and loss.loc["password", "dropped"] == 5
    assert loss.loc["passwordhash", "dropped"] == 5
    for frame in (r.catalog.customers, r.catalog.extra):
        text = frame.astype(str).to_csv()
        assert "hunter2" not in text and "abc123" not in text and "password" not in text


def test_products_and_customers_together():
    r = platforms.get("volusion").read(ALL + [CUST])
    c = r.catalog.counts()
    assert (c["products"], c["variants"], c["customers"]) == (3, 5, 4)
    assert {"product", "customer"} <= set(r.catalog.extra["entity"])


def test_migration_to_shopify_writes_customers(tmp_path):
    import csv
    from workbench.migration import run_migration
    out = tmp_path / "out"
    res = run_migration("volusion", "shopify", [str(p) for p in ALL + [CUST]], out)
    f = out / "customers.csv"
    assert f in [Path(x) for x in res.import_files] or f.exists()
    rows = list(csv.DictReader(f.open(encoding="utf-8-sig", newline="")))
    assert [r["Email"] for r in rows] == ["jane.doe@example.com", "pierre.exemple@example.com",
                                          "admin@example.com", "alex.sample@example.com"]
    jane = rows[0]
    assert (jane["First Name"], jane["Last Name"]) == ("Jane", "Doe")
    assert jane["Accepts Email Marketing"] == "yes" and rows[1]["Accepts Email Marketing"] == "no"
    assert any(v == "IL" for v in jane.values()) and any(v == "ON" for v in rows[1].values())
    assert any(v == "CA" for v in rows[1].values()) and any(v == "GB" for v in rows[3].values())
    assert "hunter2" not in f.read_text(encoding="utf-8")


def test_number_too_large_for_an_integer(tmp_path):
    # a stock level of 40 digits is reported and left empty (it crashed converting to Int64)
    for f in ALL:
        (tmp_path / f.name).write_bytes(f.read_bytes())
    p = tmp_path / "Products.csv"
    text = p.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith('"MUG-1"'))
    assert row.count('"40"') == 1
    p.write_text(text.replace(row, row.replace('"40"', '"' + "9" * 40 + '"')), encoding="utf-8")
    r = platforms.get("volusion").read([tmp_path / f.name for f in ALL])
    big = r.issues[r.issues["check"] == "out_of_range"]
    assert big["column"].tolist() == ["stockstatus"] and big["severity"].tolist() == ["error"]
    assert r.catalog.counts()["variants"] == 5


def test_options_without_their_categories():
    # Options.csv given, OptionCategories.csv not: the category is unknown, the option is called
    # 'Option' (this crashed assigning the name to an all-missing float column)
    r = platforms.get("volusion").read([D / "Products.csv", D / "Options.csv"])
    assert r.catalog.product_options["name"].tolist() == ["Option"]
    assert "option_category_unknown" in set(r.issues["check"])


@pytest.mark.parametrize("name, column", [("OptionCategories.csv", "id"), ("Options.csv", "id")])
def test_lookup_export_without_its_key_column(tmp_path, name, column):
    # a lookup export that lost the column the products' ids point to is refused by name (the
    # option categories without 'id' crashed with a KeyError)
    for f in ALL:
        (tmp_path / f.name).write_bytes(f.read_bytes())
    p = tmp_path / name
    head, rest = p.read_text(encoding="utf-8").split("\n", 1)
    cells = head.split(",")
    assert f'"{column}"' in cells
    p.write_text(",".join('""' if c == f'"{column}"' else c for c in cells) + "\n" + rest, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        platforms.get("volusion").read([tmp_path / f.name for f in ALL])
    assert exc.value.column == column and exc.value.row == 1 and name in str(exc.value)
