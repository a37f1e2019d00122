"""Stock held at order (issue 17): placing an order reserves what its lines need, availability
subtracts the reservations, acceptance turns the reservation into the ledger movement, and a
cancellation, a refusal, an abandoned card payment or an expiry releases it. SQLite and MariaDB
alike; the 40-customer race is in test_stock_concurrency.py (MariaDB)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from order.checkout import change_order
from order.models import Order
from order.payments import PaymentError, record_card_refused, start_card_payment
from order.reservations import CARD_HOLD
from order.services import InsufficientStock, accept_order, cancel_order, confirm_order, place_order, refuse_order
from pizzeria.models import StaffMembership, Stock, StockReservation
from pizzeria.selectors import catalogue_version, product_availability
from pizzeria.services import purge_expired_reservations
from tests.factories import PizzeriaFactory, UserFactory, crew, small_menu, stock_up

MOZZA_PER_MARGHERITA = Decimal("125")


@pytest.fixture
def scene(db):
    """A shop with mozzarella for exactly 4 margheritas (plenty of the rest), its staff, a customer."""
    menu = small_menu()
    shop = PizzeriaFactory()
    stock_up(shop, {menu.tomato: "8000", menu.mozza: "500", menu.ham: "3000", menu.garlic: "100"})
    people = crew(shop, StaffMembership.Role.MANAGER, StaffMembership.Role.PIZZAIOLO)
    people["customer"] = UserFactory()
    return menu, shop, people


def place(shop, customer, *lines, payment_method="on_delivery"):
    return place_order(
        pizzeria=shop, customer=customer, lines=list(lines), fulfilment="pickup",
        payment_method=payment_method, channel="web", by=customer,
    )


def held(order):
    """{ingredient name: quantity} the order holds (expired or not)."""
    return {
        r.stock.ingredient.name: r.quantity
        for r in StockReservation.objects.filter(order=order).select_related("stock__ingredient")
    }


def makeable(shop, product):
    return product_availability(pizzeria=shop, product_ids=[product.pk])[product.pk].makeable


def mozza_stock(shop, menu):
    return Stock.objects.get(pizzeria=shop, ingredient=menu.mozza)


def assert_stock_equals_ledger(shop):
    for stock in Stock.objects.filter(pizzeria=shop):
        assert stock.quantity == (stock.movements.aggregate(s=Sum("delta"))["s"] or 0), stock


@pytest.mark.django_db
def test_placing_reserves_what_the_lines_need_and_availability_subtracts_it(scene):
    menu, shop, people = scene
    assert makeable(shop, menu.margherita) == 4
    order = place(shop, people["customer"], (menu.margherita, 3))
    assert held(order) == {"Mozzarella": 3 * MOZZA_PER_MARGHERITA, "Sauce tomate": Decimal("240")}
    # Held, not taken: the stock and its ledger have not moved.
    assert mozza_stock(shop, menu).quantity == Decimal("500")
    assert not order.stock_movements.exists()
    assert StockReservation.objects.get(order=order, stock__ingredient=menu.mozza).expires_at is None  # paid at the door
    assert makeable(shop, menu.margherita) == 1
    # The order being changed counts its own reservation as available to it.
    assert product_availability(pizzeria=shop, product_ids=[menu.margherita.pk], order=order)[menu.margherita.pk].makeable == 4


@pytest.mark.django_db
def test_an_order_the_reservations_leave_no_room_for_is_refused_with_the_shortfall(scene):
    menu, shop, people = scene
    place(shop, people["customer"], (menu.margherita, 3))
    with pytest.raises(ValidationError) as refused:
        place(shop, people["customer"], (menu.margherita, 2))
    assert "Il ne reste de quoi préparer que 1 × Margherita" in str(refused.value)
    assert Order.objects.count() == 1
    place(shop, people["customer"], (menu.margherita, 1))
    assert makeable(shop, menu.margherita) == 0


@pytest.mark.django_db
def test_two_products_sharing_the_last_mozzarella_are_refused_together(scene):
    menu, shop, people = scene
    # Each line alone fits (4 margheritas, 5 reines), both together need 500 + 100 g.
    with pytest.raises(ValidationError) as refused:
        place(shop, people["customer"], (menu.margherita, 4), (menu.reine, 1))
    assert "Il ne reste plus assez de Mozzarella dans cette pizzeria" in str(refused.value)
    assert not StockReservation.objects.exists() and not Order.objects.exists()


@pytest.mark.django_db
def test_acceptance_turns_the_reservation_into_the_ledger_movement(scene):
    menu, shop, people = scene
    first = place(shop, people["customer"], (menu.margherita, 2))
    second = place(shop, people["customer"], (menu.margherita, 2))
    accept_order(first, by=people["pizzaiolo"])
    assert held(first) == {}
    movement = first.stock_movements.get(stock__ingredient=menu.mozza)
    assert movement.delta == -2 * MOZZA_PER_MARGHERITA
    assert mozza_stock(shop, menu).quantity == Decimal("250")
    assert_stock_equals_ledger(shop)
    # The second order's reservation still holds what is left: nothing is available to others.
    assert makeable(shop, menu.margherita) == 0
    accept_order(second, by=people["pizzaiolo"])
    assert mozza_stock(shop, menu).quantity == 0
    assert not StockReservation.objects.exists()
    assert_stock_equals_ledger(shop)


@pytest.mark.django_db
def test_acceptance_cannot_take_what_other_orders_hold(scene):
    menu, shop, people = scene
    unheld = place(shop, people["customer"], (menu.margherita, 2))
    StockReservation.objects.filter(order=unheld).delete()  # placed before reservations existed
    place(shop, people["customer"], (menu.margherita, 3))  # holds 375 of the 500 g
    with pytest.raises(InsufficientStock) as short:
        accept_order(unheld, by=people["pizzaiolo"])
    [(ingredient, needed, available)] = short.value.missing
    assert (ingredient, needed, available) == (menu.mozza, Decimal("250"), Decimal("125"))
    assert mozza_stock(shop, menu).quantity == Decimal("500")


@pytest.mark.django_db
@pytest.mark.parametrize("stop", ["cancel", "refuse"])
def test_a_cancelled_or_refused_order_releases_its_reservation(scene, stop):
    menu, shop, people = scene
    order = place(shop, people["customer"], (menu.margherita, 4))
    assert makeable(shop, menu.margherita) == 0
    if stop == "cancel":
        cancel_order(order, by=people["customer"])
    else:
        refuse_order(order, by=people["pizzaiolo"], reason="Four en panne")
    assert held(order) == {}
    assert makeable(shop, menu.margherita) == 4
    assert mozza_stock(shop, menu).quantity == Decimal("500")
    assert_stock_equals_ledger(shop)


@pytest.mark.django_db
def test_a_card_order_holds_until_its_expiry_then_counts_for_nothing_and_is_purged(scene):
    menu, shop, people = scene
    before = timezone.now()
    order = place(shop, people["customer"], (menu.margherita, 4), payment_method="card_online")
    reservation = StockReservation.objects.get(order=order, stock__ingredient=menu.mozza)
    assert before + CARD_HOLD <= reservation.expires_at <= timezone.now() + CARD_HOLD
    assert makeable(shop, menu.margherita) == 0
    version = catalogue_version(pizzeria=shop)

    StockReservation.objects.filter(order=order).update(expires_at=timezone.now() - timedelta(seconds=1))
    # Expired: every computation ignores it, and the menu's cache key has changed with it.
    assert makeable(shop, menu.margherita) == 4
    assert catalogue_version(pizzeria=shop) != version
    other = place(shop, people["customer"], (menu.margherita, 4))
    assert held(other)["Mozzarella"] == 4 * MOZZA_PER_MARGHERITA
    assert purge_expired_reservations() == 2  # mozzarella and tomato lines of the expired order
    assert held(order) == {} and held(other)


@pytest.mark.django_db(transaction=True)  # the command runs VACUUM / OPTIMIZE outside a transaction
def test_weekly_maintenance_deletes_expired_reservations_only(scene):
    menu, shop, people = scene
    expired = place(shop, people["customer"], (menu.margherita, 1), payment_method="card_online")
    pending = place(shop, people["customer"], (menu.margherita, 1), payment_method="card_online")
    kept = place(shop, people["customer"], (menu.margherita, 1))
    StockReservation.objects.filter(order=expired).update(expires_at=timezone.now() - timedelta(minutes=1))
    call_command("weekly_maintenance", verbosity=0)
    assert held(expired) == {}
    assert held(pending) and held(kept)


@pytest.mark.django_db
def test_a_confirmed_payment_keeps_the_reservation_until_acceptance(scene):
    menu, shop, people = scene
    order = place(shop, people["customer"], (menu.margherita, 2), payment_method="card_online")
    _mark_paid(order)
    confirm_order(order, by=None)
    assert set(StockReservation.objects.filter(order=order).values_list("expires_at", flat=True)) == {None}


@pytest.mark.django_db
def test_a_payment_confirmed_after_the_expiry_reserves_again_when_the_stock_allows(scene):
    menu, shop, people = scene
    order = place(shop, people["customer"], (menu.margherita, 2), payment_method="card_online")
    StockReservation.objects.filter(order=order).update(expires_at=timezone.now() - timedelta(minutes=1))
    _mark_paid(order)
    confirm_order(order, by=None)
    assert held(order)["Mozzarella"] == 2 * MOZZA_PER_MARGHERITA
    assert set(StockReservation.objects.filter(order=order).values_list("expires_at", flat=True)) == {None}
    assert makeable(shop, menu.margherita) == 2


@pytest.mark.django_db
def test_a_refused_card_releases_the_reservation_and_the_next_attempt_holds_again_or_is_refused(scene):
    menu, shop, people = scene
    customer = people["customer"]
    order = place(shop, customer, (menu.margherita, 3), payment_method="card_online")
    record_card_refused(order=order, code="card_declined", by=customer)
    assert held(order) == {}
    assert makeable(shop, menu.margherita) == 4
    # Someone else takes two margheritas meanwhile: the next attempt cannot hold three, and the
    # card is not charged (refused before Stripe is called: no payment row is written).
    place(shop, customer, (menu.margherita, 2))
    attempts = order.payments.count()
    with pytest.raises(PaymentError) as refused:
        start_card_payment(order=order, payment_method_id="pm_card_visa", by=customer)
    assert "Il ne reste plus assez de Mozzarella" in refused.value.message
    assert "n'a pas été débitée" in refused.value.message
    assert order.payments.count() == attempts
    assert held(order) == {}


@pytest.mark.django_db
def test_a_change_of_the_lines_replaces_the_reservation_all_or_nothing(scene):
    menu, shop, people = scene
    customer = people["customer"]
    order = place(shop, customer, (menu.margherita, 2))
    other = place(shop, customer, (menu.margherita, 1))
    change_order(order=order, quantities={menu.margherita.pk: 3}, by=customer)
    assert held(order)["Mozzarella"] == 3 * MOZZA_PER_MARGHERITA
    with pytest.raises(ValidationError) as refused:
        change_order(order=order, quantities={menu.margherita.pk: 4}, by=customer)
    assert "Il ne reste de quoi préparer que 3 × Margherita" in str(refused.value)
    assert held(order)["Mozzarella"] == 3 * MOZZA_PER_MARGHERITA
    assert held(other)["Mozzarella"] == MOZZA_PER_MARGHERITA


def _mark_paid(order):
    """A succeeded charge row covering the total, as Stripe's webhook would have recorded it."""
    from order.models import Payment
    from order.money import refresh_payment_totals

    Payment.objects.create(
        order=order, kind=Payment.Kind.CHARGE, provider=Payment.Provider.STRIPE, status=Payment.Status.SUCCEEDED,
        amount=order.total, intent_id=f"pi_test_{order.pk}",
    )
    refresh_payment_totals(Order.objects.get(pk=order.pk))
