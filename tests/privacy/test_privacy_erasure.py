"""A customer's account is erased (issue 18, F-BOOK-4): the books stay identical, the person is
gone from orders, addresses, accounts and every audit row; refused while an order is in progress."""
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import serializers
from django.db.models import Sum
from django.urls import reverse

from account.models import Address, User
from order.daily_figures import rebuild as rebuild_daily_figures
from order.models import DailySales, Order, OrderLine, Payment
from pizzeria.models import StockMovement
from privacy.services import ErasureRefused, erase_customer
from tests.factories import HeadOfficeFactory, OrderFactory, PASSWORD
from tests.privacy.scene import two_customers
from tests.support.sessions import log_in

pytestmark = pytest.mark.django_db


def personal_rows():
    """Every row that could hold a person, serialised: orders, lines, payments, accounts,
    addresses, their audit history and the admin log."""
    models = [Order, Order.history.model, OrderLine, Payment, Payment.history.model, User, User.history.model,
              Address, Address.history.model, LogEntry]
    return "".join(serializers.serialize("json", model.objects.all()) for model in models)


def books():
    """What the accounts depend on, to the cent."""
    return {
        "orders": list(Order.objects.order_by("pk").values_list(
            "pk", "number", "pizzeria_id", "status", "total", "amount_paid", "amount_refunded", "collected_amount",
            "collected_method", "payment_status", "created_at", "delivered_at")),
        "lines": list(OrderLine.objects.order_by("pk").values_list("pk", "order_id", "product_id", "quantity", "unit_price")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "order_id", "kind", "status", "amount")),
        "ledger": list(StockMovement.objects.order_by("pk").values_list("pk", "delta", "quantity_after", "order_id")),
        "daily": list(DailySales.objects.order_by("pizzeria_id", "day").values_list("pizzeria_id", "day", "counted", "revenue")),
        "sales": Order.objects.filter(status=Order.Status.DELIVERED).aggregate(total=Sum("total"))["total"],
    }


def test_erasure_keeps_the_books_and_leaves_no_personal_data():
    scene = two_customers()
    assert all(trace in personal_rows() for trace in scene.alice_traces)
    before = books()

    erasure = erase_customer(user=scene.alice)

    assert (erasure.orders, erasure.addresses) == (3, 2)
    rows = personal_rows()
    for trace in scene.alice_traces:
        assert trace not in rows, trace
    for trace in scene.bob_traces:
        assert trace in rows, trace  # another customer untouched
    assert books() == before
    rebuild_daily_figures()
    assert books() == before  # the figures rebuilt from the anonymised orders are the same
    alice = User.objects.get(pk=scene.alice.pk)
    assert not alice.is_active and not alice.has_usable_password() and alice.email.endswith("@anonyme.invalid")
    kept = Order.objects.get(pk=scene.alice_orders[0].pk)
    assert (kept.customer_id, kept.customer_name, kept.delivery_line) == (None, "Client anonymisé", "Adresse effacée")
    assert not Address.objects.filter(user=alice).exists()


def test_an_order_in_progress_defers_the_erasure_and_nothing_is_written():
    scene = two_customers()
    waiting = OrderFactory(pizzeria=scene.chain.shops["bastille"], customer=scene.alice, lines=[(scene.menu.reine, 1)])
    rows = personal_rows()

    with pytest.raises(ErasureRefused) as refused:
        erase_customer(user=scene.alice)

    assert waiting.number in refused.value.message and "en cours" in refused.value.message
    assert personal_rows() == rows


def test_the_customer_deletes_the_account_with_the_password_and_every_session_ends(client):
    scene = two_customers()
    log_in(client, scene.alice)
    from django.test import Client

    other_device = log_in(Client(), scene.alice)
    url = reverse("account:delete")
    assert "mot de passe" in client.get(url).content.decode()

    wrong = client.post(url, {"password": "pas le bon"})
    assert "Mot de passe incorrect" in wrong.content.decode()
    assert User.objects.get(pk=scene.alice.pk).is_active

    done = client.post(url, {"password": PASSWORD}, follow=True)

    assert "Votre compte est supprimé" in done.content.decode()
    assert "alice.martin" not in personal_rows()
    for device in (client, other_device):
        page = device.get(reverse("account:profile"))
        assert page.status_code == 302 and "/compte/connexion/" in page.url
    assert not any(
        str(s.get_decoded().get("_auth_user_id")) == str(scene.alice.pk) for s in Session.objects.all()
    )


def test_the_customer_is_told_why_while_an_order_is_in_progress(client):
    scene = two_customers()
    waiting = OrderFactory(pizzeria=scene.chain.shops["bastille"], customer=scene.alice, lines=[(scene.menu.reine, 1)])
    log_in(client, scene.alice)

    page = client.post(reverse("account:delete"), {"password": PASSWORD})

    assert page.status_code == 409
    assert f"La commande {waiting.number} est en cours" in page.content.decode()
    assert User.objects.get(pk=scene.alice.pk).email == "alice.martin@example.test"


def test_head_office_erases_on_request_from_the_user_page(client):
    scene = two_customers()
    log_in(client, HeadOfficeFactory())
    url = reverse("admin:account_user_detail_erase", args=[scene.bob.pk])
    assert "Supprimer les données" in client.get(url).content.decode()

    page = client.post(url, {"confirm": "1"}, follow=True)

    assert "Données du client effacées : 1 commande(s) anonymisée(s), 1 adresse(s) supprimée(s)." in page.content.decode()
    rows = personal_rows()
    assert not any(trace in rows for trace in scene.bob_traces)


@pytest.mark.parametrize("role", ["manager", "pizzaiolo", "driver", "customer"])
def test_only_head_office_erases(client, role):
    scene = two_customers()
    log_in(client, scene.chain.people[role])

    page = client.post(reverse("admin:account_user_detail_erase", args=[scene.bob.pk]), {"confirm": "1"})

    assert page.status_code in (302, 403, 404)
    assert User.objects.get(pk=scene.bob.pk).email == "bob.leroy@example.test"


def test_head_office_cannot_erase_a_staff_account(client):
    scene = two_customers()
    log_in(client, HeadOfficeFactory())
    manager = scene.chain.people["manager"]
    page = client.post(reverse("admin:account_user_detail_erase", args=[manager.pk]), {"confirm": "1"})
    assert page.status_code == 404
    assert User.objects.get(pk=manager.pk).is_active
