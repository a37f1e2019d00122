"""Writes on a shop's time: the capacity of its quarter-hour slots and the manager's pause
(issue 17).

A slot's capacity (Pizzeria.slot_capacity orders per quarter-hour, empty: no limit) is held
like stock: the slot's ServiceSlot row is locked, its count checked and raised in the same
transaction as the order, so concurrent checkouts never put more orders in a slot than it
holds. The shop's row is locked first, for the whole placement: the slot row is created on
first use, and the new order's foreign keys take shared locks on the shop and the slot rows;
with the shop locked first, two placements never wait on each other in opposite orders
(InnoDB would report a deadlock). Lock order everywhere: shop, slot, order, stock rows.
"""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from account.roles import has_role
from ocpizza.business import BusinessError
from pizzeria.hours import PARIS, PAUSE_MINUTES
from pizzeria.models import Pizzeria, ServiceSlot, StaffMembership


class SlotFull(BusinessError):
    """The slot holds as many orders as the shop can make in it; nothing was taken."""

    def __init__(self, starts_at):
        self.starts_at = starts_at
        super().__init__(
            _("Le créneau de %(time)s est complet : choisissez-en un autre.")
            % {"time": date_format(starts_at.astimezone(PARIS), "l j F, H:i")}
        )


@transaction.atomic(savepoint=False)  # the caller's transaction (placing the order) is the unit
def hold_slot(*, pizzeria, starts_at) -> ServiceSlot:
    """Count one more order in the slot starting at `starts_at`, or raise SlotFull.

    Locks the shop's row, then the slot's (created on first use): placements in one shop
    queue here, one at a time, until their transaction ends."""
    capacity = Pizzeria.objects.select_for_update().values_list("slot_capacity", flat=True).get(pk=pizzeria.pk)
    slot, _created = ServiceSlot.objects.get_or_create(pizzeria=pizzeria, starts_at=starts_at)
    slot = ServiceSlot.objects.select_for_update().get(pk=slot.pk)
    if capacity is not None and slot.orders >= capacity:
        raise SlotFull(starts_at)
    ServiceSlot.objects.filter(pk=slot.pk).update(orders=F("orders") + 1)
    slot.orders += 1
    return slot


@transaction.atomic(savepoint=False)
def release_slot(*, slot_id) -> None:
    """One order fewer in the slot (a cancelled or refused order gives its place back)."""
    if slot_id is None:
        return
    ServiceSlot.objects.filter(pk=slot_id, orders__gt=0).update(orders=F("orders") - 1)


PAUSE_ROLES = (StaffMembership.Role.MANAGER,)


@transaction.atomic
def pause_orders(*, pizzeria, minutes, by) -> Pizzeria:
    """The manager stops new orders for 15, 30 or 60 minutes; the pause ends by itself (the
    site compares with the clock, nothing has to run). Orders for later slots still come in."""
    if not has_role(by, pizzeria, *PAUSE_ROLES):
        raise ValidationError(_("Seul le gérant de cette pizzeria peut mettre les commandes en pause."))
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes not in PAUSE_MINUTES:
        raise ValidationError(_("Une pause dure 15, 30 ou 60 minutes."))
    locked = Pizzeria.objects.select_for_update().get(pk=pizzeria.pk)
    locked.paused_until = timezone.now() + timedelta(minutes=minutes)
    locked.save(update_fields=["paused_until", "updated_at"])
    pizzeria.paused_until = locked.paused_until
    return locked


@transaction.atomic
def resume_orders(*, pizzeria, by) -> Pizzeria:
    """End the pause now."""
    if not has_role(by, pizzeria, *PAUSE_ROLES):
        raise ValidationError(_("Seul le gérant de cette pizzeria peut reprendre les commandes."))
    locked = Pizzeria.objects.select_for_update().get(pk=pizzeria.pk)
    locked.paused_until = None
    locked.save(update_fields=["paused_until", "updated_at"])
    pizzeria.paused_until = None
    return locked
