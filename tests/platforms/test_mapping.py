"""The mapping file (workbench.mapping): TOML round trip, lookups, suggestions, helpers, errors."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import mapping as wm
from workbench.errors import InputError
from workbench.mapping import Mapping, slugify, unique_handles


def test_slugify():
    assert slugify("Café Crème!") == "cafe-creme"
    assert slugify("  V-Neck   T-Shirt (Blue) ") == "v-neck-t-shirt-blue"
    assert slugify("Clothing > Tshirts") == "clothing-tshirts"
    assert slugify("iPod-Nano.v2") == "ipod-nano-v2"
    assert slugify("ÄÖÜ ß") == "aou"
    assert len(slugify("x" * 300)) == 255


def test_unique_handles():
    out, changed = unique_handles(["hat", "hat", "cap", "hat", "hat-2"])
    assert out == ["hat", "hat-2", "cap", "hat-3", "hat-2-2"]
    assert changed == [(1, "hat", "hat-2"), (3, "hat", "hat-3"), (4, "hat-2", "hat-2-2")]


def test_save_load_round_trip(tmp_path):
    m = Mapping(headers={"Regulärer Preis": "Regular price"}, options={"pa_color": "Color"},
                collections={"Clothing > Tshirts": "t-shirts"},
                urls={"product_url_pattern": "/{handle}.html", "image_base_url": "https://old.example.com/media"},
                tax_rates={"1": "20"}, settings={"weight_unit": "kg", "customer_passwords": "temporary"})
    p = wm.save(m, tmp_path / "mapping.toml")
    text = p.read_text(encoding="utf-8")
    assert '"Regulärer Preis" = "Regular price"' in text
    back = wm.load(p)
    assert back == m
    assert back.path == str(p)
    wm.save(back, tmp_path / "again.toml")
    assert (tmp_path / "again.toml").read_bytes() == p.read_bytes()  # same mapping, same bytes


def test_lookups():
    m = Mapping(headers={"Regulärer Preis": "Regular price"}, options={"pa_color": "Color"},
                collections={"Clothing > Tshirts": "t-shirts"},
                urls={"product_url_pattern": "/{handle}.html", "category_url_pattern": "/c/{handle}/",
                      "image_base_url": "https://old.example.com/media/catalog/product/"})
    assert m.header("regulärer preis ") == "Regular price"
    assert m.header("SKU") == "SKU"
    frame = pd.DataFrame({"Regulärer Preis": ["1"], "SKU": ["A"]})
    assert list(m.rename_headers(frame).columns) == ["Regular price", "SKU"]
    assert m.option("pa_color") == "Color" and m.option("Size") == "Size"
    assert m.collection("Clothing > Tshirts") == "t-shirts"
    assert m.collection("Clothing > Hoodies") == "clothing-hoodies"
    assert m.product_url(handle="hat", id="7") == "/hat.html"
    assert m.category_url(handle="tees") == "/c/tees/"
    assert m.image_url("/m/b/mb01.jpg") == "https://old.example.com/media/catalog/product/m/b/mb01.jpg"
    assert m.image_url("https://cdn.example.com/x.jpg") == "https://cdn.example.com/x.jpg"
    assert Mapping().image_url("/m/b/x.jpg") == "/m/b/x.jpg"
    assert Mapping().product_url(handle="x") is None


def test_bad_url_pattern_field():
    m = Mapping(urls={"product_url_pattern": "/{slug}.html"})
    with pytest.raises(InputError, match="slug"):
        m.product_url(handle="x")


def test_suggest_never_overwrites():
    m = Mapping(options={"pa_size": "Size"})
    assert m.suggest("options", "pa_size", "pa_size") == "Size"
    assert m.suggest("options", "pa_color", "Color") == "Color"
    assert m.options == {"pa_size": "Size", "pa_color": "Color"}
    with pytest.raises(ValueError):
        m.suggest("nope", "a", "b")


def test_load_errors(tmp_path):
    with pytest.raises(InputError, match="no mapping file"):
        wm.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[headers]\n"a" = \n')
    with pytest.raises(InputError) as exc:
        wm.load(bad)
    assert exc.value.row == 2
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[header]\n"a" = "b"\n')
    with pytest.raises(InputError, match=r"\[header\]"):
        wm.load(unknown)
    badurl = tmp_path / "badurl.toml"
    badurl.write_text('[urls]\nproduct_pattern = "/x"\n')
    with pytest.raises(InputError, match="product_pattern"):
        wm.load(badurl)
    assert wm.load(None) == Mapping()


def test_settings_are_checked(tmp_path):
    ok = tmp_path / "ok.toml"
    ok.write_text('[settings]\nweight_unit = "KG"\n')
    m = wm.load(ok)
    assert m.setting("weight_unit") == "kg" and m.setting("customer_passwords", "none") == "none"
    typo = tmp_path / "typo.toml"
    typo.write_text('[settings]\nweight_units = "kg"\n')
    with pytest.raises(InputError, match="weight_units") as exc:
        wm.load(typo)
    assert exc.value.column == "weight_units"
    badval = tmp_path / "badval.toml"
    badval.write_text('[settings]\nweight_unit = "stone"\n')
    with pytest.raises(InputError, match="lb, kg, g, oz"):
        wm.load(badval)


def test_mapping_renames_translated_shopify_headers(tmp_path):
    """A translated export is read once its headers are mapped (mapping rules 1.1)."""
    from workbench import platforms
    p = tmp_path / "de.csv"
    p.write_text("Griff,Titel,Preis\nhut,Hut,9.50\n", encoding="utf-8")
    a = platforms.get("shopify")
    with pytest.raises(InputError, match=r"\[headers\]"):
        a.read([p])
    m = Mapping(headers={"Griff": "Handle", "Titel": "Title", "Preis": "Variant Price"})
    r = a.read([p], mapping=m)
    assert list(r.catalog.products["title"]) == ["Hut"]
    assert str(r.catalog.variants["price"].iloc[0]) == "9.5000"


def test_header_renamed_onto_one_the_file_has(tmp_path):
    # [headers] "Regular price" = "Name" in a file that has Name: refused by name (the two equal
    # column names crashed the WooCommerce reader with a pandas ValueError)
    from workbench.migration import run_migration
    src = tmp_path / "p.csv"
    src.write_text("ID,Type,SKU,Name,Regular price\n1,simple,A,Hat,5\n", encoding="utf-8")
    m = tmp_path / "mapping.toml"
    m.write_text('[headers]\n"Regular price" = "Name"\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run_migration("woocommerce", "shopify", [src], tmp_path / "out", mapping=m, progress=False)
    assert exc.value.column == "Regular price" and str(m) in str(exc.value)
    assert "'Name'" in str(exc.value)
    frame = pd.DataFrame({"Nom": ["x"], "Prix": ["1"]})
    both = Mapping(headers={"Nom": "Name", "Prix": "Name"}, path="m.toml")
    with pytest.raises(InputError, match="renames 'Nom' to 'Name'"):
        both.rename_headers(frame)
    assert list(Mapping(headers={"Nom": "Name"}).rename_headers(frame).columns) == ["Name", "Prix"]
