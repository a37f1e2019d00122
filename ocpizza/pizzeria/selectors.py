"""Reads on pizzerias and their stock."""
from account.roles import is_head_office, pizzerias_of
from pizzeria.models import Pizzeria


def scope_to_user(queryset, user, path="pizzeria", roles=()):
    """Rows of `queryset` that `user` may see: all for head office, else those of their shops.

    `path` leads from the queryset's model to its Pizzeria ("" for Pizzeria itself).
    """
    if is_head_office(user):
        return queryset
    lookup = f"{path}__in" if path else "pk__in"
    return queryset.filter(**{lookup: pizzerias_of(user, *roles)})


def pizzerias_for(user, roles=()):
    return scope_to_user(Pizzeria.objects.all(), user, "", roles)
