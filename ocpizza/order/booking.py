"""The time an order is placed for (issue 17): the shop's hours and pause, the slot it holds
and the time promised, decided inside place_order's transaction.

- "As soon as possible" (slot None) only while the shop is open and not paused; the order
  holds the quarter-hour of its promised time, or one of the next ASAP_SPILL ones when that is
  full (the promise moves with it).
- A chosen slot must be one the shop offers now (pizzeria.hours: in its hours, after any pause,
  not before the soonest promise, a few days ahead), and must have room (pizzeria.slots).
- A closed or paused shop takes orders for later slots only; the refusal says when it reopens.
"""
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from order import promise
from pizzeria.hours import PARIS, SLOT, Schedule, schedule_of, slot_floor
from pizzeria.slots import SlotFull, hold_slot

ASAP_SPILL = 4


@dataclass(frozen=True)
class Booking:
    slot: object  # the ServiceSlot held
    scheduled_for: datetime | None
    ready_by: datetime
    promised_at: datetime


def when(moment):
    """"samedi 28 mars, 19:15" in Paris time."""
    return date_format(moment.astimezone(PARIS), "l j F, H:i")


def closed_message(pizzeria, schedule: Schedule, now):
    reopens = schedule.reopens_at(now)
    if schedule.is_paused(now) and schedule.is_open(now):
        text = _("%(name)s a mis les commandes en pause jusqu'à %(time)s.") % {
            "name": pizzeria.name, "time": when(schedule.paused_until),
        }
    else:
        text = _("%(name)s est fermée en ce moment.") % {"name": pizzeria.name}
    if reopens is not None:
        text += " " + _("Elle reprend les commandes le %(time)s : choisissez un créneau.") % {"time": when(reopens)}
    return text


def shop_notice(*, pizzeria, now, schedule: Schedule | None = None) -> str:
    """"" while the shop takes orders now, else why not and when it reopens (the menu's notice).
    `schedule`: the shop's, already read (schedule_of) around today."""
    schedule = schedule or schedule_of(pizzeria, around=now)
    return "" if schedule.takes_orders(now) else closed_message(pizzeria, schedule, now)


@dataclass(frozen=True)
class Offer:
    """What the checkout shows: whether "as soon as possible" is possible, its promise, the
    slots to choose from and, when closed or paused, when the shop reopens."""

    asap: bool
    asap_promise: datetime | None
    slots: list
    message: str


def offer(*, pizzeria, fulfilment, now) -> Offer:
    schedule = schedule_of(pizzeria, around=now)
    times = promise.shop_times(pizzeria=pizzeria, now=now)
    asap = schedule.takes_orders(now)
    earliest = promise.earliest_promise(times, fulfilment=fulfilment, now=now)
    return Offer(
        asap=asap,
        asap_promise=earliest if asap else None,
        slots=schedule.slots(now=now, earliest=earliest),
        message="" if asap else closed_message(pizzeria, schedule, now),
    )


def book(*, pizzeria, fulfilment, slot, now) -> Booking:
    """Decide and hold the order's time; ValidationError ({"slot": ...}) when it cannot be."""
    schedule = schedule_of(pizzeria, around=now)
    times = promise.shop_times(pizzeria=pizzeria, now=now)
    if slot is None:
        if not schedule.takes_orders(now):
            raise ValidationError({"slot": closed_message(pizzeria, schedule, now)})
        ready, promised = promise.as_soon_as_possible(times, fulfilment=fulfilment, now=now)
        first = slot_floor(promised)
        for step in range(ASAP_SPILL):
            starts_at = first + SLOT * step
            try:
                held = hold_slot(pizzeria=pizzeria, starts_at=starts_at)
            except SlotFull:
                continue
            if starts_at > promised:
                ready, promised = promise.for_slot(times, fulfilment=fulfilment, starts_at=starts_at)
            return Booking(slot=held, scheduled_for=None, ready_by=ready, promised_at=promised)
        raise ValidationError(
            {"slot": _("%(name)s est complète pour le moment : choisissez un créneau plus tard.") % {"name": pizzeria.name}}
        )
    earliest = promise.earliest_promise(times, fulfilment=fulfilment, now=now)
    if slot not in schedule.slots(now=now, earliest=earliest):
        raise ValidationError(
            {"slot": _("Le créneau de %(time)s n'est pas proposé : choisissez-en un dans la liste.") % {"time": when(slot)}}
        )
    try:
        held = hold_slot(pizzeria=pizzeria, starts_at=slot)
    except SlotFull as full:
        raise ValidationError({"slot": full.message}) from None
    ready, promised = promise.for_slot(times, fulfilment=fulfilment, starts_at=slot)
    return Booking(slot=held, scheduled_for=slot, ready_by=ready, promised_at=promised)
