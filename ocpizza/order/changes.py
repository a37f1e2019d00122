"""A change of an order's lines, as computed for the customer and as applied once paid.

order.checkout plans a change (plan_line_change) and applies it at once when no money is
owed; order.settlement applies it when the extra amount it was paid for arrives. Both use
this module, which depends on neither.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ocpizza.business import BusinessError
from order.models import Order, OrderLine
from order.money import from_cents
from order.needs import needs_of_lines, recipes_of
from order.reservations import reserve_order
from pizzeria.services import InsufficientStock
from product.models import Product


class ChangeNotAllowed(BusinessError):
    """The order can no longer be changed (accepted by the kitchen, cancelled...)."""


@dataclass(frozen=True)
class LineChange:
    """The order's new lines: ((product_id, quantity, unit_price_cents), ...) and the new total,
    and `base`, the fingerprint (payments.lines_fingerprint) of the order it was computed for."""

    lines: tuple
    base: str = ""

    @property
    def new_total(self):
        return sum((from_cents(price) * quantity for _pid, quantity, price in self.lines), Decimal("0.00"))

    def encode(self):
        # Short enough for Stripe metadata (500 characters) for any realistic order.
        return self.base + ";" + ",".join(f"{pid}:{quantity}:{price}" for pid, quantity, price in self.lines)

    @classmethod
    def decode(cls, text):
        base, separator, body = (text or "").rpartition(";")
        if not separator:
            raise ValueError("change without the order it was computed for")
        lines = []
        for part in body.split(","):
            pid, quantity, price = part.split(":")
            lines.append((int(pid), int(quantity), int(price)))
        if not lines:
            raise ValueError("empty change")
        return cls(lines=tuple(lines), base=base)


def apply_line_change(*, order, change):
    """Replace the order's lines by `change` and its total (caller holds the order row lock)."""
    if order.status not in (Order.Status.AWAITING_CONFIRMATION, Order.Status.TO_PREPARE):
        raise ChangeNotAllowed(
            _("La commande %(number)s est « %(status)s » : elle ne peut plus être modifiée.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    products = Product.objects.in_bulk([pid for pid, _q, _p in change.lines])
    if len(products) != len(change.lines):
        raise ChangeNotAllowed(_("un produit n'existe plus"))
    # The new lines' reservation replaces the old one, all or nothing, before any line moves
    # (issue 17); a savepoint, so that a paid change refused here leaves the payment's
    # transaction usable for its refund.
    lines = [(pid, quantity) for pid, quantity, _price in change.lines]
    try:
        with transaction.atomic():
            reserve_order(order, needs=needs_of_lines(lines, recipes_of(products)))
    except InsufficientStock as short:
        raise ChangeNotAllowed(
            _("il ne reste plus assez de %(ingredients)s")
            % {"ingredients": ", ".join(i.name for i, _n, _a in short.missing)}
        ) from None
    existing = {line.product_id: line for line in order.lines.all()}
    keep = set()
    for pid, quantity, price in change.lines:
        line = existing.get(pid) or OrderLine(order=order, product=products[pid], product_name=products[pid].name)
        line.quantity = quantity
        line.unit_price = from_cents(price)
        line.full_clean()
        line.save()
        keep.add(pid)
    for pid, line in existing.items():
        if pid not in keep:
            line.delete()
    order.total = change.new_total
    order.save(update_fields=["total", "updated_at"])  # through save() so that history records it
