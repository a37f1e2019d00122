"""F-OM-2..6, F-ORD-5/6: the order workflow through its services, on data built by the factories."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Sum

from order.models import Order, Payment
from order.services import (
    InsufficientStock,
    TransitionNotAllowed,
    accept_order,
    cancel_order,
    confirm_order,
    deliver_order,
    finish_order,
    place_order,
    record_failed_collection,
    refuse_order,
    take_order,
)
from pizzeria.models import StaffMembership, Stock, StockMovement
from tests.factories import PizzeriaFactory, StaffFactory, UserFactory, crew, small_menu, stock_up


@pytest.fixture
def scene(db):
    """A stocked shop and its crew, a second shop without mozzarella and its own manager, a customer."""
    menu = small_menu()
    shop = PizzeriaFactory(name="OC Pizza Bastille")
    stock_up(shop, {menu.tomato: "8000", menu.mozza: "6000", menu.ham: "3000", menu.garlic: "100"})
    no_cheese = PizzeriaFactory(name="OC Pizza Montmartre")
    stock_up(no_cheese, {menu.tomato: "8000", menu.mozza: "0", menu.ham: "3000", menu.garlic: "100"})
    other = PizzeriaFactory(name="OC Pizza Boulogne")
    people = crew(shop)
    people["manager_boulogne"] = StaffFactory(pizzeria=other, role=StaffMembership.Role.MANAGER)
    people["customer"] = UserFactory()
    return SimpleNamespace(menu=menu, shop=shop, no_cheese=no_cheese, people=people)


def stock_of(shop, ingredient):
    return Stock.objects.get(pizzeria=shop, ingredient=ingredient)


def ledger_matches(shop):
    for stock in Stock.objects.filter(pizzeria=shop):
        # SQLite sums decimals as floats: compare at the column's 3 decimal places.
        total = Decimal(stock.movements.aggregate(s=Sum("delta"))["s"] or 0).quantize(Decimal("0.001"))
        assert stock.quantity == total, stock


def record_card_payment(order):
    """What order.payments records when Stripe says a card attempt for the whole total succeeded."""
    from order import payments

    Payment.objects.create(order=order, kind=Payment.Kind.CHARGE, provider=Payment.Provider.STRIPE,
                           status=Payment.Status.SUCCEEDED, amount=order.total, intent_id=f"pi_test_{order.pk}")
    payments.refresh_payment_totals(order)


def web_order(shop, customer, *lines, payment_method="on_delivery", fulfilment="delivery"):
    return place_order(
        pizzeria=shop,
        customer=customer,
        lines=list(lines),
        fulfilment=fulfilment,
        payment_method=payment_method,
        channel="web",
        address=customer.addresses.first(),
        by=customer,
    )


@pytest.mark.django_db
def test_place_order_prices_server_side_and_routes_by_payment(scene):
    customer = scene.people["customer"]
    reine = scene.menu.reine
    on_delivery = web_order(scene.shop, customer, (scene.menu.reine, 2), (scene.menu.cola, 1))
    assert on_delivery.status == Order.Status.TO_PREPARE
    assert on_delivery.payment_status == Order.PaymentStatus.TO_PAY_ON_DELIVERY
    assert on_delivery.total == reine.selling_price * 2 + scene.menu.cola.selling_price
    assert on_delivery.delivery_line == customer.addresses.first().line
    assert [line.unit_price for line in on_delivery.lines.all()][0] == reine.selling_price

    card = web_order(scene.shop, customer, (scene.menu.reine, 1), payment_method="card_online")
    assert card.status == Order.Status.AWAITING_CONFIRMATION
    assert card.payment_status == Order.PaymentStatus.AWAITING_PAYMENT
    with pytest.raises(TransitionNotAllowed, match="pas payée"):
        confirm_order(card)  # the invariant: no card order reaches the kitchen unpaid
    record_card_payment(card)
    confirm_order(card)
    card.refresh_from_db()
    assert card.status == Order.Status.TO_PREPARE and card.confirmed_at


@pytest.mark.django_db
def test_place_order_refuses_inactive_unavailable_and_empty(scene):
    customer = scene.people["customer"]
    count = Order.objects.count()
    reine = scene.menu.reine
    reine.is_active = False
    reine.save()
    with pytest.raises(ValidationError, match="plus à la carte"):
        web_order(scene.shop, customer, (scene.menu.reine, 1))
    # Montmartre has no mozzarella: a margherita cannot be ordered there.
    with pytest.raises(ValidationError, match="indisponible"):
        web_order(scene.no_cheese, customer, (scene.menu.margherita, 1))
    with pytest.raises(ValidationError, match="vide"):
        place_order(pizzeria=scene.shop, customer=customer, lines=[], fulfilment="pickup",
                    payment_method="on_delivery", channel="web")
    with pytest.raises(ValidationError):
        place_order(pizzeria=scene.shop, customer=customer, lines=[(scene.menu.margherita, 1)],
                    fulfilment="delivery", payment_method="on_delivery", channel="web", address=None)
    assert Order.objects.count() == count


@pytest.mark.django_db
def test_phone_order_for_new_contact_needs_shop_staff(scene):
    lines = [(scene.menu.margherita, 1)]
    contact = {"name": "Jeanne Martin", "phone": "0601020304"}
    address = {"line": "3 rue de la Roquette", "postcode": "75011", "city": "Paris"}
    with pytest.raises(ValidationError, match="équipe"):
        place_order(pizzeria=scene.shop, customer=None, lines=lines, fulfilment="delivery",
                    payment_method="on_delivery", channel="phone", address=address, contact=contact,
                    by=scene.people["driver"])
    order = place_order(pizzeria=scene.shop, customer=None, lines=lines, fulfilment="delivery",
                        payment_method="on_delivery", channel="phone", address=address, contact=contact,
                        by=scene.people["pizzaiolo"])
    assert order.customer_name == "Jeanne Martin" and order.created_by == scene.people["pizzaiolo"]
    assert order.status == Order.Status.TO_PREPARE and order.delivery_city == "Paris"


@pytest.mark.django_db
def test_full_delivery_path_takes_stock_once_and_records_everyone(scene, django_capture_on_commit_callbacks):
    shop = scene.shop
    mozza_before = stock_of(shop, scene.menu.mozza).quantity
    with django_capture_on_commit_callbacks(execute=True):
        order = web_order(shop, scene.people["customer"], (scene.menu.margherita, 2))
        accept_order(order, by=scene.people["pizzaiolo"])
        finish_order(order, by=scene.people["pizzaiolo"])
        take_order(order, by=scene.people["driver"])
        deliver_order(order, by=scene.people["driver"], collected="50", method="cash")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.pizzaiolo == scene.people["pizzaiolo"] and order.driver == scene.people["driver"]
    assert order.delivered_at and order.collected_amount == Decimal("50.00")
    assert order.payment_status == Order.PaymentStatus.PAID
    recipe = scene.menu.margherita.recipe_lines.get(ingredient=scene.menu.mozza).quantity
    assert stock_of(shop, scene.menu.mozza).quantity == mozza_before - 2 * recipe
    assert order.stock_movements.filter(reason=StockMovement.Reason.ORDER).count() == scene.menu.margherita.recipe_lines.count()
    ledger_matches(shop)
    # One e-mail per status: to prepare, in preparation, ready, out for delivery, delivered.
    assert [m.to for m in mail.outbox] == [[scene.people["customer"].email]] * 5
    assert order.number in mail.outbox[-1].subject


@pytest.mark.django_db
def test_accept_short_of_stock_takes_nothing_and_lists_missing(scene):
    shop = scene.shop
    order = web_order(shop, scene.people["customer"], (scene.menu.margherita, 3))
    from pizzeria.services import count_stock

    mozza = stock_of(shop, scene.menu.mozza)
    count_stock(pizzeria=shop, ingredient=mozza.ingredient, counted=Decimal("0.1"))
    before = {s.pk: s.quantity for s in Stock.objects.filter(pizzeria=shop)}
    with pytest.raises(InsufficientStock) as info:
        accept_order(order, by=scene.people["pizzaiolo"])
    assert [m[0].name for m in info.value.missing] == ["Mozzarella"]
    assert info.value.missing[0][2] == Decimal("0.1")
    assert "Mozzarella" in str(info.value)
    assert {s.pk: s.quantity for s in Stock.objects.filter(pizzeria=shop)} == before
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    refuse_order(order, by=scene.people["pizzaiolo"], reason="Plus de mozzarella")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUSED and order.refusal_reason == "Plus de mozzarella"
    ledger_matches(shop)


@pytest.mark.django_db
def test_refused_transitions_change_nothing(scene):
    shop = scene.shop
    order = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1))
    with pytest.raises(TransitionNotAllowed, match="rôle"):
        accept_order(order, by=scene.people["driver"])  # a driver does not cook
    with pytest.raises(TransitionNotAllowed, match="rôle"):
        accept_order(order, by=scene.people["manager_boulogne"])  # not their shop
    with pytest.raises(TransitionNotAllowed, match="À préparer"):
        finish_order(order, by=scene.people["pizzaiolo"])  # not accepted yet
    with pytest.raises(TransitionNotAllowed):
        take_order(order, by=scene.people["driver"])
    with pytest.raises(TransitionNotAllowed):
        confirm_order(order)  # already confirmed
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE and order.pizzaiolo is None
    accept_order(order, by=scene.people["pizzaiolo"])
    with pytest.raises(TransitionNotAllowed):
        accept_order(order, by=scene.people["pizzaiolo"])  # twice would take stock twice
    with pytest.raises(TransitionNotAllowed, match="rôle"):
        cancel_order(order, by=scene.people["customer"], reason="trop tard")
    with pytest.raises(TransitionNotAllowed, match="rôle"):
        cancel_order(order, by=scene.people["pizzaiolo"], reason="trop tard")


@pytest.mark.django_db
def test_cancel_rule_returns_stock_only_when_asked_in_preparation(scene):
    shop = scene.shop
    manager = scene.people["manager"]
    before = stock_of(shop, scene.menu.mozza).quantity

    early = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1))
    cancel_order(early, by=scene.people["customer"], reason="Je me suis trompé")
    assert early.status == Order.Status.CANCELLED and not early.stock_movements.exists()

    returned = web_order(shop, scene.people["customer"], (scene.menu.margherita, 2))
    accept_order(returned, by=scene.people["pizzaiolo"])
    assert stock_of(shop, scene.menu.mozza).quantity < before
    with pytest.raises(ValidationError):
        cancel_order(returned, by=manager, reason="")  # accepted: a reason is required
    cancel_order(returned, by=manager, reason="Client injoignable", restock=True)
    assert stock_of(shop, scene.menu.mozza).quantity == before
    assert returned.stock_movements.filter(reason=StockMovement.Reason.ORDER_RETURN).exists()

    kept = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1))
    accept_order(kept, by=scene.people["pizzaiolo"])
    finish_order(kept, by=scene.people["pizzaiolo"])
    with pytest.raises(ValidationError, match="en préparation"):
        cancel_order(kept, by=manager, reason="Brûlée", restock=True)  # already baked
    cancel_order(kept, by=manager, reason="Brûlée")
    assert stock_of(shop, scene.menu.mozza).quantity < before  # consumed, and the ledger says by whom
    ledger_matches(shop)


@pytest.mark.django_db
def test_failed_card_at_door_can_be_retried_or_paid_cash(scene):
    shop = scene.shop
    driver = scene.people["driver"]
    order = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1))
    accept_order(order, by=scene.people["pizzaiolo"])
    finish_order(order, by=scene.people["pizzaiolo"])
    take_order(order, by=driver)
    record_failed_collection(order, by=driver, message="Carte refusée")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert order.status == Order.Status.OUT_FOR_DELIVERY
    with pytest.raises(ValidationError, match="inférieur"):
        deliver_order(order, by=driver, collected="1", method="cash")
    with pytest.raises(ValidationError, match="espèces ou carte"):
        deliver_order(order, by=driver, collected=str(order.total), method="cheque")
    deliver_order(order, by=driver, collected=str(order.total), method="cash")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED and order.payment_status == Order.PaymentStatus.PAID
    assert list(order.payments.order_by("pk").values_list("status", "provider")) == [
        (Payment.Status.FAILED, Payment.Provider.CARD_TERMINAL),
        (Payment.Status.SUCCEEDED, Payment.Provider.CASH),
    ]


@pytest.mark.django_db
def test_mail_failure_does_not_undo_transition(scene, settings, django_capture_on_commit_callbacks, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    order = web_order(scene.shop, scene.people["customer"], (scene.menu.margherita, 1))
    with django_capture_on_commit_callbacks(execute=True):
        accept_order(order, by=scene.people["pizzaiolo"])
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION
    # The e-mail is a job: it failed once and waits for its next attempt (tests/jobs).
    assert "order.tasks.send_status_email) attempt 1 failed" in caplog.text


@pytest.mark.django_db
def test_paid_online_order_is_delivered_without_collection_unpaid_one_is_not(scene):
    shop, driver = scene.shop, scene.people["driver"]
    paid = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1), payment_method="card_online")
    record_card_payment(paid)
    confirm_order(paid)
    paid.refresh_from_db()
    accept_order(paid, by=scene.people["pizzaiolo"])
    finish_order(paid, by=scene.people["pizzaiolo"])
    take_order(paid, by=driver)
    deliver_order(paid, by=driver)
    paid.refresh_from_db()
    assert paid.status == Order.Status.DELIVERED and paid.collected_amount is None

    unpaid = web_order(shop, scene.people["customer"], (scene.menu.margherita, 1), payment_method="card_online")
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.OUT_FOR_DELIVERY)
    unpaid.refresh_from_db()
    with pytest.raises(TransitionNotAllowed, match="pas payée"):
        deliver_order(unpaid, by=driver)
