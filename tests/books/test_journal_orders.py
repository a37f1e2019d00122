"""Issue 18 (F-BOOK-3): every sale, change, cancellation, payment, collection and refund of an
order appends its journal entry in the transaction of the event, chained per shop, with the
order's number and amounts only."""
from decimal import Decimal

import pytest

from books.journal import entry_hash
from books.models import GENESIS_HASH, JournalEntry
from books.verification import verify_books
from order import payments
from order.checkout import cancel_by_customer, change_order
from order.models import Order
from order.services import accept_order, cancel_order, deliver_order, finish_order, place_order, take_order
from order.vat import order_vat_breakdown
from product.line_recipe import LineChoice
from tests.factories.people import UserFactory
from tests.factories.scenes import crew, options_menu, stock_up
from tests.factories.shops import PizzeriaFactory
from tests.support.payments_conftest import localstripe_card

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def menu():
    return options_menu()


@pytest.fixture
def shop(menu):
    shop = PizzeriaFactory(slug="bastille")
    stock_up(shop, {i: "10000" for i in (menu.dough, menu.tomato, menu.mozza, menu.ham, menu.mushrooms, menu.cream, menu.gorgonzola)})
    return shop


def journal(shop):
    return list(JournalEntry.objects.filter(shop=shop).order_by("sequence"))


def test_an_order_paid_at_the_door_is_a_sale_then_a_collection(shop, menu):
    people = crew(shop)
    customer = UserFactory(first_name="Zoé", last_name="Secrète", email="zoe.secrete@example.test")
    reine = LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk])
    order = place_order(pizzeria=shop, customer=customer, lines=[(reine, 2), (menu.cola, 1)], fulfilment="pickup",
                        payment_method="on_delivery", by=customer)
    (sale,) = journal(shop)
    assert (sale.sequence, sale.kind, sale.order_number, sale.payment_method) == (1, "sale", order.number, "on_delivery")
    assert sale.amount_ttc == order.total == D("36.50") and sale.vat == order_vat_breakdown(order).as_data()
    assert sale.vat == {"10.00": {"ht": "33.18", "tva": "3.32", "ttc": "36.50"}}  # 33.00 -> 30.00 + 3.50 -> 3.18
    assert sale.previous_hash == GENESIS_HASH and sale.hash == entry_hash(sale)
    accept_order(order, by=people["pizzaiolo"])
    finish_order(order, by=people["pizzaiolo"])
    assert len(journal(shop)) == 1  # moving in the kitchen is not an event of the books
    deliver_order(order, by=people["manager"], collected="50", method="cash")
    sale, collection = journal(shop)
    assert (collection.sequence, collection.kind, collection.payment_method) == (2, "collection", "cash")
    assert collection.amount_ttc == D("36.50") and collection.previous_hash == sale.hash  # the total, not the note
    # No personal data: the customer's name, e-mail and phone appear nowhere in the entries.
    text = " ".join(str(v) for e in journal(shop) for v in vars(e).values())
    assert "Zoé" not in text and "secrete" not in text.lower() and order.number in text
    assert all(report.ok for report in verify_books())


def test_a_refused_or_cancelled_order_is_cancelled_in_the_books(shop, menu):
    people = crew(shop)
    customer = UserFactory()
    order = place_order(pizzeria=shop, customer=customer, lines=[(menu.cola, 2)], fulfilment="pickup",
                        payment_method="on_delivery", by=customer)
    cancel_order(order, by=people["manager"], reason="Client injoignable")
    sale, cancellation = journal(shop)
    assert cancellation.kind == "cancellation" and cancellation.amount_ttc == D("-7.00")
    assert cancellation.vat == {"10.00": {"ht": "-6.36", "tva": "-0.64", "ttc": "-7.00"}}
    assert sale.amount_ht + cancellation.amount_ht == 0 and sale.amount_tva + cancellation.amount_tva == 0


def test_a_card_order_pays_changes_refunds_and_cancels_with_its_vat(shop, menu, stripe_local):
    customer = UserFactory()
    reine = LineChoice(product_id=menu.reine.pk, size_id=menu.large.pk, extra_ids=[menu.extra_mozza.pk])
    order = place_order(pizzeria=shop, customer=customer, lines=[(reine, 2), (menu.cola, 1)], fulfilment="pickup",
                        payment_method=Order.PaymentMethod.CARD_ONLINE, by=customer)
    assert journal(shop) == []  # a card order waiting for its payment is not sold yet
    result = payments.start_card_payment(order=order, payment_method_id=localstripe_card(stripe_local, "4242424242424242"))
    assert result.succeeded
    kinds = [(e.kind, e.amount_ttc, e.payment_method) for e in journal(shop)]
    assert sorted(kinds) == sorted([("payment", D("36.50"), "card_online"), ("sale", D("36.50"), "card_online")])
    order.refresh_from_db()
    outcome = change_order(order=order, quantities={reine.key: 1, str(menu.cola.pk): 1}, by=customer)
    assert outcome.applied and outcome.refunded == D("16.50")
    # The refund is made (and written) first, then the lines change: both in one transaction.
    refund, change = sorted(journal(shop)[-2:], key=lambda e: e.kind != "refund")
    assert (change.kind, change.amount_ttc) == ("change", D("-16.50"))
    assert change.vat == {"10.00": {"ht": "-15.00", "tva": "-1.50", "ttc": "-16.50"}}
    assert (refund.kind, refund.amount_ttc, refund.payment_method) == ("refund", D("-16.50"), "card_online")
    order.refresh_from_db()
    cancel_by_customer(order=order, by=customer)
    cancellation, last_refund = journal(shop)[-2:]
    assert {cancellation.kind, last_refund.kind} == {"cancellation", "refund"}
    revenue = sum(e.amount_ttc for e in journal(shop) if e.kind in ("sale", "change", "cancellation"))
    money = sum(e.amount_ttc for e in journal(shop) if e.kind in ("payment", "refund", "collection"))
    assert revenue == 0 and money == 0
    assert [e.sequence for e in journal(shop)] == list(range(1, len(journal(shop)) + 1))
    assert all(report.ok for report in verify_books())
