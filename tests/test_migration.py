"""Migration dry run (issue 3, part 2): samples to Shopify, determinism, inputs untouched, reports.

Expected counts are those of docs/mapping.md section 9 (worked out by hand from the samples).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from workbench import mapping as mapping_mod
from workbench.cli import main
from workbench.errors import InputError, ParameterError
from workbench.migration import REPORT_FILES, expand_paths, run_migration

from helpers_paths import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample files not found")

WOO = SAMPLES / "woocommerce" / "sample_products.csv"
PS = [SAMPLES / "prestashop" / "products_import.csv", SAMPLES / "prestashop" / "combinations_import.csv"]

# (source, files, products, variants, images) from docs/mapping.md section 9
CASES = [
    ("woocommerce", [WOO], 17, 22, 22),
    ("magento2", [SAMPLES / "magento2" / "catalog_product.csv"], 5, 5, 0),
    ("magento2", [SAMPLES / "magento2" / "import_configurable.csv"], 1, 2, 0),
    ("magento2", [SAMPLES / "magento2-exports" / "media.csv"], 1, 1, 3),
    ("magento2", [SAMPLES / "magento2-exports" / "multi-storeview-media.csv"], 1, 1, 3),
    ("magento2", [SAMPLES / "magento2-exports" / "bundle.csv"], 1, 1, 1),
    ("magento2", [SAMPLES / "magento2-exports" / "grouped.csv"], 3, 3, 3),
    ("prestashop", PS, 7, 29, 12),
]


def _digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def _shopify_rows(out: Path) -> list[dict]:
    rows = []
    for f in sorted(out.glob("products*.csv")):
        rows += list(csv.DictReader(io.StringIO(f.read_text(encoding="utf-8"), newline="")))
    return rows


@pytest.mark.parametrize("source,files,n_products,n_variants,n_images", CASES,
                         ids=[f"{c[0]}-{c[1][0].name}" for c in CASES])
def test_sample_to_shopify_counts(tmp_path, source, files, n_products, n_variants, n_images):
    before = _digest(files)
    result = run_migration(source, "shopify", files, tmp_path / "out", verify=True)
    counts = result.counts.set_index("what")
    assert counts.loc["products", "in"] == n_products
    assert counts.loc["variants", "in"] == n_variants
    assert counts.loc["images", "in"] == n_images
    # everything the model holds arrives in the Shopify file, verified by reading it back
    for what in ("products", "variants", "images"):
        assert counts.loc[what, "out"] == counts.loc[what, "in"]
        assert counts.loc[what, "read back"] == counts.loc[what, "in"], what
    rows = _shopify_rows(tmp_path / "out")
    assert len({r["URL handle"] for r in rows}) == n_products
    assert sum(1 for r in rows if r["Option1 value"]) == n_variants
    assert sum(1 for r in rows if r["Product image URL"]) == n_images
    for name in REPORT_FILES:
        assert (tmp_path / "out" / name).is_file(), name
    assert _digest(files) == before, "an input file was modified"


def test_same_inputs_give_byte_identical_outputs(tmp_path):
    mp = tmp_path / "m.toml"
    mp.write_text('[urls]\nproduct_url_pattern = "/{handle}.html"\ncategory_url_pattern = "/{path}.html"\n')
    files = [SAMPLES / "magento2" / "catalog_product.csv", SAMPLES / "magento2-exports" / "grouped.csv"]
    a = run_migration("magento2", "shopify", files, tmp_path / "a", mapping=mp)
    b = run_migration("magento2", "shopify", files, tmp_path / "deeper" / "b", mapping=mp)
    names_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    names_b = sorted(p.name for p in (tmp_path / "deeper" / "b").iterdir())
    assert names_a == names_b
    for name in names_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "deeper" / "b" / name).read_bytes(), name
    for name in names_a:
        text = (tmp_path / "a" / name).read_text(encoding="utf-8")
        assert str(tmp_path) not in text and str(SAMPLES) not in text, f"absolute path inside {name}"
    assert len(a.redirects) == len(b.redirects) > 0
    # the time of each step is on the result, for notebooks and the benchmark, never in a file
    assert list(a.seconds) == ["read", "validate+write", "check", "reports"]
    assert all(v >= 0 for v in a.seconds.values())
    assert "seconds" not in (tmp_path / "a" / "summary.json").read_text(encoding="utf-8")


def test_woocommerce_inputs_unchanged_and_copy_in_same_tree(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(WOO, src / "export.csv")
    before = _digest([src / "export.csv"])
    run_migration("woocommerce", "shopify", [src], tmp_path / "out")  # a folder as source
    assert _digest([src / "export.csv"]) == before
    assert sorted(p.name for p in src.iterdir()) == ["export.csv"]


def test_output_folder_holding_inputs_is_refused(tmp_path):
    shutil.copy(WOO, tmp_path / "products.csv")
    with pytest.raises(ParameterError, match="holds the input file"):
        run_migration("woocommerce", "shopify", [tmp_path / "products.csv"], tmp_path)


def test_loss_report_lists_every_source_column_and_target_losses(tmp_path):
    res = run_migration("woocommerce", "shopify", [WOO], tmp_path / "out")
    loss = pd.read_csv(tmp_path / "out" / "loss.csv", dtype=str, keep_default_na=False)
    assert list(loss.columns) == ["stage", "file", "column", "became", "non_empty", "dropped", "note", "in_target"]
    header = next(csv.reader(io.StringIO(WOO.read_text(encoding="utf-8-sig"))))
    read = loss[loss["stage"] == "read"]
    assert set(header) <= set(read["column"]), "every source column has a row"
    assert set(read["file"]) == {"sample_products.csv"}  # no absolute paths
    # the grouped product's images went nowhere (mapping rules: loss report)
    img = read[(read["column"] == "Images") & (read["became"] == "")]
    assert len(img) == 1 and int(img["dropped"].iat[0]) >= 1
    # WooCommerce-only fields kept in extra are dropped by the Shopify writer: counted
    write = loss[loss["stage"] == "write"]
    feat = write[write["column"] == "extra:woocommerce.featured"]
    assert len(feat) == 1 and int(feat["dropped"].iat[0]) == int(feat["non_empty"].iat[0]) > 0
    assert "Is featured?" in feat["note"].iat[0]
    assert read.loc[read["column"] == "Is featured?", "in_target"].iat[0] == "dropped"
    assert read.loc[read["column"] == "SKU", "in_target"].iat[0] == "kept"
    # Shopify's product CSV has no collections: listed
    assert "collections" in set(write["column"])
    # no old URL in a WooCommerce export and no pattern: every product is in the loss report
    red = loss[loss["stage"] == "redirects"]
    assert (red["column"] == "products.source_url").sum() == len(res.catalog.products) == 17
    assert res.summary["without_old_url"] == len(red)


def test_more_than_three_options_lost_and_flagged(tmp_path):
    # a WooCommerce variable product with 4 variation attributes
    head = ("ID,Type,SKU,Name,Published,Regular price,Parent,"
            "Attribute 1 name,Attribute 1 value(s),Attribute 1 visible,Attribute 1 global,"
            "Attribute 2 name,Attribute 2 value(s),Attribute 2 visible,Attribute 2 global,"
            "Attribute 3 name,Attribute 3 value(s),Attribute 3 visible,Attribute 3 global,"
            "Attribute 4 name,Attribute 4 value(s),Attribute 4 visible,Attribute 4 global")
    rows = ['10,variable,P1,Shirt,1,,,Color,"Red, Blue",1,0,Size,"S, M",1,0,Fit,"Slim",1,0,Sleeve,"Long",1,0',
            '11,variation,P1-1,Shirt - 1,1,10,P1,Color,Red,,0,Size,S,,0,Fit,Slim,,0,Sleeve,Long,,0',
            '12,variation,P1-2,Shirt - 2,1,10,P1,Color,Blue,,0,Size,M,,0,Fit,Slim,,0,Sleeve,Long,,0']
    f = tmp_path / "woo.csv"
    f.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    res = run_migration("woocommerce", "shopify", [f], tmp_path / "out")
    assert "too_many_options" in set(res.validation["check"])
    write = res.loss[res.loss["stage"] == "write"]
    assert write["column"].str.startswith("variant_options.position>3").any()


def test_redirects_from_pattern_are_paths_to_new_urls(tmp_path):
    mp = mapping_mod.Mapping(urls={"product_url_pattern": "https://old.example.com/{handle}.html",
                                   "category_url_pattern": "/{path}.html"})
    res = run_migration("magento2", "shopify", [SAMPLES / "magento2" / "catalog_product.csv"], tmp_path / "o",
                        mapping=mp)
    text = (tmp_path / "o" / "redirects.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "Redirect from,Redirect to"
    pairs = [tuple(line.split(",")) for line in lines[1:]]
    assert pairs == sorted(pairs)
    assert ("/sprite-yoga-strap-6-foot.html", "/products/sprite-yoga-strap-6-foot") in pairs
    assert ("/gear.html", "/collections/gear") in pairs
    assert ("/gear/fitness-equipment.html", "/collections/gear-fitness-equipment") in pairs
    assert not any("example.com" in a or "example.com" in b for a, b in pairs)  # paths only
    assert all(a.startswith("/") and b.startswith("/") for a, b in pairs)
    assert (res.loss["stage"] == "redirects").sum() == 0  # every product and category had an old URL
    assert mp.urls == {"product_url_pattern": "https://old.example.com/{handle}.html",
                       "category_url_pattern": "/{path}.html"}, "the caller's mapping is not modified"


def test_saved_mapping_can_be_edited_and_reused(tmp_path):
    saved = tmp_path / "mapping.toml"
    first = run_migration("magento2", "shopify", [SAMPLES / "magento2" / "catalog_product.csv"], tmp_path / "a",
                          save_mapping=saved)
    # Magento's export has no URL column: old URLs come from url_key with Magento's default
    # pattern /{url_key}.html (5 products) and /{category path}.html (3 collections)
    assert len(first.redirects) == 8
    assert "/sprite-yoga-strap-6-foot.html" in set(first.redirects["Redirect from"])
    text = saved.read_text(encoding="utf-8")
    assert "[headers]" in text and '"sku" = "sku"' in text and "[urls]" in text
    assert (tmp_path / "a" / "mapping.toml").read_text(encoding="utf-8") == text
    # the shop's URLs were under /shop/: say so in the mapping and run again
    edited = text.replace("[urls]\n", '[urls]\nproduct_url_pattern = "/shop/{url_key}.html"\n')
    saved.write_text(edited, encoding="utf-8")
    second = run_migration("magento2", "shopify", [SAMPLES / "magento2" / "catalog_product.csv"], tmp_path / "b",
                           mapping=saved)
    assert "/shop/sprite-yoga-strap-6-foot.html" in set(second.redirects["Redirect from"])
    assert second.summary["mapping"] == "mapping.toml"


@pytest.mark.parametrize("source,target,files", [
    ("woocommerce", "shopify", [WOO]),
    ("magento2", "shopify", [SAMPLES / "magento2" / "import_configurable.csv"]),
    ("shopify", "woocommerce", [SAMPLES / "shopify-legacy-header" / "product_template.csv"]),
    ("prestashop", "magento2", PS),
])
def test_any_source_to_any_target(tmp_path, source, target, files):
    res = run_migration(source, target, files, tmp_path / "out")
    assert res.import_files and all(p.is_file() for p in res.import_files)
    assert res.counts.set_index("what").loc["products", "out"] == len(res.catalog.products) > 0
    assert set(res.loss["stage"]) >= {"read"}


@pytest.mark.parametrize("target", ["volusion", "opencart", "bigcommerce", "magento1"])
def test_source_only_target_is_a_clear_parameter_error(tmp_path, target):
    with pytest.raises(ParameterError, match="source only"):
        run_migration("woocommerce", target, [WOO], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_inputs_give_clear_errors(tmp_path):
    with pytest.raises(ParameterError, match="Unknown platform 'magento3'"):
        run_migration("magento3", "shopify", [WOO], tmp_path / "o")
    with pytest.raises(InputError, match="no such file"):
        run_migration("woocommerce", "shopify", [tmp_path / "missing.csv"], tmp_path / "o")
    with pytest.raises(ParameterError, match="No source files"):
        run_migration("woocommerce", "shopify", "", tmp_path / "o")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no export files"):
        run_migration("woocommerce", "shopify", [empty], tmp_path / "o")
    with pytest.raises(InputError):  # a Magento file given as WooCommerce: the reader says what is missing
        run_migration("woocommerce", "shopify", [SAMPLES / "magento2" / "catalog_product.csv"], tmp_path / "o")


def test_expand_paths_accepts_comma_separated_text(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x\n")
    b.write_text("x\n")
    assert expand_paths(f"{a}, {b}") == [a, b]
    assert expand_paths([tmp_path]) == [a, b]


def test_reports_are_formula_safe_and_html_escaped(tmp_path):
    head = "ID,Type,SKU,Name,Published,Regular price,Description"
    row = '1,simple,=HYPERLINK("http://x"),<script>alert(1)</script>,1,5,=1+2'
    f = tmp_path / "woo.csv"
    f.write_text(head + "\n" + row + "\n", encoding="utf-8")
    res = run_migration("woocommerce", "shopify", [f], tmp_path / "out")
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    # the import file is neutralised by the Shopify writer and every changed cell is in validation
    neutral = res.validation[res.validation["check"] == "formula_neutralised"]
    assert len(neutral) >= 1
    products = (tmp_path / "out" / "products.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in products
    for name in ("loss.csv", "validation.csv", "redirects.csv"):
        for rec in csv.reader(io.StringIO((tmp_path / "out" / name).read_text(encoding="utf-8"))):
            for cell in rec:
                assert not cell.startswith(("=", "@")), (name, cell)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["source"] == "woocommerce" and summary["target"] == "shopify"


def test_rerun_removes_stale_split_files(tmp_path):
    out = tmp_path / "out"
    run_migration("woocommerce", "shopify", [WOO], out)
    (out / "products-2.csv").write_text("stale")
    summary = json.loads((out / "summary.json").read_text())
    summary["files"]["import"].append("products-2.csv")
    (out / "summary.json").write_text(json.dumps(summary))
    run_migration("woocommerce", "shopify", [WOO], out)
    assert not (out / "products-2.csv").exists()


def test_cli_migrate(tmp_path):
    runner = CliRunner()
    saved = tmp_path / "saved.toml"
    res = runner.invoke(main, ["migrate", "--from", "magento2", "--to", "shopify",
                               str(SAMPLES / "magento2-exports" / "grouped.csv"), "--out", str(tmp_path / "o"),
                               "--save-mapping", str(saved), "--dialect", "legacy"])
    assert res.exit_code == 0, res.output
    assert "products" in res.output and "summary.html" in res.output
    assert saved.is_file()
    assert (tmp_path / "o" / "products.csv").read_text(encoding="utf-8").startswith("Handle,Title,Body (HTML)")
    bad = runner.invoke(main, ["migrate", "--from", "woocommerce", "--to", "opencart", str(WOO),
                               "--out", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "source only" in bad.output
    missing = runner.invoke(main, ["migrate", "--from", "woocommerce", "--to", "shopify",
                                   str(tmp_path / "nope.csv"), "--out", str(tmp_path / "x")])
    assert missing.exit_code == 1 and "no such file" in missing.output and "Traceback" not in missing.output


def test_migration_notebook_runs_under_papermill(tmp_path):
    import papermill as pm

    out_nb = tmp_path / "migration.out.ipynb"
    out_dir = tmp_path / "out"
    pm.execute_notebook(str(ROOT / "notebooks" / "migration.ipynb"), str(out_nb),
                        parameters={"source": "magento2", "target": "shopify",
                                    "files": str(SAMPLES / "magento2" / "import_configurable.csv"),
                                    "out": str(out_dir), "mapping": ""},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT / "notebooks"))
    assert (out_dir / "products.csv").is_file()
    text = out_nb.read_text(encoding="utf-8")
    assert "Counts in and out" in text


def test_form_lists_imports_and_refuses_big_uploads(tmp_path, monkeypatch):
    from workbench import dashboards_migration as dm

    (tmp_path / "shop").mkdir()
    shutil.copy(WOO, tmp_path / "shop" / "woo.csv")
    (tmp_path / "README.md").write_text("not an export")
    monkeypatch.setenv("WORKBENCH_IMPORTS_DIR", str(tmp_path))
    monkeypatch.setenv("WORKBENCH_MIGRATIONS_DIR", str(tmp_path / "out"))
    assert dm.list_import_files() == ["shop/woo.csv"]
    form = dm.migration_form("woocommerce", "shopify", files="shop/woo.csv")
    assert form.controls["files"].value == ("shop/woo.csv",)
    big = [{"name": "x.csv", "size": dm.MAX_UPLOAD_BYTES + 1, "content": memoryview(b"")}]
    with pytest.raises(ParameterError, match="too large"):
        dm.run_from_form("woocommerce", "shopify", [], big)
    with pytest.raises(ParameterError, match="Pick at least one"):
        dm.run_from_form("woocommerce", "shopify", [], ())
    small = [{"name": "../evil name.csv", "size": WOO.stat().st_size, "content": memoryview(WOO.read_bytes())}]
    res = dm.run_from_form("woocommerce", "shopify", ["shop/woo.csv"], small)
    assert res.out_dir == tmp_path / "out" / "woocommerce-to-shopify"
    assert res.counts.set_index("what").loc["products", "in"] >= 17  # upload + server copy both read


def test_summary_lists_what_does_not_arrive_but_not_columns_that_were_empty():
    from workbench.migration import summary_body_html
    loss = pd.DataFrame([
        {"stage": "read", "file": "a.csv", "column": "attribute_set_code", "became": "extra:magento2.x",
         "non_empty": 12, "dropped": 0, "note": "", "in_target": "dropped"},
        {"stage": "read", "file": "a.csv", "column": "meta_keywords", "became": "extra:magento2.y",
         "non_empty": 0, "dropped": 0, "note": "", "in_target": "dropped"},
        {"stage": "read", "file": "a.csv", "column": "password_hash", "became": "",
         "non_empty": 3, "dropped": 3, "note": "", "in_target": "dropped"},
        {"stage": "read", "file": "a.csv", "column": "sku", "became": "variants.sku",
         "non_empty": 12, "dropped": 0, "note": "", "in_target": "kept"},
    ])
    counts = pd.DataFrame(columns=["what", "in", "out"])
    html = summary_body_html({"source": "magento2", "target": "shopify"}, counts, loss, pd.DataFrame(), pd.DataFrame())
    lost = html.split("What will not arrive")[1].split("Validation")[0]
    assert "attribute_set_code" in lost and "password_hash" in lost
    assert "meta_keywords" not in lost and "sku" not in lost
