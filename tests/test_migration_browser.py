"""The migration form in a real browser: Voila + Chromium (Playwright's ``page`` fixture)."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from helpers_paths import SAMPLES
from helpers_voila import start_voila

SAMPLE = SAMPLES / "woocommerce" / "sample_products.csv"


@contextmanager
def _open_form(page, tmp_path, files: dict[str, bytes]):
    """Voila serving the migration notebook over an imports folder holding ``files`` (in
    ``old-shop/``); yields (imports folder, migrations folder, the source dropdown) once shown."""
    imports = tmp_path / "imports"
    (imports / "old-shop").mkdir(parents=True)
    for name, data in files.items():
        (imports / "old-shop" / name).write_bytes(data)
    out = tmp_path / "migrations"
    env = {"WORKBENCH_IMPORTS_DIR": str(imports), "WORKBENCH_MIGRATIONS_DIR": str(out)}
    with start_voila("notebooks/migration.ipynb", env=env) as base_url:
        page.goto(base_url, timeout=60000)
        source = page.locator(".widget-dropdown select").first
        source.wait_for(state="visible", timeout=60000)
        yield imports, out, source


@pytest.mark.skipif(not SAMPLE.is_file(), reason="WooCommerce sample not found")
def test_migration_form_runs_woocommerce_to_shopify(page, tmp_path):
    with _open_form(page, tmp_path, {"woo_products.csv": SAMPLE.read_bytes()}) as (imports, out, source):
        expect(page.get_by_text("10 MiB").first).to_be_visible()
        source.select_option(label="WooCommerce")
        page.get_by_label("Target platform").select_option(label="Shopify")
        files = page.locator(".widget-select-multiple select")
        files.select_option("old-shop/woo_products.csv")
        page.locator("button:has-text('Run')").click()
        output = page.locator(".widget-output").last
        expect(output).to_contain_text("Counts in and out", timeout=60000)
        expect(output).to_contain_text("woocommerce")
        rows = output.locator("table.wb-table").first.locator("tbody tr")
        expect(rows.nth(0)).to_contain_text("products")
        expect(rows.nth(0)).to_contain_text("17")
        expect(rows.nth(1)).to_contain_text("22")
    assert (out / "woocommerce-to-shopify" / "products.csv").is_file()
    assert (imports / "old-shop" / "woo_products.csv").read_bytes() == SAMPLE.read_bytes()


def test_migration_form_shows_a_broken_file_as_a_clear_message(page, tmp_path):
    # a row with one field too many: staff read the file, line and column on the page, no traceback,
    # and nothing is written
    broken = b"ID,Type,SKU,Name,Regular price\n1,simple,A,Hat,5\n2,simple,B,Cap,4,oops\n"
    with _open_form(page, tmp_path, {"broken.csv": broken}) as (_imports, out, source):
        source.select_option(label="WooCommerce")
        page.locator(".widget-select-multiple select").select_option("old-shop/broken.csv")
        page.locator("button:has-text('Run')").click()
        output = page.locator(".widget-output").last
        expect(output).to_contain_text("line 3", timeout=60000)
        expect(output).to_contain_text("field 6")
        expect(output).to_contain_text("broken.csv")
        assert "Traceback" not in output.inner_text()
    assert not any(out.rglob("*.csv"))
