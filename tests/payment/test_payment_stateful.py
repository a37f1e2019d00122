"""Stateful property test of card payments against localstripe (issue 13 C2).

A hypothesis RuleBasedStateMachine interleaves what customers, banks, Stripe's webhook and the
shop do to one or two card orders: place, pay (plain card or 3-D Secure, authentication
completed, failed or abandoned), change up (extra paid by card) or down (refund), cancel,
webhook deliveries (duplicated, late, out of order: events are captured from the intents fetched
from localstripe and delivered signed through the Django test client in the order the machine
chooses), the customer's return page, and the kitchen and driver's transitions.

After EVERY step (but the idle ones that run no code at all) it checks, against localstripe itself:
- the books balance: per order, our succeeded Payment rows (charges − refunds) = what localstripe
  holds for the order's intents (captured − refunded), except for an attempt whose news has not
  reached us yet (an event still queued);
- no card order is handed over (to_prepare and later) unless the money received covers its total,
  both in our rows and at Stripe;
- no money is kept for a cancelled or refused order once its news has been delivered.

Each example runs in a savepoint rolled back at its end. Derandomized under CI.
"""
import os
import time
import uuid
import warnings

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from order import payments, stripe_gateway
from order.checkout import ChangeNotAllowed, cancel_by_customer, change_order
from order.models import Order, Payment
from order.services import WORKFLOW_ERRORS, run_transition
from product.models import Product
from tests.support.payments_conftest import _request, localstripe_authenticate, localstripe_card, signed_event
from tests.support.payments_helpers import card_order

HANDED_OVER = (
    Order.Status.TO_PREPARE, Order.Status.IN_PREPARATION, Order.Status.READY,
    Order.Status.OUT_FOR_DELIVERY, Order.Status.DELIVERED,
)
CLOSED = (Order.Status.CANCELLED, Order.Status.REFUSED)
OPEN = (Payment.Status.PENDING, Payment.Status.REQUIRES_ACTION)
PLAIN, THREE_DS = "4242424242424242", "4000002500003155"
STAFF_STEPS = {  # action -> who does it
    "accept": "pizzaiolo", "finish": "pizzaiolo", "take": "driver", "deliver": "driver", "refuse": "pizzaiolo",
}

# How many runs reached the C2 interleaving (a 3-D Secure extra of a change left open, the order
# changed again, then that authentication completed): the test asserts it was reached.
REACHED = {"c2": 0}

