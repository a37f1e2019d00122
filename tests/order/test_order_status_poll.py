"""The customer's status poll and pay page read the database and the cache, never Stripe
(issue 14); the poll answers 304 with at most one query while nothing changed, and shows a
change made by the kitchen on its very next request."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from order import stripe_gateway
from order.models import Order
from order.services import accept_order, place_order
from product.models import Product
from tests.factories.people import UserFactory
from tests.support.chain_fixtures import people, shops  # noqa: F401 (fixtures: the factory-built chain)
from tests.support.payments_helpers import card_order

pytestmark = pytest.mark.django_db


class RefusingStripeClient:
    """Stands for the Stripe client: any use of it fails the test."""

    def __getattr__(self, name):
        pytest.fail(f"a customer page called Stripe (client.{name})")


@pytest.fixture
def no_stripe(monkeypatch):
    """Every way to Stripe goes through order.stripe_gateway.get_client (the import contract
    says so): it now hands out a client that fails the test, and counts the attempts."""
    attempts = []

    def refuse():
        attempts.append("get_client")
        return RefusingStripeClient()

    monkeypatch.setattr(stripe_gateway, "get_client", refuse)
    return attempts


def cash_order(shops, customer):
    return place_order(
        pizzeria=shops["bastille"], customer=customer, lines=[(Product.objects.get(slug="margherita"), 1)],
        fulfilment=Order.Fulfilment.PICKUP, payment_method=Order.PaymentMethod.ON_DELIVERY,
        channel=Order.Channel.WEB, by=customer,
    )


def test_pay_page_and_status_poll_make_no_stripe_call(shops, people, client_for, no_stripe):
    order = card_order(shops, people["customer"])
    client = client_for(people["customer"])
    status_url = reverse("order:status", args=[order.number])

    pay = client.get(reverse("order:pay", args=[order.number]))
    first = client.get(status_url)
    again = client.get(status_url, HTTP_IF_NONE_MATCH=first["ETag"])
    detail = client.get(reverse("order:detail", args=[order.number]))

    assert pay.status_code == 200 and b"payment-form" in pay.content
    assert first.status_code == 200 and "Paiement en attente" in first.content.decode()
    assert again.status_code == 304
    assert detail.status_code == 200
    assert no_stripe == []


def test_status_poll_answers_304_with_one_query_while_nothing_changes(shops, people, client_for):
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    # The session comes from the cache; the one query is the logged-in user, by primary key.
    assert len(queries.captured_queries) <= 1, [q["sql"] for q in queries.captured_queries]


def test_status_poll_shows_the_kitchen_change_on_its_next_request(
    shops, people, client_for, django_capture_on_commit_callbacks
):
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    first = client.get(url)
    assert 'data-status="to_prepare"' in first.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        accept_order(order, by=people["pizzaiolo"])
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert after.status_code == 200
    assert 'data-status="in_preparation"' in after.content.decode()
    assert after["ETag"] != first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_another_customer_gets_404_even_with_the_owners_etag(shops, people, client_for):
    order = cash_order(shops, people["customer"])
    owner = client_for(people["customer"]).get(reverse("order:status", args=[order.number]))
    stranger = client_for(UserFactory())

    response = stranger.get(reverse("order:status", args=[order.number]), HTTP_IF_NONE_MATCH=owner["ETag"])

    assert response.status_code == 404


def test_status_poll_is_never_stored_by_the_browser(shops, people, client_for):
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert "no-store" in first["Cache-Control"] and "no-store" in again["Cache-Control"]
