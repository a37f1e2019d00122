"""Writes on orders: the workflow that moves them (issue 15: one service per table row).

Every function is one transaction, locks the order row, checks the transition against
order.workflow.TRANSITIONS (status, role of `by` in that pizzeria, kind of order, payment,
reason), records who and when, and queues the customer's e-mail for after the commit
(order.notifications). Stock is taken by accept_order only, all or nothing, through
pizzeria.services; see docs/order-workflow.md for the rule that decides when stock goes back.
Orders are created by order.placing.place_order (importable from here too), which reserves
their stock (order.reservations); acceptance turns the reservation into the ledger movement,
a refusal or cancellation releases it.

A new transition is one row in order.workflow.TRANSITIONS plus its `<action>_order` function
here: run_transition, the admin buttons, bulk actions and queues find it by name.
"""
import inspect
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocpizza.business import BusinessError, message_of
from order import rules, workflow
from order.daily_figures import recomputed_once
from order.derived import order_changed
from order.models import Order, Payment
from order.needs import needs_of_order
from order.money import CENT, euros, money_ceiling, net_received
from order.placing import place_order
from order.refunds import refund_order
from order.reservations import release_order
from order.settlement import cancel_open_intents
from order.status_changes import confirm_order, finish, lock_order, move, user_or_none
from order.workflow import TransitionNotAllowed, find_transition
from pizzeria.services import InsufficientStock, return_stock, take_stock
from pizzeria.slots import release_slot

__all__ = [
    "InsufficientStock",
    "TransitionNotAllowed",
    "place_order",
    "confirm_order",
    "accept_order",
    "refuse_order",
    "finish_order",
    "take_order",
    "deliver_order",
    "record_failed_collection",
    "cancel_order",
    "run_transition",
    "error_message",
    "WORKFLOW_ERRORS",
]


@transaction.atomic
def accept_order(order: Order, *, by) -> Order:
    """The kitchen takes the order: → in preparation, and what its lines need leaves the stock.

    All or nothing under row locks taken in pk order (no deadlock between two kitchens);
    a shortfall raises InsufficientStock listing every missing ingredient and takes nothing.
    A fixed number of queries whatever the number of lines and ingredients. The order's own
    reservation becomes the ledger movement (deleted in this transaction); other orders'
    active reservations are not available to it.
    """
    locked = move(order, "accept", by)
    needs = needs_of_order(locked)  # the same computation as the reservation at placement
    take_stock(pizzeria_id=locked.pizzeria_id, needs=needs, order=locked, by=user_or_none(by))
    now = timezone.now()
    locked.pizzaiolo = user_or_none(by)
    locked.accepted_at = now
    return finish(locked, order, ["pizzaiolo", "accepted_at"])


def _give_slot_back(order):
    """A refused or cancelled order frees its place in its slot (pizzeria.slots) and the stock
    it held (order.reservations); the caller saves."""
    release_slot(slot_id=order.slot_id)
    order.slot = None
    release_order(order)


def _reason(reason, message, *, required=True):
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": message})
    if len(reason) > 255:
        raise ValidationError({"reason": _("Le motif ne doit pas dépasser 255 caractères.")})
    return reason


@transaction.atomic
@recomputed_once
def refuse_order(order: Order, *, by, reason: str) -> Order:
    """The kitchen refuses an order it has not accepted: nothing was taken from stock."""
    reason = _reason(
        reason, _("Indiquez le motif du refus (il est envoyé au client)."), required=workflow.needs_reason(order, "refuse")
    )
    _settle_open_payments(order)
    locked = move(order, "refuse", by)
    locked.refusal_reason = reason
    locked.refused_at = timezone.now()
    locked.pizzaiolo = user_or_none(by)
    _give_slot_back(locked)
    refunded = _refund_online_payment(locked, by=by, reason=_("Commande refusée"))
    return finish(locked, order, ["refusal_reason", "refused_at", "pizzaiolo", "slot", *refunded])


@transaction.atomic
def finish_order(order: Order, *, by) -> Order:
    """The pizzas are out of the oven: → ready (for the driver, or for pickup at the counter)."""
    locked = move(order, "finish", by)
    locked.ready_at = timezone.now()
    return finish(locked, order, ["ready_at"])


