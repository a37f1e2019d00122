"""Takes the screenshots of the user guides (docs/guide-*.md) from a running demo site.

    make demo   # or: manage.py populate && manage.py runserver
    .venv/bin/python docs/img/take_guide_screenshots.py [http://127.0.0.1:8000]

Headless Debian Chromium through Playwright; one login per role (demo password). A shot whose
path is None is the role's first screen: what the login page leads to (issue 19: each role lands
on its own screen). The customer's path: home, catalogue, cart (one Reine added), checkout (the
address checked in the cart already filled in), Mes commandes, an order's page and its timeline (after
one more pizza added to it).
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
    ("guide-client-commande.png", "client@ocpizza.fr", PHONE, "/commande/", True),
    ("guide-client-mes-commandes.png", "client@ocpizza.fr", PHONE, "/mes-commandes/", True),
    ("guide-client-suivi.png", "client@ocpizza.fr", PHONE, "/mes-commandes/<dernière>/", True),
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


def check_address(page):
    """A delivery address typed and checked in the cart: checkout proposes it (issue 19)."""
    page.goto(f"{URL}/panier/")
    form = page.locator("section[aria-labelledby=livraison] form")
    form.get_by_label("Numéro et rue").fill("25 rue Keller")
    form.get_by_label("Code postal").fill("75011")
    form.get_by_label("Ville").fill("Paris")
    form.get_by_role("button", name="Vérifier l'adresse").click()
    page.wait_for_load_state("networkidle")


def change_quantity(page, path):
    """One more of the order's first line, if it can still be changed: the timeline shows it."""
    page.goto(f"{URL}{path}")
    change = page.get_by_role("link", name="Modifier la commande")
    if change.count():
        change.click()
        quantity = page.locator("main input[name^='qty-']").first
        quantity.fill(str(int(quantity.input_value() or 0) + 1))
        page.locator("#save-change").click()
        page.wait_for_load_state("networkidle")


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    for name, email, viewport, path, full_page in SHOTS:
        context = browser.new_context(viewport=viewport, locale="fr-FR", timezone_id="Europe/Paris",
                                      is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
        page = context.new_page()
        if email:
            login(page, email, admin=bool(path and path.startswith("/admin/")))
        if path in ("/panier/", "/commande/"):
            fill_cart(page)
        if path == "/commande/":
            check_address(page)
        if path and "<dernière>" in path:
            page.goto(f"{URL}/mes-commandes/")
            path = page.locator("main a[href^='/mes-commandes/OC-']").first.get_attribute("href")
            change_quantity(page, path)
        if path:
            page.goto(f"{URL}{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / name), full_page=full_page)
        print(OUT / name, page.url)
        context.close()
    browser.close()
