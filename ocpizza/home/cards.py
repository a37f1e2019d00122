"""The catalogue's product cards, built in Python.

Rendering the same markup through the template language cost most of the catalogue's time
(hundreds of variable lookups per card, see bench/pages_rps.py); here every value is still
escaped by format_html and every text still goes through gettext."""
import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home.page_cache import CSRF_PLACEHOLDER, wants_placeholder
from pizzeria.selectors import catalogue, catalogue_version


def _price(product, instead_of):
    if product.discount_price is not None:
        return format_html(
            '<del><span class="visually-hidden">{} </span>{} €</del> <strong>{} €</strong>',
            instead_of, localize(product.price), localize(product.discount_price),
        )
    return format_html("<strong>{} €</strong>", localize(product.price))


def render_product_cards(request, items, *, pizzeria, can_order, placeholder, max_quantity, csrf_token=None):
    texts = {
        "instead_of": _("au lieu de"),
        "sold_out": _("Épuisée"),
        "add": _("Ajouter"),
    }
    here = request.get_full_path()
    action = reverse("home:cart_add")
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token or get_token(request))
    cards = []
    for item in items:
        product = item.product
        if product.image:
            image = format_html('<img src="{}" alt="{}" width="320" height="200" loading="lazy">', product.image.url, product.name)
        else:
            image = format_html('<img src="{}" alt="" width="320" height="200">', placeholder)
        ingredients = format_html('<p class="ingredients">{}</p>', ", ".join(item.ingredients)) if item.ingredients else ""
        if not can_order:
            # A shop not yet open has no stock: its menu is shown, not "sold out" (issue 19).
            action_html = ""
        elif not item.is_available:
            action_html = format_html(
                '<p class="sold-out-label"><strong>{}</strong> — {}</p>',
                texts["sold_out"],
                _("plus assez de %(ingredient)s") % {"ingredient": item.availability.limiting_ingredient},
            )
        elif can_order:
            action_html = format_html(
                '<form method="post" action="{action}" class="add">{csrf}'
                '<input type="hidden" name="pizzeria" value="{shop}">'
                '<input type="hidden" name="product" value="{pk}">'
                '<input type="hidden" name="next" value="{here}#produit-{slug}">'
                '<label for="qty-{pk}" class="visually-hidden">{qty_label}</label>'
                '<input type="number" id="qty-{pk}" name="quantity" value="1" min="1" max="{max}" class="qty">'
                '<button type="submit">{add}<span class="visually-hidden"> {name}</span></button></form>',
                action=action, csrf=csrf, shop=pizzeria.slug, pk=product.pk, here=here, slug=product.slug,
                qty_label=_("Quantité de %(name)s") % {"name": product.name}, max=max_quantity,
                add=texts["add"], name=product.name,
            )
        cards.append(
            format_html(
                '<li class="card product{sold}" id="produit-{slug}" data-product="{slug}">{image}'
                '<div class="body"><h2>{name}</h2>{ingredients}<p class="price">{price}</p>{action}</div></li>',
                sold="" if item.is_available or not can_order else " sold-out", slug=product.slug, image=image, name=product.name,
                ingredients=ingredients, price=_price(product, texts["instead_of"]), action=action_html,
            )
        )
    return mark_safe("\n".join(cards))


# Stands for the visitor's CSRF token in cached cards; replaced on every request.
CSRF_SENTINEL = CSRF_PLACEHOLDER
CACHE_SECONDS = 300


def cached_product_cards(request, *, pizzeria, query, category, can_order, placeholder, max_quantity):
    """(number of products, cards HTML) of a pizzeria's catalogue, kept in the cache until the
    shop's stock, the menu or the recipes change (pizzeria.selectors.catalogue_version).

    Building the cards is most of the catalogue's time; the version check is one small query, so
    a cached page never shows an availability older than the last stock movement."""
    known = getattr(request, "_ocpizza_catalogue", None)  # the page cache's version covers the cards
    version = known[2] if known else catalogue_version(pizzeria=pizzeria)
    parts = (pizzeria.pk, query, category, can_order, request.get_full_path(), get_language(), placeholder, version)
    key = "catalogue-cards:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        items = catalogue(pizzeria=pizzeria, query=query, category=category)
        html = render_product_cards(
            request, items, pizzeria=pizzeria, can_order=can_order, placeholder=placeholder,
            max_quantity=max_quantity, csrf_token=CSRF_SENTINEL,
        )
        cached = (len(items), str(html))
        cache.set(key, cached, CACHE_SECONDS)
    count, html = cached
    if wants_placeholder(request):
        return count, mark_safe(html)  # the whole page is being cached: home.page_cache puts the token in
    # The token is HTML-safe (letters and digits), as format_html would leave it.
    return count, mark_safe(html.replace(CSRF_SENTINEL, get_token(request)))
