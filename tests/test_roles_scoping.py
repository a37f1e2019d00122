"""Every role's login sees only what that role should, in lists, object URLs and forged POSTs."""
import pytest

from order.models import Order
from pizzeria.models import Pizzeria, Stock


def _ids(response):
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.mark.django_db
def test_head_office_sees_every_shop(demo_users, client_for):
    response = client_for(demo_users["head_office"]).get("/admin/pizzeria/pizzeria/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == Pizzeria.objects.count() == 8


@pytest.mark.django_db
def test_manager_sees_only_own_shops_stock_and_orders(demo_users, shops, client_for):
    client = client_for(demo_users["manager"])
    own = {shops["bastille"].pk, shops["montmartre"].pk}

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
def test_manager_of_shop_a_gets_404_on_shop_b_by_url(demo_users, shops, client_for):
    client = client_for(demo_users["manager"])
    other_stock = Stock.objects.filter(pizzeria=shops["boulogne"]).first()
    other_order = Order.objects.filter(pizzeria=shops["boulogne"]).first()
    assert other_stock and other_order

    assert client.get(f"/admin/pizzeria/stock/{other_stock.pk}/change/").status_code == 404
    assert client.get(f"/admin/order/order/{other_order.pk}/change/").status_code == 404
    assert client.get(f"/admin/order/order/{other_order.pk}/history/").status_code == 404
    assert client.get(f"/admin/pizzeria/pizzeria/{shops['boulogne'].pk}/change/").status_code == 404
    # a forged POST changes nothing either
    response = client.post(f"/admin/order/order/{other_order.pk}/change/", {"customer_note": "pirate"})
    assert response.status_code == 404
    other_order.refresh_from_db()
    assert other_order.customer_note == ""


@pytest.mark.django_db
def test_manager_cannot_edit_the_menu(demo_users, client_for):
    client = client_for(demo_users["manager"])
    assert client.get("/admin/product/product/").status_code == 200  # reads the menu
    assert client.get("/admin/product/product/add/").status_code == 403
    assert client.get("/admin/account/user/add/").status_code == 403


@pytest.mark.django_db
def test_pizzaiolo_sees_own_shop_orders_and_stock_not_users(demo_users, shops, client_for):
    client = client_for(demo_users["pizzaiolo"])
    orders = client.get("/admin/order/order/")
    assert orders.status_code == 200
    assert {o.pizzeria_id for o in orders.context["cl"].result_list} == {shops["bastille"].pk}
    assert client.get("/admin/pizzeria/stock/").status_code == 200
    assert client.get("/admin/account/user/").status_code == 403
    assert client.get("/admin/pizzeria/staffmembership/").status_code == 403


@pytest.mark.django_db
def test_driver_sees_orders_only(demo_users, shops, client_for):
    client = client_for(demo_users["driver"])
    orders = client.get("/admin/order/order/")
    assert orders.status_code == 200
    assert {o.pizzeria_id for o in orders.context["cl"].result_list} == {shops["bastille"].pk}
    assert client.get("/admin/pizzeria/stock/").status_code == 403
    assert client.get("/admin/product/product/add/").status_code == 403


@pytest.mark.django_db
def test_customer_cannot_enter_the_admin(demo_users, client_for):
    response = client_for(demo_users["customer"]).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_demo_logins_work_through_the_admin_login_form(demo_data, client):
    from tests.conftest import DEMO_PASSWORD

    # no `next`: a staff member who opens /admin/login/ lands on the admin, not the public site
    response = client.post("/admin/login/", {"username": "gerant@ocpizza.fr", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
