"""The kitchen that gets attention (issue 17): a new order rings until someone acknowledges it
and escalates to the manager; accepting from the kitchen screen prints the ticket and the bag
label once; a reprint is asked for; every print is recorded. Each write is POSTed per role."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from order.kitchen import print_on_acceptance
from order.models import Order, OrderPrint
from order.services import place_order
from pizzeria.hours import slot_ceil

pytestmark = pytest.mark.django_db


def new_order(chain, *, slot=None, shop="bastille"):
    customer = chain.people["customer"]
    return place_order(
        pizzeria=chain.shops[shop], customer=customer, lines=[(chain.menu.margherita, 1)],
        fulfilment="pickup", payment_method="on_delivery", by=customer, slot=slot,
    )


def kitchen(client, shop="bastille"):
    return client.get(reverse("admin:order_kitchen") + f"?shop={shop}")


def act(client, order, name, **data):
    return client.post(reverse("admin:order_queue_act", args=[order.pk, name]), {"kind": "kitchen", **data})


def test_a_new_order_rings_until_the_kitchen_acknowledges_it(chain, client_for):
    order = new_order(chain)
    pizzaiolo = client_for(chain.people["pizzaiolo"])
    page = kitchen(pizzaiolo)
    assert 'data-ringing="1"' in page.content.decode() and "oc-ringing" in page.content.decode()

    for refused in (chain.people["driver"], chain.people["manager_boulogne"], chain.people["customer"]):
        act(client_for(refused), order, "acknowledge")
        order.refresh_from_db()
        assert order.acknowledged_at is None, refused

    act(pizzaiolo, order, "acknowledge")
    order.refresh_from_db()
    assert order.acknowledged_at is not None and order.acknowledged_by == chain.people["pizzaiolo"]
    assert 'data-ringing="0"' in kitchen(pizzaiolo).content.decode()


def test_an_order_left_ringing_escalates_to_the_manager(chain, client_for):
    order = new_order(chain)
    url = reverse("admin:order_kitchen_alerts")
    manager = client_for(chain.people["manager"])
    assert manager.get(url).json() == {"escalated": []}  # rings in the kitchen only, for now
    Order.objects.filter(pk=order.pk).update(confirmed_at=timezone.now() - timedelta(minutes=4))
    assert [o["number"] for o in manager.get(url).json()["escalated"]] == [order.number]
    assert client_for(chain.people["manager_boulogne"]).get(url).json() == {"escalated": []}  # not his shop
    assert client_for(chain.people["pizzaiolo"]).get(url).status_code == 403
    act(client_for(chain.people["pizzaiolo"]), order, "acknowledge")
    assert manager.get(url).json() == {"escalated": []}


def test_accepting_prints_the_ticket_and_label_once(chain, client_for):
    order = new_order(chain)
    pizzaiolo = client_for(chain.people["pizzaiolo"])
    act(pizzaiolo, order, "accept")
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION and order.printed_at is not None
    prints = list(order.prints.values_list("kind", "automatic", "by"))
    assert sorted(prints) == [("label", True, chain.people["pizzaiolo"].pk), ("ticket", True, chain.people["pizzaiolo"].pk)]

    first = kitchen(pizzaiolo).content.decode()
    ticket = reverse("admin:order_ticket", args=[order.pk])
    assert f'src="{ticket}?print=1&amp;kinds=ticket,label"' in first
    assert "?print=1" not in kitchen(pizzaiolo).content.decode()  # a reload prints nothing

    act(pizzaiolo, order, "accept")  # a second click: refused by the workflow, nothing printed
    assert not print_on_acceptance(order, by=chain.people["pizzaiolo"])
    assert order.prints.count() == 2


def test_a_reprint_is_asked_for_and_recorded(chain, client_for):
    order = new_order(chain)
    pizzaiolo = client_for(chain.people["pizzaiolo"])
    act(pizzaiolo, order, "accept")
    kitchen(pizzaiolo)  # the automatic print is done

    for refused in (chain.people["driver"], chain.people["manager_boulogne"]):
        act(client_for(refused), order, "reprint", kinds="label")
    assert order.prints.filter(automatic=False).count() == 0

    act(client_for(chain.people["manager"]), order, "reprint", kinds="label")
    reprint = order.prints.get(automatic=False)
    assert reprint.kind == OrderPrint.Kind.LABEL and reprint.by == chain.people["manager"]


def test_the_ticket_is_an_80_mm_page_with_a_qr_code(chain, client_for):
    order = new_order(chain)
    act(client_for(chain.people["pizzaiolo"]), order, "accept")
    url = reverse("admin:order_ticket", args=[order.pk])
    page = client_for(chain.people["pizzaiolo"]).get(url + "?print=1").content.decode()
    assert "size: 80mm auto" in page and "<svg" in page and "window.print()" in page
    assert order.number in page and "1 × Margherita" in page and chain.shops["bastille"].name in page
    assert client_for(chain.people["driver"]).get(url).status_code == 403
    assert client_for(chain.people["pizzaiolo"]).get(url).content.decode().count("window.print()") == 0


def test_the_kitchen_orders_by_due_time_shows_later_slots_apart_and_colours_late_orders(chain, client_for):
    soon = new_order(chain)
    later = new_order(chain, slot=slot_ceil(timezone.now() + timedelta(hours=3)))
    late = new_order(chain)
    Order.objects.filter(pk=late.pk).update(ready_by=timezone.now() - timedelta(minutes=5))
    response = kitchen(client_for(chain.people["pizzaiolo"]))
    assert [c["order"].number for c in response.context["cards"]] == [late.number, soon.number]
    assert [c["order"].number for c in response.context["future_cards"]] == [later.number]
    assert [c["lateness"] for c in response.context["cards"]] == ["late", ""]
    assert 'data-lateness="late"' in response.content.decode()


def test_the_manager_pauses_orders_and_the_pause_ends_by_itself(chain, client_for):
    shop = chain.shops["bastille"]
    url = reverse("admin:order_kitchen_pause")
    for refused in (chain.people["pizzaiolo"], chain.people["manager_boulogne"]):
        client_for(refused).post(url, {"shop": shop.slug, "minutes": "30"})
    shop.refresh_from_db()
    assert shop.paused_until is None

    manager = client_for(chain.people["manager"])
    manager.post(url, {"shop": shop.slug, "minutes": "45"})  # not one of the durations
    shop.refresh_from_db()
    assert shop.paused_until is None

    before = timezone.now()
    manager.post(url, {"shop": shop.slug, "minutes": "30"})
    shop.refresh_from_db()
    assert before + timedelta(minutes=30) <= shop.paused_until <= timezone.now() + timedelta(minutes=30)
    assert "Commandes en pause" in kitchen(manager).content.decode()
    manager.post(url, {"shop": shop.slug, "minutes": "resume"})
    shop.refresh_from_db()
    assert shop.paused_until is None
