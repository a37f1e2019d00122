"""Playwright driving Debian's Chromium against Django's live server.

The tests run in Debian's headless shell (/usr/bin/chromium-headless-shell, package
chromium-headless-shell): built from the same Chromium sources and version as /usr/bin/chromium,
with the same engine, but without the desktop browser around it. It is what Playwright itself
runs for headless tests when it downloads its own browsers. On this 2-core machine it ran the
browser folder in 90 s of wall time and 155 s of CPU, against 146 s and 276 s in the full browser
(docs/performance.md, issue 14). The full browser (/usr/bin/chromium) still runs the layout check
that depends on how its fonts measure (`full_browser`, test_ux_staff), and CHROMIUM_PATH runs the
whole folder in it."""
import os
import shutil
from pathlib import Path

import pytest

LAUNCH_ARGS = [
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
]

# The full browser: Debian's package first, since a `chromium` earlier on the PATH may be
# another build (Playwright's own).
FULL_CHROMIUM = (
    ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else FULL_CHROMIUM)


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # pytest hands every conftest the whole session's items, not only this folder's: pick ours,
    # or a machine without Chromium would skip the entire suite and `-m "not browser"` select nothing.
    ours = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    skip = None if os.path.exists(CHROMIUM) else pytest.mark.skip(
        reason="Debian's Chromium is not installed (apt-get install chromium chromium-headless-shell)"
    )
    for item in ours:
        item.add_marker(pytest.mark.browser)
        if skip is not None:
            item.add_marker(skip)


def _launch(playwright, executable):
    return playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _launch(_playwright, CHROMIUM)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def full_browser(_playwright):
    """Debian's desktop Chromium, for the checks where it and the headless shell may differ."""
    if not os.path.exists(FULL_CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    if os.path.realpath(FULL_CHROMIUM) == os.path.realpath(CHROMIUM):
        pytest.skip("CHROMIUM_PATH runs every browser test in the full browser already")
    browser = _launch(_playwright, FULL_CHROMIUM)
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
