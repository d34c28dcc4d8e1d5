"""Headless Chromium for the browser tests (`@pytest.mark.browser`).

Playwright drives Debian's `chromium` package (`/usr/bin/chromium`, installed by `.ci/run`); it
never downloads a browser of its own. One browser is started per test session; each test
opens its pages in a fresh context (`browser.new_context()`), so cookies and storage never
leak from one test to the next.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Waits and assertions allow for a busy machine.
TIMEOUT_MS = 15_000
DEFAULT_EXPECT_TIMEOUT_MS = 5_000  # Playwright's own

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from tests that also drive the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """A headless Chromium browser (Playwright `Browser`), shared by the session."""
    if not CHROMIUM.exists():
        pytest.skip("missing dependency: Debian's chromium package (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("missing dependency: playwright (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh page in a context of its own, with patient waits and assertions."""
    from playwright.sync_api import expect

    context = chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        expect.set_options(timeout=DEFAULT_EXPECT_TIMEOUT_MS)
        context.close()


def log_in(page: Page, base_url: str, username: str) -> None:
    """Log in through the login form as `username` (password `tests.factories.PASSWORD`)."""
    page.goto(base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))
