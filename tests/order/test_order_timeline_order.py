"""Issue 19: steps shown at the same minute follow the order's story."""
from datetime import datetime, timedelta, timezone

import pytest

from order.models import Order
from order.tracking import order_timeline
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db


def test_same_minute_steps_follow_the_story():
    order = OrderFactory(fulfilment=Order.Fulfilment.PICKUP)
    minute = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
    # Recorded out of order within the minute (clocks, retries): delivered a second "before" ready.
    Order.objects.filter(pk=order.pk).update(
        created_at=minute + timedelta(seconds=1), confirmed_at=minute + timedelta(seconds=2),
        accepted_at=minute + timedelta(seconds=30), ready_at=minute + timedelta(seconds=50),
        delivered_at=minute + timedelta(seconds=49),
    )
    order.refresh_from_db()
    labels = [step.label for step in order_timeline(order)]
    assert labels.index("Prête : à venir chercher") < labels.index("Remise au client")
    assert labels[0] == "Commande passée"
