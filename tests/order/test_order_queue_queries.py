"""The kitchen and driver queues ask the database a fixed number of times, however many paid card
orders they show: the payment invariant behind their buttons reads the prefetched payment rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from order.models import Order, Payment
from order.services import accept_order, confirm_order, finish_order
from tests.support.payments_helpers import card_order
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


pytestmark = pytest.mark.django_db


def paid_card_orders(shops, customer, count, fulfilment=Order.Fulfilment.DELIVERY):
    orders = []
    for _ in range(count):
        order = card_order(shops, customer, fulfilment=fulfilment)
        Payment.objects.create(
            order=order, kind=Payment.Kind.CHARGE, provider=Payment.Provider.STRIPE,
            status=Payment.Status.SUCCEEDED, amount=order.total, intent_id=f"pi_test_{order.pk}",
        )
        confirm_order(order, by=None)
        orders.append(order)
    return orders


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("queue", ["order_kitchen_partial", "order_drivers_partial"])
def test_queue_query_count_does_not_grow_with_paid_card_orders(shops, people, client_for, queue):
    customer, cook = people["customer"], people["pizzaiolo"]
    user = cook if queue == "order_kitchen_partial" else people["driver"]
    client = client_for(user)
    url = reverse(f"admin:{queue}") + f"?shop={shops['bastille'].slug}"

    def ready(orders):
        # Kitchen: half accepted (the card names the pizzaiolo); drivers: all ready to take.
        for index, order in enumerate(orders):
            if queue == "order_drivers_partial" or index % 2:
                accept_order(order, by=cook)
            if queue == "order_drivers_partial":
                finish_order(order, by=cook)
        return orders

    ready(paid_card_orders(shops, customer, 2))
    client.get(url)  # warm the session and the per-request caches
    few = queries_for(client, url)
    ready(paid_card_orders(shops, customer, 6))
    many = queries_for(client, url)
    assert many == few
