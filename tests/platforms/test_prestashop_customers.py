"""PrestaShop customers and addresses on PrestaShop's own sample files (docs/mapping.md 6, customers).

Fixtures: ``tests/fixtures/platforms/prestashop/customers_import.csv`` and ``addresses_import.csv``,
verbatim copies of PrestaShop/PrestaShop ``docs/csv_import/`` (see the README beside them).
Expected values are worked out by hand from those files:

* customers: 9 rows (IDs 1..9), all with the same password ``123456789`` (9 non-empty, all dropped);
  Newsletter 1 for IDs 1, 2, 3, 5, 6 (5 customers) and 0 for 4, 7, 8, 9; Opt-in 1 for 4, 5, 6;
  Active 0 only for ID 9 (Maggie Banning).
* addresses: 16 rows. Rows 1-11 name a customer by e-mail (no row uses Customer ID). Rows 12-16 have
  no customer: brand addresses (Apple, Shure x2) and supplier addresses (U.P.S, FedEX) -> not migrated.
  Customers with addresses: 1 (address 1), 2 (2, 3), 3 (4, 5), 4 (6, 7), 5 (8), 6 (9, 10), 7 (11) = 7;
  the first of each is the customer's address, the 4 others (3, 5, 7, 10) are kept in extra.
  Customers 8 and 9 have no address.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.migration import run_migration
from workbench.platforms.prestashop import (ADDRESS_HEADER, CUSTOMER_HEADER, country_code, country_name,
                                            province_code, province_name)

from helpers_paths import SAMPLES as SHARED_SAMPLES

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "prestashop"
CUSTOMERS = FIX / "customers_import.csv"
ADDRESSES = FIX / "addresses_import.csv"
SAMPLES = SHARED_SAMPLES / "prestashop"
PRODUCT_FILES = [SAMPLES / "products_import.csv", SAMPLES / "combinations_import.csv"]

SHOPIFY_CUSTOMER_HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
    "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
    "Total Spent,Total Orders,Note,Tax Exempt,Tags").split(",")


def rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.fixture(scope="module")
def read():
    return platforms.get("prestashop").read([ADDRESSES, CUSTOMERS])  # order does not matter


def cust(read) -> pd.DataFrame:
    return read.catalog.customers.set_index("customer_id")


def extra(read, key: str) -> dict:
    e = read.catalog.extra
    e = e[(e["entity"] == "customer") & (e["namespace"] == "prestashop") & (e["key"] == key)]
    return dict(zip(e["entity_id"], e["value"]))


def checks(read, check: str) -> pd.DataFrame:
    return read.issues[read.issues["check"] == check]


# ---- the fixtures are the real files ------------------------------------------------------------

def test_fixtures_are_the_platform_samples():
    assert rows(CUSTOMERS)[0] == CUSTOMER_HEADER
    assert rows(ADDRESSES)[0] == ADDRESS_HEADER
    assert len(CUSTOMERS.read_text(encoding="utf-8")) == 1084   # characters, as in the repository
    assert len(ADDRESSES.read_text(encoding="utf-8")) == 2705
    assert len(rows(CUSTOMERS)) == 10 and len(rows(ADDRESSES)) == 17


# ---- counts and values ----------------------------------------------------------------------------

def test_counts(read):
    c = read.catalog.counts()
    assert c["customers"] == 9
    assert c["products"] == 0
    cu = read.catalog.customers
    assert int(cu["address1"].notna().sum()) == 7            # customers 1-7
    assert len(extra(read, "address_2")) == 4                 # Wendy, Tiger, James, Bob
    assert not extra(read, "address_3")
    assert len(checks(read, "address_not_customer")) == 5     # address rows 12-16
    assert checks(read, "address_not_customer")["line"].tolist() == [13, 14, 15, 16, 17]
    assert len(checks(read, "inactive_customer")) == 1
    assert read.issues[read.issues["severity"] == "error"].empty


def test_customer_values(read):
    c = cust(read)
    assert c.loc["1", "email"] == "Peter.Pan@prestashop.com"
    assert (c.loc["2", "first_name"], c.loc["2", "last_name"]) == ("Wendy Moira", "Darling")
    assert c["source_id"].tolist() == [str(i) for i in range(1, 10)]
    marketing = c["accepts_email_marketing"].astype(bool)
    assert sorted(marketing[marketing].index) == ["1", "2", "3", "5", "6"]
    assert c["accepts_sms_marketing"].isna().all()
    assert c.loc["1", "created_at"] == pd.Timestamp("2015-01-10", tz="UTC")
    assert c.loc["9", "created_at"] == pd.Timestamp("2015-07-11", tz="UTC")
    # birthday, title, groups, opt-in, active -> extra:prestashop.*
    assert extra(read, "birthday")["5"] == "1900-01-01"
    assert extra(read, "title_id") == {"1": "1", "2": "2", "3": "2", "4": "1", "5": "2", "6": "1", "7": "1",
                                       "8": "1", "9": "2"}
    assert extra(read, "groups")["4"] == "Customer, Carribean"
    assert extra(read, "default_group_id")["8"] == "5"
    assert sorted(k for k, v in extra(read, "optin").items() if v == "1") == ["4", "5", "6"]
    assert [k for k, v in extra(read, "active").items() if v == "0"] == ["9"]


def test_first_address_fills_the_customer(read):
    c = cust(read)
    peter = c.loc["1"]
    assert (peter["address1"], peter["city"], peter["zip"], peter["province_code"], peter["country_code"]) == \
        ("360W, 42nd Street", "New York", "12001", "NY", "US")
    assert peter["phone"] == "01 02 03 04 05"                 # Phone; Mobile Phone kept in extra
    assert extra(read, "address_phone_mobile")["1"] == "06 02 03 04 05"
    # Wendy's first address is New York (row 2), London (row 3) goes to extra
    assert c.loc["2", "city"] == "New York"
    london = json.loads(extra(read, "address_2")["2"])
    assert (london["id"], london["city"], london["zip"], london["country"]) == ("3", "London", "W11", "United Kingdom")
    james = c.loc["4"]
    assert (james["address2"], james["zip"], james["city"], james["country_code"]) == \
        ("P.O. Box 007", "2101", "Cayman Brac", "KY")
    assert pd.isna(james["province_code"])
    assert (c.loc["5", "company"], c.loc["5", "address1"], c.loc["5", "country_code"]) == \
        ("Santa Clauss Inc.", "Tähtikuja 1", "FI")
    assert pd.isna(c.loc["6", "zip"]) and c.loc["6", "country_code"] == "FJ"   # Fiji row has no zip
    assert (c.loc["7", "province_code"], c.loc["7", "address2"]) == ("FL", "Saddlebunch keys")
    assert extra(read, "address_other")["7"] == "Beware the Shark :)"
    assert extra(read, "address_id") == {"1": "1", "2": "2", "3": "4", "4": "6", "5": "8", "6": "9", "7": "11"}
    assert c.loc[["8", "9"], "address1"].isna().all()
    # the sample's country names need no extra: pycountry gives them back
    assert not extra(read, "address_country") and not extra(read, "address_state")


def test_passwords_are_dropped_and_counted(read):
    e = read.catalog.extra
    assert not e["value"].astype(str).str.contains("123456789").any()
    assert not (e["key"].astype(str).str.contains("passw")).any()
    loss = read.loss.set_index("column")
    assert (loss.loc["Password *", "became"], loss.loc["Password *", "non_empty"],
            loss.loc["Password *", "dropped"]) == ("", 9, 9)
    pw = checks(read, "passwords_dropped")
    assert len(pw) == 1 and "9 password" in pw["detail"].iloc[0]


def test_loss_of_the_addresses_file(read):
    loss = read.loss[read.loss["file"].str.endswith("addresses_import.csv")].set_index("column")
    assert (loss.loc["Manufacturer", "non_empty"], loss.loc["Manufacturer", "dropped"]) == (3, 3)
    assert (loss.loc["Supplier", "non_empty"], loss.loc["Supplier", "dropped"]) == (2, 2)
    # rows 12-16 are dropped: 5 of the 16 cities, 4 of the 9 states
    assert (loss.loc["City*", "non_empty"], loss.loc["City*", "dropped"]) == (16, 5)
    assert (loss.loc["State", "non_empty"], loss.loc["State", "dropped"]) == (9, 4)
    assert "customers.country_code" in loss.loc["Country*", "became"]
    cl = read.loss[read.loss["file"].str.endswith("customers_import.csv")]
    assert len(cl) == 13 and int(cl["dropped"].sum()) == 9       # only the passwords


def test_shared_phone_is_flagged(read):
    dup = checks(read, "duplicate_phone")
    assert len(dup) == 1 and dup["detail"].iloc[0].startswith("7 customers")


# ---- countries and states -------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("United States", ("US", "exact")), ("United Kingdom", ("GB", "exact")), ("France", ("FR", "exact")),
    ("Cayman Islands", ("KY", "exact")), ("Germany", ("DE", "exact")), ("Finland", ("FI", "exact")),
    ("Fiji", ("FJ", "exact")), ("united states", ("US", "exact")), ("DE", ("DE", "exact")),
    ("Côte d'Ivoire", ("CI", "exact")), ("Ivory Coast", ("CI", "exact")), ("Turkey", ("TR", "exact")),
    ("Bosnia", ("BA", "fuzzy")), ("Trinidad", ("TT", "fuzzy")),
    ("Korea", (None, "ambiguous")), ("Kosovo", (None, "unknown")), ("Narnia", (None, "unknown")),
])
def test_country_names_to_iso(name, expected):
    assert country_code(name) == expected


def test_states_and_names_back():
    assert province_code("US", "New York") == "NY"
    assert province_code("US", "florida") == "FL"
    assert province_code("US", "NY") == "NY"
    assert province_code("US", "Atlantis") is None
    assert province_code(None, "New York") is None
    assert province_name("US", "OR") == "Oregon"
    assert country_name("US") == "United States" and country_name("GB") == "United Kingdom"
    assert country_name("IR") == "Iran"                     # common name, not "Iran, Islamic Republic of"


def test_unknown_country_and_state_are_flagged(tmp_path):
    a = rows(ADDRESSES)
    a[1][14], a[1][15] = "Narnia", "Cair Paravel"          # Peter's address
    a[4][15] = "Atlantis"                                  # Tiger's first address, United States
    a[6][14] = "Bosnia"                                    # James's first address
    f = tmp_path / "addresses_import.csv"
    with open(f, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows(a)
    r = platforms.get("prestashop").read([CUSTOMERS, f])
    c = cust(r)
    assert pd.isna(c.loc["1", "country_code"]) and pd.isna(c.loc["1", "province_code"])
    assert extra(r, "address_country")["1"] == "Narnia"
    assert extra(r, "address_state") == {"1": "Cair Paravel", "3": "Atlantis"}
    assert c.loc["4", "country_code"] == "BA"
    assert checks(r, "unknown_country")["line"].tolist() == [2]
    assert checks(r, "country_guessed")["line"].tolist() == [7]
    assert sorted(checks(r, "unknown_state")["line"].tolist()) == [2, 5]


# ---- file kinds -----------------------------------------------------------------------------------

def test_customers_file_alone():
    r = platforms.get("prestashop").read([CUSTOMERS])
    assert len(r.catalog.customers) == 9
    assert r.catalog.customers["address1"].isna().all()


def test_addresses_need_the_customers_file():
    with pytest.raises(InputError, match="customers_import.csv"):
        platforms.get("prestashop").read([ADDRESSES])


def test_older_ten_column_customers_sample(tmp_path):
    # the earlier docs/csv_import/customers_import.csv (same positions, ends at Opt-in)
    f = tmp_path / "customers_import.csv"
    f.write_text("id;Active (0/1);Gender ID (Mr=1, Ms=2, else 9);E-mail*;Password*;Birthday;Lastname*;Firstname*;"
                 "Newletter (0/1);Opt-in (0/1)\n"
                 "1;1;1;johndoe@prestashop.com;#res152EDRF;sous quelle forme ? ;Doe;John;1;1\n"
                 "2;1;2;mariedoe@prestashop.com;58@ret26#;sous quelle forme ? ;Doe;Marie;0;1", encoding="utf-8")
    r = platforms.get("prestashop").read([f])
    c = cust(r)
    assert c["email"].tolist() == ["johndoe@prestashop.com", "mariedoe@prestashop.com"]
    assert c["accepts_email_marketing"].tolist() == [True, False]
    assert r.loss.set_index("column").loc["Password*", "dropped"] == 2


def test_products_and_customers_in_one_read():
    r = platforms.get("prestashop").read([SAMPLES / "products_import.csv", SAMPLES / "combinations_import.csv",
                                          CUSTOMERS, ADDRESSES])
    c = r.catalog.counts()
    assert (c["products"], c["variants"], c["customers"]) == (7, 29, 9)


# ---- writing and the round trip -------------------------------------------------------------------

def test_round_trip_files(read, tmp_path):
    a = platforms.get("prestashop")
    files = a.write(read.catalog, tmp_path)
    assert [f.name for f in files] == ["customers_import.csv", "addresses_import.csv"]
    raw = (tmp_path / "customers_import.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    # customers: the sample cell for cell, except the password column, written empty
    src, out = rows(CUSTOMERS), rows(tmp_path / "customers_import.csv")
    assert out[0] == CUSTOMER_HEADER and len(out) == len(src)
    for s, o in zip(src[1:], out[1:]):
        assert o[4] == ""
        assert o[:4] + o[5:] == s[:4] + s[5:]
    # addresses: the 11 customer addresses exactly (the sample's trailing ';' aside); rows 12-16 are not
    # customers' and are not written
    src, out = rows(ADDRESSES), rows(tmp_path / "addresses_import.csv")
    assert out[0] == ADDRESS_HEADER
    assert out[1:] == [r[:21] for r in src[1:12]]


def test_round_trip_catalog(read, tmp_path):
    a = platforms.get("prestashop")
    a.write(read.catalog, tmp_path)
    back = a.read([tmp_path / "customers_import.csv", tmp_path / "addresses_import.csv"])
    pd.testing.assert_frame_equal(back.catalog.customers, read.catalog.customers)
    key = ["entity", "entity_id", "namespace", "key"]
    e1 = read.catalog.extra.sort_values(key).reset_index(drop=True)
    e2 = back.catalog.extra.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(e2, e1)
    assert back.loss.set_index("column").loc["Password *", "non_empty"] == 0


def test_validation_says_what_prestashop_requires(read):
    v = platforms.get("prestashop").validate(read.catalog)
    pw = v[v["check"] == "password_required"]
    assert len(pw) == 1 and pw["severity"].iloc[0] == "error"
    assert "Forgot your password" in pw["hint"].iloc[0]
    inc = v[v["check"] == "address_incomplete"]
    assert len(inc) == 1 and "customer 6" in inc["detail"].iloc[0]     # the Fiji address has no zip


# ---- migrations -----------------------------------------------------------------------------------

def test_migration_to_shopify_customers(tmp_path):
    res = run_migration("prestashop", "shopify", [CUSTOMERS, ADDRESSES], tmp_path / "out")
    names = [p.name for p in res.import_files]
    assert names == ["customers.csv"]
    with open(tmp_path / "out" / "customers.csv", encoding="utf-8", newline="") as fh:
        data = list(csv.reader(fh))
    assert data[0] == SHOPIFY_CUSTOMER_HEADER
    assert len(data) == 10
    rec = [dict(zip(data[0], r)) for r in data[1:]]
    peter = rec[0]
    assert (peter["Customer ID"], peter["First Name"], peter["Last Name"], peter["Email"]) == \
        ("", "Peter", "Pan", "Peter.Pan@prestashop.com")
    assert (peter["Default Address Address1"], peter["Default Address City"], peter["Default Address Province Code"],
            peter["Default Address Country Code"], peter["Default Address Zip"]) == \
        ("360W, 42nd Street", "New York", "NY", "US", "12001")
    assert peter["Accepts Email Marketing"] == "yes"
    assert [r["Default Address Country Code"] for r in rec] == ["US", "US", "US", "KY", "FI", "FJ", "US", "", ""]
    assert [r["Accepts Email Marketing"] for r in rec] == ["yes", "yes", "yes", "no", "yes", "yes", "no", "no", "no"]
    counts = res.counts.set_index("what")
    assert (counts.loc["customers", "in"], counts.loc["customers", "out"]) == (9, 9)
    # the loss report counts the passwords, and the PrestaShop-only fields Shopify has no place for
    loss = res.loss
    pw = loss[(loss["stage"] == "read") & (loss["column"] == "Password *")]
    assert int(pw["dropped"].iloc[0]) == 9
    w = loss[loss["stage"] == "write"].set_index("column")
    assert w.loc["extra:prestashop.birthday", "dropped"] == 9
    assert w.loc["extra:prestashop.address_2", "dropped"] == 4
    assert "passwords_dropped" in set(res.validation["check"])


def test_migration_prestashop_to_prestashop_customers(tmp_path):
    res = run_migration("prestashop", "prestashop", [CUSTOMERS, ADDRESSES], tmp_path / "out", verify=True)
    assert [p.name for p in res.import_files] == ["customers_import.csv", "addresses_import.csv"]
    counts = res.counts.set_index("what")
    assert counts.loc["customers", "out"] == 9 and counts.loc["customers", "read back"] == 9
    assert "password_required" in set(res.errors["check"])


def test_formula_like_customer_cells_are_neutralised(read, tmp_path):
    cat = read.catalog
    c = cat.customers.copy()
    c["last_name"] = c["last_name"].astype(object)
    c.loc[0, "last_name"] = "=HYPERLINK(\"x\")"
    c.loc[1, "phone"] = "+33 1 23 45 67 89"                   # a phone number is never changed
    from workbench.platforms.base import Catalog
    cat2 = Catalog.from_frames(customers=c, extra=cat.extra)
    a = platforms.get("prestashop")
    a.write(cat2, tmp_path)
    out = rows(tmp_path / "customers_import.csv")
    assert out[1][6] == "'=HYPERLINK(\"x\")"
    assert rows(tmp_path / "addresses_import.csv")[2][17] == "+33 1 23 45 67 89"
    v = a.validate(cat2)
    assert (v["check"] == "formula_neutralised").sum() == 1


# ---- temporary passwords ([settings] customer_passwords = "temporary") --------------------------

KEY = "k" * 8 + "test-key-not-secret"


def _temporary_mapping(tmp_path) -> Path:
    p = tmp_path / "mapping.toml"
    p.write_text('[settings]\ncustomer_passwords = "temporary"\n', encoding="utf-8")
    return p


def test_temporary_passwords_are_written_and_reproducible(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PASSWORD_KEY", KEY)
    mp = _temporary_mapping(tmp_path)
    a = run_migration("prestashop", "prestashop", [CUSTOMERS, ADDRESSES], tmp_path / "a", mapping=mp)
    run_migration("prestashop", "prestashop", [CUSTOMERS, ADDRESSES], tmp_path / "b", mapping=mp)
    out = rows(tmp_path / "a" / "customers_import.csv")
    pw = [r[4] for r in out[1:]]
    assert len(pw) == 9 and all(len(p) == 20 and p.isalnum() for p in pw)
    assert len(set(pw)) == 9  # one per customer
    assert (tmp_path / "a" / "customers_import.csv").read_bytes() == (tmp_path / "b" / "customers_import.csv").read_bytes()
    checks = set(a.validation["check"])
    assert "password_required" not in checks and "temporary_passwords" in checks
    # never in a report: not in the validation, loss or summary files
    for name in ("validation.csv", "loss.csv", "summary.html", "summary.json", "mapping.toml"):
        text = (tmp_path / "a" / name).read_text(encoding="utf-8")
        assert not any(p in text for p in pw), name
        assert KEY not in text
    # another key gives other passwords
    monkeypatch.setenv("WORKBENCH_PASSWORD_KEY", KEY + "-other")
    run_migration("prestashop", "prestashop", [CUSTOMERS, ADDRESSES], tmp_path / "c", mapping=mp)
    other = [r[4] for r in rows(tmp_path / "c" / "customers_import.csv")[1:]]
    assert not set(other) & set(pw)


def test_temporary_passwords_need_the_key(tmp_path, monkeypatch):
    from workbench.errors import ParameterError
    monkeypatch.delenv("WORKBENCH_PASSWORD_KEY", raising=False)
    with pytest.raises(ParameterError, match="WORKBENCH_PASSWORD_KEY"):
        run_migration("prestashop", "prestashop", [CUSTOMERS, ADDRESSES], tmp_path / "out",
                      mapping=_temporary_mapping(tmp_path))
    assert not (tmp_path / "out" / "customers_import.csv").exists()  # nothing half-written
    # with products too: the product files the writer got to before the error are removed again
    (tmp_path / "out2").mkdir()
    (tmp_path / "out2" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match="WORKBENCH_PASSWORD_KEY"):
        run_migration("prestashop", "prestashop", [*PRODUCT_FILES, CUSTOMERS, ADDRESSES], tmp_path / "out2",
                      mapping=_temporary_mapping(tmp_path))
    assert [p.name for p in (tmp_path / "out2").iterdir()] == ["notes.txt"]


def test_password_required_error_names_the_setting(read):
    v = platforms.get("prestashop").validate(read.catalog)
    hint = v.loc[v["check"] == "password_required", "hint"].iloc[0]
    assert "customer_passwords" in hint and "WORKBENCH_PASSWORD_KEY" in hint
