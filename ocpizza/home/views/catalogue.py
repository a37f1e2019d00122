"""The public ordering site: pick a pizzeria, its catalogue and search (F-ORD-1, F-SEARCH-1).
Views stay thin: rules live in pizzeria.selectors and pizzeria.geocoding."""
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone

from home.cards import cached_product_cards
from home.page_cache import cached_for_blank_visitors, process_memo, recent_version
from home.cart import MAX_QUANTITY, Cart
from home.selectors import shops_for_customer
from ocpizza.business import message_of
from order.booking import shop_notice
from pizzeria.geocoding import get_geocoder
from pizzeria.hours import schedule_of, with_hours_flag
from pizzeria.selectors import catalogue_page_version, shops_version
from pizzeria.models import Pizzeria
from product.models import Product


def _float_or_none(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180 <= number <= 180 else None


def _home_version(request):
    # A postcode or a position sorts the shops for that visitor (and may ask the geocoder): not shared.
    return None if request.GET else recent_version(("shops",), shops_version)


def _open_shop(slug):
    return get_object_or_404(with_hours_flag(Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED)), slug=slug)


def _hours_notice(pizzeria, now, schedule=None):
    # Closed or paused now: the menu stays orderable for later slots, and says when it reopens.
    if pizzeria.status != Pizzeria.Status.OPEN:
        return ""
    return shop_notice(pizzeria=pizzeria, now=now, schedule=schedule)


# slug -> (page version, Paris date, the shop, its schedule), in this process: the version covers
# the shop's row and hours, the date the special days the schedule was read around. A catalogue
# from the page cache then asks the database one question only (catalogue_page_version), and
# at most once a second per process (home.page_cache.recent_version).
_shops = process_memo()


def _catalogue_version(request, slug):
    now = timezone.now()
    version = recent_version(("catalogue", slug), lambda: catalogue_page_version(slug=slug, now=now))
    if version is None:
        return None
    day = timezone.localdate(now)
    known = _shops.get(slug)
    if known is None or known[0] != version or known[1] != day:
        pizzeria = _open_shop(slug)
        known = (version, day, pizzeria, schedule_of(pizzeria, around=now))
        _shops[slug] = known
    pizzeria, schedule = known[2], known[3]
    # What the menu says about the hours moves with the clock and the pause: it is part of the
    # key, computed on every request from the shop's schedule (no query).
    notice = _hours_notice(pizzeria, now, schedule)
    request._ocpizza_catalogue = (pizzeria, notice, version)
    return f"{version}|{notice}"


@cached_for_blank_visitors(_home_version)
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


@cached_for_blank_visitors(_catalogue_version)
def catalogue(request, slug):
    pizzeria, hours_notice, _version = getattr(request, "_ocpizza_catalogue", None) or (None, None, None)
    if pizzeria is None:
        pizzeria = _open_shop(slug)
        hours_notice = _hours_notice(pizzeria, timezone.now())
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
            "hours_notice": hours_notice,
        },
    )
