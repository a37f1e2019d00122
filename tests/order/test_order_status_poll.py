"""The customer's status poll and pay page read the database and the cache, never Stripe
(issue 14); the poll answers 304 with at most one query while nothing changed, and shows a
change made by the kitchen on its very next request."""
import pytest
from django.conf import settings
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


def poll_tag(client, url, **extra):
    """The ETag of a full answer, once the first answer has set the CSRF cookie it includes."""
    client.get(url, **extra)
    first = client.get(url, **extra)
    assert first.status_code == 200 and settings.CSRF_COOKIE_NAME in client.cookies
    return first


def test_the_304_says_what_the_full_answer_says_of_caching(shops, people, client_for):
    """The 304 is answered before the rest of the middleware (home/poll_middleware.py): it still
    carries the ETag, never-store and Vary: Cookie, so no shared cache gives it to someone else."""
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    first = poll_tag(client, url)
    client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])  # the first 304 keeps the user's entry

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"] == "no-store"
    assert "Cookie" in again["Vary"] and "Cookie" in first["Vary"]
    assert queries.captured_queries == []


def test_the_304_is_given_under_a_script_prefix(shops, people, client_for):
    """Behind a proxy that mounts the site under a prefix (SCRIPT_NAME), the poll's path is
    still recognised: its URL comes from urls.py, as the page's own script gets it."""
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    path = reverse("order:status", args=[order.number])
    first = poll_tag(client, path, SCRIPT_NAME="/oc")
    assert first.wsgi_request.path == f"/oc{path}"
    client.get(path, SCRIPT_NAME="/oc", HTTP_IF_NONE_MATCH=first["ETag"])  # keeps the user's entry

    with CaptureQueriesContext(connection) as queries:
        again = client.get(path, SCRIPT_NAME="/oc", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert queries.captured_queries == []


def test_a_poll_without_the_csrf_cookie_of_its_etag_gets_the_full_answer(shops, people, client_for):
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    first = poll_tag(client, url)
    client.cookies.pop(settings.CSRF_COOKIE_NAME)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and 'data-status="to_prepare"' in again.content.decode()


@pytest.mark.parametrize("shape", ["{url}x/", "{url}../", "/mes-commandes//statut/", "/mes-commandes/{long}/statut/",
                                   "{url}?x=1", "POST"])
def test_only_the_polls_get_is_answered_before_the_stack(shops, people, client_for, shape):
    """A path beside the poll's, or another method, with the poll's ETag, goes through the
    stack: the answer is the one the site gives it without an ETag, never a 304."""
    order = cash_order(shops, people["customer"])
    client = client_for(people["customer"])
    url = reverse("order:status", args=[order.number])
    tag = poll_tag(client, url)["ETag"]

    if shape == "POST":  # a poll only reads: 405, with or without the ETag
        response = client.post(url, HTTP_IF_NONE_MATCH=tag)
        expected = client.post(url)
        assert expected.status_code == 405
    else:
        target = shape.format(url=url, long="A" * (Order._meta.get_field("number").max_length + 1))
        response = client.get(target, HTTP_IF_NONE_MATCH=tag)
        expected = client.get(target)

    if shape == "{url}?x=1":  # the query string is not part of the path: the same poll
        assert response.status_code == 304
    else:
        assert response.status_code == expected.status_code != 304
