"""Writes on orders: the one entry point that creates them and the workflow that moves them.

Every function is one transaction, locks the order row, checks the transition against
order.workflow.TRANSITIONS (status, role of `by` in that pizzeria, kind of order), records who
and when, and queues the customer's e-mail for after the commit (order.notifications).
Stock is taken by accept_order only, all or nothing; see docs/order-workflow.md for the rule
that decides when stock goes back.
"""
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from order import notifications, payments
from order.models import Order, OrderLine, Payment
from order.workflow import TransitionNotAllowed, find_transition
from pizzeria.models import Pizzeria, Stock, StockMovement

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

MAX_LINE_QUANTITY = 50
CENT = Decimal("0.01")
# Cash the driver may take above the total and give back as change: a 200 € note for a small
# order is plausible, 2 950 € for a 29,50 € order is a typo (issue 13 M4, docs/order-workflow.md).
CASH_CHANGE_MARGIN = Decimal("500.00")


def money_ceiling(model, field_name):
    """The largest amount a DecimalField's column holds (9 digits, 2 decimals: 9 999 999,99)."""
    field = model._meta.get_field(field_name)
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(-field.decimal_places)


def check_order_total(total):
    """ValidationError in French when an order total would not fit its column (any database)."""
    ceiling = money_ceiling(Order, "total")
    if total > ceiling:
        raise ValidationError(
            _("Le total de la commande (%(total)s €) dépasse le maximum accepté (%(max)s €) : réduisez les quantités.")
            % {"total": payments.euros(total), "max": payments.euros(ceiling)}
        )
    return total


