"""The KPI dashboard under Voila, driven in headless Chromium: form, Run, shared links, errors."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytest_plugins = ["conftest_reports"]

NOTEBOOK = "notebooks/kpis.ipynb"
LOAD = 90_000  # ms: Voila starts a kernel per page and runs the notebook before the widgets show


@pytest.fixture(scope="module")
def dashboard_url(voila_server, demo_db):
    return voila_server(NOTEBOOK, env={"WORKBENCH_DB": str(demo_db)})


def _open(page, url: str) -> None:
    """Go to a dashboard page and wait for its report (Voila streams the page while the kernel runs)."""
    page.goto(url, wait_until="commit", timeout=LOAD)
    _net_sales(page).wait_for(state="visible", timeout=LOAD)


def _select(page, label: str):
    return page.locator(".widget-dropdown", has_text=label).locator("select")


def _net_sales(page):
    return page.locator("[data-kpi=net_sales] .wb-kpi-value")


def _header_value(page, key: str) -> str:
    return page.locator(".wb-header dt", has_text=key).locator("xpath=following-sibling::dd[1]").first.inner_text()


@pytest.mark.browser
def test_form_run_redraws_for_another_channel(page, dashboard_url):
    _open(page, dashboard_url)
    assert _select(page, "Channel").input_value() == "all"
    assert _select(page, "Period").input_value() == "last_30_days"
    assert page.locator(".main-svg").count() >= 1  # plotly charts drawn inside the output area
    assert "pos" in _select(page, "Channel").locator("option").all_inner_texts()  # filled from the store
    before = _net_sales(page).inner_text()
    assert _header_value(page, "channel") == "all"

    _select(page, "Channel").select_option("pos")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".wb-header dd").nth(1)).to_have_text("pos", timeout=30_000)
    expect(_net_sales(page)).not_to_have_text(before, timeout=30_000)
    assert page.locator(".main-svg").count() >= 1
    assert page.locator("a.wb-download").count() >= 1

    # a period that cannot be read: a clear message, no traceback, the form stays usable
    page.locator(".widget-text", has_text="or dates").locator("input").fill("2025-13")
    page.get_by_role("button", name="Run").click()
    error = page.locator(".wb-error")
    expect(error).to_be_visible(timeout=30_000)
    assert "Traceback" not in page.locator(".widget-output").first.inner_text()
    assert "Please check the form" in error.inner_text()
    page.locator(".widget-text", has_text="or dates").locator("input").fill("")
    page.get_by_role("button", name="Run").click()
    expect(_net_sales(page)).to_be_visible(timeout=30_000)


@pytest.mark.browser
def test_shared_link_preselects_the_form(page, dashboard_url):
    _open(page, dashboard_url + "?channel=pos&period=last_7_days")
    assert _select(page, "Channel").input_value() == "pos"
    assert _select(page, "Period").input_value() == "last_7_days"
    assert _header_value(page, "channel") == "pos"
    assert _header_value(page, "period").startswith("last_7_days (")
