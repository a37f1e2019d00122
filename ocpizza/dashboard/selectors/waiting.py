"""The orders not finished now, per shop and status (the dashboard's "waiting" table).

One query whatever the number of orders or shops.
"""
from django.db.models import Count

from order.models import Order

WAITING_STATUSES = [
    Order.Status.AWAITING_CONFIRMATION,
    Order.Status.TO_PREPARE,
    Order.Status.IN_PREPARATION,
    Order.Status.READY,
    Order.Status.OUT_FOR_DELIVERY,
]


def waiting_orders(*, pizzerias):
    """{pizzeria_id: {status: count}} of the orders not finished now (whatever the period)."""
    result = {p.pk: {status: 0 for status in WAITING_STATUSES} for p in pizzerias}
    for row in (
        Order.objects.filter(pizzeria__in=pizzerias, status__in=WAITING_STATUSES)
        .values("pizzeria_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        result[row["pizzeria_id"]][row["status"]] = row["count"]
    return result

