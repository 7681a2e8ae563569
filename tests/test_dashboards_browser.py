"""The orders and supplier payments dashboards under Voila, driven in headless Chromium."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytest_plugins = ["conftest_reports"]

LOAD = 90_000  # ms: Voila starts a kernel per page and runs the notebook before the widgets show
RUN = 30_000


@pytest.fixture(scope="module")
def voila_urls(voila_server, demo_db):
    env = {"WORKBENCH_DB": str(demo_db)}
    return {name: voila_server(f"notebooks/{name}.ipynb", env=env) for name in ("orders", "supplier_payments")}


def _open(page, url: str) -> None:
    """Go to a dashboard page and wait for its first report (Voila streams the page while the kernel runs)."""
    page.goto(url, wait_until="commit", timeout=LOAD)
    page.locator(".widget-output .wb-header").wait_for(state="visible", timeout=LOAD)


def _select(page, label: str):
    return page.locator(".widget-dropdown", has_text=label).locator("select")


def _header(page, key: str):
    return page.locator(".wb-header dt", has_text=key).locator("xpath=following-sibling::dd[1]").first


def _rows(page, title: str):
    return page.locator(".wb-table-block", has=page.locator(f'h3:text-is("{title}")')).locator("tbody tr")


def _no_traceback(page) -> None:
    text = page.locator(".widget-output").first.inner_text()
    assert "Traceback" not in text and page.locator(".wb-error").count() == 0


@pytest.mark.browser
def test_orders_link_preselects_and_run_changes_the_grain(page, voila_urls):
    _open(page, voila_urls["orders"] + "?channel=pos")
    assert _select(page, "Channel").input_value() == "pos"
    assert "online_store" in _select(page, "Channel").locator("option").all_inner_texts()  # from the store
    assert _select(page, "Period").input_value() == "last_30_days"
    assert _select(page, "Grain").input_value() == "day"
    assert _header(page, "channel").inner_text() == "pos"
    assert _header(page, "grain").inner_text() == "day"
    days = _rows(page, "By period").count()
    assert days >= 28
    expect(page.locator(".gtitle", has_text="per day")).to_have_count(1, timeout=RUN)  # by-period chart drawn

    _select(page, "Grain").select_option("week")
    page.get_by_role("button", name="Run").click()
    expect(_header(page, "grain")).to_have_text("week", timeout=RUN)
    expect(page.locator(".gtitle", has_text="per week")).to_have_count(1, timeout=RUN)
    assert 4 <= _rows(page, "By period").count() <= 6 < days
    assert _header(page, "channel").inner_text() == "pos"
    assert page.locator("a.wb-download").count() >= 7  # one per table
    _no_traceback(page)


@pytest.mark.browser
def test_supplier_payments_link_shows_only_that_supplier(page, voila_urls):
    name = "Jute & Co. Textiles"  # '&' must survive the link and the page
    _open(page, voila_urls["supplier_payments"] + "?supplier=" + quote(name))
    assert _select(page, "Supplier").input_value() == name
    options = [o.replace("\xa0", " ") for o in _select(page, "Supplier").locator("option").all_inner_texts()]
    assert options[0] == "all" and "Stoke Pottery Ltd." in options  # filled from the store
    balances = _rows(page, "Balances")
    expect(balances).to_have_count(1, timeout=RUN)
    assert name in balances.first.inner_text()
    assert _header(page, "supplier").inner_text().startswith(name)
    link = page.locator("a.wb-payment-run")
    expect(link).to_contain_text("Payment-run CSV")
    assert (link.get_attribute("download") or "").startswith("payment_run_")
    _no_traceback(page)

    _select(page, "Supplier").select_option("all")
    page.get_by_role("button", name="Run").click()
    expect(balances).to_have_count(len(options) - 1, timeout=RUN)
