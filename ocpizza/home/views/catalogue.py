"""The public ordering site: pick a pizzeria, its catalogue and search, the cart and the delivery
address (F-ORD-1..3, F-SEARCH-1). Views stay thin: rules live in home.cart, home.delivery and
product.selectors."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from account import services as account_services
from home.cards import cached_product_cards
from home.cart import MAX_QUANTITY, Cart
from home.delivery import check_delivery_address, distance_km
from home.geocoding import get_geocoder
from home.selectors import shops_for_customer
from pizzeria.models import Pizzeria
from product.models import Product


def _float_or_none(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180 <= number <= 180 else None


def index(request):
    """Pizzerias, nearest first from the browser's position (?lat=&lon=) or a postcode (?cp=)."""
    latitude, longitude = _float_or_none(request.GET.get("lat")), _float_or_none(request.GET.get("lon"))
    postcode = (request.GET.get("cp") or "").strip()
    error = None
    if postcode and latitude is None:
        try:
            place = get_geocoder().geocode(line="", postcode=postcode, city="")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            latitude, longitude = place.latitude, place.longitude
    return render(
        request,
        "home/index.html",
        {
            "choices": shops_for_customer(latitude=latitude, longitude=longitude),
            "located": latitude is not None and longitude is not None,
            "postcode": postcode,
            "postcode_error": error,
        },
    )


def catalogue(request, slug):
    pizzeria = get_object_or_404(Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED), slug=slug)
    query = (request.GET.get("q") or "").strip()[:100]
    category = request.GET.get("categorie") or ""
    if category not in Product.Category.values:
        category = ""
    cart = Cart(request)
    can_order = pizzeria.status == Pizzeria.Status.OPEN
    count, cards = cached_product_cards(
        request, pizzeria=pizzeria, query=query, category=category, can_order=can_order,
        placeholder=static("home/pizza-placeholder.svg"), max_quantity=MAX_QUANTITY,
    )
    return render(
        request,
        "home/catalogue.html",
        {
            "pizzeria": pizzeria,
            "count": count,
            "cards": cards,
            "query": query,
            "category": category,
            "categories": Product.Category.choices,
            "cart": cart,
            "cart_is_here": cart.pizzeria_id == pizzeria.pk,
            "can_order": can_order,
        },
    )


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


@require_POST
def cart_add(request):
    cart = Cart(request)
    pizzeria = Pizzeria.objects.filter(slug=request.POST.get("pizzeria", "")).first()
    product = _product_from(request)
    if pizzeria is None or product is None:
        messages.error(request, _("Ce produit ou cette pizzeria n'existe pas."))
        return _back(request, "home:index")
    try:
        cart.set_pizzeria(pizzeria, replace=request.POST.get("replace") == "1")
        cart.add(product, request.POST.get("quantity") or 1)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s ajouté au panier.") % {"name": product.name})
    return _back(request, reverse("home:catalogue", args=[pizzeria.slug]))


@require_POST
def cart_update(request):
    cart = Cart(request)
    product = _product_from(request)
    if product is None:
        messages.error(request, _("Ce produit n'existe pas."))
    else:
        try:
            cart.set_quantity(product, request.POST.get("quantity"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Quantité mise à jour."))
    return redirect("home:cart")


@require_POST
def cart_remove(request):
    cart = Cart(request)
    product = _product_from(request)
    if product is not None:
        cart.remove(product)
        messages.success(request, _("%(name)s retiré du panier.") % {"name": product.name})
    return redirect("home:cart")


@require_POST
def cart_clear(request):
    Cart(request).clear()
    messages.success(request, _("Votre panier est vidé."))
    return _back(request, "home:cart")


class DeliveryForm(forms.Form):
    address = forms.TypedChoiceField(label=gettext_lazy("Adresse enregistrée"), required=False, coerce=int, empty_value=None)
    line = forms.CharField(label=gettext_lazy("Numéro et rue"), max_length=255, required=False)
    postcode = forms.CharField(label=gettext_lazy("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=gettext_lazy("Ville"), max_length=100, required=False)
    save = forms.BooleanField(label=gettext_lazy("Enregistrer cette adresse dans mon compte"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.saved = list(user.addresses.all()) if user is not None and user.is_authenticated else []
        self.fields["address"].choices = [("", _("Saisir une autre adresse"))] + [(a.pk, str(a)) for a in self.saved]
        self.fields["line"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        if not self.saved:
            del self.fields["address"]
        if user is None or not user.is_authenticated:
            del self.fields["save"]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("address")
        if chosen:
            address = next(a for a in self.saved if a.pk == chosen)
            cleaned.update(line=address.line, postcode=address.postcode, city=address.city, saved_address=address)
        return cleaned


def _checkout_url():
    for name in ("home:checkout", "order:checkout"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


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
                latitude, longitude = check_delivery_address(
                    pizzeria=cart.pizzeria, line=data["line"], postcode=data["postcode"], city=data["city"]
                )
                saved = data.get("saved_address")
                if saved is None and data.get("save"):
                    saved = account_services.save_address(
                        user=request.user, line=data["line"], postcode=data["postcode"], city=data["city"]
                    )
            except ValidationError as error:
                cart.clear_delivery_address()
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                cart.set_delivery_address(
                    line=data["line"].strip(),
                    postcode=data["postcode"].strip().replace(" ", ""),
                    city=data["city"].strip(),
                    latitude=latitude,
                    longitude=longitude,
                    address_id=saved.pk if saved else None,
                )
                distance = distance_km(cart.pizzeria.latitude, cart.pizzeria.longitude, latitude, longitude)
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
            "lines": [(product, quantity, product.selling_price * quantity) for product, quantity in lines],
            "total": cart.total(),
            "form": form,
            "delivery": cart.delivery_address,
            "checkout_url": _checkout_url(),
            "max_quantity": MAX_QUANTITY,
        },
    )

