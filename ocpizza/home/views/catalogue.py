"""The public ordering site: pick a pizzeria, its catalogue and search (F-ORD-1, F-SEARCH-1).
Views stay thin: rules live in pizzeria.selectors and pizzeria.geocoding."""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone

from home.cards import cached_product_cards
from home.cart import MAX_QUANTITY, Cart
from home.selectors import shops_for_customer
from ocpizza.business import message_of
from order.booking import shop_notice
from pizzeria.geocoding import get_geocoder
from pizzeria.hours import with_hours_flag
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
            error = message_of(exc)
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
    pizzeria = get_object_or_404(with_hours_flag(Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED)), slug=slug)
    query = (request.GET.get("q") or "").strip()[:100]
    category = request.GET.get("categorie") or ""
    if category not in Product.Category.values:
        category = ""
    cart = Cart(request)
    can_order = pizzeria.status == Pizzeria.Status.OPEN
    # Closed or paused now: the menu stays orderable for later slots, and says when it reopens.
    hours_notice = shop_notice(pizzeria=pizzeria, now=timezone.now()) if can_order else ""
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
            "hours_notice": hours_notice,
        },
    )
