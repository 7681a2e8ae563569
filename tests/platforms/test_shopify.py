"""Shopify adapter: both header dialects, round trip, gotchas, customers, validation, splitting, redirects."""
from __future__ import annotations

import decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import platforms
from workbench.errors import InputError
from workbench.platforms import shopify
from workbench.platforms.csvio import read_table
from workbench.platforms.shopify import CURRENT_HEADER, CUSTOMER_HEADER, LEGACY_HEADER, write_redirects

from helpers_paths import SAMPLES

NEW = SAMPLES / "shopify-new-header/product_template.csv"
LEGACY = SAMPLES / "shopify-legacy-header/product_template.csv"
FIX = Path(__file__).resolve().parents[1] / "fixtures/platforms/shopify"
need_samples = pytest.mark.skipif(not NEW.exists(), reason="shared samples not present")


@pytest.fixture(scope="module")
def adapter():
    return platforms.get("shopify")


def checks(issues: pd.DataFrame) -> list[str]:
    return list(issues["check"])


# ---- registry and headers ---------------------------------------------------------------------

def test_registered():
    assert "shopify" in platforms.names()
    a = platforms.get("Shopify")
    assert isinstance(a, shopify.ShopifyAdapter) and a.can_write


def test_standard_headers_match_formats_md():
    assert len(CURRENT_HEADER) == 53 and len(LEGACY_HEADER) == 48 and len(CUSTOMER_HEADER) == 20
    if NEW.exists():
        assert list(read_table(NEW).frame.columns) == CURRENT_HEADER
        assert list(read_table(LEGACY).frame.columns) == LEGACY_HEADER


# ---- expected counts (docs/mapping.md section 9) ---------------------------------------------

@need_samples
def test_new_header_counts(adapter):
    r = adapter.read([NEW])
    c = r.catalog
    assert (len(c.products), len(c.variants), len(c.images)) == (2, 15, 1)
    assert c.product_options.groupby("product_id").size().to_dict() == {
        "digital-product-the-history-of-rock-music": 1, "physical-product-the-band-t-shirt": 2}
    linked = c.product_options.dropna(subset=["linked_to"])
    assert list(linked["linked_to"]) == ["product.metafields.shopify.color-pattern"]
    color = c.extra[(c.extra["namespace"] == "shopify") & (c.extra["key"] == "color-pattern")]
    assert list(color["value"]) == ["green; gray; red"]
    assert "image_without_url" in checks(r.issues)
    assert set(c.variants["product_id"].str.cat(sep=",").split(",")) == set(c.products["product_id"])


@need_samples
def test_legacy_header_counts_and_mangled_barcodes(adapter):
    r = adapter.read([LEGACY])
    c = r.catalog
    assert (len(c.products), len(c.variants), len(c.images)) == (3, 16, 11)
    assert c.images.groupby("product_id").size().to_dict() == {"example-hat": 1, "example-pants": 4,
                                                                "example-shirt": 6}
    hat = c.variants[c.variants["product_id"] == "example-hat"]
    assert len(hat) == 1
    assert "example-hat" not in set(c.product_options["product_id"])
    mangled = r.issues[r.issues["check"] == "spreadsheet_mangled"]
    assert len(mangled) == 19  # 16 barcodes + 3 MPNs, flagged, never fixed
    assert set(mangled["column"]) == {"Variant Barcode", "Google Shopping / MPN"}
    assert "3.65275E+11" in set(c.variants["barcode"])  # kept exactly as read
    assert mangled["line"].min() == 2
    pants = c.variants[c.variants["product_id"] == "example-pants"].sort_values("position")
    assert list(pants["weight_unit"]) == ["oz", "oz", "oz"]
    assert pants["weight"].iloc[0] == pytest.approx(8.0)
    assert list(pants["price"]) == [decimal.Decimal("95")] * 3
    assert set(c.products["status"]) == {"active", "draft", "archived"}


@need_samples
def test_ids_are_handles(adapter):
    c = adapter.read([LEGACY]).catalog
    assert list(c.products["product_id"]) == ["example-shirt", "example-pants", "example-hat"]
    assert c.variants["variant_id"].iloc[0] == "example-shirt#1"
    assert (c.products["source_platform"] == "shopify").all()


