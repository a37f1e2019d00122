"""Takes the screenshots of the user guides (docs/guide-*.md) from a running demo site.

    make demo   # or: manage.py populate && manage.py runserver
    .venv/bin/python docs/img/take_guide_screenshots.py [http://127.0.0.1:8000]

Headless Debian Chromium through Playwright; one login per role (demo password). A shot whose
path is None is the role's first screen: what the login page leads to (issue 19: each role lands
on its own screen). The customer's path: home, catalogue, cart (one Reine added), Mes commandes.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent
PASSWORD = "pizza-demo-2026"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

# (file, login or None, viewport, path, full page)
SHOTS = [
    ("guide-client-accueil.png", None, PHONE, "/", False),
    ("guide-client-catalogue.png", None, DESKTOP, "/pizzeria/montmartre/?q=margherita", False),
    ("guide-client-panier.png", "client@ocpizza.fr", PHONE, "/panier/", True),
    ("guide-client-mes-commandes.png", "client@ocpizza.fr", PHONE, "/mes-commandes/", True),
    ("guide-pizzaiolo-cuisine.png", "pizzaiolo@ocpizza.fr", DESKTOP, None, False),
    ("guide-livreur-livraisons.png", "livreur@ocpizza.fr", PHONE, None, True),
    ("guide-gerant-accueil.png", "gerant@ocpizza.fr", DESKTOP, None, False),
    ("guide-gerant-stock.png", "gerant@ocpizza.fr", DESKTOP, "/admin/pizzeria/stock/shop/", False),
    ("guide-siege-produits.png", "siege@ocpizza.fr", DESKTOP, "/admin/product/product/", False),
]


def login(page, email, admin):
    page.goto(f"{URL}/admin/login/" if admin else f"{URL}/compte/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit], #login-form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def fill_cart(page):
    page.goto(f"{URL}/pizzeria/bastille/")
    page.locator("#produit-reine button[type=submit]").click()
    page.wait_for_load_state("networkidle")


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    for name, email, viewport, path, full_page in SHOTS:
        context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris",
                                      is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        page = context.new_page()
        if email:
            login(page, email, admin=bool(path and path.startswith("/admin/")))
        if path == "/panier/":
            fill_cart(page)
        if path:
            page.goto(f"{URL}{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / name), full_page=full_page)
        print(OUT / name, page.url)
        context.close()
    browser.close()
