"""Every action × status × person: allowed exactly where the workflow says (written out by hand
here, independently of order.workflow), refused everywhere else through the service, the order
page's button (forged POST), the list's bulk action and the queues' button, with nothing changed
(the order's whole row)."""
import pytest
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.urls import reverse

from order.models import Order
from order.services import TransitionNotAllowed, place_order, run_transition
from pizzeria.models import StaffMembership
from product.models import Product
from tests.factories import (
    HeadOfficeFactory, IngredientFactory, PizzeriaFactory, ProductFactory, StaffFactory, UserFactory, crew, stock_up,
)

S = Order.Status
PEOPLE = ("customer", "pizzaiolo", "driver", "manager", "manager_boulogne", "head_office")

# (action, fulfilment) -> {status: people allowed}; everything not listed is refused.
ALLOWED = {
    ("accept", "delivery"): {S.TO_PREPARE: {"pizzaiolo", "manager", "head_office"}},
    ("refuse", "delivery"): {S.TO_PREPARE: {"pizzaiolo", "manager", "head_office"}},
    ("finish", "delivery"): {S.IN_PREPARATION: {"pizzaiolo", "manager", "head_office"}},
    ("take", "delivery"): {S.READY: {"driver", "manager", "head_office"}},
    ("take", "pickup"): {},
    ("deliver", "delivery"): {S.OUT_FOR_DELIVERY: {"driver", "manager", "head_office"}},
    ("deliver", "pickup"): {S.READY: {"pizzaiolo", "manager", "head_office"}},
    ("cancel", "delivery"): {
        S.AWAITING_CONFIRMATION: {"customer", "pizzaiolo", "manager", "head_office"},
        S.TO_PREPARE: {"customer", "pizzaiolo", "manager", "head_office"},
        S.IN_PREPARATION: {"manager", "head_office"},
        S.READY: {"manager", "head_office"},
        S.OUT_FOR_DELIVERY: {"manager", "head_office"},
    },
    ("confirm", "delivery"): {},  # people never confirm: only the payment code (by=None) does
}


@pytest.fixture
def two_shops(db):
    """The shop where the orders are placed (stocked through the ledger) and another one."""
    return {"bastille": PizzeriaFactory(), "boulogne": PizzeriaFactory()}


@pytest.fixture
def marinara(two_shops):
    tomato, garlic = IngredientFactory(name="Sauce tomate"), IngredientFactory(name="Ail")
    stock_up(two_shops["bastille"], {tomato: "100000", garlic: "10000"})
    return ProductFactory(name="Marinara", recipe={tomato: "100", garlic: "2"})


@pytest.fixture
def people(two_shops, marinara):
    """One person per PEOPLE entry: the shop's crew, another shop's manager, head office, a customer."""
    found = crew(two_shops["bastille"])
    found["manager_boulogne"] = StaffFactory(pizzeria=two_shops["boulogne"], role=StaffMembership.Role.MANAGER)
    found["head_office"] = HeadOfficeFactory()
    found["customer"] = UserFactory()
    assert set(found) == set(PEOPLE)
    return found


def order_in(status, shop, customer, fulfilment):
    order = place_order(
        pizzeria=shop, customer=customer, lines=[(Product.objects.get(name="Marinara"), 1)], fulfilment=fulfilment,
        payment_method="on_delivery", channel="web",
        address=customer.addresses.first() if fulfilment == "delivery" else None, by=customer,
    )
    Order.objects.filter(pk=order.pk).update(status=status)  # set the scene directly
    order.refresh_from_db()
    return order


def snapshot(order):
    """The order's whole row: what a refused check must leave exactly as it was."""
    return Order.objects.filter(pk=order.pk).values().get()


@pytest.mark.django_db
@pytest.mark.parametrize("action, fulfilment", list(ALLOWED))
def test_matrix(action, fulfilment, two_shops, people, client_for):
    shop = two_shops["bastille"]
    customer = people["customer"]
    extra = {"reason": "test", "collected": None, "method": "cash"}
    # One login per staff member for the whole test (placing orders and logging in were most of
    # its time). A refused POST only adds an error message (in the messages cookie, which no check
    # reads): it neither logs out nor rotates the session; the login is asserted after each POSTs.
    clients = {person: client_for(people[person]) for person in PEOPLE if person != "customer"}
    for status in S.values:
        # One order per status, shared by the six people: each check must leave its row as placed
        # (refusals change nothing, an allowed move is rolled back), asserted after each person,
        # so that every person is checked against the same order as a freshly placed one.
        placed = order_in(status, shop, customer, fulfilment)
        as_placed = snapshot(placed)
        extra["collected"] = placed.total
        for person in PEOPLE:
            user = people[person]
            allowed = person in ALLOWED[(action, fulfilment)].get(status, set())
            order = Order.objects.get(pk=placed.pk)  # services change the instance they are given
            if allowed:
                with transaction.atomic():  # a savepoint: stock, history, figures go back too
                    run_transition(order, action, by=user, **extra)
                    order.refresh_from_db()
                    assert order.status != status, (action, status, person)
                    transaction.set_rollback(True)
                assert snapshot(order) == as_placed, (action, status, person)
                continue
            with pytest.raises(TransitionNotAllowed):
                run_transition(order, action, by=user, **extra)
            if person == "customer":
                assert snapshot(order) == as_placed, (action, status, person)
                continue  # customers have no admin
            client = clients[person]
            forged = client.post(reverse(f"admin:order_order_detail_{action}", args=[order.pk]),
                                 {"confirm": "1", **extra}) if action != "confirm" else None
            if forged is not None:
                assert forged.status_code in (403, 404), (action, status, person, forged.status_code)
            client.post(reverse("admin:order_order_changelist"),
                        {"action": f"bulk_{action}", "_selected_action": [order.pk], "confirm_reason": "1",
                         "reason": "test"})
            client.post(reverse("admin:order_queue_act", args=[order.pk, action]),
                        {"kind": "kitchen", "reason": "test", "collected": str(order.total), "method": "cash"})
            assert client.session.get(SESSION_KEY) == str(user.pk), (action, status, person)  # still logged in
            order.refresh_from_db()
            assert order.status == status, (action, status, person)
            assert snapshot(order) == as_placed, (action, status, person)


@pytest.mark.django_db
def test_system_confirms_only_awaiting_orders(two_shops, people):
    customer = people["customer"]
    for status in S.values:
        order = order_in(status, two_shops["bastille"], customer, "delivery")
        if status == S.AWAITING_CONFIRMATION:
            run_transition(order, "confirm", by=None)
            order.refresh_from_db()
            assert order.status == S.TO_PREPARE
        else:
            with pytest.raises(TransitionNotAllowed):
                run_transition(order, "confirm", by=None)
    with pytest.raises(TransitionNotAllowed):  # the system does not cook
        run_transition(order_in(S.TO_PREPARE, two_shops["bastille"], customer, "delivery"), "accept", by=None)