class InsufficientStock(Exception):
    """accept_order found too little of some ingredients; nothing was taken.

    `.missing` is a list of (ingredient, needed, available), ingredients in name order.
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
        self.message = _("Stock insuffisant pour la commande %(number)s — %(missing)s.") % {
            "number": order.number,
            "missing": " ; ".join(parts),
        }
        super().__init__(self.message)


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


# --- creating orders -------------------------------------------------------------------------


def _merge_lines(lines):
    """[(product, quantity)] -> {product_id: (product, total quantity)}, validated."""
    merged = {}
    for item in lines or ():
        try:
            product, quantity = item
        except (TypeError, ValueError):
            raise ValidationError(_("Ligne de commande illisible."))
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            raise ValidationError(_("La quantité de %(product)s doit être un nombre entier.") % {"product": product})
        if quantity < 1:
            raise ValidationError(_("La quantité de %(product)s doit être au moins 1.") % {"product": product})
        previous = merged.get(product.pk)
        total = quantity + (previous[1] if previous else 0)
        if total > MAX_LINE_QUANTITY:
            raise ValidationError(
                _("Au plus %(max)s × %(product)s par commande.") % {"max": MAX_LINE_QUANTITY, "product": product}
            )
        merged[product.pk] = (product, total)
    if not merged:
        raise ValidationError(_("La commande est vide : ajoutez au moins un produit."))
    return merged


def _check_products(pizzeria, merged):
    """Inactive or not makeable products are refused by name, all reported at once."""
    from pizzeria.selectors import product_availability
    from product.models import Product

    fresh = Product.objects.in_bulk(list(merged))  # prices and flags as they are now, not as the caller saw them
    availability = product_availability(pizzeria=pizzeria, product_ids=list(merged))
    errors = []
    for product_id, (product, quantity) in merged.items():
        current = fresh.get(product_id)
        if current is None or not current.is_active:
            errors.append(_("%(product)s n'est plus à la carte.") % {"product": product})
            continue
        makeable = availability[product_id].makeable
        if makeable is not None and makeable < quantity:
            if makeable == 0:
                errors.append(_("%(product)s est indisponible dans cette pizzeria.") % {"product": current})
            else:
                errors.append(
                    _("%(product)s : il n'en reste que %(count)s possible(s) dans cette pizzeria.")
                    % {"product": current, "count": makeable}
                )
        merged[product_id] = (current, quantity)
    if errors:
        raise ValidationError(errors)


def _apply_address(order, address):
    if address is None:
        raise ValidationError({"delivery_line": _("Une adresse de livraison est nécessaire pour une livraison.")})
    if isinstance(address, dict):
        values = address
    else:
        if order.customer_id and getattr(address, "user_id", None) not in (None, order.customer_id):
            raise ValidationError({"delivery_line": _("Cette adresse n'appartient pas à ce client.")})
        values = {
            "line": address.line,
            "postcode": address.postcode,
            "city": address.city,
            "latitude": address.latitude,
            "longitude": address.longitude,
        }
    order.delivery_line = (values.get("line") or "").strip()
    order.delivery_postcode = (values.get("postcode") or "").strip()
    order.delivery_city = (values.get("city") or "").strip()
    order.delivery_latitude = values.get("latitude")
    order.delivery_longitude = values.get("longitude")
    order.delivery_instructions = (values.get("instructions") or "").strip()
    missing = {}
    if not order.delivery_line:
        missing["delivery_line"] = _("L'adresse de livraison est obligatoire.")
    if not order.delivery_postcode:
        missing["delivery_postcode"] = _("Le code postal de livraison est obligatoire.")
    if not order.delivery_city:
        missing["delivery_city"] = _("La ville de livraison est obligatoire.")
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def place_order(
    *,
    pizzeria: Pizzeria,
    customer=None,
    lines,
    fulfilment: str,
    payment_method: str,
    channel: str = Order.Channel.WEB,
    address=None,
    by=None,
    contact: dict | None = None,
    note: str = "",
) -> Order:
    """Create an order for the site, a phone or counter order, an import or a test alike.

    Prices come from the products now (selling_price), never from the caller. A card order
    waits for Stripe (AWAITING_CONFIRMATION, then confirm_order); a pay-on-delivery order goes
    straight to the kitchen (TO_PREPARE).
    """
    from account.roles import has_role

    if pizzeria.status != Pizzeria.Status.OPEN:
        raise ValidationError(_("La pizzeria %(name)s ne prend pas de commandes en ce moment.") % {"name": pizzeria})
    if fulfilment not in Order.Fulfilment.values:
        raise ValidationError({"fulfilment": _("Mode de retrait inconnu.")})
    if payment_method not in Order.PaymentMethod.values:
        raise ValidationError({"payment_method": _("Mode de paiement inconnu.")})
    if channel not in Order.Channel.values:
        raise ValidationError({"channel": _("Canal de commande inconnu.")})
    if channel != Order.Channel.WEB:
        # Phone and counter orders are typed by the shop's staff.
        if by is None or not has_role(by, pizzeria, "manager", "pizzaiolo"):
            raise ValidationError(_("Seule l'équipe de cette pizzeria peut saisir une commande par téléphone ou au comptoir."))

    merged = _merge_lines(lines)
    _check_products(pizzeria, merged)

    contact = contact or {}
    order = Order(
        pizzeria=pizzeria,
        customer=customer,
        channel=channel,
        fulfilment=fulfilment,
        payment_method=payment_method,
        created_by=by if by is not None and getattr(by, "pk", None) else None,
        customer_note=(note or "").strip()[:255],
        customer_name=(contact.get("name") or (customer.get_full_name() if customer else "")).strip(),
        customer_phone=(contact.get("phone") or (getattr(customer, "phone", "") if customer else "")).strip(),
        customer_email=(contact.get("email") or (customer.email if customer else "")).strip().lower(),
    )
    if customer is None and not order.customer_name:
        raise ValidationError({"customer_name": _("Indiquez un client existant ou le nom d'un nouveau contact.")})
    if customer is None and fulfilment == Order.Fulfilment.DELIVERY and not order.customer_phone:
        raise ValidationError({"customer_phone": _("Un numéro de téléphone est nécessaire pour livrer ce contact.")})
    if fulfilment == Order.Fulfilment.DELIVERY:
        _apply_address(order, address)

    now = timezone.now()
    if payment_method == Order.PaymentMethod.CARD_ONLINE:
        order.status = Order.Status.AWAITING_CONFIRMATION
        order.payment_status = Order.PaymentStatus.AWAITING_PAYMENT
    else:
        order.status = Order.Status.TO_PREPARE
        order.payment_status = Order.PaymentStatus.TO_PAY_ON_DELIVERY
        order.confirmed_at = now
    order.total = check_order_total(
        sum((product.selling_price * quantity for product, quantity in merged.values()), Decimal("0"))
    )
    order.full_clean()
    order.save()
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order, product=product, product_name=product.name, quantity=quantity,
                unit_price=product.selling_price,
            )
            for product, quantity in merged.values()
        ]
    )
    if order.status == Order.Status.TO_PREPARE:
        notifications.status_changed(order)
    return order


# --- the workflow ----------------------------------------------------------------------------


def _lock(order):
    """Re-read the order under a row lock: the status checked is the one we change."""
    locked = Order.objects.select_for_update().select_related("pizzeria").get(pk=order.pk)
    return locked


def _finish(order, source, fields):
    """Save the changed fields, copy them back onto the caller's instance, queue the e-mail."""
    fields = list(dict.fromkeys([*fields, "status", "updated_at"]))
    order.save(update_fields=fields)
    for field in fields:
        setattr(source, field, getattr(order, field))
    notifications.status_changed(order)
    return order


