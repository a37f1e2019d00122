"""Writes on stock. Every change of a quantity goes through here and leaves a StockMovement."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pizzeria.models import Stock, StockMovement


def _locked_stock(*, pizzeria, ingredient):
    stock, _created = Stock.objects.get_or_create(pizzeria=pizzeria, ingredient=ingredient)
    return Stock.objects.select_for_update().get(pk=stock.pk)


@transaction.atomic
def adjust_stock(*, pizzeria, ingredient, delta, reason, by=None, order=None, note=""):
    """Add `delta` (negative to take) to one stock line, with its ledger movement.

    Refuses to go below zero with a ValidationError naming the ingredient.
    """
    delta = Decimal(delta)
    if delta == 0:
        raise ValidationError(_("La variation de stock ne peut pas être nulle."))
    stock = _locked_stock(pizzeria=pizzeria, ingredient=ingredient)
    new_quantity = stock.quantity + delta
    if new_quantity < 0:
        raise ValidationError(
            _("Stock insuffisant de %(ingredient)s : %(available)s disponible, %(needed)s demandé.")
            % {"ingredient": ingredient, "available": stock.quantity, "needed": -delta}
        )
    stock.quantity = new_quantity
    stock.save(update_fields=["quantity", "updated_at"])
    return StockMovement.objects.create(
        stock=stock, delta=delta, quantity_after=new_quantity, reason=reason, order=order, user=by, note=note
    )


@transaction.atomic
def count_stock(*, pizzeria, ingredient, counted, by=None, reason=StockMovement.Reason.INVENTORY, note=""):
    """Record a physical count: the ledger gets the difference, not a silent overwrite.

    Returns the movement, or None when the count matches the books.
    """
    counted = Decimal(counted)
    if counted < 0:
        raise ValidationError(_("Une quantité comptée ne peut pas être négative."))
    stock = _locked_stock(pizzeria=pizzeria, ingredient=ingredient)
    delta = counted - stock.quantity
    if delta == 0:
        return None
    stock.quantity = counted
    stock.save(update_fields=["quantity", "updated_at"])
    return StockMovement.objects.create(
        stock=stock, delta=delta, quantity_after=counted, reason=reason, user=by, note=note
    )
