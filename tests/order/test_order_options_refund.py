"""Issue 16 acceptance: changing or cancelling a paid order with option lines refunds exactly the
difference, through Stripe (localstripe); prices come from product.line_recipe, never the browser."""
from decimal import Decimal

import pytest

from order import payments, stripe_gateway
from order.checkout import cancel_by_customer, change_order
from order.models import Order, Payment
from order.services import place_order
from product.line_recipe import LineChoice
from tests.factories.people import UserFactory
from tests.factories.scenes import options_menu, stock_up
from tests.factories.shops import PizzeriaFactory
from tests.support.payments_conftest import localstripe_card

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def menu():
    return options_menu()


@pytest.fixture
def paid(stripe_local, menu):
    shop = PizzeriaFactory(slug="bastille")
    stock_up(shop, {i: "10000" for i in (menu.dough, menu.tomato, menu.mozza, menu.ham, menu.mushrooms, menu.cream, menu.gorgonzola)})
    customer = UserFactory()
    reine = LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk], removed_ids=[menu.mushrooms.pk])
    halves = LineChoice(product_id=menu.margherita.pk, size_id=menu.medium.pk, half_id=menu.four_cheeses.pk)
    order = place_order(pizzeria=shop, customer=customer, lines=[(reine, 2), (halves, 1)], fulfilment="pickup",
                        payment_method=Order.PaymentMethod.CARD_ONLINE, by=customer)
    assert order.total == D("46.00")
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    assert result.succeeded
    order.refresh_from_db()
    return order, customer, reine, halves


def stripe_refunds(order):
    charge = order.payments.get(kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED)
    return [r.amount for r in stripe_gateway.get_client().v1.refunds.list(params={"payment_intent": charge.intent_id}).data]


def test_lowering_an_option_line_refunds_exactly_its_price(paid, menu):
    order, customer, reine, halves = paid
    outcome = change_order(order=order, quantities={reine.key: 1, halves.key: 1}, by=customer)
    assert outcome.applied and outcome.refunded == D("16.50")  # one large Reine + mozzarella
    order.refresh_from_db()
    assert order.total == D("29.50") and order.amount_refunded == D("16.50")
    assert stripe_refunds(order) == [1650]
    line = order.lines.get(options_key=reine.key)
    assert line.quantity == 1 and line.options_label == "Grande 40 cm — + Mozzarella — sans champignons"


def test_swapping_a_half_for_a_cheaper_whole_pizza_refunds_the_difference(paid, menu):
    order, customer, reine, halves = paid
    small = LineChoice(product_id=menu.margherita.pk, size_id=menu.small.pk)
    outcome = change_order(order=order, quantities={reine.key: 2, halves.key: 0, small.key: 1}, by=customer)
    assert outcome.applied and outcome.refunded == D("6.00")  # 13.00 (halves) − 7.00 (small margherita)
    order.refresh_from_db()
    assert order.total == D("40.00")
    assert stripe_refunds(order) == [600]
    new = order.lines.get(options_key=small.key)
    assert {n.ingredient.name: n.quantity for n in new.needs.select_related("ingredient")} == {
        "Pâte à pizza": D("0.75"), "Sauce tomate": D("60"), "Mozzarella": D("90"),
    }


def test_raising_an_option_line_asks_for_exactly_the_extra_at_todays_price(paid, menu):
    order, customer, reine, halves = paid
    outcome = change_order(order=order, quantities={reine.key: 3, halves.key: 1}, by=customer)
    assert not outcome.applied and outcome.extra_due == D("16.50")
    # The medium size is the reference size: the half-and-half line's key names no size.
    half_key = order.lines.get(second_half__isnull=False).options_key
    assert half_key == f"{halves.product_id}.h{halves.half_id}"
    assert outcome.change.lines == tuple(sorted([(reine.key, 3, 1650), (half_key, 1, 1300)]))


def test_cancelling_refunds_everything_paid(paid):
    order, customer, _reine, _halves = paid
    cancel_by_customer(order=order, by=customer)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.amount_refunded == D("46.00")
    assert stripe_refunds(order) == [4600]
