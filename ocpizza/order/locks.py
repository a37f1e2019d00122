"""The row locks of a transaction that changes an order, in one order: the shop's row, then the
order's (issue 14). Every service that changes an order locks it here.

Why the shop's row: on MariaDB a change of an order's status checks the order's foreign key to
its shop (the key's index is (pizzeria, status, ...)) and so waits for a shared lock on the
shop's row, which placements lock for their whole transaction (pizzeria.slots: the shop, then
its service slot). The order's shop-day figures row (order.daily_figures) is locked last, when
the order's derived data is brought up to date. A transaction that had written the figures row
and then moved the order waited for the shop's row, held by a placement that waited for the
figures row: the lunch rush's deadlock, a 500 at the till. Taking the shop's row first, as
placements do, keeps one lock order everywhere: shop, slot, order, stock rows, journal head,
figures. A shop's order writes queue one behind the other, a few milliseconds each.

MariaDB has no SELECT ... FOR UPDATE OF: the locking query joins nothing, and what the order
points to is read afterwards without a lock."""
from django.db.models import prefetch_related_objects

from order.models import Order
from pizzeria.models import Pizzeria


def lock_shop(shop_id):
    """The shop's row, locked until the transaction ends (re-locking it costs one query)."""
    Pizzeria.objects.select_for_update().filter(pk=shop_id).values_list("pk", flat=True).get()


def lock_order(pk, *related):
    """The order `pk` re-read under its shop's lock and its own, its `related` objects read
    unlocked."""
    shop_id = Order.objects.values_list("pizzeria_id", flat=True).get(pk=pk)  # never changes
    lock_shop(shop_id)
    locked = Order.objects.select_for_update().get(pk=pk)
    if related:
        prefetch_related_objects([locked], *related)
    return locked
