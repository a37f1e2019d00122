"""Who may do what: head office, and the roles a staff member holds in each pizzeria.

One table (ROLE_PERMISSIONS) says which model permissions each role grants. The groups
that carry them are created by `manage.py setup_roles` (run by release-tasks.sh and
populate); account.backends.RoleBackend grants a user the permissions of the roles they
hold. Which *rows* a user may touch is decided by pizzerias_of() / has_role(); what they may do
on one object by has_shop_perm(): the roles held in THAT object's pizzeria, never the union of
every shop's roles.

The memberships (pizzeria.StaffMembership) are read through the user's reverse relation
`user.memberships`, never by importing pizzeria: accounts sit below the pizzerias in the layers
(docs/architecture.md), the membership's foreign key points from pizzeria to the user.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from account.models import User


class Role(models.TextChoices):
    """The staff roles held in a pizzeria (pizzeria.StaffMembership.Role is this enum): defined
    here, below the pizzerias in the layers, so that the role table and the memberships share it."""

    MANAGER = "manager", _("Gérant")
    PIZZAIOLO = "pizzaiolo", _("Pizzaiolo")
    DRIVER = "driver", _("Livreur")


HEAD_OFFICE_GROUP = "Siège"

# role value (pizzeria.StaffMembership.Role) -> group name
ROLE_GROUPS = {
    Role.MANAGER: "Gérant",
    Role.PIZZAIOLO: "Pizzaiolo",
    Role.DRIVER: "Livreur",
}

_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS = {
    Role.MANAGER: {
        "account.user": _VIEW,
        "pizzeria.pizzeria": ("view", "change"),
        "pizzeria.openinghours": _ALL,
        "pizzeria.specialday": _ALL,
        "pizzeria.staffmembership": _ALL,
        "pizzeria.stock": _EDIT,
        "pizzeria.stockmovement": ("view", "add"),
        "product.unit": _VIEW,
        "product.ingredient": _VIEW,
        "product.product": _VIEW,
        "product.recipeline": _VIEW,
        "product.size": _VIEW,
        "product.productsize": _VIEW,
        "product.extra": _VIEW,
        "product.extraprice": _VIEW,
        "product.reminder": _ALL,
        "order.order": _EDIT,
        "order.orderline": _EDIT,
        "order.payment": _VIEW,
        "books.vatrate": _VIEW,
    },
    Role.PIZZAIOLO: {
        "pizzeria.pizzeria": _VIEW,
        "pizzeria.stock": ("view", "change"),
        "pizzeria.stockmovement": ("view", "add"),
        "product.unit": _VIEW,
        "product.ingredient": _VIEW,
        "product.product": _VIEW,
        "product.recipeline": _VIEW,
        "product.size": _VIEW,
        "product.productsize": _VIEW,
        "product.extra": _VIEW,
        "product.extraprice": _VIEW,
        "product.reminder": _ALL,
        "order.order": _EDIT,
        "order.orderline": _EDIT,
    },
    Role.DRIVER: {
        "pizzeria.pizzeria": _VIEW,
        "order.order": ("view", "change"),
        "order.orderline": _VIEW,
    },
}

# Head office runs everything of the business apps.
HEAD_OFFICE_APPS = ("account", "pizzeria", "product", "books", "order", "jobs")

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
        user._ocpizza_memberships = frozenset(user.memberships.values_list("pizzeria_id", "role"))
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


def role_permissions(role):
    """The model permissions ("app.action_model") ROLE_PERMISSIONS gives `role`."""
    perms = set()
    for model, actions in ROLE_PERMISSIONS.get(role, {}).items():
        app_label, model_name = model.split(".")
        perms.update(f"{app_label}.{action}_{model_name}" for action in actions)
    return perms


def pizzerias_with_perm(user, *perms):
    """Ids of the pizzerias where a role the user holds grants one of `perms`.

    Permissions are per shop: a pizzaiolo in Bastille who manages Levallois has a manager's
    rights in Levallois only. Head office is not limited: callers check is_head_office() first.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {pid for pid, role in _memberships(user) if role_permissions(role) & set(perms)}


def has_shop_perm(user, perm, pizzeria):
    """True when `user` may use `perm` ("app.action_model") on an object of `pizzeria`.

    Decided by the roles held in THAT pizzeria only (never the union of every shop's roles);
    head office by its global permissions. The global permission is required too, so that a
    role table edited without `setup_roles` can only take rights away.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_perm(perm):
        return False
    if is_head_office(user):
        return True
    pizzeria_id = getattr(pizzeria, "pk", pizzeria)
    return pizzeria_id is not None and pizzeria_id in pizzerias_with_perm(user, perm)


def has_role(user, pizzeria, *roles):
    """True when the user may act in `pizzeria` with one of `roles`; head office always may."""
    if is_head_office(user):
        return True
    pizzeria_id = getattr(pizzeria, "pk", pizzeria)
    return pizzeria_id in pizzerias_of(user, *roles)


def may_touch_user(actor, user):
    """Nobody but a superuser changes a superuser (account, password, roles)."""
    return not user.is_superuser or (actor.is_active and actor.is_superuser)


def manageable_staff(actor):
    """The accounts `actor` may give a role in a pizzeria (or whose roles they may change).

    Staff accounts only (a customer never gets a role); a superuser only by a superuser; a
    head-office account only by head office. A manager chooses among the staff of the shops
    they manage and the staff accounts not yet placed in any shop (new hires created by head
    office), never the staff of other shops alone.
    """
    users = User.objects.filter(is_staff=True)
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return users.none()
    if actor.is_superuser:
        return users
    users = users.filter(is_superuser=False)
    if is_head_office(actor):
        return users
    shops = pizzerias_with_perm(actor, "pizzeria.add_staffmembership", "pizzeria.change_staffmembership")
    if not shops:
        return users.none()
    placed = User.objects.filter(memberships__isnull=False).values("pk")
    return users.exclude(groups__name=HEAD_OFFICE_GROUP).filter(
        Q(pk__in=User.objects.filter(memberships__pizzeria__in=shops).values("pk")) | ~Q(pk__in=placed)
    )


def may_manage_staff(actor, user):
    """True when `user` is one of manageable_staff(actor) (checked on submit, not only in lists)."""
    return user is not None and manageable_staff(actor).filter(pk=user.pk).exists()
