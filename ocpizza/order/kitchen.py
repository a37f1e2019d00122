"""Writes of the kitchen screen that are not status changes (issue 17): a new order rings until
someone acknowledges it, and every kitchen ticket and bag label printed is recorded.

- Ringing: an order to prepare that nobody has acknowledged rings on the kitchen screen;
  after ESCALATE_AFTER it rings on the manager's screen (the dashboard) too. Acknowledging is
  the pizzaiolo's or the manager's "Vu"; accepting needs no acknowledgement first.
- Printing: accepting from the kitchen screen prints the ticket and the bag label once (the
  order's `printed_at`, set under its row lock, says it was done); a reprint is asked for and
  recorded; every print is an OrderPrint row (who, when, automatic or not).
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from account.roles import has_role
from order.models import Order, OrderPrint
from order.rules import Role
from order.status_changes import lock_order, user_or_none
from order.workflow import TransitionNotAllowed

ESCALATE_AFTER = timedelta(minutes=3)
KITCHEN_ROLES = (Role.PIZZAIOLO, Role.MANAGER)


def _check_kitchen(order, by, action):
    if by is None or not getattr(by, "is_authenticated", False) or not has_role(by, order.pizzeria_id, *KITCHEN_ROLES):
        raise TransitionNotAllowed(
            _("Seule la cuisine de cette pizzeria peut faire cela sur la commande %(number)s.") % {"number": order.number},
            order=order, action=action,
        )


@transaction.atomic
def acknowledge_order(order: Order, *, by) -> Order:
    """The kitchen has seen the new order: it stops ringing (first acknowledgement kept)."""
    locked = lock_order(order)
    _check_kitchen(locked, by, "acknowledge")
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = user_or_none(by)
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    order.acknowledged_at, order.acknowledged_by_id = locked.acknowledged_at, locked.acknowledged_by_id
    return locked


@transaction.atomic
def print_on_acceptance(order: Order, *, by) -> bool:
    """Record the automatic print of an order just accepted; False if it was printed already
    (a second click, a reload): the ticket prints once."""
    locked = lock_order(order)
    _check_kitchen(locked, by, "print")
    if locked.printed_at is not None or locked.accepted_at is None:
        return False
    locked.printed_at = timezone.now()
    locked.save(update_fields=["printed_at", "updated_at"])
    OrderPrint.objects.bulk_create(
        [OrderPrint(order=locked, kind=kind, automatic=True, by=user_or_none(by)) for kind in OrderPrint.Kind.values]
    )
    order.printed_at = locked.printed_at
    return True


@transaction.atomic
def reprint(order: Order, *, by, kinds) -> list:
    """Record a reprint asked for on the kitchen screen (ticket, label or both)."""
    locked = lock_order(order)
    _check_kitchen(locked, by, "print")
    kinds = [kind for kind in OrderPrint.Kind.values if kind in set(kinds or ())] or list(OrderPrint.Kind.values)
    return OrderPrint.objects.bulk_create(
        [OrderPrint(order=locked, kind=kind, automatic=False, by=user_or_none(by)) for kind in kinds]
    )
