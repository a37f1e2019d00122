"""A change of an order's lines, as computed for the customer and as applied once paid.

order.checkout plans a change (plan_line_change) and applies it at once when no money is
owed; order.settlement applies it when the extra amount it was paid for arrives. Both use
this module, which depends on neither.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocpizza.business import BusinessError
from order.derived import order_changed
from order.line_items import fill_line, price_choices, save_needs
from order.models import Order, OrderLine
from order.money import from_cents
from order.needs import needs_of_lines, stored_needs
from order.reservations import reserve_order
from order.vat import rates_for, refitted_parts
from pizzeria.services import InsufficientStock
from product.line_recipe import LineChoice


# The reason on the order's history row written when its lines change (issue 19: an unpaid
# change left no trace): order.tracking finds the changes by it, the back office's history page
# shows it. Stored data, in French, kept as is whatever the reader's language.
LINE_CHANGE_REASON = "Commande modifiée"


class ChangeNotAllowed(BusinessError):
    """The order can no longer be changed (accepted by the kitchen, cancelled...)."""


@dataclass(frozen=True)
class LineChange:
    """The order's new lines: ((line key, quantity, unit_price_cents), ...) and the new total,
    and `base`, the fingerprint (payments.lines_fingerprint) of the order it was computed for.
    A line key is product.line_recipe.LineChoice.key ("12" for a product without options)."""

    lines: tuple
    base: str = ""

    @property
    def new_total(self):
        return sum((from_cents(price) * quantity for _key, quantity, price in self.lines), Decimal("0.00"))

    def encode(self):
        # Short enough for Stripe metadata (500 characters) for any realistic order.
        return self.base + ";" + ",".join(f"{key}:{quantity}:{price}" for key, quantity, price in self.lines)

    @classmethod
    def decode(cls, text):
        base, separator, body = (text or "").rpartition(";")
        if not separator:
            raise ValueError("change without the order it was computed for")
        lines = []
        for part in body.split(","):
            key, quantity, price = part.split(":")
            lines.append((LineChoice.from_key(key).key, int(quantity), int(price)))
        if not lines:
            raise ValueError("empty change")
        return cls(lines=tuple(lines), base=base)


def apply_line_change(*, order, change):
    """Replace the order's lines by `change` and its total (caller holds the order row lock).

    A line kept or lowered keeps its price, choices and needs; a line raised or added was priced
    by product.line_recipe when the change was planned, and takes today's recipe for its needs."""
    if order.status not in (Order.Status.AWAITING_CONFIRMATION, Order.Status.TO_PREPARE):
        raise ChangeNotAllowed(
            _("La commande %(number)s est « %(status)s » : elle ne peut plus être modifiée.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    existing = {line.options_key: line for line in order.lines.all()}
    repriced = [
        LineChoice.from_key(key) for key, quantity, _price in change.lines
        if key not in existing or quantity > existing[key].quantity
    ]
    try:
        recipes, _menu = price_choices(repriced) if repriced else ({}, None)
    except ValidationError as exc:
        raise ChangeNotAllowed(" ".join(exc.messages)) from None
    # The new lines' reservation replaces the old one, all or nothing, before any line moves
    # (issue 17): raised or added lines take today's recipe, kept or lowered ones what they
    # stored. A savepoint, so that a paid change refused here leaves the payment's transaction
    # usable for its refund.
    kept = stored_needs(existing.values())
    try:
        with transaction.atomic():
            reserve_order(order, needs=needs_of_lines(
                (recipes[key].needs if key in recipes else kept.get(existing[key].pk, {}), quantity)
                for key, quantity, _price in change.lines
            ))
    except InsufficientStock as short:
        raise ChangeNotAllowed(
            _("il ne reste plus assez de %(ingredients)s")
            % {"ingredients": ", ".join(i.name for i, _n, _a in short.missing)}
        ) from None
    keep, needs = set(), []
    # Added or raised lines take the VAT rates of the order's day, like the lines placed with it.
    rates = rates_for(order) if recipes else None
    for key, quantity, price in change.lines:
        line = existing.get(key) or OrderLine(order=order)
        if key in recipes:
            fill_line(line, recipes[key], rates=rates, unit_price=from_cents(price))
        line.quantity = quantity
        line.unit_price = from_cents(price)
        if key not in recipes:
            line.vat_parts = refitted_parts(line)  # a kept line keeps its rates, fitted to its price
        line.full_clean()
        line.save()
        if key in recipes:
            needs.append((line, recipes[key]))
        keep.add(key)
    for key, line in existing.items():
        if key not in keep:
            line.delete()
    if needs:
        save_needs(needs)
    order.total = change.new_total
    order._change_reason = LINE_CHANGE_REASON
    try:
        order.save(update_fields=["total", "updated_at"])  # through save() so that history records it
    finally:
        del order._change_reason  # later saves of this instance are not changes of its lines
    order_changed(order)