SETTINGS = settings(
    max_examples=int(os.environ.get("PAYMENT_MACHINE_EXAMPLES", 40)),
    stateful_step_count=int(os.environ.get("PAYMENT_MACHINE_STEPS", 60)),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
# Derandomized, Hypothesis seeds its generator from a digest of the machine's source: any edit of
# the class, a comment included, used to draw other examples (and could lose C2). Under CI the
# seed is pinned to the digest of the source as it was before issue 14's speed-up: the same 40
# examples as then, which reach C2 twice.
CI_SEED = 0x81C9C6C14F8592F0115180386E4ED239B82FE0F471BA7BCB34F946A9EA007069329ABB2691AC628BF27D005938620630


def make_machine(*, base, users, shops):
    class PaymentMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()
            # A fresh localstripe per run: the invariants list all its intents and refunds.
            status, body = _request(f"{base}/_config/data", method="DELETE")
            assert status == 200, body
            self.orders = []  # Order pks
            self.open = []  # (payment pk, intent id, client secret): 3-D Secure waiting
            self.news = []  # webhook payloads not delivered yet (any order: the machine picks)
            self.delivered = set()  # event ids the webhook has received at least once
            self.unreported = set()  # intent ids whose change at Stripe we have not heard of yet
            self.stale = set()  # intent ids of extras paid for a change the order no longer has
            self.idle = False  # the last step did nothing at all (see money_is_right)
            self._changeable_seen = None  # [(order pk, pizzas)] this step, read once (_changeable)
            self.webhook = Client()
            self.client = stripe_gateway.get_client()
            self.products = {p.slug: p.pk for p in Product.objects.filter(slug__in=["margherita", "reine", "tiramisu"])}

        def teardown(self):
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

        # --- helpers -------------------------------------------------------------------------------

        def _order(self, index):
            return Order.objects.get(pk=self.orders[index % len(self.orders)])

        def _capture(self, intent_id, *, duplicate=False):
            """Queue the event Stripe would send for the intent as it is now."""
            intent = self.client.v1.payment_intents.retrieve(intent_id)
            kind = {
                "succeeded": "payment_intent.succeeded", "canceled": "payment_intent.canceled",
                "requires_payment_method": "payment_intent.payment_failed", "requires_action": "payment_intent.requires_action",
            }.get(intent.status, "payment_intent.processing")
            payload = {
                "id": f"evt_{uuid.uuid4().hex[:20]}", "object": "event", "type": kind, "created": int(time.time()),
                "data": {"object": intent.to_dict()},
            }
            self.news.append(payload)
            if duplicate:
                self.news.append(payload)

        def _track(self, result, order, change):
            payment = result.payment
            if payment.intent_id:
                self._capture(payment.intent_id)
            if result.status == Payment.Status.REQUIRES_ACTION:
                self.open.append((payment.pk, payment.intent_id, result.client_secret, order.pk, change is not None))

        def _pay(self, order, three_ds, change=None):
            pm = localstripe_card(base, THREE_DS if three_ds else PLAIN)
            try:
                result = payments.start_card_payment(order=order, payment_method_id=pm, change=change, by=users["customer"])
            except payments.PaymentError:
                return
            self._track(result, order, change)

        # --- rules ---------------------------------------------------------------------------------

        @initialize(fulfilment=st.sampled_from([Order.Fulfilment.PICKUP, Order.Fulfilment.DELIVERY]), count=st.integers(2, 4),
                    pay=st.sampled_from(["plain", "plain", "3ds", "later"]))
        def checkout(self, fulfilment, count, pay):
            """The customer checks out and goes to the payment page (or pays later)."""
            self.place(fulfilment, count)
            if pay != "later":
                self._pay(self._order(0), pay == "3ds")

        @precondition(lambda self: len(self.orders) < 3)
        @rule(fulfilment=st.sampled_from([Order.Fulfilment.PICKUP, Order.Fulfilment.DELIVERY]), count=st.integers(1, 4))
        def place(self, fulfilment, count):
            order = card_order(shops, users["customer"], lines=(("margherita", count),), fulfilment=fulfilment)
            self.orders.append(order.pk)

        @rule(index=st.integers(0, 2), three_ds=st.sampled_from([False, False, True]))
        def pay(self, index, three_ds):
            order = self._order(index)
            if order.status == Order.Status.AWAITING_CONFIRMATION and payments.amount_due(order) > 0:
                self._pay(order, three_ds)

        def _changeable(self, *, more_than_one=False):
            # One query per step (the preconditions ask this several times a step; the invariant,
            # run after every step, forgets the answer): the orders' pizzas summed in it.
            if self._changeable_seen is None:
                self._changeable_seen = self._changeable_orders()
            return [pk for pk, pizzas in self._changeable_seen if not more_than_one or (pizzas or 0) > 1]

        def _changeable_orders(self):
            return list(Order.objects.filter(
                pk__in=self.orders, status__in=[Order.Status.AWAITING_CONFIRMATION, Order.Status.TO_PREPARE]
            ).annotate(pizzas=Sum("lines__quantity")).order_by("pk").values_list("pk", "pizzas"))

        @precondition(lambda self: self._changeable())
        @rule(index=st.integers(0, 2), three_ds=st.booleans(), abandon=st.integers(0, 3))
        def change_up(self, index, three_ds, abandon):
            """One more pizza: a paid order asks for the extra by card first."""
            eligible = self._changeable()
            self.change(self.orders.index(eligible[index % len(eligible)]), True, three_ds, abandon)

        @precondition(lambda self: self._changeable(more_than_one=True))
        @rule(index=st.integers(0, 2))
        def change_down(self, index):
            """One pizza less: a paid order is refunded the difference at once."""
            eligible = self._changeable(more_than_one=True)
            self.change(self.orders.index(eligible[index % len(eligible)]), False, False, 0)

        def change(self, index, up, three_ds, abandon):
            order = self._order(index)
            current = {line.product_id: line.quantity for line in order.lines.all()}
            wanted = dict(current)
            if up:
                wanted[self.products["reine"]] = wanted.get(self.products["reine"], 0) + 1
            else:
                biggest = max(wanted, key=lambda pid: wanted[pid])
                if sum(wanted.values()) <= 1:
                    return
                if wanted[biggest] > 1:
                    wanted[biggest] -= 1
                else:
                    del wanted[biggest]
            quantities = {pid: wanted.get(pid, 0) for pid in set(current) | set(wanted)}
            try:
                outcome = change_order(order=order, quantities=quantities, by=users["customer"])
            except (ChangeNotAllowed, ValidationError, payments.PaymentError):
                return
            if outcome.applied:
                self.stale.update(entry[1] for entry in self.open if entry[3] == order.pk and entry[4])
            if not outcome.applied and abandon:  # abandon == 0: the customer gives up the change
                self._pay(order, three_ds, change=outcome.change)

        @precondition(lambda self: self.open)
        @rule(which=st.integers(0, 5), success=st.booleans())
        def authenticate(self, which, success):
            """The customer answers the 3-D Secure challenge; the browser may be gone (no
            return page): only the queued webhook event will tell."""
            payment_pk, intent_id, secret, _order_pk, _is_change = self.open.pop(which % len(self.open))
            if success and intent_id in self.stale:
                REACHED["c2"] += 1
            localstripe_authenticate(base, intent_id, secret, success=success)
            self.unreported.add(intent_id)
            self._capture(intent_id)

        @precondition(lambda self: self.orders)
        @rule(index=st.integers(0, 2))
        def return_page(self, index):
            """The customer's browser comes back (pay_check) and re-reads the open attempts."""
            order = self._order(index)
            for payment in order.payments.filter(kind=Payment.Kind.CHARGE, status__in=OPEN).exclude(intent_id=""):
                payments.sync_payment(payment)
                self.unreported.discard(payment.intent_id)

        @precondition(lambda self: self.news)
        @rule(which=st.integers(0, 20), keep=st.booleans())
        def deliver(self, which, keep):
            """Stripe delivers one queued event, in any order; `keep` delivers it again later."""
            index = which % len(self.news)
            payload = self.news[index] if keep else self.news.pop(index)
            body, header = signed_event(payload, django_settings.STRIPE_WEBHOOK_SECRET)
            response = self.webhook.post("/paiement/webhook/", data=body, content_type="application/json",
                                         HTTP_STRIPE_SIGNATURE=header)
            assert response.status_code == 200, response.content
            # The handler re-reads the intent from Stripe on an event's FIRST delivery, so that
            # delivery reports the intent as it is now; a repeated event id is answered from the
            # stored event and reports nothing new (the news still queued will).
            if payload["id"] not in self.delivered:
                self.delivered.add(payload["id"])
                self.unreported.discard(payload["data"]["object"]["id"])

        @rule(index=st.integers(0, 2), rarely=st.integers(0, 14))
        def cancel(self, index, rarely):
            if rarely:
                self.idle = True
                return  # the customer cancels less often than he pays or changes
            try:
                cancel_by_customer(order=self._order(index), by=users["customer"], reason="test")
            except (ChangeNotAllowed, payments.PaymentError, *WORKFLOW_ERRORS):
                pass

        @rule(index=st.integers(0, 2), action=st.sampled_from(["accept", "finish", "take", "deliver"] * 3 + ["refuse"]),
              rarely=st.integers(0, 3))
        def shop(self, index, action, rarely):
            if rarely:
                self.idle = True
                return  # the shop moves less often than customers and Stripe act
            order = self._order(index)
            who = STAFF_STEPS[action]
            if action == "deliver" and order.fulfilment == Order.Fulfilment.PICKUP:
                who = "pizzaiolo"
            try:
                run_transition(order, action, by=users[who], reason="Four en panne")
            except WORKFLOW_ERRORS:
                pass

        # --- invariants ----------------------------------------------------------------------------

        def _stripe_list(self, resource):
            """Every object of a localstripe list, as the JSON it sends: read raw, not through the
            Stripe client, whose objects cost more to build than the machine's own step (the
            invariant reads both lists after every step)."""
            status, body = _request(f"{base}/v1/{resource}?limit=100",
                                    headers={"Authorization": f"Bearer {django_settings.STRIPE_SECRET_KEY}"})
            assert status == 200, body
            assert not body["has_more"]  # else the list is cut
            return body["data"]

        def _stripe_state(self):
            """{intent id: (status, amount, currency, refunded cents)} of everything localstripe holds."""
            intents = {i["id"]: i for i in self._stripe_list("payment_intents")}
            charge_to_intent = {}
            for intent in intents.values():
                charge = intent.get("latest_charge")
                if charge:
                    charge_to_intent[charge if isinstance(charge, str) else charge["id"]] = intent["id"]
            refunded = {}
            for refund in self._stripe_list("refunds"):
                if refund["status"] not in ("succeeded", "pending"):
                    continue
                intent_id = refund.get("payment_intent") or charge_to_intent.get(refund.get("charge"))
                refunded[intent_id] = refunded.get(intent_id, 0) + refund["amount"]
            return {i["id"]: (i["status"], i["amount"], i["currency"], refunded.get(i["id"], 0)) for i in intents.values()}

        def _stripe_books(self, payments_of_order, state):
            """(held cents at localstripe, intents whose news we have not had) for the order."""
            held, unheard = 0, set()
            rows = {p.intent_id: p for p in payments_of_order if p.kind == Payment.Kind.CHARGE and p.intent_id}
            for intent_id, row in rows.items():
                if intent_id in self.unreported and row.status in OPEN:
                    unheard.add(intent_id)
                    continue
                status, amount, currency, refunded = state[intent_id]
                if status != "succeeded":
                    continue
                assert currency == "eur"
                held += amount - refunded
            return held, unheard

        @staticmethod
        def _our_books(payments_of_order):
            """Our succeeded Payment rows for the order: charges − refunds, in cents (read here,
            independently of the code under test)."""
            cents = 0
            for row in (p for p in payments_of_order if p.status == Payment.Status.SUCCEEDED):
                assert row.currency == "eur"
                cents += payments.to_cents(row.amount) * (1 if row.kind == Payment.Kind.CHARGE else -1)
            return cents

        @invariant()
        def money_is_right(self):
            self._changeable_seen = None  # the step may have changed which orders can change
            if self.idle:
                # The step did nothing (no code ran, nothing was read or written): the state is
                # the one checked after the step before.
                self.idle = False
                return
            state = self._stripe_state()
            # The machine's orders and all their payment rows in two queries (one per order and
            # per reading before: most of the machine's time on MariaDB was these round trips).
            orders = Order.objects.in_bulk(self.orders)
            payments_of = {pk: [] for pk in self.orders}
            for row in Payment.objects.filter(order_id__in=self.orders).order_by("pk"):
                payments_of[row.order_id].append(row)
            for pk in self.orders:
                order = orders[pk]
                ours = self._our_books(payments_of[pk])
                held, unheard = self._stripe_books(payments_of[pk], state)
                if not unheard:
                    assert ours == held, f"{order.number}: our rows say {ours} cents, Stripe holds {held}"
                if order.status in HANDED_OVER:
                    total = payments.to_cents(order.total)
                    assert ours >= total, f"{order.number} is {order.status} with {ours} of {total} cents received"
                    assert held >= total, f"{order.number} is {order.status}; Stripe holds {held} of {total} cents"
                if order.status in CLOSED and not unheard:
                    assert held == 0, f"{order.number} is {order.status} and Stripe still holds {held} cents"

    return PaymentMachine


@pytest.mark.django_db
def test_card_payments_keep_the_invariant_in_every_interleaving(stripe_local, shops, demo_users):
    machine = make_machine(base=stripe_local, users=demo_users, shops=shops)
    if SETTINGS.derandomize:
        machine = seed(CI_SEED)(machine)
    REACHED["c2"] = 0
    run_state_machine_as_test(machine, settings=SETTINGS)
    if SETTINGS.derandomize:
        # Deterministic under CI: these settings reach it (40 examples x 60 steps; 40 x 40 stopped
        # reaching it once the order code was split into modules, issue 15); if a change
        # of the rules makes it unreachable, say so instead of passing without testing it.
        assert REACHED["c2"], "the machine never reached the C2 interleaving: raise the number of examples or steps"
    elif not REACHED["c2"]:
        warnings.warn("this random run did not reach the C2 interleaving (the plain C2 test still covers it)")
