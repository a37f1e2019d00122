"""Issue 19 in Chromium, on a phone and a desktop: every visible button and link of the main
customer pages passes WCAG AA contrast; no page of the site or the admin shows English left over
from Django or the libraries; French error pages with a way back (DEBUG is off in tests); the
favicon is served; a refused geolocation says so; each role lands on its own screen."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from order.models import Order
from tests.browser.a11y import english_leftovers, low_contrast
from tests.browser.helpers import admin_login, site_login, staff_session

pytestmark = pytest.mark.django_db(transaction=True)


def customer_pages(page, live_server):
    """Walks the main customer pages (cart filled, an address saved); yields each page's URL."""
    base = live_server.url
    for path in ("/", "/compte/connexion/", "/compte/inscription/", "/compte/mot-de-passe/oubli/"):
        page.goto(base + path)
        yield path
    site_login(page, live_server, "client@ocpizza.fr")
    page.goto(f"{base}/pizzeria/bastille/")
    yield "catalogue"
    page.locator("#produit-reine").get_by_role("button", name="Ajouter Reine").click()
    page.goto(f"{base}/panier/")
    expect(page.get_by_role("button", name="Vider le panier")).to_be_visible()
    yield "cart"
    page.goto(f"{base}/compte/profil/")
    yield "profile"
    page.goto(f"{base}/mes-commandes/")
    yield "my orders"
    number = Order.objects.filter(customer__email="client@ocpizza.fr").values_list("number", flat=True).first()
    if number:
        page.goto(f"{base}/mes-commandes/{number}/")
        yield "order detail"
    page.goto(f"{base}/page-qui-n-existe-pas/")
    yield "404"


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_customer_pages_have_contrast_and_no_english(request, live_server, demo_data, viewport):
    page = request.getfixturevalue(viewport)
    failures = {}
    for name in customer_pages(page, live_server):
        problems = low_contrast(page)
        english = english_leftovers(page)
        if problems or english:
            failures[name] = {"contrast": problems, "english": english}
    assert failures == {}


def test_the_check_sees_an_invisible_button(page, live_server, demo_data):
    """The contrast check is not blind: white on white is reported."""
    page.goto(f"{live_server.url}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<button style=\"color:#fff;background:none\">Retirer</button>')")
    assert [problem["text"] for problem in low_contrast(page)] == ["Retirer"]


ADMIN_PAGES = [
    "/admin/",
    "/admin/product/product/",
    "/admin/product/product/add/",
    "/admin/product/product/import/",
    "/admin/account/user/add/",
    "/admin/order/order/",
    "/admin/pizzeria/stock/shop/",
    "/admin/pizzeria/pizzeria/",
    "/admin/order/order/kitchen/",
    "/admin/page-qui-n-existe-pas/",
]


def test_admin_pages_have_no_english(page, live_server, demo_users):
    page.goto(f"{live_server.url}/admin/login/")
    assert english_leftovers(page) == []
    admin_login(page, live_server, "siege@ocpizza.fr")
    order = Order.objects.order_by("pk").first()
    customer = demo_users["customer"]
    pages = ADMIN_PAGES + [
        f"/admin/account/user/{customer.pk}/change/",
        f"/admin/order/order/{order.pk}/history/",
        f"/admin/product/product/{demo_data_product_pk()}/history/",
    ]
    failures = {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        found = english_leftovers(page)
        if found:
            failures[path] = found
    assert failures == {}


def demo_data_product_pk():
    from product.models import Product

    return Product.objects.get(slug="margherita").pk


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_error_pages_are_french_with_a_way_back(request, live_server, demo_users, viewport):
    page = request.getfixturevalue(viewport)
    # A broken link followed from the catalogue (the page it came from is the Referer).
    page.goto(f"{live_server.url}/pizzeria/nulle-part/", referer=f"{live_server.url}/pizzeria/bastille/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    assert english_leftovers(page) == []
    page.get_by_role("link", name="Page précédente").click()
    page.wait_for_url("**/pizzeria/bastille/")
    page.goto(f"{live_server.url}/pizzeria/nulle-part/")
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page.get_by_role("heading", name="Choisissez votre pizzeria")).to_be_visible()

    # A customer opening another's order, then the admin as a customer: 404 / 403 in French.
    site_login(page, live_server, "client@ocpizza.fr")
    response = page.goto(f"{live_server.url}/admin/order/order/kitchen/")
    assert "/admin/login/" in page.url or response.status in (403, 404)
    assert english_leftovers(page) == []


def test_a_stale_tab_gets_a_french_csrf_page(page, live_server, demo_data):
    page.goto(f"{live_server.url}/pizzeria/bastille/")
    page.context.clear_cookies()  # the session and CSRF cookie expired meanwhile
    page.locator("#produit-reine").get_by_role("button", name="Ajouter Reine").click()
    expect(page.get_by_role("heading", name="Formulaire expiré")).to_be_visible()
    assert english_leftovers(page) == []
    page.get_by_role("link", name="Page précédente").click()
    page.wait_for_url("**/pizzeria/bastille/**")


def test_admin_404_and_csrf_in_the_admins_look(page, live_server, demo_users):
    staff_session(page, live_server, "siege@ocpizza.fr")
    page.goto(f"{live_server.url}/admin/pas-une-page/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(page.get_by_role("link", name="Retour à l'accueil de la gestion")).to_be_visible()
    page.goto(f"{live_server.url}/admin/product/product/add/")
    page.context.clear_cookies()
    page.locator("#id_name").fill("Test")
    page.locator("form#product_form").evaluate("form => form.submit()")
    expect(page.get_by_role("heading", name="Formulaire expiré")).to_be_visible()
    assert english_leftovers(page) == []


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_no_favicon_404_and_a_logo_without_emoji(request, live_server, demo_data, viewport):
    page = request.getfixturevalue(viewport)
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.request.get(f"{live_server.url}/favicon.ico").ok
    assert missing == []
    logo = page.locator(".brand img")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "🍕" not in page.locator(".brand").inner_text()


def test_refused_geolocation_says_so(browser, live_server, demo_data):
    context = browser.new_context(locale="fr-FR", permissions=[])  # position asked, refused
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("button", name="Me localiser").click()
        expect(page.locator("#locate-error")).to_be_visible()
        expect(page.locator("#locate-error")).to_contain_text("indiquez votre code postal")
    finally:
        context.close()


@pytest.mark.parametrize(
    "email, lands_on",
    [
        ("siege@ocpizza.fr", "/admin/"),
        ("gerant@ocpizza.fr", "/admin/"),
        ("pizzaiolo@ocpizza.fr", "/admin/order/order/kitchen/"),
        ("livreur@ocpizza.fr", "/admin/order/order/drivers/"),
        ("client@ocpizza.fr", "/"),
    ],
)
def test_each_role_lands_on_its_own_screen(phone_page, live_server, demo_data, email, lands_on):
    site_login(phone_page, live_server, email)
    assert phone_page.url == f"{live_server.url}{lands_on}"
    if email != "client@ocpizza.fr":  # the admin's login page leads to the same screen
        context = phone_page.context.browser.new_context(locale="fr-FR")
        page = context.new_page()
        try:
            admin_login(page, live_server, email)
            assert page.url == f"{live_server.url}{lands_on}"
        finally:
            context.close()
