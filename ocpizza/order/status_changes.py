"""The steps every order transition shares, and confirm_order (issue 15).

Every service of order.services moves an order the same way: lock its row, find the row of
order.workflow.TRANSITIONS that allows the move (status, actor, kind of order, payment), set
the target status, save the changed fields and queue the customer's e-mail after the commit.
confirm_order lives here rather than in order.services because the payment code calls it
when Stripe says an order is paid, and order.services calls the payment code (refunds):
both import this module, so the imports point one way.
"""
from django.db import transaction
from django.utils import timezone

from order import locks, notifications
from order.derived import order_changed
from order.models import Order
from order.reservations import keep_paid
from order.workflow import find_transition


def lock_order(order):
    """Re-read the order under a row lock: the status checked is the one we change."""
    return locks.lock_order(order.pk, "pizzeria")


def finish(order, source, fields):
    """Save the changed fields, copy them back onto the caller's instance, queue the e-mail."""
    fields = list(dict.fromkeys([*fields, "status", "updated_at"]))
    order.save(update_fields=fields)
    order_changed(order)
    for field in fields:
        setattr(source, field, getattr(order, field))
    notifications.status_changed(order)
    return order


def move(order, action, by):
    """Lock the order and move it along the table row that lets `by` do `action` now."""
    locked = lock_order(order)
    transition = find_transition(locked, action, by)
    locked.status = transition.target
    return locked


def user_or_none(by):
    """The user to record as the author (None for the system or an anonymous caller)."""
    return by if by is not None and getattr(by, "pk", None) else None


@transaction.atomic
def confirm_order(order: Order, *, by=None) -> Order:
    """Payment confirmed (Stripe webhook, by=None) or phone order confirmed by a manager: → to prepare."""
    locked = move(order, "confirm", by)
    keep_paid(locked)  # the reservation now holds until acceptance (issue 17)
    locked.confirmed_at = timezone.now()
    return finish(locked, order, ["confirmed_at"])
