"""Headless Chromium for the browser tests (`@pytest.mark.browser`).

Playwright drives Debian's `chromium` package (`/usr/bin/chromium`, installed by `.ci/run`); it
never downloads a browser of its own. One browser is started per test session; each test
opens its pages in a fresh context (`browser.new_context()`), so cookies and storage never
leak from one test to the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

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
