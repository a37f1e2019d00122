"""Who may do what: head office, and the roles a staff member holds in each pizzeria.

One table (ROLE_PERMISSIONS) says which model permissions each role grants. The groups
that carry them are created by `manage.py setup_roles` (run by release-tasks.sh and
populate); account.backends.RoleBackend grants a user the permissions of the roles they
hold. Which *rows* a user may touch is decided by pizzerias_of() / has_role().
"""
from django.utils.translation import gettext_lazy as _

HEAD_OFFICE_GROUP = "Siège"

# role value (pizzeria.StaffMembership.Role) -> group name
ROLE_GROUPS = {
    "manager": "Gérant",
    "pizzaiolo": "Pizzaiolo",
    "driver": "Livreur",
}

_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS = {
    "manager": {
        "account.user": _VIEW,
        "pizzeria.pizzeria": ("view", "change"),
        "pizzeria.staffmembership": _ALL,
        "pizzeria.stock": _EDIT,
        "pizzeria.stockmovement": ("view", "add"),
        "product.unit": _VIEW,
        "product.ingredient": _VIEW,
        "product.product": _VIEW,
        "product.recipeline": _VIEW,
        "product.reminder": _ALL,
        "order.order": _EDIT,
        "order.orderline": _EDIT,
        "order.payment": _VIEW,
    },
    "pizzaiolo": {
        "pizzeria.pizzeria": _VIEW,
        "pizzeria.stock": ("view", "change"),
        "pizzeria.stockmovement": ("view", "add"),
        "product.unit": _VIEW,
        "product.ingredient": _VIEW,
        "product.product": _VIEW,
        "product.recipeline": _VIEW,
        "product.reminder": _ALL,
        "order.order": _EDIT,
        "order.orderline": _EDIT,
    },
    "driver": {
        "pizzeria.pizzeria": _VIEW,
        "order.order": ("view", "change"),
        "order.orderline": _VIEW,
    },
}

# Head office runs everything of the business apps.
HEAD_OFFICE_APPS = ("account", "pizzeria", "product", "order")

ROLE_LABELS = {"head_office": _("Siège"), "manager": _("Gérant"), "pizzaiolo": _("Pizzaiolo"), "driver": _("Livreur")}


def is_head_office(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_ocpizza_head_office"):
        user._ocpizza_head_office = user.groups.filter(name=HEAD_OFFICE_GROUP).exists()
    return user._ocpizza_head_office


def _memberships(user):
    if not hasattr(user, "_ocpizza_memberships"):
        from pizzeria.models import StaffMembership

        user._ocpizza_memberships = frozenset(
            StaffMembership.objects.filter(user=user).values_list("pizzeria_id", "role")
        )
    return user._ocpizza_memberships


def roles_of(user):
    """Every role value the user holds in any pizzeria."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {role for _pizzeria_id, role in _memberships(user)}


def pizzerias_of(user, *roles):
    """Ids of the pizzerias where the user holds one of `roles` (any role when none given).

    Head office is not limited: callers check is_head_office() first.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {pid for pid, role in _memberships(user) if not roles or role in roles}


def has_role(user, pizzeria, *roles):
    """True when the user may act in `pizzeria` with one of `roles`; head office always may."""
    if is_head_office(user):
        return True
    pizzeria_id = getattr(pizzeria, "pk", pizzeria)
    return pizzeria_id in pizzerias_of(user, *roles)
