"""One lock order for every transaction that writes an order (order.locks, issue 14): the shop's
row, then the order's, ..., the shop-day figures row last; on MariaDB with real threads.

Seen in the lunch rush: a transaction that held its shop-day figures row (a card payment) then
moved the order, and the move waited for the shop's row (MariaDB checks the order's foreign key
to its shop), held by an order being placed (service slot) that waited for the figures row: a
deadlock, and a 500 at the till."""
import threading

import pytest
from django.db import transaction
from django.utils import timezone

from order import daily_figures
from order.services import accept_order, place_order
from pizzeria.models import Pizzeria
from tests.support.threads import run_together

pytestmark = [pytest.mark.mysql, pytest.mark.django_db(transaction=True)]


def test_figures_then_a_move_against_a_placement_do_not_deadlock(chain):
    shop, customer = chain.shops["bastille"], chain.people["customer"]
    order = place_order(
        pizzeria=shop, customer=customer, lines=[(chain.menu.margherita, 1)], fulfilment="pickup",
        payment_method="on_delivery", channel="web", by=customer,
    )
    day = daily_figures.paris_day(timezone.now())
    shop_row_locked, figures_locked = threading.Event(), threading.Event()

    def booking_a_slot(_index):
        # What a slot reservation does (pizzeria.slots): the shop's row first, then, as the new
        # order is booked, its shop-day figures.
        with transaction.atomic():
            Pizzeria.objects.select_for_update().get(pk=shop.pk)
            shop_row_locked.set()
            figures_locked.wait(2)  # with one lock order, the kitchen waits for us first
            daily_figures.refresh_day(pizzeria_id=shop.pk, day=day)
        return "booked"

    def kitchen(_index):
        # A transaction that has already written the day's figures, then accepts an order.
        with transaction.atomic():
            shop_row_locked.wait(5)
            daily_figures.refresh_day(pizzeria_id=shop.pk, day=day)
            figures_locked.set()
            accept_order(order, by=chain.people["pizzaiolo"])
        return "accepted"

    results = run_together(2, lambda index: (booking_a_slot, kitchen)[index](index))
    assert results == ["booked", "accepted"], results
    order.refresh_from_db()
    assert order.status == "in_preparation"
