"""Every action × status × person: allowed exactly where the workflow says (written out by hand
here, independently of order.workflow), refused everywhere else through the service, the order
page's button (forged POST) and the list's bulk action, with nothing changed."""
import pytest
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


@pytest.mark.django_db
@pytest.mark.parametrize("action, fulfilment", list(ALLOWED))
def test_matrix(action, fulfilment, two_shops, people, client_for):
    shop = two_shops["bastille"]
    customer = people["customer"]
    extra = {"reason": "test", "collected": None, "method": "cash"}
    for status in S.values:
        for person in PEOPLE:
            user = people[person]
            allowed = person in ALLOWED[(action, fulfilment)].get(status, set())
            order = order_in(status, shop, customer, fulfilment)
            extra["collected"] = order.total
            if allowed:
                run_transition(order, action, by=user, **extra)
                order.refresh_from_db()
                assert order.status != status, (action, status, person)
                continue
            with pytest.raises(TransitionNotAllowed):
                run_transition(order, action, by=user, **extra)
            if person == "customer":
                continue  # customers have no admin
            client = client_for(user)
            forged = client.post(reverse(f"admin:order_order_detail_{action}", args=[order.pk]),
                                 {"confirm": "1", **extra}) if action != "confirm" else None
            if forged is not None:
                assert forged.status_code in (403, 404), (action, status, person, forged.status_code)
            client.post(reverse("admin:order_order_changelist"),
                        {"action": f"bulk_{action}", "_selected_action": [order.pk], "confirm_reason": "1",
                         "reason": "test"})
            client.post(reverse("admin:order_queue_act", args=[order.pk, action]),
                        {"kind": "kitchen", "reason": "test", "collected": str(order.total), "method": "cash"})
            order.refresh_from_db()
            assert order.status == status, (action, status, person)


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
