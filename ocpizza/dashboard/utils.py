"""Permission callbacks of the unfold sidebar (named by dotted path in settings.UNFOLD)."""
from account.roles import is_head_office as _is_head_office
from order.selectors import DRIVER_ROLES, KITCHEN_ROLES, queue_pizzerias


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


def can_use_kitchen(request):
    return queue_pizzerias(request.user, KITCHEN_ROLES).exists()


def can_use_driver_queue(request):
    return queue_pizzerias(request.user, DRIVER_ROLES).exists()