@need_samples
def test_loss_table_lists_every_column(adapter):
    r = adapter.read([NEW])
    assert set(r.loss["column"]) == set(CURRENT_HEADER)
    assert (r.loss["dropped"] == 0).all()
    mf = r.loss.set_index("column").loc["Color (product.metafields.shopify.color-pattern)"]
    assert mf["became"] == "extra:shopify.color-pattern"


# ---- round trip (fidelity) -------------------------------------------------------------------

# Documented normalisations (docs/mapping.md 2.4): money compares as decimals, booleans and
# status/policy case-insensitively.
MONEY_COLUMNS = {"Variant Price", "Variant Compare At Price", "Cost per item", "Price", "Compare-at price"}


def _same_cell(col: str, a: str, b: str) -> bool:
    if a == b:
        return True
    if col in MONEY_COLUMNS or col.startswith(("Price /", "Compare At Price /", "Compare-at price /")):
        try:
            return decimal.Decimal(a) == decimal.Decimal(b)
        except decimal.InvalidOperation:
            return False
    return a.lower() == b.lower() and a.upper() in ("TRUE", "FALSE", "ACTIVE", "DRAFT", "ARCHIVED", "DENY", "CONTINUE")


def _assert_round_trip(adapter, src: Path, dialect: str, tmp_path: Path):
    first = adapter.read([src])
    out = adapter.write(first.catalog, tmp_path, dialect=dialect)
    assert [p.name for p in out] == ["products.csv"]
    a, b = read_table(src).frame, read_table(out[0]).frame
    assert list(a.columns) == list(b.columns)
    assert a.shape == b.shape
    bad = [(c, i, a.at[i, c], b.at[i, c]) for c in a.columns for i in a.index
           if not _same_cell(c, a.at[i, c], b.at[i, c])]
    assert bad == []
    second = adapter.read(out)
    for name, df in first.catalog.frames().items():
        pd.testing.assert_frame_equal(df.reset_index(drop=True), second.catalog.frames()[name].reset_index(drop=True),
                                      obj=name)
    return out


@need_samples
def test_round_trip_new_header_is_byte_identical(adapter, tmp_path):
    out = _assert_round_trip(adapter, NEW, "current", tmp_path)
    assert out[0].read_bytes() == NEW.read_bytes()


@need_samples
def test_round_trip_legacy_header(adapter, tmp_path):
    out = _assert_round_trip(adapter, LEGACY, "legacy", tmp_path)
    raw = out[0].read_bytes()
    assert raw.count(b"\r\n") == 18 and not raw.startswith(b"\xef\xbb\xbf")


@need_samples
def test_cross_dialect_keeps_catalog(adapter, tmp_path):
    """Legacy sample written in the current dialect (and back) keeps the same catalog."""
    first = adapter.read([LEGACY]).catalog
    cur = adapter.write(first, tmp_path / "cur")
    assert list(read_table(cur[0]).frame.columns)[:53] == CURRENT_HEADER
    again = adapter.read(cur).catalog
    for name in ("products", "variants", "variant_options", "product_options", "images"):
        pd.testing.assert_frame_equal(first.frames()[name].reset_index(drop=True),
                                      again.frames()[name].reset_index(drop=True), obj=name)
    # market columns of the legacy header travel as extra columns
    assert "Included / United States" in read_table(cur[0]).frame.columns


# ---- gotchas ---------------------------------------------------------------------------------

def test_gotchas_fixture_read(adapter):
    r = adapter.read([FIX / "legacy_gotchas.csv"])
    c = r.catalog
    assert (len(c.products), len(c.variants), len(c.images)) == (1, 2, 3)
    v = c.variants.sort_values("position")
    assert list(v["inventory_policy"]) == ["deny", "deny"]          # DENY / Deny
    assert v["compare_at_price"].iloc[0] == decimal.Decimal("12.5")  # "Variant Compare-at Price" alias
    assert list(v["sku"]) == ["=SUM(A1:A2)", "-12.50"]               # kept as read
    assert c.products["status"].iloc[0] == "active" and bool(c.products["published"].iloc[0])
    assert "\n" in c.products["description_html"].iloc[0]
    ex = c.extra.set_index(["namespace", "key"])
    assert ex.loc[("custom", "material"), "value"] == "Cotton"
    assert ex.loc[("custom", "material"), "type"] == "single_line_text_field"
    assert ex.loc[("shopify", "market_included:Germany"), "entity"] == "product"
    assert ex.loc[("shopify", "market_price:Germany"), "entity"] == "variant"
    assert set(c.extra.loc[c.extra["key"] == "column:My App Column", "value"]) == {"x1", "x2"}
    found = checks(r.issues)
    assert "spreadsheet_mangled" in found and "barcode_not_gtin" in found  # 0012345: 7 digits


