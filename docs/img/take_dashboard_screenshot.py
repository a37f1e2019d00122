"""Takes docs/img/dashboard.png: logs in as head office on a running site and shoots the dashboard.

    make demo   # or: manage.py populate && manage.py runserver
    .venv/bin/python ocpizza/manage.py dashboard_sample      # a synthetic order history
    .venv/bin/python docs/img/take_dashboard_screenshot.py [http://127.0.0.1:8000]

Headless Debian Chromium through Playwright, 1440 px wide, the whole page.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent / "dashboard.png"

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR", timezone_id="Europe/Paris")
    page.goto(f"{URL}/admin/?period=30d")  # the login page comes back here
    page.fill("input[name=username]", "siege@ocpizza.fr")
    page.fill("input[name=password]", "pizza-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#dashboard canvas")
    page.wait_for_timeout(500)  # chart.js draws after load
    page.screenshot(path=str(OUT), full_page=True)
    browser.close()
print(OUT)
