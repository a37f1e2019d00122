"""Writes on stock: the one module that changes a quantity (Saleor's rule, issue 15).

Orders take and give back through take_stock / return_stock, imports and the stock page
count or correct through count_stock / correct_stock; every change leaves a StockMovement.
A placed order holds what it needs with reserve_stock (issue 17): StockReservation rows, written
under the same locks; take_stock turns them into the ledger movement, release_stock drops them.
Locks are taken in pk order (no deadlock between two kitchens), every shortfall is listed
before anything is written, and the writes are bulk: a fixed number of queries.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from account.roles import has_role
from ocpizza.business import BusinessError
from pizzeria.models import StaffMembership, Stock, StockMovement, StockReservation
from product.models import Ingredient

# Who may correct a shop's stock on the stock page (the roles' names come from the one enum).
STOCK_ROLES = (StaffMembership.Role.MANAGER, StaffMembership.Role.PIZZAIOLO)


class InsufficientStock(BusinessError):
    """take_stock found too little of some ingredients; nothing was taken.

    `.missing` is a list of (ingredient, needed, available), ingredients in name order; `.order`
    the order it was for.
    """

    def __init__(self, order, missing):
        self.order = order
        self.missing = missing
        parts = [
            _("%(ingredient)s : %(needed)s %(unit)s nécessaires, %(available)s disponibles")
            % {
                "ingredient": ingredient.name,
                "needed": _fmt(needed),
                "available": _fmt(available),
                "unit": ingredient.unit.symbol,
            }
            for ingredient, needed, available in missing
        ]
        super().__init__(
            _("Stock insuffisant pour la commande %(number)s — %(missing)s.")
            % {"number": order.number, "missing": " ; ".join(parts)}
        )


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def active_reservations(now=None):
    """Reservations that still hold stock: no expiry (paid, or paid at the door) or not yet
    expired. An expired one counts for nothing anywhere, before maintenance deletes it."""
    now = now or timezone.now()
    return StockReservation.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _locked_for(pizzeria_id, needs, order, now):
    """Lock the shop's stock rows of `needs` in pk order; return ({ingredient_id: Stock},
    [(ingredient_id, needed, free)] of every shortfall), where free = quantity − what other
    orders' active reservations hold of the row (never below zero)."""
    stocks = {
        stock.ingredient_id: stock
        for stock in Stock.objects.select_for_update()
        .filter(pizzeria_id=pizzeria_id, ingredient_id__in=list(needs))
        .order_by("pk")
    }
    held = {}
    if stocks:
        held = dict(
            active_reservations(now)
            .filter(stock_id__in=[s.pk for s in stocks.values()])
            .exclude(order=order)
            .values("stock_id")
            .annotate(held=Sum("quantity"))
            .values_list("stock_id", "held")
        )
    free = {i: max(s.quantity - held.get(s.pk, Decimal(0)), Decimal(0)) for i, s in stocks.items()}
    missing = [
        (ingredient_id, needed, free.get(ingredient_id, Decimal(0)))
        for ingredient_id, needed in needs.items()
        if free.get(ingredient_id, Decimal(0)) < needed
    ]
    return stocks, missing


def _raise_missing(order, missing):
    ingredients = Ingredient.objects.select_related("unit").in_bulk([m[0] for m in missing])
    raise InsufficientStock(
        order, sorted(((ingredients[i], n, a) for i, n, a in missing), key=lambda m: m[0].name)
    )


@transaction.atomic(savepoint=False)  # the caller's transaction (placing, paying) is the unit
def reserve_stock(*, pizzeria_id, needs, order, expires_at=None, now=None):
    """Hold `needs` ({ingredient_id: quantity}) of a shop's stock for `order`, all or nothing.

    Same locks as take_stock (stock rows in pk order, after the shop, slot and order rows);
    available = quantity − other orders' active reservations. Raises InsufficientStock listing
    every shortfall and holds nothing; else replaces whatever the order held by one row per
    stock line (`expires_at`: while a card payment is pending). A fixed number of queries."""
    now = now or timezone.now()
    needs = {i: Decimal(q) for i, q in needs.items() if q > 0}
    stocks, missing = _locked_for(pizzeria_id, needs, order, now)
    if missing:
        _raise_missing(order, missing)
    StockReservation.objects.filter(order=order).delete()
    return StockReservation.objects.bulk_create(
        [
            StockReservation(stock=stocks[i], order=order, quantity=needed, expires_at=expires_at)
            for i, needed in sorted(needs.items(), key=lambda item: stocks[item[0]].pk)
        ]
    )


