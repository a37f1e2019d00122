"""The cart pages: add, change, remove, empty, and the delivery address checked against the
shop's zone (F-ORD-2, F-ORD-3). The cart itself (session storage) is home.cart; the zone rule
is pizzeria.delivery."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.cart import MAX_QUANTITY, Cart
from home.forms import DeliveryForm
from ocpizza.business import add_to_form, message_of
from pizzeria.delivery import distance_km, keep_address, place_address
from pizzeria.models import Pizzeria
from product.line_recipe import LineChoice
from product.models import Product


def _back(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _product_from(request):
    try:
        return Product.objects.get(pk=int(request.POST.get("product", "")))
    except (ValueError, Product.DoesNotExist):
        return None


def _choice_from(request, product):
    """The options posted with a product (size, extras, removals, second half), as ids only:
    product.line_recipe prices and checks them; None when the form sent something unreadable."""
    try:
        return LineChoice(
            product_id=product.pk,
            size_id=request.POST.get("size") or None,
            extra_ids=request.POST.getlist("extra"),
            removed_ids=request.POST.getlist("remove"),
            half_id=request.POST.get("half") or None,
        )
    except (TypeError, ValueError):
        return None


def _line_from(request):
    """The cart line a form names: `line` (its key) or, as before options, `product` (its id)."""
    return request.POST.get("line") or request.POST.get("product") or ""


@require_POST
def cart_add(request):
    cart = Cart(request)
    pizzeria = Pizzeria.objects.filter(slug=request.POST.get("pizzeria", "")).first()
    product = _product_from(request)
    choice = _choice_from(request, product) if product is not None else None
    if pizzeria is None or product is None or choice is None:
        messages.error(request, _("Ce produit ou cette pizzeria n'existe pas."))
        return _back(request, "home:index")
    try:
        cart.set_pizzeria(pizzeria, replace=request.POST.get("replace") == "1")
        recipe = cart.add(product, request.POST.get("quantity") or 1, choice=choice)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("%(name)s ajouté au panier.") % {"name": recipe.display_name})
    return _back(request, reverse("home:catalogue", args=[pizzeria.slug]))


@require_POST
def cart_update(request):
    cart = Cart(request)
    line = _line_from(request)
    if not cart.quantity_of(line):
        messages.error(request, _("Ce produit n'existe pas."))
    else:
        try:
            cart.set_quantity(line, request.POST.get("quantity"))
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, _("Quantité mise à jour."))
    return redirect("home:cart")


@require_POST
def cart_remove(request):
    cart = Cart(request)
    line = next((line for line in cart.lines() if line.key == _line_from(request)), None)
    if line is not None:
        cart.remove(line.key)
        messages.success(request, _("%(name)s retiré du panier.") % {"name": line.recipe.display_name})
    return redirect("home:cart")


@require_POST
def cart_clear(request):
    Cart(request).clear()
    messages.success(request, _("Votre panier est vidé."))
    return _back(request, "home:cart")


def cart_page(request):
    cart = Cart(request)
    form = None
    if request.method == "POST":
        form = DeliveryForm(request.POST, user=request.user)
        if cart.pizzeria is None:
            messages.error(request, _("Choisissez d'abord une pizzeria."))
            return redirect("home:index")
        if form.is_valid():
            data = form.cleaned_data
            try:
                place = place_address(
                    pizzeria=cart.pizzeria, line=data["line"], postcode=data["postcode"], city=data["city"]
                )
                saved = data.get("saved_address")
                if saved is None and data.get("save"):
                    saved = keep_address(user=request.user, place=place)
            except ValidationError as error:
                cart.clear_delivery_address()
                add_to_form(form, error)
            else:
                cart.set_delivery_address(
                    line=place.line,
                    postcode=place.postcode,
                    city=place.city,
                    latitude=place.latitude,
                    longitude=place.longitude,
                    address_id=saved.pk if saved else None,
                )
                distance = distance_km(cart.pizzeria.latitude, cart.pizzeria.longitude, place.latitude, place.longitude)
                messages.success(
                    request,
                    _("Adresse acceptée : %(name)s livre à cette adresse (%(distance)s km).")
                    % {"name": cart.pizzeria.name, "distance": f"{distance:.1f}".replace(".", ",")},
                )
                return redirect("home:cart")
    if form is None:
        initial = {}
        delivery = cart.delivery_address
        if delivery:
            initial = {k: delivery[k] for k in ("line", "postcode", "city")}
            initial["address"] = delivery.get("address_id")
        elif request.user.is_authenticated:
            default = request.user.addresses.filter(is_default=True).first()
            if default:
                initial = {"address": default.pk, "line": default.line, "postcode": default.postcode, "city": default.city}
        form = DeliveryForm(initial=initial, user=request.user)
    lines = cart.lines()
    return render(
        request,
        "home/cart.html",
        {
            "cart": cart,
            "lines": lines,
            "total": cart.total(),
            "form": form,
            "delivery": cart.delivery_address,
            "checkout_url": reverse("home:checkout"),
            "max_quantity": MAX_QUANTITY,
        },
    )

