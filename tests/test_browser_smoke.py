"""Smoke test: pytest-playwright drives the system Chromium against a local static page."""

import functools
import http.server
import threading

import pytest


@pytest.fixture
def static_site(tmp_path):
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>Workbench smoke</title></head>"
        "<body><h1 id='hello'>Hello from the workbench</h1>"
        "<button onclick=\"document.getElementById('out').textContent='clicked'\">Go</button>"
        "<p id='out'></p></body></html>",
        encoding="utf-8",
    )
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.browser
def test_static_page_renders_and_reacts(page, static_site):
    page.goto(static_site)
    assert page.title() == "Workbench smoke"
    assert page.locator("#hello").inner_text() == "Hello from the workbench"
    page.get_by_role("button", name="Go").click()
    page.wait_for_function("document.getElementById('out').textContent === 'clicked'", timeout=5000)
    assert page.locator("#out").inner_text() == "clicked"
