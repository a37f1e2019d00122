"""Issue 13 C1: simple-history's version page (/admin/<app>/<model>/<id>/history/<history_id>/)
is read-only for everyone. It used to save the historical instance on POST (read-only fields
and groups included) for anyone who could merely view the object."""
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from account.models import User
from order.models import Payment
from order.services import accept_order, deliver_order, finish_order, place_order, take_order
from pizzeria.models import StaffMembership, Stock
from product.models import Product
from tests.support.admin_forms import admin_form_data, snapshot
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


def _version_url(instance, version=None):
    version = version or instance.history.order_by("history_id").first()
    opts = instance._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[instance.pk, version.history_id])


def _change_data(client, instance, **changes):
    """What a browser would POST: the change form as head office sees it, with `changes`."""
    opts = instance._meta
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
    assert page.status_code == 200
    return admin_form_data(page, **changes)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@ocpizza.fr", password="pizza-demo-2026")


@pytest.mark.django_db
def test_manager_cannot_make_himself_superuser_through_history(people, client_for, superuser):
    manager = people["manager"]
    before = snapshot(manager)
    data = _change_data(client_for(superuser), manager, is_superuser="on", groups=[1, 2, 3, 4], email="pirate@example.test")
    response = client_for(manager).post(_version_url(manager), data)
    assert response.status_code == 403
    assert snapshot(manager) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, target, changes",
    [
        ("pizzaiolo", "product", {"price": "0.10"}),
        ("driver", "pizzeria", {"status": "closed", "delivery_radius_km": "0.1"}),
        ("manager", "customer", {"email": "pirate@example.test"}),
        ("manager", "head_office", {"email": "pirate@example.test"}),
        ("pizzaiolo", "stock", {"quantity": "0"}),
        ("manager", "payment", {"status": "succeeded", "amount": "0.01"}),
        ("driver", "delivered_order", {"status": "ready", "payment_status": "to_pay_on_delivery"}),
        ("head_office", "product", {"price": "0.10"}),
    ],
)
def test_history_version_post_changes_nothing(people, shops, client_for, superuser, role, target, changes):
    bastille = shops["bastille"]
    margherita = Product.objects.get(slug="margherita")
    if target in ("delivered_order", "payment", "stock"):
        order = place_order(
            pizzeria=bastille, customer=people["customer"], lines=[(margherita, 2)], fulfilment="delivery",
            payment_method="on_delivery", address=people["customer"].addresses.get(is_default=True),
        )
    instance = {
        "product": lambda: margherita,
        "pizzeria": lambda: bastille,
        "customer": lambda: people["customer"],
        "head_office": lambda: people["head_office"],
        # the stock line the order takes from, so that it has an older version to "revert" to
        "stock": lambda: (
            accept_order(order, by=people["pizzaiolo"])
            and Stock.objects.get(pizzeria=bastille, ingredient=margherita.recipe_lines.first().ingredient)
        ),
        "payment": lambda: Payment.objects.create(order=order, amount=order.total, intent_id="pi_history"),
        "delivered_order": lambda: deliver_order(
            take_order(finish_order(accept_order(order, by=people["pizzaiolo"]), by=people["pizzaiolo"]),
                       by=people["driver"]),
            by=people["driver"], collected=order.total, method="cash",
        ),
    }[target]()
    if target in ("customer", "head_office"):
        # attached to the manager's shop through the membership form before M1 was closed
        StaffMembership.objects.create(user=instance, pizzeria=bastille, role="driver")
    if target == "payment":
        Payment.objects.filter(pk=instance.pk).update(status="failed")  # an older version differs
        instance.refresh_from_db()
        instance.save()
    before = snapshot(instance)
    data = _change_data(client_for(superuser), instance, **changes)
    client = client_for(people[role])
    # reading the version stays possible for whoever may view the object
    page = client.get(_version_url(instance))
    assert page.status_code == 200
    response = client.post(_version_url(instance), data)
    assert response.status_code == 403
    assert snapshot(instance) == before


def _audited_admins():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]


@pytest.mark.django_db
def test_every_audited_model_refuses_a_history_post_even_from_a_superuser(demo_data, client_for, superuser):
    """Every admin inheriting simple-history's (through BusinessAdmin or not): nobody writes."""
    from order.models import Order

    Payment.objects.create(order=Order.objects.first(), amount=Decimal("1.00"), intent_id="pi_all")
    from product.models import Reminder

    Reminder.objects.create(product=Product.objects.first(), author=superuser, title="Pâte", content="48 h")
    client = client_for(superuser)
    audited = _audited_admins()
    assert len(audited) >= 12
    for model, _model_admin in audited:
        instance = model._default_manager.order_by("pk").first()
        assert instance is not None, model
        before = snapshot(instance)
        data = _change_data(client, instance)
        url = _version_url(instance)
        page = client.get(url)
        assert page.status_code == 200, model
        # shown, not editable: no form inputs for the fields, no "Revert" button
        assert all(field.disabled for field in page.context["adminform"].form.fields.values()), model
        assert page.context["revert_disabled"] is True
        response = client.post(url, data)
        assert response.status_code == 403, f"{model._meta.label}: {response.status_code}"
        assert snapshot(instance) == before, model


@pytest.mark.django_db
def test_history_version_page_shows_the_old_values(people, client_for):
    product = Product.objects.get(slug="margherita")
    old = product.history.order_by("history_id").first()
    old_price, new_price = f"{old.price:.2f}", f"{old.price + Decimal('2.50'):.2f}"
    product.price = Decimal(new_price)
    product.save()
    page = client_for(people["pizzaiolo"]).get(_version_url(product, old))
    assert page.status_code == 200
    html = page.content.decode()
    assert old_price.replace(".", ",") in html or old_price in html
    assert 'name="price"' not in html
    # and the list of changes says who changed what, for a reader too
    listing = client_for(people["pizzaiolo"]).get(reverse("admin:product_product_history", args=[product.pk]))
    assert listing.status_code == 200
    assert new_price.replace(".", ",") in listing.content.decode() or new_price in listing.content.decode()


@pytest.mark.django_db
def test_history_of_another_shops_object_is_not_readable(people, shops, client_for):
    boulogne = shops["boulogne"]
    client = client_for(people["pizzaiolo"])  # Bastille only
    assert client.get(reverse("admin:pizzeria_pizzeria_history", args=[boulogne.pk])).status_code == 404
    assert client.get(_version_url(boulogne)).status_code == 404
