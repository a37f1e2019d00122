"""The polled pages' 304 (issue 14) is answered before the full page's checks, from the cache
alone (the session, the versions and the entry of the user the ETag names, in one round trip;
no query): it must never answer someone the full page would refuse, nor a stale 304.

Each case takes an ETag a legitimate user was given (and a first 304, which puts the user's
entry in the cache), then changes who asks or what they may do, and checks the answer is what
the page gives without an ETag (a login redirect, a 403, a 404, or the full list), never 304.
The writes run their on_commit callbacks (django_capture_on_commit_callbacks), as a real commit
would: that is when the entries are marked forgotten and the versions renewed."""
import re

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from account import session_user
from order import freshness

from order.models import Order
from order.services import place_order
from pizzeria.models import Pizzeria, StaffMembership
from pizzeria.slots import pause_orders, resume_orders
from product.models import Product
from tests.factories.people import StaffFactory, UserFactory
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
    # A first 304: the user's entry is now in the cache, as it is for every poll after the first.
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    return response["ETag"]


def signature(response):
    return re.search(r'data-signature="([^"]*)"', response.content.decode())[1]


def queries_of(client, url, tag):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    return response, [q["sql"] for q in queries.captured_queries]


def status_url(shops, people):
    order = place_order(
        pizzeria=shops["bastille"], customer=people["customer"], lines=[(Product.objects.get(slug="margherita"), 1)],
        fulfilment=Order.Fulfilment.PICKUP, payment_method=Order.PaymentMethod.ON_DELIVERY,
        channel=Order.Channel.WEB, by=people["customer"],
    )
    return reverse("order:status", args=[order.number])


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), (DRIVERS, "driver"), ("status", "customer")])
def test_the_304_makes_no_query(shops, people, client_for, url, role):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag = tag_of(client, url)

    response, queries = queries_of(client, url, tag)

    assert response.status_code == 304 and response["ETag"] == tag, queries
    assert queries == []
    assert tag.startswith(f'"{people[role].pk}-')  # the user it was given to, in clear
    assert ("no-store" if role == "customer" else "no-cache") in response["Cache-Control"]  # as the full answer


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), (DRIVERS, "driver"), ("status", "customer")])
def test_a_missing_entry_costs_one_query_then_none(shops, people, client_for, url, role):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag = tag_of(client, url)
    pk = people[role].pk
    cache.delete_many([session_user.login_key(pk), freshness.queue_access_key(pk)])  # evicted

    first, first_queries = queries_of(client, url, tag)
    second, second_queries = queries_of(client, url, tag)

    assert first.status_code == 304 and len(first_queries) == 1, first_queries
    assert second.status_code == 304 and second_queries == []


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), ("status", "customer")])
def test_a_saved_user_costs_one_query_per_304_while_marked(
    shops, people, client_for, url, role, django_capture_on_commit_callbacks
):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag = tag_of(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        people[role].save()  # an edit that changes nothing the 304 needs

    for _poll in range(2):
        response, queries = queries_of(client, url, tag)
        # Read again each time and not kept: a poll that read the row just before a commit
        # cannot put the old row back over the mark (account.session_user).
        assert response.status_code == 304 and len(queries) == 1, queries


def test_the_login_itself_keeps_the_entry(shops, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    with django_capture_on_commit_callbacks(execute=True):
        people["pizzaiolo"].save(update_fields=["last_login"])  # what every login writes

    assert queries_of(client, KITCHEN, tag)[1] == []


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


def test_a_removed_role_ends_the_304(shops, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=people["pizzaiolo"]).delete()

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


def test_a_role_moved_to_someone_else_ends_the_former_holders_304(
    shops, people, client_for, django_capture_on_commit_callbacks
):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    role = StaffMembership.objects.get(user=people["pizzaiolo"], pizzeria=shops["bastille"])
    with django_capture_on_commit_callbacks(execute=True):
        role.user = StaffFactory(pizzeria=shops["montmartre"], role=StaffMembership.Role.DRIVER)
        role.save()

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


def test_a_closed_shop_ends_the_304(shops, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["pizzaiolo"])
    tag = tag_of(client, KITCHEN)
    shop = Pizzeria.objects.get(slug="bastille")
    shop.status = Pizzeria.Status.CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        shop.save()  # the admin's save (a bulk update would bypass the signal that renews the version)

    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag).status_code == 403


@pytest.mark.parametrize("url", [KITCHEN, "status"])
def test_a_deactivated_account_gets_the_login_page_not_a_304(
    shops, people, client_for, url, django_capture_on_commit_callbacks
):
    user = people["pizzaiolo"] if url == KITCHEN else people["customer"]
    url = status_url(shops, people) if url == "status" else url
    client = client_for(user)
    tag = tag_of(client, url)
    user.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        user.save(update_fields=["is_active"])  # as account.services does

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 302 and "next=" in response["Location"]  # the login page


@pytest.mark.parametrize("url", [KITCHEN, "status"])
def test_a_password_changed_elsewhere_ends_the_304(
    shops, people, client_for, url, django_capture_on_commit_callbacks
):
    user = people["pizzaiolo"] if url == KITCHEN else people["customer"]
    url = status_url(shops, people) if url == "status" else url
    client = client_for(user)
    tag = tag_of(client, url)
    assert client.session[HASH_SESSION_KEY]
    user.set_password("un-autre-mot-de-passe-2026")
    with django_capture_on_commit_callbacks(execute=True):
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


def test_the_managers_pause_shows_on_the_next_kitchen_refresh(shops, people, client_for, django_capture_on_commit_callbacks):
    client = client_for(people["manager"])
    tag = tag_of(client, KITCHEN)
    before = signature(client.get(KITCHEN))
    with django_capture_on_commit_callbacks(execute=True):
        pause_orders(pizzeria=shops["bastille"], minutes=15, by=people["manager"])

    response = client.get(KITCHEN, HTTP_IF_NONE_MATCH=tag)

    # The pause renewed the shop's queue version: the full list, which shows it.
    assert response.status_code == 200 and response["ETag"] != tag
    assert signature(response) != before  # the list's signature holds the pause
    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        resume_orders(pizzeria=shops["bastille"], by=people["manager"])
    assert client.get(KITCHEN, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


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


@pytest.mark.parametrize("url, owner", [(KITCHEN, "pizzaiolo"), (DRIVERS, "driver"), ("status", "customer")])
def test_another_users_session_with_the_same_etag_gets_no_304(shops, people, client_for, url, owner):
    url = status_url(shops, people) if url == "status" else url
    tag = tag_of(client_for(people[owner]), url)
    # Someone who may see the same page (the shop's manager) or nothing of it (another customer).
    other = people["manager"] if owner != "customer" else UserFactory()

    response = client_for(other).get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code in (200, 404)  # their own list (a new ETag), or not their order
    assert response.get("ETag") != tag


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), ("status", "customer")])
@pytest.mark.parametrize("sent", [
    "", "*", '"0123456789abcdef01234567"', '"abc-0123456789abcdef01234567"', '"-1-0123456789abcdef01234567"',
    '"{pk}"', '"{pk}-"', '"{pk}-not-hex"', 'W/"{pk}-0123456789abcdef01234567"', '"{other}-0123456789abcdef01234567"',
    '"{pk}-0123456789abcdef01234567", "{pk}-0123456789abcdef01234567"', '"99999999999999999999-0123456789abcdef01234567"',
])
def test_a_malformed_or_foreign_etag_gets_the_full_answer(shops, people, client_for, url, role, sent):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag_of(client, url)

    response = client.get(url, HTTP_IF_NONE_MATCH=sent.format(pk=people[role].pk, other=people["manager"].pk))

    assert response.status_code == 200 and response["ETag"].startswith(f'"{people[role].pk}-')


@pytest.mark.parametrize("url, role", [(KITCHEN, "pizzaiolo"), ("status", "customer")])
def test_a_logged_out_session_gets_no_304(shops, people, client_for, url, role):
    url = status_url(shops, people) if url == "status" else url
    client = client_for(people[role])
    tag = tag_of(client, url)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()  # the session is flushed on the server...
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # ...but the browser still sends its cookie

    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 302 and "next=" in response["Location"]  # the login page


def test_a_marked_entry_is_never_overwritten_by_a_poll_that_read_before_the_commit(shops, people):
    pk = people["customer"].pk
    stale = session_user.login_entry(pk)  # a poll read the row...
    cache.set_many({session_user.login_key(pk): session_user.FORGOTTEN})  # ...the commit marked the entry...
    assert session_user.user_entry(pk, session_user.login_key(pk), None, lambda _pk: stale) == stale  # ...it stores

    assert cache.get(session_user.login_key(pk)) == session_user.FORGOTTEN