@transaction.atomic
def take_order(order: Order, *, by) -> Order:
    """A driver takes a ready delivery order: → out for delivery, driver recorded."""
    locked = move(order, "take", by)
    locked.driver = user_or_none(by)
    locked.out_for_delivery_at = timezone.now()
    return finish(locked, order, ["driver", "out_for_delivery_at"])


def _parse_collection(order, collected, method):
    """The amount the driver or the counter typed, checked against the order (issue 13 M4).

    Cash: at least the total and at most the total + rules.CASH_CHANGE_MARGIN (the change given back);
    card: exactly the total. Euros and cents only. The bounds are checked before any arithmetic
    that a huge exponent could break, and keep the value inside its column on every database."""
    if method not in Order.CollectionMethod.values:
        raise ValidationError({"collected_method": _("Choisissez comment le client a payé : espèces ou carte.")})
    if collected in (None, ""):
        raise ValidationError({"collected_amount": _("Indiquez le montant encaissé.")})
    text = str(collected).strip().replace(",", ".").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    try:
        amount = Decimal(text)
    except ArithmeticError:
        raise ValidationError({"collected_amount": _("Le montant encaissé doit être un nombre, par exemple 23,50.")})
    if not amount.is_finite() or amount < 0:
        raise ValidationError({"collected_amount": _("Le montant encaissé doit être un nombre positif.")})
    if method == Order.CollectionMethod.CARD:
        ceiling = order.total
    else:
        ceiling = min(order.total + rules.CASH_CHANGE_MARGIN, money_ceiling(Order, "collected_amount"))
    if amount > ceiling:
        if method == Order.CollectionMethod.CARD:
            message = _("Par carte, le montant encaissé est exactement le total (%(total)s €).") % {"total": euros(order.total)}
        else:
            message = _(
                "Montant encaissé trop élevé : au plus %(max)s € en espèces pour une commande de %(total)s € "
                "(monnaie rendue jusqu'à %(margin)s €). Vérifiez le montant saisi."
            ) % {"max": euros(ceiling), "total": euros(order.total), "margin": euros(rules.CASH_CHANGE_MARGIN)}
        raise ValidationError({"collected_amount": message})
    if amount != amount.quantize(CENT):
        raise ValidationError(
            {"collected_amount": _("Le montant encaissé se compte en euros et centimes (deux décimales au plus), par exemple 23,50.")}
        )
    amount = amount.quantize(CENT)
    if amount < order.total:
        raise ValidationError(
            {
                "collected_amount": _("Montant encaissé (%(amount)s €) inférieur au total de la commande (%(total)s €).")
                % {"amount": euros(amount), "total": euros(order.total)}
            }
        )
    if method == Order.CollectionMethod.CARD and amount != order.total:
        raise ValidationError({"collected_amount": _("Par carte, le montant encaissé est exactement le total (%(total)s €).") % {"total": euros(order.total)}})
    return amount


@transaction.atomic
def deliver_order(order: Order, *, by, collected=None, method: str | None = None) -> Order:
    """Delivered (or handed over at the counter for pickup): → delivered, time recorded.

    A pay-on-delivery order needs the amount collected and the method (cash or card); it is
    then paid. A card order needs neither, and is handed over only if the money received covers
    its total (the `needs_payment` guard of the transitions table).
    """
    locked = move(order, "deliver", by)
    fields = ["delivered_at"]
    if rules.collects_at_door(locked):
        amount = _parse_collection(locked, collected, method)
        locked.collected_amount = amount
        locked.collected_method = method
        locked.amount_paid = locked.total
        locked.payment_status = Order.PaymentStatus.PAID
        fields += ["collected_amount", "collected_method", "amount_paid", "payment_status"]
        payment = Payment(
            order=locked,
            kind=Payment.Kind.CHARGE,
            provider=Payment.Provider.CASH if method == Order.CollectionMethod.CASH else Payment.Provider.CARD_TERMINAL,
            status=Payment.Status.SUCCEEDED,
            amount=locked.total,
            created_by=user_or_none(by),
        )
        payment.full_clean()
        payment.save()
    # A card order got here only if its payments cover its total: the transitions table's
    # `needs_payment` guard (order.workflow.find_transition) checked it under the row lock.
    locked.delivered_at = timezone.now()
    return finish(locked, order, fields)


