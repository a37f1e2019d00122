"""Writes of the public site on orders: checkout, and the customer's change or cancel (F-ORD-5, F-ORD-8).

They build on order.services (place_order, cancel_order, the transitions table) and
order.payments (Stripe). Rules:

- Checkout is idempotent: the checkout form carries an order number issued by the server
  (kept in the session); the order is saved under that number, which is unique in the
  database, so a double submit or a resent form finds the first order instead of making a
  second one.
- A customer may change or cancel while the transitions table lets them cancel (the kitchen
  has not accepted). The same check runs on every POST, under the order's row lock.
- Cancelling a paid order refunds everything paid online through Stripe, in the same
  transaction as the cancellation (a refused refund cancels nothing).
- Changing a paid order: a lower total is refunded the difference at once; a higher total is
  applied only once the extra amount is paid by card (the change travels in the
  PaymentIntent's metadata, so the webhook can apply it even if the browser is gone). The change
  carries the fingerprint of the lines it was computed for: if the order changed meanwhile, the
  paid extra is refunded instead of applied.
- Every change and cancellation first cancels the card attempts still open, so that nothing
  paid for an earlier version of the order can succeed afterwards.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from order.changes import ChangeNotAllowed, LineChange, apply_line_change  # noqa: F401 — importable from here too
from order.daily_figures import recomputed_once
from order.locks import lock_order
from order.models import Order
from order.money import check_order_total, lines_fingerprint, net_received, refresh_payment_totals, to_cents
from order.refunds import refund_order
from order.rules import MAX_WEB_LINE_QUANTITY as MAX_QUANTITY
from order.services import cancel_order, place_order
from order.settlement import cancel_open_intents
from order.workflow import TransitionNotAllowed, find_transition
from pizzeria.selectors import line_availability
from product.line_recipe import LineChoice, line_recipe
from product.selectors import menu_for


class DuplicateCheckout(Exception):
    """The checkout form was already used: `order` is the order it created."""

    def __init__(self, order):
        super().__init__(order.number)
        self.order = order


# --- checkout ----------------------------------------------------------------------------


def place_web_order(
    *, number, customer, pizzeria, lines, fulfilment, payment_method, address=None, note="", contact=None, slot=None
):
    """place_order for the site, saved under the server-issued `number` (see module docstring).

    Raises DuplicateCheckout when that number already names an order of this customer."""
    existing = Order.objects.filter(number=number).first()
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise ValidationError(_("Ce formulaire de commande n'est plus valable. Rechargez la page."))
        raise DuplicateCheckout(existing)
    try:
        with transaction.atomic():
            order = place_order(
                pizzeria=pizzeria,
                customer=customer,
                lines=lines,
                fulfilment=fulfilment,
                payment_method=payment_method,
                channel=Order.Channel.WEB,
                address=address,
                by=customer,
                note=note,
                contact=contact,
                slot=slot,
            )
            # The unique index on `number` is what refuses the second of two simultaneous submits.
            Order.objects.filter(pk=order.pk).update(number=number)
            order.history.filter(id=order.pk).update(number=number)
            order.number = number
    except IntegrityError:
        existing = Order.objects.filter(number=number, customer=customer).first()
        if existing is None:
            raise
        raise DuplicateCheckout(existing) from None
    return order


# --- change ------------------------------------------------------------------------------


def check_changeable(order, by):
    """ChangeNotAllowed unless `by` may still cancel (so also change) `order` now."""
    if order.customer_id is None or by is None or order.customer_id != by.pk:
        raise ChangeNotAllowed(_("Cette commande n'est pas la vôtre."))
    try:
        find_transition(order, "cancel", by)
    except TransitionNotAllowed:
        raise ChangeNotAllowed(
            _("La commande %(number)s est « %(status)s » : elle ne peut plus être modifiée ni annulée.")
            % {"number": order.number, "status": order.get_status_display()}
        ) from None


def plan_line_change(*, order, quantities):
    """A LineChange from {line key: quantity} typed by the customer (0 removes a line).

    A line key is product.line_recipe.LineChoice.key: an order line's `options_key`, or a new
    choice ("12" for a product without options, "12.s3.e5" for one with). Prices are the server's
    at the moment of the change (issue 13 L3, docs/order-workflow.md): a line kept or lowered keeps
    the price it was ordered at; a line raised or added is rung again at today's price, the whole
    line, by product.line_recipe (size, extras, halves), as a till re-enters a line whose quantity
    changes. A product off the menu can be lowered or removed, not raised. Every problem is
    reported at once as a ValidationError in French."""
    current = {line.options_key: line for line in order.lines.all()}
    errors, wanted = [], {}
    for raw_key, raw_quantity in quantities.items():
        try:
            key = LineChoice.from_key(str(raw_key)).key
            quantity = int(str(raw_quantity).strip() or 0)
        except (TypeError, ValueError):
            errors.append(_("Les quantités doivent être des nombres entiers."))
            continue
        if not 0 <= quantity <= MAX_QUANTITY:
            errors.append(_("Chaque quantité doit être comprise entre 0 et %(max)d.") % {"max": MAX_QUANTITY})
            continue
        if quantity:
            wanted[key] = wanted.get(key, 0) + quantity
    if errors:
        raise ValidationError(sorted(set(errors)))
    if not wanted:
        raise ValidationError(_("Une commande ne peut pas être vide : pour tout retirer, annulez-la."))
    raised = [LineChoice.from_key(key) for key, quantity in wanted.items() if quantity > (current[key].quantity if key in current else 0)]
    menu = menu_for({pid for choice in raised for pid in choice.product_ids()}) if raised else None
    recipes = {}
    for choice in raised:
        try:
            recipes[choice.key] = line_recipe(choice, menu)
        except ValidationError as exc:
            product = menu.products.get(choice.product_id)
            if choice.key in current and product is not None and not product.is_active:
                errors.append(
                    _("%(product)s n'est plus à la carte : vous pouvez en retirer, pas en ajouter.") % {"product": product.name}
                )
            elif choice.key not in current and (product is None or not product.is_active):
                errors.append(_("Un des produits demandés n'est pas à la carte."))
            else:
                errors.extend(exc.messages)
    # The order's own reservation is available to it (it is replaced when the change applies).
    availability = line_availability(pizzeria=order.pizzeria, recipes=recipes, menu=menu, order=order) if recipes else {}
    lines = {}
    for key, quantity in sorted(wanted.items()):
        line = current.get(key)
        recipe = recipes.get(key)
        if recipe is None and line is None:
            continue  # refused above
        if recipe is not None:
            shortfall = availability[key].shortfall(recipe.display_name, quantity)
            if shortfall:
                errors.append(shortfall)
                continue
            key = recipe.key  # "12.s<reference>" typed by hand is the line "12"
        # A raised line is priced by the menu just now: today's price, not one the browser held.
        price = recipe.unit_price if recipe is not None else line.unit_price
        if key in lines:
            errors.append(_("La même ligne est demandée deux fois."))
            continue
        lines[key] = (key, quantity, to_cents(price))
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    change = LineChange(lines=tuple(lines[key] for key in sorted(lines)), base=lines_fingerprint(order))
    check_order_total(change.new_total)  # the new total must fit its column like a new order's
    return change


@dataclass
class ChangeOutcome:
    applied: bool
    refunded: Decimal = Decimal("0.00")
    extra_due: Decimal = Decimal("0.00")
    change: LineChange | None = None


@transaction.atomic
@recomputed_once
def change_order(*, order, quantities, by):
    """The customer changes the lines of an order the kitchen has not accepted.

    Open card attempts are cancelled first (one that has just succeeded is recorded before the
    change is computed). Unpaid orders (pay on delivery, or card not yet paid) change at once.
    A paid card order with a lower total is refunded the difference through Stripe and changes
    at once; with a higher total nothing changes yet: the outcome says how much to pay
    (`extra_due`) and the `change` to pay for with order.payments.start_card_payment(change=...)."""
    locked = lock_order(order.pk, "pizzeria")
    check_changeable(locked, by)
    card = locked.payment_method == Order.PaymentMethod.CARD_ONLINE
    if card:
        cancel_open_intents(locked)
        locked.refresh_from_db()
        check_changeable(locked, by)
    change = plan_line_change(order=locked, quantities=quantities)
    paid = net_received(locked) if card else Decimal("0.00")
    if card and paid > 0:
        difference = change.new_total - paid
        if difference > 0:
            return ChangeOutcome(applied=False, extra_due=difference, change=change)
        refunds = refund_order(order=locked, amount=-difference, by=by, reason=_("Modification de la commande"))
        apply_line_change(order=locked, change=change)
        refresh_payment_totals(locked)
        _copy_back(locked, order)
        return ChangeOutcome(applied=True, refunded=sum((r.amount for r in refunds), Decimal("0.00")))
    apply_line_change(order=locked, change=change)
    if card:
        refresh_payment_totals(locked)
    _copy_back(locked, order)
    return ChangeOutcome(applied=True)


def _copy_back(locked, order):
    for field in ("total", "amount_paid", "amount_refunded", "payment_status", "status"):
        setattr(order, field, getattr(locked, field))


# --- cancel ------------------------------------------------------------------------------


@transaction.atomic
@recomputed_once
def cancel_by_customer(*, order, by, reason=""):
    """The customer cancels before the kitchen accepts; whatever was paid online is refunded
    in full through Stripe first (PaymentError, and nothing cancelled, if Stripe refuses)."""
    locked = lock_order(order.pk, "pizzeria")
    check_changeable(locked, by)
    if locked.payment_method == Order.PaymentMethod.CARD_ONLINE:
        cancel_open_intents(locked)
        locked.refresh_from_db()
        check_changeable(locked, by)
    paid = net_received(locked)
    refunds = []
    if paid > 0:
        refunds = refund_order(
            order=locked, amount=paid, by=by, reason=_("Annulation par le client")
        )
    cancel_order(locked, by=by, reason=reason or _("Annulée par le client"))
    if locked.payment_method == Order.PaymentMethod.CARD_ONLINE:
        refresh_payment_totals(locked)
    _copy_back(locked, order)
    return refunds