def _move(order, action, by):
    locked = _lock(order)
    transition = find_transition(locked, action, by)
    locked.status = transition.target
    return locked


def _user(by):
    return by if by is not None and getattr(by, "pk", None) else None


@transaction.atomic
def confirm_order(order: Order, *, by=None) -> Order:
    """Payment confirmed (Stripe webhook, by=None) or phone order confirmed by a manager: → to prepare."""
    locked = _move(order, "confirm", by)
    locked.confirmed_at = timezone.now()
    return _finish(locked, order, ["confirmed_at"])


@transaction.atomic
def accept_order(order: Order, *, by) -> Order:
    """The kitchen takes the order: → in preparation, and the recipe quantities leave the stock.

    All or nothing under row locks taken in pk order (no deadlock between two kitchens);
    a shortfall raises InsufficientStock listing every missing ingredient and takes nothing.
    A fixed number of queries whatever the number of lines and ingredients.
    """
    locked = _move(order, "accept", by)
    needs = defaultdict(Decimal)
    rows = OrderLine.objects.filter(order=locked, product__recipe_lines__isnull=False).values_list(
        "product__recipe_lines__ingredient_id", "product__recipe_lines__quantity", "quantity"
    )
    for ingredient_id, recipe_quantity, line_quantity in rows:
        needs[ingredient_id] += recipe_quantity * line_quantity

    stocks = {
        stock.ingredient_id: stock
        for stock in Stock.objects.select_for_update()
        .filter(pizzeria_id=locked.pizzeria_id, ingredient_id__in=list(needs))
        .order_by("pk")
    }
    missing = [
        (ingredient_id, needed, stocks[ingredient_id].quantity if ingredient_id in stocks else Decimal(0))
        for ingredient_id, needed in needs.items()
        if ingredient_id not in stocks or stocks[ingredient_id].quantity < needed
    ]
    if missing:
        from product.models import Ingredient

        ingredients = Ingredient.objects.select_related("unit").in_bulk([m[0] for m in missing])
        raise InsufficientStock(
            locked,
            sorted(((ingredients[i], n, a) for i, n, a in missing), key=lambda m: m[0].name),
        )

    now = timezone.now()
    if stocks:
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
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    stock=stock,
                    delta=-needs[stock.ingredient_id],
                    quantity_after=stock.quantity - needs[stock.ingredient_id],
                    reason=StockMovement.Reason.ORDER,
                    order=locked,
                    user=_user(by),
                )
                for stock in ordered
            ]
        )
    locked.pizzaiolo = _user(by)
    locked.accepted_at = now
    return _finish(locked, order, ["pizzaiolo", "accepted_at"])


def _reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    if len(reason) > 255:
        raise ValidationError({"reason": _("Le motif ne doit pas dépasser 255 caractères.")})
    return reason


