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


# Reasons a person may give on the stock page; orders and returns are the workflow's own.
MANUAL_REASONS = (
    StockMovement.Reason.DELIVERY,
    StockMovement.Reason.CORRECTION,
    StockMovement.Reason.INVENTORY,
    StockMovement.Reason.LOSS,
)
MAX_QUANTITY = Decimal("1000000")


@transaction.atomic
def correct_stock(*, pizzeria, ingredient, by, reason, delta=None, counted=None, note=""):
    """A correction typed on the stock page, through the ledger, with its reason (F-ADM-1).

    Either `delta` (goods delivered, a loss, a correction) or `counted` (an inventory count).
    Only the shop's manager or pizzaiolo (or head office) may correct; the sign must fit the
    reason (a delivery adds, a loss removes) and a quantity is never negative nor absurd.
    """
    from account.roles import has_role

    if not has_role(by, pizzeria, "manager", "pizzaiolo"):
        raise ValidationError(_("Vous ne pouvez corriger que le stock de vos pizzerias."))
    if reason not in MANUAL_REASONS:
        raise ValidationError({"reason": _("Choisissez un motif : livraison, correction, inventaire ou perte.")})
    note = (note or "").strip()[:255]
    if (delta is None) == (counted is None):
        raise ValidationError(_("Indiquez soit une variation, soit une quantité comptée."))
    if counted is not None:
        counted = Decimal(counted)
        if not counted.is_finite() or counted > MAX_QUANTITY:
            raise ValidationError({"value": _("Quantité invraisemblable.")})
        return count_stock(pizzeria=pizzeria, ingredient=ingredient, counted=counted, by=by, reason=reason, note=note)
    delta = Decimal(delta)
    if not delta.is_finite() or abs(delta) > MAX_QUANTITY:
        raise ValidationError({"value": _("Quantité invraisemblable.")})
    if reason == StockMovement.Reason.DELIVERY and delta <= 0:
        raise ValidationError({"value": _("Une livraison de marchandise ajoute du stock : quantité positive attendue.")})
    if reason == StockMovement.Reason.LOSS and delta >= 0:
        raise ValidationError({"value": _("Une perte retire du stock : quantité négative attendue.")})
    if reason == StockMovement.Reason.CORRECTION and not note:
        raise ValidationError({"note": _("Expliquez la correction en quelques mots.")})
    return adjust_stock(pizzeria=pizzeria, ingredient=ingredient, delta=delta, reason=reason, by=by, note=note)
