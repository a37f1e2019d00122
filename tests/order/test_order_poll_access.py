"""The polled pages' 304 (issue 14) is answered before the full page's checks, from the session
and one small query: it must never answer someone the full page would refuse, nor a stale 304.

Each case takes an ETag a legitimate user was given, then changes who asks or what they may do,
and checks the answer is what the page gives without an ETag (a login redirect, a 403, a 404, or
the full list), never 304."""
import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from order.models import Order
from order.services import place_order
from pizzeria.models import Pizzeria, StaffMembership
from pizzeria.slots import pause_orders
from product.models import Product
from tests.factories.people import StaffFactory
from tests.support.chain_fixtures import people, shops  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db

KITCHEN = reverse("admin:order_kitchen_partial") + "?shop=bastille"
DRIVERS = reverse("admin:order_drivers_partial") + "?shop=bastille"


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    """The queues' ETag includes the minute (the cards say how late an order is): held still."""
    from order.admin import queues

    monkeypatch.setattr(queues, "clock_minute", lambda: "2026-11-30T12:00:00+00:00")


def tag_of(client, url):
    client.get(url)  # the first answer may set the CSRF cookie the ETag includes
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def status_url(shops, people):
    order = place_order(
        pizzeria=shops["bastille"], customer=people["customer"], lines=[(Product.objects.get(slug="margherita"), 1)],
        fulfilment=Order.Fulfilment.PICKUP, payment_method=Order.PaymentMethod.ON_DELIVERY,
        channel=Order.Channel.WEB, by=people["customer"],
    )
    return reverse("order:status", args=[order.number])


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), (DRIVERS, "driver")])
def test_queue_304_costs_one_query(shops, people, client_for, url, role):
    client = client_for(people[role])
    tag = tag_of(client, url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304
    assert "no-cache" in response["Cache-Control"]  # as every admin view
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_a_driver_cannot_poll_the_kitchen_even_with_its_etag(shops, people, client_for):
    tag = tag_of(client_for(people["pizzaiolo"]), KITCHEN)

    assert client_for(people["driver"]).get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


def test_a_pizzaiolo_of_another_shop_gets_no_304_for_bastille(shops, people, client_for):
    tag = tag_of(client_for(people["pizzaiolo"]), KITCHEN)
    other = StaffFactory(pizzeria=shops["montmartre"], role=StaffMembership.Role.PIZZAIOLO)

    response = client_for(other).get(KITCHEN, HTTP_IF_NONE_MATCH=tag)

    # What the page answers them without an ETag: their own shop's queue (the shop asked for is
    # not one of theirs), never Bastille's 304.
    assert response.status_code == 200
    assert response.status_code == client_for(other).get(KITCHEN).status_code


def test_a_removed_role_ends_the_304(shops, people, client_for):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    StaffMembership.objects.filter(user=people["pizzaiolo"]).delete()

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


def test_a_closed_shop_ends_the_304(shops, people, client_for):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    Pizzeria.objects.filter(slug="bastille").update(status=Pizzeria.Status.CLOSED)

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


@pytest.mark.parametrize("url", [KITCHEN, "status"])
def test_a_deactivated_account_gets_the_login_page_not_a_304(shops, people, client_for, url):
    user = people["pizzaiolo"] if url == KITCHEN else people["customer"]
    url = status_url(shops, people) if url == "status" else url
    client = client_for(user)
    tag = tag_of(client, url)
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 302 and "next=" in response["Location"]  # the login page


@pytest.mark.parametrize("url", [KITCHEN, "status"])
def test_a_password_changed_elsewhere_ends_the_304(shops, people, client_for, url):
    user = people["pizzaiolo"] if url == KITCHEN else people["customer"]
    url = status_url(shops, people) if url == "status" else url
    client = client_for(user)
    tag = tag_of(client, url)
    assert client.session[HASH_SESSION_KEY]
    user.set_password("un-autre-mot-de-passe-2026")
    user.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 302 and "next=" in response["Location"]  # the login page


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), (DRIVERS, "driver"), ("status", "customer")])
def test_a_cold_cache_gives_the_full_answer_never_a_stale_304(shops, people, client_for, url, role):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag = tag_of(client, url)
    session_data = dict(client.session.items())
    cache.clear()  # Redis restarted or the versions evicted (the session is in the database too)

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert dict(client.session.items()) == session_data
    assert response.status_code == 200 and response["ETag"] != tag
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_managers_pause_shows_on_the_next_kitchen_refresh(shops, people, client_for):
    client = client_for(people["manager"])
    tag = tag_of(client, KITCHEN)
    pause_orders(pizzeria=shops["bastille"], minutes=15, by=people["manager"])

    response = client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200 and response["ETag"] != tag
    # The 304's query reads the pause as the full page does: the new ETag holds.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert len(queries.captured_queries) == 1


def test_head_office_still_gets_its_304_through_the_full_check(shops, people, client_for):
    client = client_for(people["head_office"])
    tag = tag_of(client, KITCHEN)

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_an_anonymous_poll_goes_to_the_login_page_and_writes_nothing_to_the_cache(client, shops, people):
    url = status_url(shops, people)
    cache.clear()

    response = client.get(url, HTTP_IF_NONE_MATCH='"0123456789abcdef01234567"')

    assert response.status_code == 302 and "next=" in response["Location"]
    assert not cache.get_many([f"order-status-version:{url.split('/')[2]}"])
