"""Playwright driving Debian's Chromium against pytest-django's live server.

With CI set the browser must be there (make test installs it); elsewhere a
missing browser skips these tests with a loud warning.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

from council import demo as council_demo

CHROMIUM = os.environ.get("QUORUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by fixtures around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: browser tests cannot run"
        if os.environ.get("CI"):
            pytest.fail(message + " (required in CI; `make test` installs it).")
        warnings.warn(
            f"*** {message}; SKIPPED. Install: apt-get install chromium ***",
            stacklevel=2,
        )
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def council_site(transactional_db, live_server):
    """The demo city's council, people and users (no meetings: quicker),
    served by a live server."""
    council_demo.load()
    return live_server


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, of=None) -> Path:
        """Save a full-page screenshot of `of` (default: the `page` fixture)."""
        path = SCREENSHOTS / f"{name}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    take.directory = SCREENSHOTS
    return take