def test_gotchas_fixture_write_neutralises_formulas(adapter, tmp_path):
    c = adapter.read([FIX / "legacy_gotchas.csv"]).catalog
    out = adapter.write(c, tmp_path, dialect="legacy")
    frame = read_table(out[0]).frame
    assert list(frame["Variant SKU"]) == ["'=SUM(A1:A2)", "-12.50", ""]
    wi = adapter.write_issues
    assert list(wi["check"]) == ["formula_neutralised"]
    assert wi["product"].iloc[0] == "mixed-case" and wi["column"].iloc[0] == "Variant SKU"
    assert "Metafield: custom.material [single_line_text_field]" in frame.columns
    assert frame["Included / Germany"].iloc[0] == "TRUE" and frame["Price / Germany"].iloc[0] == "11.00"
    assert list(frame["My App Column"]) == ["x1", "x2", ""]
    assert list(frame["Image Src"]) == ["https://example.com/a.jpg", "https://example.com/b.jpg",
                                        "https://example.com/c.jpg"]
    # current dialect: metafield in Shopify's own column style
    cur = read_table(adapter.write(c, tmp_path / "cur")[0]).frame
    assert "Material (product.metafields.custom.material)" in cur.columns
    assert cur["Continue selling when out of stock"].iloc[0] == "DENY"
    assert cur["Status"].iloc[0] == "Active"


