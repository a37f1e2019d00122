"""Where the main pages are, found by URL name so the benchmarks follow the code.

Each page lists candidate URL names (the first that reverses wins); a page whose feature has
not landed yet is reported as "absent" instead of failing the whole run.
"""
from django.urls import NoReverseMatch, reverse


def first_reverse(names, **kwargs):
    for name in names:
        for attempt in ({"kwargs": kwargs} if kwargs else {}, {}):
            try:
                return reverse(name, **attempt)
            except NoReverseMatch:
                continue
    return None


def catalogue_url(pizzeria):
    return first_reverse(
        ["home:catalogue", "home:pizzeria", "home:menu", "home:shop"], slug=pizzeria.slug
    ) or first_reverse(["home:catalogue", "home:pizzeria", "home:menu", "home:shop"], pk=pizzeria.pk)


def cart_url():
    return first_reverse(["home:cart", "home:cart_detail", "home:panier"])


def cart_add_url(product=None, pizzeria=None):
    names = ["home:cart_add", "home:add_to_cart", "home:cart-add"]
    if product is not None:
        url = first_reverse(names, product_id=product.pk) or first_reverse(names, pk=product.pk)
        if url:
            return url
        if pizzeria is not None:
            url = first_reverse(names, slug=pizzeria.slug, product_id=product.pk)
            if url:
                return url
    return first_reverse(names)


def checkout_url():
    return first_reverse(["order:checkout", "home:checkout", "checkout:checkout", "payments:checkout"])


def my_orders_url():
    return first_reverse(["order:my_orders", "home:my_orders", "order:history", "home:orders", "account:orders"])


def kitchen_queue_url(partial=False):
    return first_reverse(["admin:order_kitchen_partial" if partial else "admin:order_kitchen"])


def driver_queue_url(partial=False):
    return first_reverse(["admin:order_drivers_partial" if partial else "admin:order_drivers"])


def admin_orders_url():
    return reverse("admin:order_order_changelist")


def dashboard_url():
    return reverse("admin:index")


def login_url():
    return reverse("account:login")