def release_stock(*, order) -> int:
    """Drop what `order` holds (cancelled, refused, payment abandoned). Returns the rows deleted.

    No lock needed: a reservation that disappears only frees stock, so a placement reading the
    old rows at the same moment errs on the safe side."""
    return StockReservation.objects.filter(order=order).delete()[0]


def keep_reservation(*, order, now=None) -> bool:
    """The payment is confirmed: the order's reservation holds until acceptance (no expiry).

    Returns False when it had already expired (or was released): the caller reserves again."""
    now = now or timezone.now()
    rows = active_reservations(now).filter(order=order)
    if not rows.exists():
        return False
    rows.update(expires_at=None)
    return True


def purge_expired_reservations(*, now=None) -> int:
    """Delete reservations past their expiry (weekly maintenance); they already count for nothing."""
    now = now or timezone.now()
    return StockReservation.objects.filter(expires_at__lte=now).delete()[0]


@transaction.atomic(savepoint=False)  # no savepoint: the caller's transaction is the unit
def take_stock(*, pizzeria_id, needs, order, by=None):
    """Take `needs` ({ingredient_id: quantity}) from a shop's stock for `order`, all or nothing.

    Locks the stock rows in pk order; what other orders' active reservations hold is not
    available (the order's own reservation is: it becomes this movement and is deleted in the
    same transaction). Raises InsufficientStock listing every shortfall (and takes nothing),
    then moves every row with one guarded UPDATE and writes the ledger in one INSERT: a fixed
    number of queries whatever the number of ingredients."""
    needs = {i: Decimal(q) for i, q in needs.items() if q > 0}
    stocks, missing = _locked_for(pizzeria_id, needs, order, timezone.now())
    if missing:
        _raise_missing(order, missing)
    StockReservation.objects.filter(order=order).delete()
    if not stocks:
        return []
    now = timezone.now()
    # One UPDATE for every ingredient; each row only moves if it still holds enough, and the
    # count of moved rows proves it (the locks make a mismatch impossible, the check keeps it so).
    ordered = sorted(stocks.values(), key=lambda s: s.pk)
    condition = Q()
    for stock in ordered:
        condition |= Q(pk=stock.pk, quantity__gte=needs[stock.ingredient_id])
    updated = Stock.objects.filter(condition).update(
        quantity=Case(
            *[When(pk=stock.pk, then=F("quantity") - Value(needs[stock.ingredient_id])) for stock in ordered],
            default=F("quantity"),
        ),
        updated_at=now,
    )
    if updated != len(ordered):
        raise RuntimeError("Stock moved under a row lock; refusing to write a wrong ledger.")
    return StockMovement.objects.bulk_create(
        [
            StockMovement(
                stock=stock,
                delta=-needs[stock.ingredient_id],
                quantity_after=stock.quantity - needs[stock.ingredient_id],
                reason=StockMovement.Reason.ORDER,
                order=order,
                user=by,
            )
            for stock in ordered
        ]
    )


def taken_stock(order):
    """{stock_id: net quantity the order still holds} from the ledger (positive numbers)."""
    rows = (
        StockMovement.objects.filter(order=order)
        .values("stock_id")
        .annotate(net=Sum("delta"))
        .values_list("stock_id", "net")
    )
    return {stock_id: -net for stock_id, net in rows if net < 0}


@transaction.atomic(savepoint=False)  # no savepoint: the caller's transaction is the unit
def return_stock(*, order, by=None, note="", when=None):
    """Give back exactly what the ledger shows `order` took (ORDER_RETURN movements)."""
    taken = taken_stock(order)
    when = when or timezone.now()
    movements = []
    for stock in Stock.objects.select_for_update().filter(pk__in=list(taken)).order_by("pk"):
        Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + taken[stock.pk], updated_at=when)
        movements.append(
            StockMovement(
                stock=stock,
                delta=taken[stock.pk],
                quantity_after=stock.quantity + taken[stock.pk],
                reason=StockMovement.Reason.ORDER_RETURN,
                order=order,
                user=by,
                note=note,
            )
        )
    return StockMovement.objects.bulk_create(movements)


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
    if not has_role(by, pizzeria, *STOCK_ROLES):
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