@transaction.atomic
def refuse_order(order: Order, *, by, reason: str) -> Order:
    """The kitchen refuses an order it has not accepted: nothing was taken from stock."""
    reason = _reason(reason, _("Indiquez le motif du refus (il est envoyé au client)."))
    _settle_open_payments(order)
    locked = _move(order, "refuse", by)
    locked.refusal_reason = reason
    locked.refused_at = timezone.now()
    locked.pizzaiolo = _user(by)
    refunded = _refund_online_payment(locked, by=by, reason=_("Commande refusée"))
    return _finish(locked, order, ["refusal_reason", "refused_at", "pizzaiolo", *refunded])


@transaction.atomic
def finish_order(order: Order, *, by) -> Order:
    """The pizzas are out of the oven: → ready (for the driver, or for pickup at the counter)."""
    locked = _move(order, "finish", by)
    locked.ready_at = timezone.now()
    return _finish(locked, order, ["ready_at"])


@transaction.atomic
def take_order(order: Order, *, by) -> Order:
    """A driver takes a ready delivery order: → out for delivery, driver recorded."""
    locked = _move(order, "take", by)
    locked.driver = _user(by)
    locked.out_for_delivery_at = timezone.now()
    return _finish(locked, order, ["driver", "out_for_delivery_at"])


def _parse_collection(order, collected, method):
    """The amount the driver or the counter typed, checked against the order (issue 13 M4).

    Cash: at least the total and at most the total + CASH_CHANGE_MARGIN (the change given back);
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
        ceiling = min(order.total + CASH_CHANGE_MARGIN, money_ceiling(Order, "collected_amount"))
    if amount > ceiling:
        if method == Order.CollectionMethod.CARD:
            message = _("Par carte, le montant encaissé est exactement le total (%(total)s €).") % {"total": payments.euros(order.total)}
        else:
            message = _(
                "Montant encaissé trop élevé : au plus %(max)s € en espèces pour une commande de %(total)s € "
                "(monnaie rendue jusqu'à %(margin)s €). Vérifiez le montant saisi."
            ) % {"max": payments.euros(ceiling), "total": payments.euros(order.total), "margin": payments.euros(CASH_CHANGE_MARGIN)}
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
                % {"amount": payments.euros(amount), "total": payments.euros(order.total)}
            }
        )
    if method == Order.CollectionMethod.CARD and amount != order.total:
        raise ValidationError({"collected_amount": _("Par carte, le montant encaissé est exactement le total (%(total)s €).") % {"total": payments.euros(order.total)}})
    return amount


@transaction.atomic
def deliver_order(order: Order, *, by, collected=None, method: str | None = None) -> Order:
    """Delivered (or handed over at the counter for pickup): → delivered, time recorded.

    A pay-on-delivery order needs the amount collected and the method (cash or card); it is
    then paid. A card order needs neither, and is handed over only if the money received covers
    its total (the `needs_payment` guard of the transitions table).
    """
    locked = _move(order, "deliver", by)
    fields = ["delivered_at"]
    if locked.payment_status in (Order.PaymentStatus.TO_PAY_ON_DELIVERY, Order.PaymentStatus.FAILED) and (
        locked.payment_method == Order.PaymentMethod.ON_DELIVERY
    ):
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
            created_by=_user(by),
        )
        payment.full_clean()
        payment.save()
    # A card order got here only if its payments cover its total: the transitions table's
    # `needs_payment` guard (order.workflow.find_transition) checked it under the row lock.
    locked.delivered_at = timezone.now()
    return _finish(locked, order, fields)


@transaction.atomic
def record_failed_collection(order: Order, *, by, message: str = "") -> Payment:
    """The card terminal refused the customer's card at the door. The order stays where it is;
    the driver may try again or take cash (deliver_order with another method)."""
    locked = _lock(order)
    find_transition(locked, "deliver", by)  # same people, same moment as delivering
    if locked.payment_method != Order.PaymentMethod.ON_DELIVERY or locked.payment_status == Order.PaymentStatus.PAID:
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
        created_by=_user(by),
    )
    payment.full_clean()
    payment.save()
    locked.payment_status = Order.PaymentStatus.FAILED
    locked.save(update_fields=["payment_status", "updated_at"])
    order.payment_status = locked.payment_status
    return payment


def _settle_open_payments(order):
    """Before a refusal or cancellation: cancel the card attempts still open (one that has just
    succeeded is recorded now, so that the refund that follows includes it)."""
    locked = _lock(order)
    if locked.payment_method == Order.PaymentMethod.CARD_ONLINE:
        payments.cancel_open_intents(locked)


def _refund_online_payment(order, *, by, reason):
    """A refused or cancelled order gives back what the customer paid online, in full (F-ORD-8).

    Runs inside the caller's transaction: if Stripe refuses the refund, payments.PaymentError
    rolls the refusal or cancellation back too, and the staff member sees why. Returns the
    order fields it changed, for the caller's save."""
    if order.payment_method != Order.PaymentMethod.CARD_ONLINE:
        return []
    payments.cancel_open_intents(order)
    paid = payments.net_received(order)
    if paid <= 0:
        return []
    payments.refund_order(order=order, amount=paid, by=_user(by), reason=reason)
    return ["amount_paid", "amount_refunded", "payment_status"]