@transaction.atomic
def record_failed_collection(order: Order, *, by, message: str = "") -> Payment:
    """The card terminal refused the customer's card at the door. The order stays where it is;
    the driver may try again or take cash (deliver_order with another method)."""
    locked = lock_order(order)
    find_transition(locked, "deliver", by)  # same people, same moment as delivering
    if not rules.collects_at_door(locked):
        raise TransitionNotAllowed(
            _("La commande %(number)s n'a rien à encaisser.") % {"number": locked.number}, order=locked, action="deliver"
        )
    payment = Payment(
        order=locked,
        kind=Payment.Kind.CHARGE,
        provider=Payment.Provider.CARD_TERMINAL,
        status=Payment.Status.FAILED,
        amount=locked.total,
        failure_message=(message or _("Carte refusée au terminal")).strip()[:255],
        created_by=user_or_none(by),
    )
    payment.full_clean()
    payment.save()
    locked.payment_status = Order.PaymentStatus.FAILED
    locked.save(update_fields=["payment_status", "updated_at"])
    order_changed(locked)
    order.payment_status = locked.payment_status
    return payment


def _settle_open_payments(order):
    """Before a refusal or cancellation: cancel the card attempts still open (one that has just
    succeeded is recorded now, so that the refund that follows includes it)."""
    locked = lock_order(order)
    if locked.payment_method == Order.PaymentMethod.CARD_ONLINE:
        cancel_open_intents(locked)


def _refund_online_payment(order, *, by, reason):
    """A refused or cancelled order gives back what the customer paid online, in full (F-ORD-8).

    Runs inside the caller's transaction: if Stripe refuses the refund, PaymentError
    rolls the refusal or cancellation back too, and the staff member sees why. Returns the
    order fields it changed, for the caller's save."""
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        return []
    cancel_open_intents(order)
    paid = net_received(order)
    if paid <= 0:
        return []
    refund_order(order=order, amount=paid, by=user_or_none(by), reason=reason)
    return ["amount_paid", "amount_refunded", "payment_status"]


@transaction.atomic
@recomputed_once
def cancel_order(order: Order, *, by, reason: str = "", restock: bool = False) -> Order:
    """Cancel the order (customer or shop before acceptance; a manager afterwards).

    Stock return rule (docs/order-workflow.md): an order not yet accepted took nothing, so
    nothing moves. Once accepted, the ingredients are in the oven: they stay consumed unless
    a manager cancels while the order is still *in preparation* and says `restock=True`; then
    exactly what the ledger shows the order took goes back (ORDER_RETURN movements).
    Money is not touched here: refunds of paid orders belong to order.payments, which may call
    this inside its own transaction.
    """
    reason = (reason or "").strip()[:255]
    _settle_open_payments(order)
    locked = lock_order(order)
    transition = find_transition(locked, "cancel", by)
    if restock and not rules.may_restock(locked):
        raise ValidationError(
            _("Les ingrédients ne peuvent être remis en stock que pour une commande en préparation.")
        )
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation d'une commande déjà acceptée.")})
    locked.status = transition.target
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason
    if restock:
        note = _("Annulation : %(reason)s") % {"reason": reason} if reason else ""
        return_stock(order=locked, by=user_or_none(by), note=note, when=locked.cancelled_at)
    # The customer's own cancellation (order.checkout) refunds before calling here; then
    # nothing is left to refund and this does nothing.
    _give_slot_back(locked)
    refunded = _refund_online_payment(locked, by=by, reason=reason or _("Commande annulée"))
    return finish(locked, order, ["cancelled_at", "cancellation_reason", "slot", *refunded])


def run_transition(order: Order, action: str, *, by, **details) -> Order:
    """Run the service of one action of the transitions table (admin, queues, bulk actions).

    The service is `<action>_order` of this module; `details` (reason, collected, method,
    restock...) are passed to it when it takes them, so a new row needs no change here."""
    service = globals().get(f"{action}_order") if action in workflow.ACTIONS else None
    if service is None:
        raise TransitionNotAllowed(_("Action inconnue : %(action)s.") % {"action": action}, order=order, action=action)
    accepted = inspect.signature(service).parameters
    return service(order, by=by, **{name: value for name, value in details.items() if name in accepted})


error_message = message_of  # one sentence for any refusal (admin messages, queues)

# Every refusal a screen shows as a message: ocpizza.business.add_to_form / message_of.
WORKFLOW_ERRORS = (BusinessError, ValidationError)
