"""Playwright driving Debian's Chromium (/usr/bin/chromium) against Django's live server."""
import os
import shutil
from pathlib import Path

import pytest

# Debian's package first: a `chromium` earlier on the PATH may be another build (Playwright's own).
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH")
    or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # pytest hands every conftest the whole session's items, not only this folder's: pick ours,
    # or a machine without Chromium would skip the entire suite and `-m "not browser"` select nothing.
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    skip = None if os.path.exists(CHROMIUM) else pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # Every page as on a device set to "reduce motion": the kitchen queue's ringing cards
                # then stay lit instead of pulsing, and Chromium stops drawing sixty frames a second
                # for as long as a test watches the queue (most of its CPU in the kitchen tests). The
                # pulse itself is checked in a context that asks for motion
                # (test_service_kitchen.test_a_ringing_card_pulses_unless_the_device_asks_for_less_motion).
                "--force-prefers-reduced-motion",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A 390 px wide viewport, as on a driver's phone."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()
