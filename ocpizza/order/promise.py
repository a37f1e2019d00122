"""When an order will be there: the time promised to the customer, from the kitchen's load
and the shop's measured preparation and delivery times (issue 17). Reads only.

- Measured times: the average over the shop's last MEASURE_DAYS days of accepted → ready
  (preparation) and ready → delivered (delivery), as the dashboard computes them; until a shop
  has MIN_MEASURES of each, the defaults below stand in.
- Load: the orders the kitchen still has to finish (to prepare or in preparation) that are
  due before the new one. The kitchen makes KITCHEN_BATCH orders at once (its ovens): each
  full batch ahead adds one preparation time.
- "As soon as possible": ready = now + preparation × (1 + load // KITCHEN_BATCH); promised =
  ready, plus the delivery time for a delivery. A chosen slot: promised = the slot's start,
  ready = promised minus the delivery time.
- An order is *late* once its due time (ready_by in the kitchen, promised_at on the road) has
  passed, *soon* within SOON of it: the queues colour both.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, FloatField, Q, Sum

from order.models import Order

DEFAULT_PREPARATION = timedelta(minutes=15)
DEFAULT_DELIVERY = timedelta(minutes=20)
MEASURE_DAYS = 14
MIN_MEASURES = 5
KITCHEN_BATCH = 4
SOON = timedelta(minutes=10)
FUTURE_AFTER = timedelta(minutes=60)  # the kitchen queue shows orders due later than this apart
OPEN_STATUSES = (Order.Status.AWAITING_CONFIRMATION, Order.Status.TO_PREPARE, Order.Status.IN_PREPARATION)


@dataclass(frozen=True)
class ShopTimes:
    preparation: timedelta
    delivery: timedelta
    load: int  # orders due before a new "as soon as possible" one

    def travel(self, fulfilment):
        return self.delivery if fulfilment == Order.Fulfilment.DELIVERY else timedelta(0)


def _duration(end, start):
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def shop_times(*, pizzeria, now) -> ShopTimes:
    """Measured times and current load of a shop (two queries)."""
    timed_prep = Q(accepted_at__isnull=False, ready_at__isnull=False)
    timed_delivery = Q(ready_at__isnull=False, delivered_at__isnull=False, fulfilment=Order.Fulfilment.DELIVERY)
    row = Order.objects.filter(pizzeria=pizzeria, created_at__gte=now - timedelta(days=MEASURE_DAYS)).aggregate(
        prep_total=Sum(_duration("ready_at", "accepted_at"), filter=timed_prep, output_field=FloatField()),
        prep_count=Count("pk", filter=timed_prep),
        delivery_total=Sum(_duration("delivered_at", "ready_at"), filter=timed_delivery, output_field=FloatField()),
        delivery_count=Count("pk", filter=timed_delivery),
    )

    def average(total, count, default):
        if count < MIN_MEASURES or not total:
            return default
        return timedelta(microseconds=float(total) / count)

    load = (
        Order.objects.filter(pizzeria=pizzeria, status__in=OPEN_STATUSES[1:])
        .filter(Q(ready_by__isnull=True) | Q(ready_by__lte=now + FUTURE_AFTER))
        .count()
    )
    return ShopTimes(
        preparation=average(row["prep_total"], row["prep_count"], DEFAULT_PREPARATION),
        delivery=average(row["delivery_total"], row["delivery_count"], DEFAULT_DELIVERY),
        load=load,
    )


def as_soon_as_possible(times: ShopTimes, *, fulfilment, now):
    """(ready_by, promised_at) of an order placed now for "as soon as possible"."""
    ready = now + times.preparation * (1 + times.load // KITCHEN_BATCH)
    return ready, ready + times.travel(fulfilment)


def for_slot(times: ShopTimes, *, fulfilment, starts_at):
    """(ready_by, promised_at) of an order for the slot starting at `starts_at`."""
    return starts_at - times.travel(fulfilment), starts_at


def earliest_promise(times: ShopTimes, *, fulfilment, now):
    """The soonest time a slot may start: what "as soon as possible" would promise now."""
    return as_soon_as_possible(times, fulfilment=fulfilment, now=now)[1]


def lateness(due, now):
    """"late", "soon" or "" for a due time (None: nothing promised)."""
    if due is None:
        return ""
    if now > due:
        return "late"
    if now > due - SOON:
        return "soon"
    return ""
