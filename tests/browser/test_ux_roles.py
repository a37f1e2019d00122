"""Issue 19 acceptance, staff side: each role lands on its own screen, and that screen and the
others it works on (history pages, import pages, the user form, error pages) show no English
from the list of known leftovers (tests/browser/a11y.py), on a phone and on a desktop."""
import pytest
from playwright.sync_api import expect

from order.models import Order
from product.models import Product
from tests.browser.a11y import english_leftovers
from tests.browser.helpers import admin_login, staff_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["phone_page", "page"], ids=["phone", "desktop"])
def any_page(request):
    return request.getfixturevalue(request.param)


def role_screens(demo_users):
    """(e-mail, first screen, other screens) of each role."""
    order = Order.objects.filter(pizzeria__slug="bastille").order_by("pk").first()
    product = Product.objects.get(slug="margherita")
    version = product.history.order_by("history_id").last().history_id
    customer = demo_users["customer"]
    return {
        "head office": ("siege@ocpizza.fr", "/admin/", [
            "/admin/account/user/add/", f"/admin/account/user/{customer.pk}/change/",
            f"/admin/account/user/{customer.pk}/history/", "/admin/product/product/import/",
            "/admin/product/ingredient/import/", "/admin/pizzeria/stock/import/",
            f"/admin/product/product/{product.pk}/history/", f"/admin/product/product/{product.pk}/history/{version}/",
            f"/admin/order/order/{order.pk}/change/", f"/admin/order/order/{order.pk}/history/",
            "/admin/password_change/", "/admin/page-qui-n-existe-pas/",
        ]),
        "manager": ("gerant@ocpizza.fr", "/admin/", [
            "/admin/order/order/", f"/admin/order/order/{order.pk}/change/", f"/admin/order/order/{order.pk}/history/",
            "/admin/pizzeria/stock/shop/", "/admin/pizzeria/stock/import/", "/admin/account/user/add/",
        ]),
        "pizzaiolo": ("pizzaiolo@ocpizza.fr", "/admin/order/order/kitchen/", ["/admin/", "/admin/order/order/"]),
        "driver": ("livreur@ocpizza.fr", "/admin/order/order/drivers/", ["/admin/", "/admin/order/order/"]),
    }


def test_each_role_lands_on_its_screen_and_reads_french(any_page, live_server, demo_users):
    page = any_page
    failures = {}
    for role, (email, first, others) in role_screens(demo_users).items():
        page.context.clear_cookies()
        admin_login(page, live_server, email)
        assert page.url == f"{live_server.url}{first}", role
        expect(page.locator("body")).to_be_visible()
        for path in [first, *others]:
            if path != first:
                page.goto(f"{live_server.url}{path}")
            found = english_leftovers(page)
            if found:
                failures[f"{role} {path}"] = found
    assert failures == {}


def test_the_leftover_check_reads_screen_reader_labels(page, live_server, demo_users):
    """The check is not blind to what only a screen reader says (SimpleBar's scroll areas)."""
    staff_session(page, live_server, "siege@ocpizza.fr")
    page.goto(f"{live_server.url}/admin/order/order/")
    labels = page.evaluate("Array.from(document.querySelectorAll('.simplebar-content-wrapper')).map(e => e.getAttribute('aria-label'))")
    assert labels and set(labels) == {"Contenu défilant"}
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div aria-label=\"scrollable content\">x</div>')")
    assert english_leftovers(page) == ["scrollable content"]
