"""Permission callbacks of the unfold sidebar (named by dotted path in settings.UNFOLD)."""
from account.roles import is_head_office as _is_head_office


def is_head_office(request):
    return _is_head_office(request.user)


def can_view_orders(request):
    return request.user.has_perm("order.view_order")


def can_view_pizzerias(request):
    return request.user.has_perm("pizzeria.view_pizzeria")


def can_view_stock(request):
    return request.user.has_perm("pizzeria.view_stock")


def can_view_memberships(request):
    return request.user.has_perm("pizzeria.view_staffmembership")


def can_view_products(request):
    return request.user.has_perm("product.view_product")
