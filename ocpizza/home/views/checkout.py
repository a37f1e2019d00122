"""Checkout: the cart becomes an order (F-ORD-5, F-ORD-3).

The cart (home.cart) is the session's; the order is placed by order.checkout.place_web_order,
which re-checks everything the browser sent."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from home.cart import Cart
from home.forms import CheckoutForm
from order import payments
from order.booking import offer as time_offer
from order.checkout import DuplicateCheckout, place_web_order
from order.models import Order, new_order_number
from ocpizza.business import add_to_form, messages_of
from pizzeria.delivery import keep_address, place_address

CHECKOUT_NUMBER_KEY = "ocpizza_checkout_number"


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

    # Slots are listed for a delivery (the later of the two promises), so every one listed is
    # also possible for a pickup; "as soon as possible" shows both promises.
    now = timezone.now()
    offer = time_offer(pizzeria=pizzeria, fulfilment=Order.Fulfilment.DELIVERY, now=now)
    pickup_offer = time_offer(pizzeria=pizzeria, fulfilment=Order.Fulfilment.PICKUP, now=now)
    form = CheckoutForm(request.POST or None, user=request.user, offer=offer, initial={"number": number},
        checked_address=cart.delivery_address,
    )
    if request.method == "POST" and request.POST.get("number") != number:
        messages.error(request, _("Ce formulaire n'était plus valable : vérifiez votre commande et validez à nouveau."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cart.validate()
        except ValidationError as exc:
            add_to_form(form, exc)
        place = None
        if not form.errors and data["fulfilment"] == Order.Fulfilment.DELIVERY:
            line, postcode, city = form.address_fields()
            try:
                place = place_address(pizzeria=pizzeria, line=line, postcode=postcode, city=city)
            except ValidationError as exc:
                add_to_form(form, exc)
        if not form.errors:
            try:
                order = place_web_order(
                    number=number,
                    customer=request.user,
                    pizzeria=pizzeria,
                    lines=cart.order_lines(),
                    fulfilment=data["fulfilment"],
                    payment_method=data["payment_method"],
                    address=place.for_order(instructions=data["instructions"]) if place else None,
                    note=data["note"],
                    contact={"phone": data["phone"]} if data["phone"] else None,
                    slot=data["when"],
                )
            except DuplicateCheckout as duplicate:
                return redirect(after_checkout_url(duplicate.order))
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "slot" in exc.error_dict:
                    form.add_error("when", exc.error_dict["slot"])  # the time chosen: on its field
                else:
                    form.add_error(None, messages_of(exc))  # the order's rules: above the form, as one list
            else:
                if place and data.get("save_address") and form.typed_new_address():
                    keep_address(user=request.user, place=place)
                cart.clear()
                request.session.pop(CHECKOUT_NUMBER_KEY, None)
                return redirect(after_checkout_url(order))

    return render(
        request,
        "order/checkout.html",
        {"form": form, "pizzeria": pizzeria, "offer": offer, "pickup_offer": pickup_offer, "lines": cart.lines(), "total": cart.total()},
    )
