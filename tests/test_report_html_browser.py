"""A headless report's HTML opens offline in Chromium with its plotly charts drawn."""
from __future__ import annotations

import pytest

pytest_plugins = ["conftest_reports"]


@pytest.fixture
def offline_page(context):
    """A page that may load file:// URLs only: any network request is refused."""
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked = blocked
    return page


@pytest.mark.browser
def test_report_html_draws_charts_offline(offline_page, kpis_run):
    page = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(kpis_run.html.as_uri())
    page.locator(".main-svg").first.wait_for(state="attached", timeout=20000)
    assert page.locator(".js-plotly-plot").count() >= 1
    assert page.locator(".main-svg").count() >= 1
    assert page.locator(".gtitle").first.text_content().startswith("Net sales and orders per day")
    assert page.locator("[data-kpi=net_sales] .wb-kpi-value").inner_text().endswith("EUR")
    assert errors == []
    assert not [u for u in page.blocked if "mathjax" in u or "require" in u]  # no CDN scripts asked for


@pytest.mark.browser
def test_report_csv_download_is_formula_safe(offline_page, kpis_run):
    page = offline_page
    page.goto(kpis_run.html.as_uri())
    link = page.locator("a.wb-download", has_text="Download CSV").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "kpis.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    header = text.splitlines()[0]
    assert header.startswith("kpi,label,unit,value,previous")
    assert "net_sales,Net sales,money," in text
