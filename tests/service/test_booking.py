"""Placing an order for a time (issue 17): "as soon as possible" only while the shop takes
orders, later slots while it is closed or paused, and the promised time from the kitchen's load
and the shop's measured times, shown to the customer."""
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from order.models import Order
from order.promise import DEFAULT_PREPARATION, KITCHEN_BATCH, shop_times
from order.services import place_order
from pizzeria.hours import PARIS, slot_ceil
from pizzeria.models import OpeningHours, SpecialDay

pytestmark = pytest.mark.django_db


def place(chain, *, slot=None, fulfilment="pickup"):
    customer = chain.people["customer"]
    return place_order(
        pizzeria=chain.shops["bastille"], customer=customer, lines=[(chain.menu.margherita, 1)],
        fulfilment=fulfilment, payment_method="on_delivery", by=customer, slot=slot,
        address=customer.addresses.first() if fulfilment == "delivery" else None,
    )


def pause(shop, minutes=30):
    shop.paused_until = timezone.now() + timedelta(minutes=minutes)
    shop.save(update_fields=["paused_until"])


def test_as_soon_as_possible_is_promised_from_the_load(chain):
    shop = chain.shops["bastille"]
    first = place(chain)
    assert first.scheduled_for is None and first.slot_id is not None
    assert first.ready_by == first.promised_at  # a pickup: ready is when it is promised
    assert timedelta(0) < first.promised_at - first.created_at <= DEFAULT_PREPARATION + timedelta(seconds=5)
    for _ in range(KITCHEN_BATCH):
        place(chain)
    assert shop_times(pizzeria=shop, now=timezone.now()).load == KITCHEN_BATCH + 1
    busy = place(chain, fulfilment="delivery")
    # one batch ahead: two preparation times, then the road
    assert busy.promised_at - busy.ready_by == shop_times(pizzeria=shop, now=timezone.now()).delivery
    assert busy.ready_by - busy.created_at > 2 * DEFAULT_PREPARATION - timedelta(seconds=5)


def test_a_paused_shop_takes_only_later_slots_and_says_when_it_reopens(chain):
    shop = chain.shops["bastille"]
    pause(shop)
    with pytest.raises(ValidationError) as refused:
        place(chain)
    message = " ".join(refused.value.messages)
    assert "pause" in message and "reprend les commandes" in message
    too_soon = slot_ceil(timezone.now())
    with pytest.raises(ValidationError):
        place(chain, slot=too_soon)
    later = slot_ceil(shop.paused_until)
    order = place(chain, slot=later)
    assert order.scheduled_for == later == order.promised_at


def test_a_closed_date_takes_no_order_today_and_the_menu_says_when_it_reopens(chain, client):
    shop = chain.shops["bastille"]
    for weekday in range(7):
        OpeningHours.objects.create(pizzeria=shop, weekday=weekday, opens=time(11, 0), closes=time(23, 0))
    today = timezone.now().astimezone(PARIS).date()
    SpecialDay.objects.create(pizzeria=shop, date=today, closed=True, note="Inventaire")
    with pytest.raises(ValidationError) as refused:
        place(chain)
    assert "fermée" in " ".join(refused.value.messages)
    page = client.get(reverse("home:catalogue", args=[shop.slug])).content.decode()
    assert "fermée en ce moment" in page and "reprend les commandes" in page
    tomorrow_noon = timezone.make_aware(
        timezone.datetime.combine(today + timedelta(days=1), time(12, 0)), PARIS
    )
    assert place(chain, slot=tomorrow_noon).scheduled_for == tomorrow_noon


def test_a_slot_off_the_quarter_hour_is_refused(chain):
    odd = slot_ceil(timezone.now() + timedelta(hours=2)) + timedelta(minutes=5)
    with pytest.raises(ValidationError) as refused:
        place(chain, slot=odd)
    assert "n'est pas proposé" in " ".join(refused.value.messages)


def test_checkout_for_a_later_slot_while_paused_shows_the_promised_time(chain, client_for):
    shop, customer = chain.shops["bastille"], chain.people["customer"]
    pause(shop)
    client = client_for(customer)
    session = client.session
    session["ocpizza_cart"] = {"pizzeria_id": shop.pk, "lines": {str(chain.menu.margherita.pk): 1}}
    session.save()
    page = client.get(reverse("home:checkout"))
    assert page.status_code == 200, page
    choices = [value for value, _label in page.context["form"].fields["when"].choices]
    assert "asap" not in choices and choices  # paused: slots only, after the pause
    assert "pause" in page.content.decode()
    slot = choices[0]
    response = client.post(
        reverse("home:checkout"),
        {"number": page.context["form"].initial["number"], "fulfilment": "pickup", "payment_method": "on_delivery",
         "when": slot, "note": ""},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    order = Order.objects.get(customer=customer)
    assert order.scheduled_for.isoformat() == slot
    confirmation = client.get(response.url).content.decode()
    local = timezone.localtime(order.promised_at)
    assert f"{local:%H:%M}" in confirmation and "Prête à emporter" in confirmation
    assert f"{local:%H:%M}" in client.get(reverse("order:my_orders")).content.decode()
