"""Issue 13 H2: what a user may do on an object is decided by the roles held in THAT object's
pizzeria, never by the union of their roles in every shop.

Mixed users: a pizzaiolo of Bastille who manages Boulogne; a driver of Bastille who manages
Boulogne; a driver of Bastille who cooks in Boulogne.
"""
from decimal import Decimal

import pytest
from django.urls import reverse

from account.models import User
from order.models import Payment
from order.services import place_order
from pizzeria.models import Pizzeria, StaffMembership, Stock
from product.models import Product
from tests.support.admin_forms import admin_form_data, snapshot
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


def _staff(email, **roles):
    user = User.objects.create_user(email=email, password="pizza-demo-2026", is_staff=True)
    for slug, role in roles.items():
        StaffMembership.objects.create(user=user, pizzeria=Pizzeria.objects.get(slug=slug), role=role)
    return user


@pytest.fixture
def cook_and_manager(shops):
    return _staff("mixte@ocpizza.fr", bastille="pizzaiolo", boulogne="manager")


@pytest.mark.django_db
def test_pizzaiolo_here_manager_there_cannot_staff_or_edit_this_shop(cook_and_manager, people, shops, client_for):
    bastille, boulogne = shops["bastille"], shops["boulogne"]
    client = client_for(cook_and_manager)
    url = reverse("admin:pizzeria_pizzeria_change", args=[bastille.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False  # read-only: a pizzaiolo here
    assert not any(i.formset.model is StaffMembership for i in page.context["inline_admin_formsets"])

    # the attack of the issue: himself as Bastille manager through the staff inline, radius 0.1 km
    head_office_page = client_for(people["head_office"]).get(url)
    data = admin_form_data(head_office_page, delivery_radius_km="0.1")
    prefix = next(i.formset.prefix for i in head_office_page.context["inline_admin_formsets"]
                  if i.formset.model is StaffMembership)
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-TOTAL_FORMS": total + 1, f"{prefix}-{total}-user": cook_and_manager.pk,
                 f"{prefix}-{total}-role": "manager"})
    before = snapshot(bastille)
    response = client.post(url, data)
    assert response.status_code == 403
    assert snapshot(bastille) == before
    assert not StaffMembership.objects.filter(user=cook_and_manager, pizzeria=bastille, role="manager").exists()

    # where he is manager, he manages
    boulogne_url = reverse("admin:pizzeria_pizzeria_change", args=[boulogne.pk])
    data = admin_form_data(client.get(boulogne_url), delivery_radius_km="7.5")
    assert client.post(boulogne_url, data).status_code == 302
    boulogne.refresh_from_db()
    assert boulogne.delivery_radius_km == Decimal("7.5")


@pytest.mark.django_db
def test_membership_add_form_offers_and_accepts_only_shops_where_the_role_adds(cook_and_manager, shops, client_for):
    bastille, boulogne = shops["bastille"], shops["boulogne"]
    client = client_for(cook_and_manager)
    url = reverse("admin:pizzeria_staffmembership_add")
    page = client.get(url)
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields["pizzeria"].queryset) == {boulogne}
    new_hire = User.objects.create_user(email="nouveau@ocpizza.fr", password="pizza-demo-2026", is_staff=True)

    response = client.post(url, {"user": new_hire.pk, "pizzeria": bastille.pk, "role": "manager"})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    response = client.post(url, {"user": cook_and_manager.pk, "pizzeria": bastille.pk, "role": "manager"})
    assert response.status_code == 200
    assert not StaffMembership.objects.filter(pizzeria=bastille, role="manager", user__in=[new_hire, cook_and_manager]).exists()

    assert client.post(url, {"user": new_hire.pk, "pizzeria": boulogne.pk, "role": "driver"}).status_code == 302
    assert StaffMembership.objects.filter(user=new_hire, pizzeria=boulogne, role="driver").exists()


@pytest.mark.django_db
def test_this_shops_memberships_cannot_be_changed_or_deleted_by_the_manager_of_another(cook_and_manager, people, shops, client_for):
    bastille_cook = StaffMembership.objects.get(user=people["pizzaiolo"], pizzeria=shops["bastille"])
    client = client_for(cook_and_manager)
    change = reverse("admin:pizzeria_staffmembership_change", args=[bastille_cook.pk])
    assert client.get(change).status_code == 404
    assert client.post(change, {"user": bastille_cook.user_id, "pizzeria": bastille_cook.pizzeria_id,
                                "role": "manager"}).status_code == 404
    # bulk delete with a forged id: the action only sees rows of the shops he manages
    response = client.post(reverse("admin:pizzeria_staffmembership_changelist"), {
        "action": "delete_selected", "_selected_action": [bastille_cook.pk], "post": "yes",
    })
    assert response.status_code in (200, 302)
    bastille_cook.refresh_from_db()
    assert bastille_cook.role == "pizzaiolo"


@pytest.mark.django_db
def test_driver_here_manager_there_reads_no_payment_of_this_shop(people, shops, client_for):
    user = _staff("mixte2@ocpizza.fr", bastille="driver", boulogne="manager")
    customer = people["customer"]
    order = place_order(
        pizzeria=shops["bastille"], customer=customer, lines=[(Product.objects.get(slug="margherita"), 1)],
        fulfilment="delivery", payment_method="card_online", address=customer.addresses.get(is_default=True),
    )
    payment = Payment.objects.create(order=order, amount=order.total, intent_id="pi_mixed")
    client = client_for(user)
    assert client.get(reverse("admin:order_payment_change", args=[payment.pk])).status_code == 404
    listing = client.get(reverse("admin:order_payment_changelist"))
    assert listing.status_code == 200 and payment not in listing.context["cl"].result_list
    # the order page (a driver reads it) does not show the payment rows of this shop either
    page = client.get(reverse("admin:order_order_change", args=[order.pk]))
    assert page.status_code == 200
    assert not any(i.formset.model is Payment for i in page.context["inline_admin_formsets"])
    assert "pi_mixed" not in page.content.decode()


@pytest.mark.django_db
def test_driver_here_cook_there_sees_and_counts_only_the_other_shops_stock(shops, client_for):
    user = _staff("mixte3@ocpizza.fr", bastille="driver", boulogne="pizzaiolo")
    bastille_stock = Stock.objects.filter(pizzeria=shops["bastille"]).first()
    client = client_for(user)
    assert client.get(reverse("admin:pizzeria_stock_change", args=[bastille_stock.pk])).status_code == 404
    listing = client.get(reverse("admin:pizzeria_stock_changelist") + "?all=1")
    assert {s.pizzeria_id for s in listing.context["cl"].result_list} == {shops["boulogne"].pk}
    page = client.get(reverse("admin:pizzeria_stock_shop_stock") + "?shop=bastille")
    assert page.status_code == 200
    assert page.context["shops"] == [shops["boulogne"]] and page.context["shop"] == shops["boulogne"]
    # the pizzeria page of Bastille (readable: a driver there) lists no stock
    bastille_page = client.get(reverse("admin:pizzeria_pizzeria_change", args=[shops["bastille"].pk]))
    assert bastille_page.status_code == 200
    assert not any(i.formset.model is Stock for i in bastille_page.context["inline_admin_formsets"])