def taken_stock(order):
    """{stock_id: net quantity the order still holds} from the ledger (positive numbers)."""
    rows = (
        StockMovement.objects.filter(order=order)
        .values("stock_id")
        .annotate(net=Sum("delta"))
        .values_list("stock_id", "net")
    )
    return {stock_id: -net for stock_id, net in rows if net < 0}


@transaction.atomic
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
    locked = _lock(order)
    previous = locked.status
    transition = find_transition(locked, "cancel", by)
    if restock and previous != Order.Status.IN_PREPARATION:
        raise ValidationError(
            _("Les ingrédients ne peuvent être remis en stock que pour une commande en préparation.")
        )
    if previous in (Order.Status.IN_PREPARATION, Order.Status.READY, Order.Status.OUT_FOR_DELIVERY) and not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'annulation d'une commande déjà acceptée.")})
    locked.status = transition.target
    locked.cancelled_at = timezone.now()
    locked.cancellation_reason = reason
    if restock:
        taken = taken_stock(locked)
        stocks = Stock.objects.select_for_update().filter(pk__in=list(taken)).order_by("pk")
        movements = []
        for stock in stocks:
            Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + taken[stock.pk], updated_at=locked.cancelled_at)
            movements.append(
                StockMovement(
                    stock=stock,
                    delta=taken[stock.pk],
                    quantity_after=stock.quantity + taken[stock.pk],
                    reason=StockMovement.Reason.ORDER_RETURN,
                    order=locked,
                    user=_user(by),
                    note=_("Annulation : %(reason)s") % {"reason": reason} if reason else "",
                )
            )
        StockMovement.objects.bulk_create(movements)
    # The customer's own cancellation (order.checkout) refunds before calling here; then
    # nothing is left to refund and this does nothing.
    refunded = _refund_online_payment(locked, by=by, reason=reason or _("Commande annulée"))
    return _finish(locked, order, ["cancelled_at", "cancellation_reason", *refunded])


def run_transition(order: Order, action: str, *, by, reason: str = "", collected=None, method: str | None = None,
                   restock: bool = False) -> Order:
    """Dispatch one action name of the transitions table to its service (admin, queues, bulk)."""
    if action == "confirm":
        return confirm_order(order, by=by)
    if action == "accept":
        return accept_order(order, by=by)
    if action == "refuse":
        return refuse_order(order, by=by, reason=reason)
    if action == "finish":
        return finish_order(order, by=by)
    if action == "take":
        return take_order(order, by=by)
    if action == "deliver":
        return deliver_order(order, by=by, collected=collected, method=method)
    if action == "cancel":
        return cancel_order(order, by=by, reason=reason, restock=restock)
    raise TransitionNotAllowed(_("Action inconnue : %(action)s.") % {"action": action}, order=order, action=action)


def error_message(exc) -> str:
    """One French sentence for any refusal of the workflow (for admin messages and queues)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


WORKFLOW_ERRORS = (TransitionNotAllowed, InsufficientStock, ValidationError, payments.PaymentError)
