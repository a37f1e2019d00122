"""The kitchen and driver queues' refresh answers 304 while the queue is the same (issue 14),
and the full list again once an order moved or a reminder was added: the order services and the
reminders renew the shop's queue version in the cache when their transaction commits
(django_capture_on_commit_callbacks runs those callbacks, as a real commit would)."""
import pytest
from django.urls import reverse

from order.services import accept_order, finish_order
from tests.factories import OrderFactory
from tests.support.chain_fixtures import people, shops  # noqa: F401 (fixtures: the factory-built chain)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def same_minute(monkeypatch):
    """The ETag includes the minute (the cards say how late an order is): held still here."""
    from order.admin import queues

    monkeypatch.setattr(queues, "clock_minute", lambda: "2026-11-30T12:00:00+00:00")


@pytest.mark.parametrize("queue, role", [("order_kitchen_partial", "pizzaiolo"), ("order_drivers_partial", "driver")])
def test_queue_refresh_is_304_until_an_order_moves(
    shops, people, client_for, queue, role, django_capture_on_commit_callbacks
):
    order = OrderFactory(pizzeria=shops["bastille"], customer=people["customer"], fulfilment="delivery")
    client = client_for(people[role])
    url = reverse(f"admin:{queue}") + "?shop=bastille"
    first = client.get(url)
    tag = client.get(url)["ETag"]  # the first answer may have set the CSRF cookie the ETag includes

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=tag)
    with django_capture_on_commit_callbacks(execute=True):
        accept_order(order, by=people["pizzaiolo"])
        finish_order(order, by=people["pizzaiolo"])
    moved = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert first.status_code == 200
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert moved.status_code == 200 and moved["ETag"] != tag
    assert order.number in moved.content.decode() if role == "driver" else order.number not in moved.content.decode()


def test_kitchen_refresh_shows_a_new_reminder(shops, people, client_for, django_capture_on_commit_callbacks):
    from product.models import Reminder

    order = OrderFactory(pizzeria=shops["bastille"], customer=people["customer"])
    product = order.lines.first().product
    client = client_for(people["pizzaiolo"])
    url = reverse("admin:order_kitchen_partial") + "?shop=bastille"
    client.get(url)
    tag = client.get(url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        Reminder.objects.create(product=product, author=people["pizzaiolo"], title="Four", content="Bien chaud")
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 200 and "Bien chaud" in response.content.decode()


def test_queue_etag_belongs_to_its_user(shops, people, client_for):
    url = reverse("admin:order_kitchen_partial") + "?shop=bastille"
    cook = client_for(people["pizzaiolo"])
    cook.get(url)
    tag = cook.get(url)["ETag"]

    assert client_for(people["manager"]).get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200
    assert client_for(people["customer"]).get(url, HTTP_IF_NONE_MATCH=tag).status_code == 302
