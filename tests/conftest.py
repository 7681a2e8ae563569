import sys
from pathlib import Path

import pytest

# Make `tests/helpers_*.py` importable as top-level modules (import helpers_voila).
sys.path.insert(0, str(Path(__file__).resolve().parent))


# ---------------------------------------------------------------------------
# Browser / Voila (infrastructure): system Chromium for pytest-playwright,
# a Voila server factory, and skipping of browser tests without Chromium.
# ---------------------------------------------------------------------------
from helpers_voila import CHROMIUM, CHROMIUM_ARGS, start_voila  # noqa: E402

BROWSER_FIXTURES = {"page", "context", "browser", "browser_context_args", "new_context"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's /usr/bin/chromium (no `playwright install` download)."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def voila_server():
    """Factory: ``base_url = voila_server("notebooks/x.ipynb", env={...})``.

    One server per (notebook, env, args) for the whole session (per xdist worker);
    all are terminated at session end. Use helpers_voila.start_voila directly for
    a server with a narrower lifetime.
    """
    import contextlib

    servers: dict = {}
    with contextlib.ExitStack() as stack:

        def start(notebook_path, env=None, args=()):
            key = (str(notebook_path), tuple(sorted((env or {}).items())), tuple(args))
            if key not in servers:
                servers[key] = stack.enter_context(start_voila(notebook_path, env=env, args=args))
            return servers[key]

        yield start


def pytest_collection_modifyitems(config, items):
    """Tests using Playwright's page/browser get the `browser` marker; skip them without Chromium."""
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: run `make chromium` (apt-get install chromium) to enable browser tests"
    )
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("browser") and not CHROMIUM.exists():
            item.add_marker(skip)


# ---------------------------------------------------------------------------
# (other fixtures below this line)
# ---------------------------------------------------------------------------
