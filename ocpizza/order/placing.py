"""The one entry point that creates orders: the site, phone and counter orders, imports, tests.

Lines are merged and checked (quantity limit of order.rules, products and options on the menu
and makeable in that pizzeria, all reported at once), prices and what each line takes from stock
come from product.line_recipe and the menu now (issue 16), and the
order starts where its payment method sends it (card: waits for Stripe; on delivery: kitchen).
The time it is for (as soon as possible or a slot, within the shop's hours) is order.booking's;
the order then holds what its lines need (order.reservations, all or nothing, issue 17).
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from account.roles import has_role
from order import booking, notifications, rules
from order.derived import order_changed
from order.models import Order, OrderLine
from order.money import check_order_total
from order.line_items import as_choice, fill_line, price_choices, save_needs
from order.needs import needs_of_lines
from order.reservations import reserve_order
from order.vat import rates_for
from pizzeria.models import Pizzeria
from pizzeria.selectors import line_availability
from pizzeria.services import InsufficientStock


def _merge_lines(lines):
    """[(product | LineChoice | line key, quantity)] -> {choice key: (LineChoice, total quantity)},
    quantities checked (the menu is read later, once for every line)."""
    merged = {}
    for item in lines or ():
        try:
            what, quantity = item
        except (TypeError, ValueError):
            raise ValidationError(_("Ligne de commande illisible."))
        choice = as_choice(what)
        label = what if hasattr(what, "pk") else _("ce produit")
        try:
            quantity = int(quantity)
        except (TypeError, ValueError):
            raise ValidationError(_("La quantité de %(product)s doit être un nombre entier.") % {"product": label})
        if quantity < 1:
            raise ValidationError(_("La quantité de %(product)s doit être au moins 1.") % {"product": label})
        previous = merged.get(choice.key)
        merged[choice.key] = (choice, quantity + (previous[1] if previous else 0))
    if not merged:
        raise ValidationError(_("La commande est vide : ajoutez au moins un produit."))
    return merged


def price_lines(pizzeria, lines):
    """[(LineRecipe, quantity)] of `lines` as the menu and the shop's stock allow them now.

    Every line is priced by product.line_recipe from the menu as it is now (never from the
    caller); lines that come to the same choice (a product without size and the same product in
    its reference size) are merged; products off the menu, choices the menu does not offer, the
    quantity limit of order.rules and shortfalls of stock are refused, all reported at once."""
    merged = _merge_lines(lines)
    recipes, menu = price_choices([choice for choice, _quantity in merged.values()])
    priced = {}
    for key, (_choice, quantity) in merged.items():
        recipe = recipes[key]
        previous = priced.get(recipe.key)
        priced[recipe.key] = (recipe, quantity + (previous[1] if previous else 0))
    errors = []
    for recipe, quantity in priced.values():
        if quantity > rules.MAX_LINE_QUANTITY:
            errors.append(
                _("Au plus %(max)s × %(product)s par commande.") % {"max": rules.MAX_LINE_QUANTITY, "product": recipe.product_name}
            )
    availability = line_availability(pizzeria=pizzeria, recipes={k: r for k, (r, _q) in priced.items()}, menu=menu)
    for key, (recipe, quantity) in priced.items():
        shortfall = availability[key].shortfall(recipe.display_name, quantity)
        if shortfall:
            errors.append(shortfall)
    if errors:
        raise ValidationError(errors)
    return list(priced.values())


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
    slot=None,
) -> Order:
    """Create an order for the site, a phone or counter order, an import or a test alike.

    `lines` are (product | LineChoice | line key, quantity). Prices come from the menu now
    (product.line_recipe), never from the caller. A card order
    waits for Stripe (AWAITING_CONFIRMATION, then confirm_order); a pay-on-delivery order goes
    straight to the kitchen (TO_PREPARE).

    `slot` is the start of the quarter-hour the customer chose (None: as soon as possible):
    order.booking checks the shop's hours and pause, holds the slot's capacity under its row
    lock and sets the promised time, in this transaction.
    """
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
        if by is None or not has_role(by, pizzeria, *rules.SHOP_DESK_ROLES):
            raise ValidationError(_("Seule l'équipe de cette pizzeria peut saisir une commande par téléphone ou au comptoir."))

    priced = price_lines(pizzeria, lines)

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
    held = booking.book(pizzeria=pizzeria, fulfilment=fulfilment, slot=slot, now=now)
    order.slot = held.slot
    order.scheduled_for = held.scheduled_for
    order.ready_by = held.ready_by
    order.promised_at = held.promised_at
    if payment_method == Order.PaymentMethod.CARD_ONLINE:
        order.status = Order.Status.AWAITING_CONFIRMATION
        order.payment_status = Order.PaymentStatus.AWAITING_PAYMENT
    else:
        order.status = Order.Status.TO_PREPARE
        order.payment_status = Order.PaymentStatus.TO_PAY_ON_DELIVERY
        order.confirmed_at = now
    order.total = check_order_total(sum((recipe.unit_price * quantity for recipe, quantity in priced), Decimal("0")))
    # The shop, the customer, the author and the slot are instances this service holds (read
    # from the database, the slot under its lock): their foreign keys refuse anything else, and
    # checking them again cost four queries per order. No constraint of Order names them.
    order.full_clean(exclude=["pizzeria", "customer", "created_by", "slot"])
    order.save()
    rates = rates_for(order)  # the VAT rates of the order's day, stored on its lines (issue 18)
    OrderLine.objects.bulk_create(
        [fill_line(OrderLine(order=order, quantity=quantity), recipe, rates=rates) for recipe, quantity in priced]
    )
    saved = {line.options_key: line for line in order.lines.all()}
    save_needs([(saved[recipe.key], recipe) for recipe, _quantity in priced])
    # The availability check above read the stock without locks; this is the one that holds
    # (stock rows locked after the shop and slot rows): two customers racing for the last
    # mozzarella never both get it.
    try:
        reserve_order(order, needs=needs_of_lines((recipe.needs, quantity) for recipe, quantity in priced), now=now)
    except InsufficientStock as short:
        raise ValidationError(
            _("Il ne reste plus assez de %(ingredients)s dans cette pizzeria pour cette commande : "
              "retirez ou réduisez un produit.")
            % {"ingredients": ", ".join(ingredient.name for ingredient, _needed, _free in short.missing)}
        ) from None
    order_changed(order)
    if order.status == Order.Status.TO_PREPARE:
        notifications.status_changed(order)
    return order
