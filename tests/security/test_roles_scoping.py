"""Every role's login sees only what that role should, in lists, object URLs and forged POSTs."""
import pytest

from order.models import Order
from pizzeria.models import Pizzeria, StaffMembership, Stock
from tests.factories import (
    HeadOfficeFactory, IngredientFactory, OrderFactory, PizzeriaFactory, ProductFactory, StaffFactory, UserFactory,
    stock_up,
)

Role = StaffMembership.Role


@pytest.fixture
def stocked_shops(db):
    """Three stocked_shops, each with stock (through the ledger) and an order; a closed fourth one."""
    found = {slug: PizzeriaFactory(name=f"OC Pizza {slug}") for slug in ("bastille", "montmartre", "boulogne")}
    found["nanterre"] = PizzeriaFactory(name="OC Pizza nanterre", status=Pizzeria.Status.CLOSED)
    tomato, mozza = IngredientFactory(name="Sauce tomate"), IngredientFactory(name="Mozzarella")
    margherita = ProductFactory(name="Margherita", recipe={tomato: "80", mozza: "125"})
    customer = UserFactory()
    for slug in ("bastille", "montmartre", "boulogne"):
        stock_up(found[slug], {tomato: "5000", mozza: "5000"})
        OrderFactory(pizzeria=found[slug], customer=customer, lines=[(margherita, 1)])
    return found


@pytest.fixture
def people(stocked_shops):
    """One login per role, as in the demo, built by the factories."""
    manager = StaffFactory(pizzeria=stocked_shops["bastille"], role=Role.MANAGER)
    StaffMembership.objects.create(user=manager, pizzeria=stocked_shops["montmartre"], role=Role.MANAGER)
    return {
        "head_office": HeadOfficeFactory(),
        "manager": manager,
        "manager_boulogne": StaffFactory(pizzeria=stocked_shops["boulogne"], role=Role.MANAGER),
        "pizzaiolo": StaffFactory(pizzeria=stocked_shops["bastille"], role=Role.PIZZAIOLO),
        "driver": StaffFactory(pizzeria=stocked_shops["bastille"], role=Role.DRIVER),
        "customer": UserFactory(),
    }


def _ids(response):
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.django_db
def test_head_office_sees_every_shop(people, stocked_shops, client_for):
    response = client_for(people["head_office"]).get("/admin/pizzeria/pizzeria/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == Pizzeria.objects.count() == len(stocked_shops)


@pytest.mark.django_db
def test_manager_sees_only_own_shops_stock_and_orders(people, stocked_shops, client_for):
    client = client_for(people["manager"])
    own = {stocked_shops["bastille"].pk, stocked_shops["montmartre"].pk}

    stock_page = client.get("/admin/pizzeria/stock/?all=1")
    assert stock_page.status_code == 200
    assert {s.pizzeria_id for s in stock_page.context["cl"].result_list} <= own
    assert stock_page.context["cl"].result_count == Stock.objects.filter(pizzeria__in=own).count()

    orders_page = client.get("/admin/order/order/")
    assert orders_page.status_code == 200
    assert _ids(orders_page) == set(Order.objects.filter(pizzeria__in=own).values_list("pk", flat=True))

    pizzerias = client.get("/admin/pizzeria/pizzeria/")
    assert _ids(pizzerias) == own


@pytest.mark.django_db
def test_manager_of_shop_a_gets_404_on_shop_b_by_url(people, stocked_shops, client_for):
    client = client_for(people["manager"])
    other_stock = Stock.objects.filter(pizzeria=stocked_shops["boulogne"]).first()
    other_order = Order.objects.filter(pizzeria=stocked_shops["boulogne"]).first()
    assert other_stock and other_order

    assert client.get(f"/admin/pizzeria/stock/{other_stock.pk}/change/").status_code == 404
    assert client.get(f"/admin/order/order/{other_order.pk}/change/").status_code == 404
    assert client.get(f"/admin/order/order/{other_order.pk}/history/").status_code == 404
    assert client.get(f"/admin/pizzeria/pizzeria/{stocked_shops['boulogne'].pk}/change/").status_code == 404
    # a forged POST changes nothing either
    response = client.post(f"/admin/order/order/{other_order.pk}/change/", {"customer_note": "pirate"})
    assert response.status_code == 404
    other_order.refresh_from_db()
    assert other_order.customer_note == ""


@pytest.mark.django_db
def test_manager_cannot_edit_the_menu(people, client_for):
    client = client_for(people["manager"])
    assert client.get("/admin/product/product/").status_code == 200  # reads the menu
    assert client.get("/admin/product/product/add/").status_code == 403
    assert client.get("/admin/account/user/add/").status_code == 403


@pytest.mark.django_db
def test_pizzaiolo_sees_own_shop_orders_and_stock_not_users(people, stocked_shops, client_for):
    client = client_for(people["pizzaiolo"])
    orders = client.get("/admin/order/order/")
    assert orders.status_code == 200
    assert {o.pizzeria_id for o in orders.context["cl"].result_list} == {stocked_shops["bastille"].pk}
    assert client.get("/admin/pizzeria/stock/").status_code == 200
    assert client.get("/admin/account/user/").status_code == 403
    assert client.get("/admin/pizzeria/staffmembership/").status_code == 403


@pytest.mark.django_db
def test_driver_sees_orders_only(people, stocked_shops, client_for):
    client = client_for(people["driver"])
    orders = client.get("/admin/order/order/")
    assert orders.status_code == 200
    assert {o.pizzeria_id for o in orders.context["cl"].result_list} == {stocked_shops["bastille"].pk}
    assert client.get("/admin/pizzeria/stock/").status_code == 403
    assert client.get("/admin/product/product/add/").status_code == 403


@pytest.mark.django_db
def test_customer_cannot_enter_the_admin(people, client_for):
    response = client_for(people["customer"]).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_demo_logins_work_through_the_admin_login_form(demo_data, client):
    """End to end on the real demo data: its manager logs in with the demo password."""
    from tests.conftest import DEMO_PASSWORD

    # no `next`: a staff member who opens /admin/login/ lands on the admin, not the public site
    response = client.post("/admin/login/", {"username": "gerant@ocpizza.fr", "password": DEMO_PASSWORD})
    # each role lands on its own screen (issue 19): /compte/accueil/ sends a manager to the admin
    assert response.status_code == 302 and response["Location"] == "/compte/accueil/"
    assert client.get("/compte/accueil/")["Location"].startswith("/admin/")
    assert client.get("/admin/").status_code == 200
