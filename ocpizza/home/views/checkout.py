"""Checkout: the cart becomes an order (F-ORD-5, F-ORD-3).

The cart (home.cart) is the session's; the order is placed by order.checkout.place_web_order,
which re-checks everything the browser sent."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from home.cart import Cart
from home.forms import CheckoutForm
from home.views.orders import messages_of
from order import payments
from order.checkout import DuplicateCheckout, place_web_order
from order.models import Order, new_order_number
from pizzeria.delivery import check_delivery_address

CHECKOUT_NUMBER_KEY = "ocpizza_checkout_number"
MICRO_DEGREE = Decimal("0.000001")  # the coordinates' precision in the database


def after_checkout_url(order):
    if order.payment_method == Order.PaymentMethod.CARD_ONLINE and not payments.is_fully_paid(order):
        return reverse("order:pay", args=[order.number])
    return reverse("order:confirmation", args=[order.number])


@login_required
def checkout(request):
    if request.method == "POST":
        # A resent or double-clicked form finds the order it already created.
        posted = request.POST.get("number", "")
        if posted and posted != request.session.get(CHECKOUT_NUMBER_KEY):
            existing = Order.objects.filter(number=posted, customer=request.user).first()
            if existing is not None:
                return redirect(after_checkout_url(existing))

    cart = Cart(request)
    pizzeria = cart.pizzeria
    if pizzeria is None or cart.is_empty():
        messages.info(request, _("Votre panier est vide : choisissez d'abord vos pizzas."))
        return redirect("home:index")
    number = request.session.get(CHECKOUT_NUMBER_KEY)
    if not number:
        number = request.session[CHECKOUT_NUMBER_KEY] = new_order_number()

    form = CheckoutForm(request.POST or None, user=request.user, initial={"number": number})
    if request.method == "POST" and request.POST.get("number") != number:
        messages.error(request, _("Ce formulaire n'était plus valable : vérifiez votre commande et validez à nouveau."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cart.validate()
        except ValidationError as exc:
            for message in messages_of(exc):
                form.add_error(None, message)
        address = None
        if not form.errors and data["fulfilment"] == Order.Fulfilment.DELIVERY:
            line, postcode, city = form.address_fields()
            try:
                latitude, longitude = check_delivery_address(pizzeria=pizzeria, line=line, postcode=postcode, city=city)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                address = {
                    "line": line, "postcode": postcode.replace(" ", ""), "city": city,
                    "latitude": Decimal(latitude).quantize(MICRO_DEGREE),
                    "longitude": Decimal(longitude).quantize(MICRO_DEGREE),
                    "instructions": data["instructions"],
                }
        if not form.errors:
            try:
                order = place_web_order(
                    number=number,
                    customer=request.user,
                    pizzeria=pizzeria,
                    lines=cart.lines(),
                    fulfilment=data["fulfilment"],
                    payment_method=data["payment_method"],
                    address=address,
                    note=data["note"],
                    contact={"phone": data["phone"]} if data["phone"] else None,
                )
            except DuplicateCheckout as duplicate:
                return redirect(after_checkout_url(duplicate.order))
            except ValidationError as exc:
                for message in messages_of(exc):
                    form.add_error(None, message)
            else:
                if address and data.get("save_address"):
                    form.store_address(address)
                cart.clear()
                request.session.pop(CHECKOUT_NUMBER_KEY, None)
                return redirect(after_checkout_url(order))

    return render(
        request,
        "order/checkout.html",
        {"form": form, "pizzeria": pizzeria, "lines": [(p, q, p.selling_price * q) for p, q in cart.lines()], "total": cart.total()},
    )
