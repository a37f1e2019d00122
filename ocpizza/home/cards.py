"""The catalogue's product cards, built in Python.

Rendering the same markup through the template language cost most of the catalogue's time
(hundreds of variable lookups per card, see bench/pages_rps.py); here every value is still
escaped by format_html and every text still goes through gettext."""
import hashlib
import json

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


def _money(value):
    return f"{localize(value)} €"


def _options(item, product, texts):
    """The size radios, extras, removals and halves of a card; every price shown is the server's
    (product.line_recipe through pizzeria.selectors.catalogue), the script only adds them up."""
    if not item.sizes:
        return ""
    possible = [s for s in item.sizes if s.availability.is_available]
    chosen = next((s for s in possible if s.is_reference), possible[0] if possible else None)
    radios = []
    for size in item.sizes:
        available = size.availability.is_available
        note = "" if available else format_html(
            ' <small class="size-out">{}</small>',
            _("épuisée : plus assez de %(ingredient)s") % {"ingredient": size.availability.limiting_ingredient},
        )
        radios.append(format_html(
            '<label class="choice"><input type="radio" name="size" value="{id}" data-price="{price}"{checked}{disabled}>'
            ' {name} — {money}{note}</label>',
            id=size.size_id, price=size.price, name=size.name, money=_money(size.price), note=note,
            checked=mark_safe(" checked") if size is chosen else "", disabled="" if available else mark_safe(" disabled"),
        ))
    parts = [format_html('<fieldset class="sizes"><legend>{}</legend>{}</fieldset>', texts["size"], mark_safe("".join(radios)))]
    custom = []
    if item.extras:
        boxes = format_html_join(
            "", '<label class="choice"><input type="checkbox" name="extra" value="{}" data-prices="{}" data-sizes="{}"> + {}'
            ' <small class="extra-price"></small></label>',
            (
                (e.extra_id, json.dumps({str(k): str(v) for k, v in e.prices.items()}), " ".join(map(str, sorted(e.possible_sizes))), e.name)
                for e in item.extras
            ),
        )
        custom.append(format_html('<fieldset class="extras"><legend>{}</legend>{}</fieldset>', texts["extras"], boxes))
    if item.removable:
        boxes = format_html_join(
            "", '<label class="choice"><input type="checkbox" name="remove" value="{}"> {}</label>',
            ((ingredient_id, _("sans %(ingredient)s") % {"ingredient": name.lower()}) for ingredient_id, name in item.removable),
        )
        custom.append(format_html('<fieldset class="removals"><legend>{}</legend>{}</fieldset>', texts["removals"], boxes))
    if item.halves:
        options = format_html_join(
            "", '<option value="{}" data-prices="{}">{}</option>',
            ((pid, json.dumps({str(k): str(v) for k, v in prices.items()}), name) for pid, name, prices in item.halves),
        )
        custom.append(format_html(
            '<p><label for="half-{pk}">{label}</label> <select id="half-{pk}" name="half"><option value="">{whole}</option>{options}</select></p>',
            pk=product.pk, label=texts["half"], whole=texts["whole"], options=options,
        ))
    if custom:
        parts.append(format_html(
            '<details class="options"><summary>{}</summary>{}</details>', texts["customise"], mark_safe("".join(custom))
        ))
    parts.append(format_html(
        '<p class="live-price">{} <span class="price-value" aria-live="polite">{}</span></p>', texts["your_price"],
        _money(chosen.price) if chosen else "",
    ))
    return mark_safe("".join(parts))


def render_product_cards(request, items, *, pizzeria, can_order, placeholder, max_quantity, csrf_token=None):
    texts = {
        "instead_of": _("au lieu de"),
        "sold_out": _("Épuisée"),
        "add": _("Ajouter"),
        "size": _("Taille"),
        "extras": _("Suppléments"),
        "removals": _("Retirer un ingrédient"),
        "half": _("Moitié-moitié avec"),
        "whole": _("— pizza entière —"),
        "customise": _("Personnaliser"),
        "your_price": _("Votre pizza :"),
        "allergens": _("Allergènes :"),
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
        if item.allergens:
            ingredients += format_html('<p class="allergens"><small>{} {}</small></p>', texts["allergens"], item.allergens)
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
                '<input type="hidden" name="next" value="{here}#produit-{slug}">{options}'
                '<label for="qty-{pk}" class="visually-hidden">{qty_label}</label>'
                '<input type="number" id="qty-{pk}" name="quantity" value="1" min="1" max="{max}" class="qty">'
                '<button type="submit">{add}<span class="visually-hidden"> {name}</span></button></form>',
                action=action, csrf=csrf, shop=pizzeria.slug, pk=product.pk, here=here, slug=product.slug,
                qty_label=_("Quantité de %(name)s") % {"name": product.name}, max=max_quantity,
                add=texts["add"], name=product.name, options=_options(item, product, texts),
            )
        cards.append(
            format_html(
                '<li class="card product{sold}" id="produit-{slug}" data-product="{slug}">{image}'
                '<div class="body"><h2>{name}</h2>{ingredients}<p class="price">{price}</p>{action}</div></li>',
                sold="" if item.is_available or not can_order else " sold-out", slug=product.slug, image=image, name=product.name,
                ingredients=ingredients, action=action_html,
                price=_price(product, texts["instead_of"]) if not item.sizes else format_html(
                    "<strong>{} {}</strong>", _("à partir de"), _money(min(s.price for s in item.sizes))
                ),
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