def test_not_a_shopify_file(adapter, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("sku,name\nA,B\n")
    with pytest.raises(InputError) as exc:
        adapter.read([p])
    assert exc.value.row == 1 and exc.value.column == "Handle"
    assert "'sku'" in str(exc.value)


def test_ragged_row_is_a_clear_error(adapter, tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("Handle,Title,Variant Price\na,A,1\nb,B,2,extra\n")
    with pytest.raises(InputError) as exc:
        adapter.read([p])
    assert exc.value.row == 3 and exc.value.column == "field 4"


def test_semicolon_and_bom_file(adapter, tmp_path):
    p = tmp_path / "s.csv"
    p.write_bytes("\ufeffHandle;Title;Variant Price;Option1 Name;Option1 Value\nhat;Hat;9,50;Title;Default Title\n"
                  .encode("utf-8"))
    r = adapter.read([p])
    assert r.catalog.variants["price"].iloc[0] == decimal.Decimal("9.50")
    assert "decimal_comma" in checks(r.issues)


def test_amount_too_large_is_reported(adapter, tmp_path):
    # 40 digits do not fit an amount (14 digits before the point): an error, the cell left empty
    # (this crashed with decimal.InvalidOperation)
    p = tmp_path / "big.csv"
    p.write_text("Handle,Title,Variant Price,Variant Compare At Price\nhat,Hat,9.50," + "9" * 40 + "\n")
    r = adapter.read([p])
    big = r.issues[r.issues["check"] == "out_of_range"]
    assert big["column"].tolist() == ["Variant Compare At Price"] and big["severity"].tolist() == ["error"]
    v = r.catalog.variants.iloc[0]
    assert v["price"] == decimal.Decimal("9.50") and pd.isna(v["compare_at_price"])



# ---- customers -------------------------------------------------------------------------------

def test_customers_current_header(adapter, tmp_path):
    r = adapter.read([FIX / "customers_current.csv"])
    cu = r.catalog.customers.set_index("customer_id")
    assert list(cu.index) == ["9013808660771", "bob@example.com"]       # leading ' stripped; email fallback
    assert cu.at["9013808660771", "zip"] == "28001"
    assert cu.at["9013808660771", "phone"] == "+34 600 000 001"
    assert cu.at["bob@example.com", "zip"] == "0113"                     # leading zero kept
    assert bool(cu.at["9013808660771", "accepts_email_marketing"]) is True
    assert bool(cu.at["bob@example.com", "tax_exempt"]) is True
    ex = r.catalog.extra.set_index(["entity_id", "key"])
    assert ex.at[("9013808660771", "total_spent"), "value"] == "120.50"
    out = adapter.write(r.catalog, tmp_path)
    assert [p.name for p in out] == ["customers.csv"]
    f = read_table(out[0]).frame
    assert list(f.columns) == CUSTOMER_HEADER
    assert list(f["Customer ID"]) == ["9013808660771", ""]
    assert f["Note"].iloc[1] == "'=HYPERLINK(\"x\")"
    assert f["Phone"].iloc[0] == "+34 600 000 001"                       # phone never neutralised
    assert list(adapter.write_issues["check"]) == ["formula_neutralised"]


def test_customers_legacy_header(adapter):
    r = adapter.read([FIX / "customers_legacy.csv"])
    cu = r.catalog.customers
    assert list(cu["customer_id"]) == ["cleo@example.com"]
    assert cu["country_code"].iloc[0] == "FR" and cu["zip"].iloc[0] == "75001"
    assert "extra:shopify.country" in set(r.loss["became"])


# ---- validation ------------------------------------------------------------------------------

def test_validation(adapter):
    r = adapter.read([FIX / "validation_problems.csv"])
    v = adapter.validate(r.catalog)
    got = set(zip(v["product"], v["check"]))
    assert ("Bad Handle!", "bad_handle") in got
    assert ("Bad Handle!", "image_url_not_absolute") in got
    assert ("other", "missing_price") in got or "missing_price" in checks(r.issues)
    assert (v["severity"] == "error").all()


def test_validation_limits(adapter):
    from workbench.platforms.base import Catalog
    n = shopify.MAX_VARIANTS + 1
    cat = Catalog.from_frames(
        products=pd.DataFrame({"product_id": ["p", "q"], "handle": ["p", "p"], "title": ["P", "x" * 256],
                               "status": ["active", "active"], "vendor": ["A", None],
                               "tags": [",".join(f"t{i}" for i in range(251)), None]}),
        product_options=pd.DataFrame({"product_id": ["p"] * 4, "position": [1, 2, 3, 4],
                                      "name": ["A", "B", "C", "D"]}),
        variants=pd.DataFrame({"variant_id": [f"p#{i}" for i in range(n)] + ["q#1"], "product_id": ["p"] * n + ["q"],
                               "position": list(range(1, n + 1)) + [1], "price": ["1"] * (n + 1)}))
    got = set(adapter.validate(cat)["check"])
    assert {"too_many_options", "too_many_variants", "duplicate_handle", "title_too_long",
            "vendor_too_short", "too_many_tags"} <= got


# ---- writing: split, redirects, empty --------------------------------------------------------

@need_samples
def test_split_never_cuts_a_product(adapter, tmp_path, monkeypatch):
    # rows written: shirt ~3.15 KB, pants ~1.6 KB, hat ~0.7 KB, header ~0.86 KB
    monkeypatch.setattr(shopify, "MAX_FILE_BYTES", 4100)
    c = adapter.read([LEGACY]).catalog
    out = adapter.write(c, tmp_path, dialect="legacy")
    assert [p.name for p in out] == ["products.csv", "products-2.csv"]
    assert all(p.stat().st_size <= 4100 for p in out)
    handles = [list(dict.fromkeys(read_table(p).frame["Handle"])) for p in out]
    assert handles == [["example-shirt"], ["example-pants", "example-hat"]]
    back = adapter.read(out).catalog
    assert (len(back.products), len(back.variants), len(back.images)) == (3, 16, 11)
    assert "product_too_large_for_file" not in set(adapter.write_issues["check"])
    monkeypatch.setattr(shopify, "MAX_FILE_BYTES", 3000)
    out = adapter.write(c, tmp_path / "small", dialect="legacy")
    assert len(out) == 3 and "product_too_large_for_file" in set(adapter.write_issues["check"])


@need_samples
def test_split_files_are_the_same_whatever_the_block_size(adapter, tmp_path, monkeypatch):
    """Lines are written one block of rows at a time; blocks that straddle files, or several blocks
    per file, give byte for byte the files of one block for everything."""
    monkeypatch.setattr(shopify, "MAX_FILE_BYTES", 4100)
    c = adapter.read([LEGACY]).catalog
    whole = [p.read_bytes() for p in adapter.write(c, tmp_path / "whole", dialect="legacy")]
    for rows in (1, 2, 3, 5):
        monkeypatch.setattr(shopify, "_BLOCK_ROWS", rows)
        got = [p.read_bytes() for p in adapter.write(c, tmp_path / f"b{rows}", dialect="legacy")]
        assert got == whole
    # split files are written two at a time on a machine with two cores: one at a time, the same
    monkeypatch.setattr(shopify.os, "cpu_count", lambda: 1)
    got = [p.read_bytes() for p in adapter.write(c, tmp_path / "one-core", dialect="legacy")]
    assert got == whole


def test_write_redirects(tmp_path):
    p = write_redirects([("https://old.example.com/shirt.html", "/products/shirt"), ("/cat/tees/", "/collections/tees"),
                         ("/shirt.html", "/products/shirt"), ("", "/x")], tmp_path / "redirects.csv")
    assert p.read_bytes().decode() == ("Redirect from,Redirect to\r\n/cat/tees/,/collections/tees\r\n"
                             "/shirt.html,/products/shirt\r\n")


def test_write_unknown_dialect(adapter, tmp_path):
    from workbench.platforms.base import Catalog
    with pytest.raises(InputError):
        adapter.write(Catalog(), tmp_path, dialect="2019")
    assert adapter.write(Catalog(), tmp_path) == []


def test_other_platform_extras_not_written(adapter, tmp_path):
    from workbench.platforms.base import Catalog
    cat = Catalog.from_frames(
        products=pd.DataFrame({"product_id": ["1"], "handle": ["hat"], "title": ["Hat"], "status": ["active"]}),
        variants=pd.DataFrame({"variant_id": ["1#1"], "product_id": ["1"], "position": [1], "price": ["5"]}),
        extra=pd.DataFrame({"entity": ["product", "product"], "entity_id": ["1", "1"],
                            "namespace": ["magento2", "custom"], "key": ["tax_class_name", "fabric"],
                            "value": ["Taxable Goods", "Wool"]}))
    frame = read_table(adapter.write(cat, tmp_path)[0]).frame
    assert "Fabric (product.metafields.custom.fabric)" in frame.columns
    assert frame["Option1 name"].iloc[0] == "Title" and frame["Option1 value"].iloc[0] == "Default Title"
    assert frame["Price"].iloc[0] == "5.00"
    assert "extra_not_written" in set(adapter.write_issues["check"])


# ---- validation at scale: column-wise, summarised ---------------------------------------------

def _catalog_with_images(n_products, src):
    from workbench.platforms.base import Catalog
    pids = [f"p{i}" for i in range(n_products)]
    return Catalog.from_frames(
        products=pd.DataFrame({"product_id": pids, "handle": pids, "title": "T", "status": "active"}),
        product_options=pd.DataFrame({"product_id": pids, "position": 1, "name": "Size"}),
        variants=pd.DataFrame({"variant_id": [f"{p}#{k}" for p in pids for k in (1, 2)],
                               "product_id": [p for p in pids for _ in (1, 2)], "position": [1, 2] * n_products,
                               "price": "1", "sku": [f"{p}-{k}" for p in pids for k in (1, 2)]}),
        variant_options=pd.DataFrame({"variant_id": [f"{p}#{k}" for p in pids for k in (1, 2)], "position": 1,
                                      "value": ["S", "S"] + ["S", "M"] * (n_products - 1)}),
        images=pd.DataFrame({"product_id": [p for p in pids for _ in (1, 2)], "position": [1, 2] * n_products,
                             "src": [src(p, k) for p in pids for k in (1, 2)]}))


def test_validation_relative_images_summarised(adapter):
    cat = _catalog_with_images(30, lambda p, k: f"/m/b/{p}-{k}.jpg")
    v = adapter.validate(cat)
    img = v[v["check"] == "image_url_not_absolute"]
    assert len(img) == 1                                  # one summary, not 60 rows
    d = img["detail"].iloc[0]
    assert "60 images of 30 products" in d and "'/m/b/p0-1.jpg'" in d and "relative paths" in d
    assert "image_base_url" in img["hint"].iloc[0]
    # duplicate combination: p0 has two variants "S"; the second is reported with its SKU
    dup = v[v["check"] == "duplicate_combination"]
    assert list(zip(dup["product"], dup["sku"])) == [("p0", "p0-2")]
    assert dup["detail"].iloc[0] == "two variants have the same option values (S)"


def test_validation_few_bad_images_one_issue_per_product(adapter):
    cat = _catalog_with_images(3, lambda p, k: "https://cdn.example.com/x.jpg" if p == "p2" else f"/img/{p}-{k}.jpg")
    img = adapter.validate(cat).query("check == 'image_url_not_absolute'")
    assert list(img["product"]) == ["p0", "p1"]
    assert img["detail"].iloc[0] == ("2 images (like '/img/p0-1.jpg') are not absolute http(s) URLs; "
                                     "Shopify cannot fetch them")
    one = _catalog_with_images(1, lambda p, k: "https://cdn.example.com/x.jpg" if k == 1 else "ftp://a.b/c.jpg")
    img = adapter.validate(one).query("check == 'image_url_not_absolute'")
    assert img["detail"].tolist() == ["image 'ftp://a.b/c.jpg' is not an absolute http(s) URL; Shopify cannot fetch it"]


# ---- column-wise helpers of the writer and the validator ----------------------------------------

def test_decimal_text_matches_arrow_cast_and_trim():
    import pyarrow as pa
    import pyarrow.compute as pc

    vals = [None, decimal.Decimal("19.9900"), decimal.Decimal("0"), decimal.Decimal("-0.5"),
            decimal.Decimal("1.2345"), decimal.Decimal("-12.3400"), decimal.Decimal("99999999999999.9999")]
    arr = pa.array(vals, type=pa.decimal128(18, 4))
    expected = pc.fill_null(pc.replace_substring_regex(pc.cast(arr, pa.string()), r"^(-?\d+\.\d\d\d*?)0+$", r"\1"), "")
    for a in (arr, arr.slice(2, 4)):
        want = pc.fill_null(pc.replace_substring_regex(pc.cast(a, pa.string()), r"^(-?\d+\.\d\d\d*?)0+$", r"\1"), "")
        assert shopify._text_of(a).to_pylist() == want.to_pylist()
    assert shopify._text_of(arr).to_pylist() == expected.to_pylist()


def test_absolute_urls_match_the_regex():
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = ["http://a.b", "https://shop.example.com/x/y.jpg", "HTTP://A.B/", "http://.ab", "http://ab.",
             "http://a..b", "https://a.b/ c", " http://a.b ", "http:///a.b", "https//a.b", "http://a/b.c",
             "ftp://a.b", "http://ab", "", None, "http://a.b\t", "\u00a0https://x.y\u00a0", "https://x.y.z/é",
             "/media/a.jpg", "https://a.b:8080/p", "http://.a.b.", "hTTps://x.y", "http://a.b\x85"]
    arr = pa.array(cells, type=pa.string())
    want = pc.match_substring_regex(pc.utf8_trim_whitespace(pc.fill_null(arr, "")), shopify._URL_RE2,
                                    ignore_case=True).to_pylist()
    assert list(shopify._absolute_urls(arr)) == want
    assert list(shopify._absolute_urls(arr.slice(3, 9))) == want[3:12]
    # only printable ASCII (the fast path that skips the per-byte scan)
    plain = pa.array([c for c in cells if c and all(0x21 <= ord(ch) <= 0x7e for ch in c)], type=pa.string())
    want = pc.match_substring_regex(plain, shopify._URL_RE2, ignore_case=True).to_pylist()
    assert list(shopify._absolute_urls(plain)) == want and any(want) and not all(want)


def test_rows_needing_quotes():
    import pyarrow as pa

    for cells in (["a", "b,c", 'd"e', "f\ng", "h\ri", "j k", ""], ["SKU-1", "https://x.y/z.jpg", "19.99"]):
        arr = pa.array(cells, type=pa.string())
        want = [i for i, c in enumerate(cells) if any(ch in c for ch in ',"\n\r')]
        assert shopify._rows_needing_quotes(arr).tolist() == want
        assert shopify._rows_needing_quotes(arr.slice(1)).tolist() == [i - 1 for i in want if i >= 1]


def test_variant_option_join_is_reused_only_for_the_same_columns():
    import numpy as np

    vids = pd.Series(["a", "b", "c"], dtype="string[pyarrow]")
    opts = pd.Series(["b", "b", "a", "x"], dtype="string[pyarrow]")
    join = shopify._VariantOptionJoin()
    codes = join.codes(vids, opts)
    assert codes.tolist() == [0, 1, 2, 1, 1, 0, 3]
    shallow = pd.DataFrame({"v": vids, "w": vids}).copy(deep=False)["v"]
    assert join.codes(vids.copy(deep=False), opts) is codes
    assert join.codes(shallow, opts).tolist() == codes.tolist()
    other = pd.Series(["c", "b", "a"], dtype="string[pyarrow]")
    assert join.codes(other, opts).tolist() == [0, 1, 2, 1, 1, 2, 3]
    with_null = pd.Series(["a", None], dtype="string[pyarrow]")
    assert join.codes(with_null, opts).tolist() == [0, -1, 1, 1, 0, 2]
    assert join.codes(with_null, opts, nulls_as_empty=True).tolist() == [0, 1, 2, 2, 0, 3]
    assert isinstance(codes, np.ndarray)


def test_concat_cells_matches_binary_join():
    import pyarrow as pa
    import pyarrow.compute as pc

    a = pa.array(["x", "", "é,\"q\""]).slice(0, 3)
    b = pa.array(["1", "22", ""])
    items = [a, ",", b, ",k,", a]
    want = pc.binary_join_element_wise(*[pa.scalar(x) if isinstance(x, str) else x for x in items], "")
    assert shopify._concat_cells(items).to_pylist() == want.to_pylist()
    assert shopify._concat_cells([a.slice(1), ",", b.slice(1)]).to_pylist() == ["22,", ",\"q\","][:0] + [",22", "é,\"q\","]
    assert shopify._concat_cells([a.slice(0, 0), ","]).to_pylist() == []


def test_dup_mask_is_pandas_duplicated_keep_first():
    """Every occurrence of a code after its first, whether the codes are small (table) or large
    (stable sort), sorted or not, negative or not."""
    from workbench.platforms.shopify import _dup_mask

    rng = np.random.default_rng(0)
    for t in range(300):
        n = int(rng.integers(0, 200))
        hi = int(rng.choice([5, 50, 10 ** 6, 10 ** 12]))
        codes = rng.integers(-3 if t % 5 == 0 else 0, hi, n)
        if t % 3 == 0:
            codes = np.sort(codes)
        assert (_dup_mask(codes) == pd.Series(codes).duplicated(keep="first").to_numpy()).all()


def test_joint_codes_equal_the_codes_of_the_concatenation():
    """Reusing the first array's codes for grouped child arrays gives exactly the numbering of
    hashing everything (duplicates in the first array, owners out of order, gaps, nulls, empties)."""
    import pyarrow as pa

    from workbench.platforms.shopify import _codes, _joint_codes

    rng = np.random.default_rng(5)
    for t in range(400):
        n = int(rng.integers(0, 8))
        first = [f"p{int(x)}" for x in rng.integers(0, 6 if t % 4 == 0 else 50, n)]
        arrays = [first]
        for _ in range(int(rng.integers(1, 4))):
            kind = t % 5
            if kind in (0, 1) and first:      # grouped and in order: the fast path
                child = [v for v in first for _ in range(int(rng.integers(1, 4)))]
            elif kind == 2:                   # a gap or an extra owner
                child = [v for v in first[1:]] + ["zz"]
            elif kind == 3:
                child = list(rng.permutation(first)) if first else []
            else:
                child = [None] + first
            arrays.append(child)
        arrs = [pa.array(a, type=pa.string()) for a in arrays]
        assert _joint_codes(arrs).tolist() == _codes(pa.concat_arrays(arrs)).tolist()
