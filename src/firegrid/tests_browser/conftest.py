"""Browser tests: Playwright (sync API) driving Debian's Chromium against the live server."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise refuse
# to run in what looks like an async context.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Any:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install chromium (never downloaded by tests)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"{message}; this skip becomes a failure under CI")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # Django's connections are context-local (asgiref); the test body ran inside
            # Playwright's context and opened its own, which nothing else would close.
            connections.close_all()
